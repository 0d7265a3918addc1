using Kgssl.Config;
using Kgssl.Hydrology;
using TorchSharp;
using TorchSharp.Modules;
using static Kgssl.Model.Held;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// The forward model F itself as the decoder (physics-guided KGSSL; differentiable parameter learning after
/// Tsai et al. 2021, Nat. Commun. 12, 5988): z -> the 11 HBV-light parameters (sigmoid into the documented
/// ranges of <see cref="HbvParameters.Ranges"/>, log-uniform ones in log space) -> the equations of
/// <see cref="HbvModel"/>, step by step in torch so that L1 trains the encoder through the physics.
/// Drivers arrive z-scored and are taken back to mm/day and degC with the run's normalizer; the simulated
/// streamflow leaves in the same transformed, z-scored units as the response channel. Before the scored pass the
/// window is run once without gradients from default storages (a one-window spin-up), as the generator spins up.
/// </summary>
public sealed class HbvDecoder : nn.Module<Tensor, Tensor, Tensor>, IDecoder, IEmulator
{
    /// <summary>How the decoder reads physical units out of the normalized channels.</summary>
    public sealed record Scaling(int Precipitation, int Temperature, int Pet,
        double[] DriverMean, double[] DriverStd, double ResponseMean, double ResponseStd, bool LogResponse);

    // the hot loop passes libtorch only held Scalars (Held's Zero, One, MinusOne, these), with explicit alphas (Plus,
    // Minus)
    static readonly Scalar Half = Of(0.5), TenMm = Of(10.0),
        Cfr = HbvModel.Cfr.ToScalar(), Cwh = HbvModel.Cwh.ToScalar(),
        SmallRatio = 1e-6.ToScalar(), // keeps d(ratio^BETA)/dBETA finite when the soil is dry
        LogOffset = Data.Normalizer.LogOffset.ToScalar(), SubSteps = ((double)RoutingSubSteps).ToScalar();
    const int RoutingSubSteps = 200;
    readonly Scalar[] lowS, spanS;
    readonly Scalar pMean, pStd, tMean, tStd, petMean, petStd, qMean, qStd;

    readonly Linear toParameters;
    readonly Scaling scaling;
    readonly bool[] log;
    readonly int maxDays;

    /// <summary>The scaling for a data set whose drivers include precipitation, temperature and PET (by their Caravan
    /// names).</summary>
    public static Scaling ScalingFor(Data.Normalizer norm, IReadOnlyList<string> driverNames)
    {
        var d = HbvColumns.DriverIndices(driverNames,
            name => new ConfigException(
                $"model.decoder: hbv needs the driver '{name}' in data.drivers (has: " +
                $"{string.Join(", ", driverNames)})"));
        return new Scaling(d[0], d[1], d[2], norm.DriverMean, norm.DriverStd, norm.ResponseMean, norm.ResponseStd,
            norm.LogResponse);
    }

    public HbvDecoder(long embedding, Scaling scaling) : base(nameof(HbvDecoder))
    {
        this.scaling = scaling;
        var r = HbvParameters.Ranges;
        log = r.Select(x => x.Log).ToArray();
        // the torch twin of LatinHypercube.Scale: low + u span, exponentiated for log-uniform ranges
        var low = r.Select(x => x.Log ? Math.Log(x.Min) : x.Min).ToArray();
        var span = r.Select(x => x.Log ? Math.Log(x.Max) - Math.Log(x.Min) : x.Max - x.Min).ToArray();
        maxDays = (int)Math.Ceiling(r.Single(x => x.Name == "MAXBAS").Max);
        lowS = low.Select(v => v.ToScalar()).ToArray();
        spanS = span.Select(v => v.ToScalar()).ToArray();
        (pMean, pStd) = (scaling.DriverMean[scaling.Precipitation].ToScalar(),
            scaling.DriverStd[scaling.Precipitation].ToScalar());
        (tMean, tStd) = (scaling.DriverMean[scaling.Temperature].ToScalar(),
            scaling.DriverStd[scaling.Temperature].ToScalar());
        (petMean, petStd) = (scaling.DriverMean[scaling.Pet].ToScalar(), scaling.DriverStd[scaling.Pet].ToScalar());
        (qMean, qStd) = (scaling.ResponseMean.ToScalar(), scaling.ResponseStd.ToScalar());
        toParameters = nn.Linear(embedding, r.Count);
        RegisterComponents();
    }

