using System.Globalization;
using System.Text;
using Kgssl.Data;

namespace Kgssl.Evaluation;

/// <summary>One row of characteristics.csv.</summary>
public sealed record RecoveryRow(string Characteristic, string BasinSet, string Period, int N, double PearsonR,
    double SpearmanRho, double Rmse, double RmseZ);

/// <summary>How well predicted characteristics match the known ones, per characteristic and basin set.</summary>
public static class CharacteristicRecovery
{
    public const string Header = "characteristic,basin_set,period,n,pearson_r,spearman_rho,rmse,rmse_z";

    /// <summary>predicted/truth: [basin][k] in original units; std: the training-basin std of each
    /// characteristic.</summary>
    public static List<RecoveryRow> Score(IReadOnlyList<string> names, string basinSet, string period,
        IReadOnlyList<double[]> predicted, IReadOnlyList<double[]> truth, IReadOnlyList<double> std)
    {
        var rows = new List<RecoveryRow>();
        for (int k = 0; k < names.Count; k++)
        {
            var p = predicted.Select(r => r[k]).ToArray();
            var t = truth.Select(r => r[k]).ToArray();
            double rmse = Metrics.Rmse(p, t);
            rows.Add(new RecoveryRow(names[k], basinSet, period, Metrics.ValidPairs(p, t), Metrics.Pearson(p, t),
                Metrics.Spearman(p, t), rmse, rmse / std[k]));
        }
        return rows;
    }

    public static string ToCsv(IEnumerable<RecoveryRow> rows)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var r in rows)
            sb.Append(string.Join(',', r.Characteristic, r.BasinSet, r.Period,
                r.N.ToString(CultureInfo.InvariantCulture),
                F(r.PearsonR), F(r.SpearmanRho), F(r.Rmse), F(r.RmseZ))).Append('\n');
        return sb.ToString();
    }

    /// <summary>A characteristics.csv (or a baseline's) read back by column name.</summary>
    public static List<RecoveryRow> ReadCsv(string path)
    {
        var t = CsvTable.Read(path);
        return t.Rows.Select(f => new RecoveryRow(t.Text(f, "characteristic"), t.Text(f, "basin_set"),
            t.Text(f, "period"), (int)t.Number(f, "n"), t.Number(f, "pearson_r"), t.Number(f, "spearman_rho"),
            t.Number(f, "rmse"), t.Number(f, "rmse_z"))).ToList();
    }

    static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>Summary per basin set: count above 0.8 and 0.9, mean r, mean z-RMSE.</summary>
    public static (int Above08, int Above09, double MeanR, double MeanRmseZ,
        int Count) Summary(IEnumerable<RecoveryRow> rows)
    {
        var list = rows.ToList();
        var rs = list.Select(r => r.PearsonR).Where(double.IsFinite).ToList();
        var zs = list.Select(r => r.RmseZ).Where(double.IsFinite).ToList();
        return (rs.Count(r => r > 0.8), rs.Count(r => r > 0.9), rs.Count > 0 ? rs.Average() : double.NaN,
            zs.Count > 0 ? zs.Average() : double.NaN, list.Count);
    }
}
