namespace Kgssl.Hydrology;

/// <summary>Daily fluxes and storages of one HBV run (all mm or mm/day).</summary>
/// <param name="End">The storages after the last day.</param>
public sealed record HbvResult(double[] Runoff, double[] Evapotranspiration, double InitialStorage, HbvStorages End)
{
    public double FinalStorage => End.Total;
}

/// <summary>HBV's storages at the end of a day (mm): the snowpack, the liquid water it holds, soil moisture, the upper
/// and lower response boxes, and the water generated but still in the routing (on its way to the outlet).</summary>
public sealed record HbvStorages(double Snow, double Liquid, double Soil, double Upper, double Lower, double Routing)
{
    public double Total => Snow + Liquid + Soil + Upper + Lower + Routing;

    /// <summary>The routing's water by the day it reaches the outlet: [0] on the next day, [1] the day after, and
    /// so on (mm; sums to <see cref="Routing"/>). Empty where not known.</summary>
    public double[] Pending { get; init; } = [];

    /// <summary>These storages as the start of a run with <paramref name="p"/>'s parameters, which goes on exactly
    /// where the run that ended with them stopped.</summary>
    public HbvStates ToStates(HbvParameters p) =>
        new(Soil / p.FC, Upper, Lower, Snow) { Liquid = Liquid, Routing = Pending };
}

/// <summary>The storages a run starts with: soil moisture as a fraction of FC, the upper and lower boxes and the
/// snowpack (mm).</summary>
public sealed record HbvStates(double SoilFraction = 0.5, double UpperBox = 0,
    double LowerBox = HbvModel.DefaultLowerBox, double Snow = 0)
{
    /// <summary>What a run starts with unless told otherwise.</summary>
    public static readonly HbvStates Default = new();

    /// <summary>Liquid water held in the snowpack (mm).</summary>
    public double Liquid { get; init; }

    /// <summary>Water already generated and on its way to the outlet, by the day it arrives: [0] on the run's first
    /// day (mm). Empty: none.</summary>
    public double[] Routing { get; init; } = [];
}

/// <summary>
/// The forward model F: HBV-light (Seibert and Vis 2012, HESS 16, 3315-3325; equations after Bergström 1976
/// and Lindström et al. 1997, J. Hydrol. 201, 272-288) on a daily step, without the snowfall correction factor
/// so that water is conserved exactly: P = ET + Q + dS, S = snow + snow liquid + soil + upper + lower + routing.
/// Snow: degree-day melt CFMAX (T - TT), refreezing CFR CFMAX (TT - T), liquid holding CWH of the pack.
/// Soil: recharge = input (SM/FC)^BETA, AET = PET min(1, SM/(LP FC)).
/// Response: PERC to the lower box; Q0 = K0 max(SUZ - UZL, 0), Q1 = K1 SUZ, Q2 = K2 SLZ; triangular routing
/// with base MAXBAS days.
/// </summary>
public static class HbvModel
{
    public const double Cfr = 0.05;
    public const double Cwh = 0.1;

    /// <summary>The lower box's storage (mm) a run starts with unless told otherwise.</summary>
    public const double DefaultLowerBox = 10;

    public static HbvResult Run(HbvParameters p, ReadOnlySpan<double> precipitation, ReadOnlySpan<double> temperature,
        ReadOnlySpan<double> pet, double initialSoilFraction = 0.5, double initialLowerBox = DefaultLowerBox) =>
        Run(p, precipitation, temperature, pet, HbvStates.Default
            with { SoilFraction = initialSoilFraction, LowerBox = initialLowerBox });

    public static HbvResult Run(HbvParameters p, ReadOnlySpan<double> precipitation, ReadOnlySpan<double> temperature,
        ReadOnlySpan<double> pet, HbvStates initial)
    {
        int n = precipitation.Length;
        var runoff = new double[n];
        var et = new double[n];
        var (before, end) = Run(p, precipitation, temperature, pet, initial, runoff, et);
        return new HbvResult(runoff, et, before, end);
    }