    /// <summary>z [B, E] -> parameters in physical units [B, 11], in the order of
    /// <see cref="HbvParameters.Ranges"/>.</summary>
    public Tensor Parameters(Tensor z)
    {
        using var scope = NewDisposeScope();
        var u = toParameters.forward(z).sigmoid();
        var cols = new Tensor[lowS.Length];
        for (int k = 0; k < lowS.Length; k++)
        {
            var v = u[.., k].mul(spanS[k]).add(lowS[k], One);
            cols[k] = log[k] ? v.exp() : v;
        }
        return stack(cols, 1).MoveToOuterDisposeScope();
    }

    // drivers [B, T, D] (z-scored), z [B, E] -> response [B, T] (z-scored transformed units)
    public override Tensor forward(Tensor drivers, Tensor z)
    {
        using var scope = NewDisposeScope();
        var s = scaling;
        var p = drivers[.., .., s.Precipitation].mul(pStd).add(pMean, One).clamp_min(Zero);
        var temp = drivers[.., .., s.Temperature].mul(tStd).add(tMean, One);
        var pet = drivers[.., .., s.Pet].mul(petStd).add(petMean, One).clamp_min(Zero);
        var q = Simulate(Parameters(z), p, temp, pet, spinUp: true);
        var y = s.LogResponse ? q.clamp_min(Zero).add(LogOffset, One).log10() : q;
        return y.add(qMean, MinusOne).div(qStd).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Streamflow in mm/day [B, T] from parameters [B, 11] and physical drivers [B, T]. From the generator's default
    /// storages, or (spinUp) from the storages at the end of one gradient-free pass over the same days.
    /// </summary>
    public Tensor Simulate(Tensor theta, Tensor p, Tensor temp, Tensor pet, bool spinUp)
    {
        using var scope = NewDisposeScope();
        var start = Initial(theta.detach());
        if (spinUp)
            using (no_grad()) start = Run(theta.detach(), p, temp, pet, start, null).End.Detach();
        var generated = Run(theta, p, temp, pet, start, new Tensor[p.shape[1]]).Generated!;
        return Route(generated, theta[.., 10]).MoveToOuterDisposeScope();
    }

    public (Tensor Prediction, Tensor Target, Tensor Mask) Reconstruct(Tensor window, Tensor z, int driverCount) =>
        IEmulator.ReconstructResponse(this, window, z, driverCount);

    sealed record State(Tensor Snow, Tensor Liquid, Tensor Soil, Tensor Upper, Tensor Lower)
    {
        public State Detach() => new(Snow.detach(), Liquid.detach(), Soil.detach(), Upper.detach(), Lower.detach());
    }

    /// <summary>The generator's default storages (<see cref="HbvStates.Default"/>): half-full soil, 10 mm in the lower
    /// box.</summary>
    static State Initial(Tensor theta)
    {
        var zero = zeros_like(theta[.., 0]);
        return new State(zero, zero, theta[.., 2].mul(Half), zero, zero.add(TenMm, One));
    }

    /// <summary>HBV-light's daily equations (as <see cref="HbvModel"/>) on [B] tensors; generated runoff before
    /// routing.</summary>
    static (State End, Tensor[]? Generated) Run(Tensor theta, Tensor p, Tensor temp, Tensor pet, State s,
        Tensor[]? generated)
    {
        Tensor tt = theta[.., 0], cfmax = theta[.., 1], fc = theta[.., 2], lp = theta[.., 3], beta = theta[.., 4],
            perc = theta[.., 5], uzl = theta[.., 6], k0 = theta[.., 7], k1 = theta[.., 8], k2 = theta[.., 9];
        var lpfc = lp * fc;
        Tensor snow = s.Snow, liquid = s.Liquid, sm = s.Soil, suz = s.Upper, slz = s.Lower;
        long days = p.shape[1];
        for (long t = 0; t < days; t++)
        {
            var prec = p[.., t];
            var above = Minus(temp[.., t], tt);
            var warm = above.gt(Zero).to_type(prec.dtype);
            // snow: degree-day melt above TT, refreezing below, liquid water held up to CWH of the pack
            snow = Plus(snow, prec * warm.neg().add(One, One));
            var melt = minimum(snow, cfmax * above.clamp_min(Zero));
            snow = Minus(snow, melt);
            liquid = Plus(liquid, melt);
            var refreeze = minimum(liquid, (cfmax * above.neg().clamp_min(Zero)).mul(Cfr));
            liquid = Plus(Minus(liquid, refreeze), prec * warm);
            snow = Plus(snow, refreeze);
            var release = (Minus(liquid, snow.mul(Cwh))).clamp_min(Zero);
            liquid = Minus(liquid, release);
            // soil: recharge = input (SM/FC)^BETA, overflow above FC, AET = PET min(1, SM/(LP FC))
            var recharge = release * (sm / fc).clamp(SmallRatio, One).pow(beta);
            sm = Minus(Plus(sm, release), recharge);
            var overflow = (Minus(sm, fc)).clamp_min(Zero);
            recharge = Plus(recharge, overflow);
            sm = Minus(sm, overflow);
            var aet = minimum(sm, pet[.., t] * (sm / lpfc).clamp_max(One));
            sm = Minus(sm, aet);
            // response: percolation, quick flow above UZL, upper and lower box
            suz = Plus(suz, recharge);
            var pc = minimum(suz, perc);
            suz = Minus(suz, pc);
            slz = Plus(slz, pc);
            var q0 = k0 * (Minus(suz, uzl)).clamp_min(Zero);
            suz = Minus(suz, q0);
            var q1 = k1 * suz;
            suz = Minus(suz, q1);
            var q2 = k2 * slz;
            slz = Minus(slz, q2);
            if (generated is not null) generated[t] = Plus(Plus(q0, q1), q2);
        }
        return (new State(snow, liquid, sm, suz, slz), generated is null ? null : generated);
    }

    /// <summary>a - b with the held alpha -1 (as the decoder always computed it; Plus is Held's).</summary>
    static Tensor Minus(Tensor a, Tensor b) => a.add(b, MinusOne);

    /// <summary>Triangular routing with base MAXBAS (as <see cref="HbvModel.TriangularWeights"/>): generated [T] of [B]
    /// -> [B, T].</summary>
    Tensor Route(Tensor[] generated, Tensor maxbas)
    {
        var g = stack(generated, 1);                                              // [B, T]
        // [K*S] day fractions
        var x = arange(maxDays * RoutingSubSteps, dtype: g.dtype, device: g.device).add(Half, One).div(SubSteps);
        var half = maxbas.mul(Half).unsqueeze(1);                                  // [B, 1]
        // triangle of base MAXBAS
        var h = (Minus(x.unsqueeze(0), half).abs() / half).neg().add(One, One).clamp_min(Zero);
        var w = h.reshape(g.shape[0], maxDays, RoutingSubSteps).sum(2);            // [B, K]
        w = w / w.sum(1, keepdim: true);
        int days = (int)g.shape[1];
        var padded = nn.functional.pad(g, [maxDays - 1, 0]);                      // [B, K-1+T]
        Tensor q = zeros_like(g);
        for (int k = 0; k < maxDays; k++)
            q = Plus(q, w[.., k..(k + 1)] * padded[.., (maxDays - 1 - k)..(maxDays - 1 - k + days)]);
        return q;
    }
}
