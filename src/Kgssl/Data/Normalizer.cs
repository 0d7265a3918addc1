using System.Text.Json;

namespace Kgssl.Data;

/// <summary>
/// Per-channel z-scores fitted on the training basins and training period ONLY, saved in the run folder and
/// reloaded for evaluation and inference. The response may first be transformed by log10(q + 0.005)
/// (the KGSSL authors' choice). Characteristics are z-scored over the training basins.
/// </summary>
public sealed record Normalizer(
    double[] DriverMean, double[] DriverStd,
    double ResponseMean, double ResponseStd, bool LogResponse,
    double[] CharacteristicMean, double[] CharacteristicStd,
    double LinearResponseMean = 0, double LinearResponseStd = 1, double ResponseChangeStd = 1)
{
    public const double LogOffset = 0.005;

    public static Normalizer Fit(HydroDataset data, IEnumerable<string> trainBasins, DateOnly start, DateOnly end,
        bool logResponse)
    {
        int nd = data.DriverCount, nc = data.CharacteristicCount;
        var dSum = new double[nd]; var dSq = new double[nd]; long dN = 0;
        double rSum = 0, rSq = 0, qSum = 0, qSq = 0; long rN = 0;
        double chSq = 0; long chN = 0;   // day-to-day changes of the transformed response, both days observed
        var cSum = new double[nc]; var cSq = new double[nc]; var cN = new long[nc];
        foreach (var id in trainBasins)
        {
            var b = data.Basin(id);
            var (from, to) = b.PeriodRange(start, end);
            for (int t = from; t < to; t++)
            {
                for (int k = 0; k < nd; k++) { double v = b.Drivers[t * nd + k]; dSum[k] += v; dSq[k] += v * v; }
                dN++;
                float q = b.Response[t];
                if (!float.IsNaN(q)) { double v = TransformResponse(q, logResponse); rSum += v; rSq += v * v; rN++;
                    qSum += q; qSq += (double)q * q; }
                if (t > from && !float.IsNaN(q) && !float.IsNaN(b.Response[t - 1]))
                {
                    double c = TransformResponse(q, logResponse) - TransformResponse(b.Response[t - 1], logResponse);
                    chSq += c * c; chN++;
                }
            }
            for (int k = 0; k < nc; k++)
            {
                double v = b.Characteristics[k];
                if (!double.IsNaN(v)) { cSum[k] += v; cSq[k] += v * v; cN[k]++; }
            }
        }
        if (dN == 0) throw new InvalidOperationException(
            $"no training days in {start:yyyy-MM-dd}..{end:yyyy-MM-dd} for the training basins");
        static (double Mean, double Std) Stats(double s, double sq, long n)
        {
            if (n == 0) return (0, 1);
            double mean = s / n, var = Math.Max(0, sq / n - mean * mean);
            double std = Math.Sqrt(var);
            return (mean, std > 1e-8 ? std : 1);
        }
        var dm = new double[nd]; var ds = new double[nd];
        for (int k = 0; k < nd; k++) (dm[k], ds[k]) = Stats(dSum[k], dSq[k], dN);
        var cm = new double[nc]; var cs = new double[nc];
        for (int k = 0; k < nc; k++) (cm[k], cs[k]) = Stats(cSum[k], cSq[k], cN[k]);
        var (rm, rs) = Stats(rSum, rSq, rN);
        var (qm, qs) = Stats(qSum, qSq, rN);
        // the change channel keeps 0 for "no change": scaled by its root mean square, not centred
        double chRms = chN > 0 ? Math.Sqrt(chSq / chN) : 1;
        return new Normalizer(dm, ds, rm, rs, logResponse, cm, cs, qm, qs, chRms > 1e-8 ? chRms : 1);
    }

    public static double TransformResponse(double q, bool log) => log ? Math.Log10(Math.Max(q, 0) + LogOffset) : q;

    public float NormalizeResponse(float q) => (float)((TransformResponse(q, LogResponse)
        - ResponseMean) / ResponseStd);

    /// <summary>The response itself (no log), z-scored: the optional extra encoder channel
    /// (data.linear_response_input).</summary>
    public float NormalizeLinearResponse(float q) => (float)((q - LinearResponseMean) / LinearResponseStd);

    /// <summary>
    /// The change of the (log) response from the day before, over its root mean square on the training basins and
    /// years: the optional extra encoder channel (data.response_change_input); recession rates read off directly.
    /// </summary>
    public float NormalizeResponseChange(float previous, float q) =>
        (float)((TransformResponse(q, LogResponse) - TransformResponse(previous, LogResponse)) / ResponseChangeStd);

    /// <summary>Back from z-scored (and log) units to mm/day.</summary>
    public double DenormalizeResponse(double z)
    {
        double v = z * ResponseStd + ResponseMean;
        return LogResponse ? Math.Pow(10, v) - LogOffset : v;
    }

    public double NormalizeCharacteristic(int k, double v) => (v - CharacteristicMean[k]) / CharacteristicStd[k];

    public double DenormalizeCharacteristic(int k, double z) => z * CharacteristicStd[k] + CharacteristicMean[k];

    static readonly JsonSerializerOptions Json = JsonFiles.Options;

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static Normalizer Load(string path) =>
        JsonSerializer.Deserialize<Normalizer>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path}: empty normalizer");
}