    /// <summary>
    /// The run itself, into the caller's <paramref name="runoff"/> and <paramref name="et"/> (at least as long as the
    /// drivers): a calibration's thousands of runs allocate nothing per day. Returns the total storage before and
    /// the storages after.
    /// </summary>
    public static (double Initial, HbvStorages End) Run(HbvParameters p, ReadOnlySpan<double> precipitation,
        ReadOnlySpan<double> temperature, ReadOnlySpan<double> pet, HbvStates start, Span<double> runoff,
        Span<double> et)
    {
        int n = precipitation.Length;
        if (runoff.Length < n || et.Length < n) throw new ArgumentException(
            $"runoff and et need {n} days, got {runoff.Length} and {et.Length}");
        var weights = TriangularWeights(p.MAXBAS);
        // a ring: routing[head] is today's outflow; as long as the weights, or the water already under way
        var routing = new double[Math.Max(weights.Length, start.Routing.Length)];
        start.Routing.CopyTo(routing, 0);
        int head = 0, ring = routing.Length;
        double snow = start.Snow, liquid = start.Liquid, sm = start.SoilFraction * p.FC, suz = start.UpperBox,
            slz = start.LowerBox;
        double initial = snow + liquid + sm + suz + slz + start.Routing.Sum();

        for (int t = 0; t < n; t++)
        {
            double prec = precipitation[t], temp = temperature[t];
            double release = Snow(p, prec, temp, ref snow, ref liquid);

            // soil routine
            double ratio = Math.Min(1, sm / p.FC);
            // no water released (a dry or freezing day), no recharge: the power, the run's costliest step, is skipped
            double recharge = release > 0 ? release * Math.Pow(ratio, p.BETA) : 0;
            sm += release - recharge;
            if (sm > p.FC) { recharge += sm - p.FC; sm = p.FC; }
            double aet = Math.Min(sm, pet[t] * Math.Min(1, sm / (p.LP * p.FC)));
            sm -= aet;
            et[t] = aet;

            // response routine
            suz += recharge;
            double perc = Math.Min(suz, p.PERC);
            suz -= perc; slz += perc;
            double q0 = p.K0 * Math.Max(suz - p.UZL, 0);
            suz -= q0;
            double q1 = p.K1 * suz;
            suz -= q1;
            double q2 = p.K2 * slz;
            slz -= q2;
            double generated = q0 + q1 + q2;

            // triangular routing: today's runoff spreads over the next MAXBAS days
            for (int k = 0, j = head; k < weights.Length; k++, j = j + 1 == ring ? 0 : j + 1)
                routing[j] += generated * weights[k];
            runoff[t] = routing[head];
            routing[head] = 0;
            head = head + 1 == ring ? 0 : head + 1;
        }
        var pending = new double[ring];
        for (int k = 0; k < ring; k++) pending[k] = routing[(head + k) % ring];
        return (initial, new HbvStorages(snow, liquid, sm, suz, slz, pending.Sum()) { Pending = pending });
    }

    /// <summary>The snow routine of one day: rain and melt into the pack's liquid water, refreezing below TT;
    /// returns the water the pack releases (beyond what it holds, Cwh of the snow).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    static double Snow(HbvParameters p, double prec, double temp, ref double snow, ref double liquid)
    {
        double rain = temp > p.TT ? prec : 0;
        snow += temp > p.TT ? 0 : prec;
        if (temp > p.TT)
        {
            double melt = Math.Min(snow, p.CFMAX * (temp - p.TT));
            snow -= melt; liquid += melt;
        }
        else
        {
            double refreeze = Math.Min(liquid, Cfr * p.CFMAX * (p.TT - temp));
            liquid -= refreeze; snow += refreeze;
        }
        liquid += rain;
        double release = Math.Max(0, liquid - Cwh * snow);
        liquid -= release;
        return release;
    }

    /// <summary>Weights of a triangle of base <paramref name="maxbas"/> days integrated over each day; they sum to
    /// 1.</summary>
    public static double[] TriangularWeights(double maxbas)
    {
        int n = Math.Max(1, (int)Math.Ceiling(maxbas));
        var w = new double[n];
        double half = maxbas / 2;
        // area of the triangle (height 2/maxbas) between day boundaries, by fine integration
        const int sub = 200;
        for (int i = 0; i < n; i++)
            for (int s = 0; s < sub; s++)
            {
                double x = i + (s + 0.5) / sub;
                if (x > maxbas) continue;
                double h = x < half ? x / half : (maxbas - x) / half;
                w[i] += h;
            }
        double total = w.Sum();
        for (int i = 0; i < n; i++) w[i] /= total;
        return w;
    }
}
