using Kgssl.Evaluation;
using Kgssl.Hydrology;

namespace Kgssl.Experiments;

/// <summary>The regional prior of the refinement's second round (<see cref="HbvInversion.Options.RegionalWeight"/>).
/// </summary>
public static partial class HbvInversion
{
    /// <summary>Fewest basins a regional prior is fitted on: its ridges have a coefficient per parameter.</summary>
    public const int RegionalMinimumBasins = 30;

    /// <summary>
    /// An empirical-Bayes prior across the basins inverted together. The inverse errs more on real hydrographs than
    /// on its ensemble, and not at random: it is biased the same way in basins alike. Across the basins, a ridge per
    /// parameter maps the learned estimate (all parameters, unit cube) to the first round's refined one; its
    /// prediction for a basin is that basin's prior center, and the spread of its residuals across the basins the
    /// prior's sigma, so the penalty measures a basin's parameters against what the region's fits say a basin read
    /// that way has.
    /// </summary>
    /// <param name="Sigma">Per parameter, the root mean square of the ridge's residuals (unit cube), at least
    /// <see cref="MinimumSigma"/>.</param>
    /// <param name="R2">Per parameter, the share of the refined values' variance across the basins the ridge
    /// explains.</param>
    public sealed record RegionalPrior(Ridge?[] Models, double[] Sigma, double[] R2, double Weight)
    {
        /// <summary>The smallest sigma: a parameter every basin fits alike must still be free to move a little.
        /// </summary>
        public const double MinimumSigma = 0.01;

        /// <param name="learned">Per basin, the learned estimate in the unit cube.</param>
        /// <param name="refined">Per basin, the first round's refined parameters in the unit cube.</param>
        public static RegionalPrior Fit(IReadOnlyList<double[]> learned, IReadOnlyList<double[]> refined, double weight)
        {
            if (learned.Count < RegionalMinimumBasins) throw new ArgumentException(
                $"--regional-prior needs at least {RegionalMinimumBasins} basins to fit on, got {learned.Count}");
            var models = Ridge.FitEach(learned, refined);
            int dims = refined[0].Length;
            var sigma = new double[dims];
            var r2 = new double[dims];
            for (int k = 0; k < dims; k++)
            {
                double mean = refined.Average(r => r[k]), ss = 0, total = 0;
                for (int i = 0; i < refined.Count; i++)
                {
                    double e = refined[i][k] - models[k]!.Predict(learned[i]);
                    ss += e * e;
                    total += (refined[i][k] - mean) * (refined[i][k] - mean);
                }
                sigma[k] = Math.Max(MinimumSigma, Math.Sqrt(ss / refined.Count));
                r2[k] = total > 0 ? 1 - ss / total : 0;
            }
            return new RegionalPrior(models, sigma, r2, weight);
        }

        /// <summary>The prior of a basin whose learned estimate (unit cube) is <paramref name="learned"/>.</summary>
        public HbvCalibration.Prior For(double[] learned) => new(
            Ridge.PredictEach(Models, learned).Select(v => Math.Clamp(v, 0, 1)).ToArray(), Sigma, Weight);
    }
}
