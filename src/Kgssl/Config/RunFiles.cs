namespace Kgssl.Config;

/// <summary>
/// The name of every file a run folder holds, defined once for the commands that write them and the report that
/// reads them back; docs/outputs.md gives each file's columns and units. Every CSV table also gets a Parquet twin of
/// the same stem.
/// </summary>
public static class RunFiles
{
    /// <summary>The resolved config the run was made with.</summary>
    public const string Config = "config.yml";
    /// <summary>Provenance: command, start and end, machine, git commit, data fingerprint, status.</summary>
    public const string RunInfo = "run.json";
    /// <summary>The basins of each set (train, validation, held-out).</summary>
    public const string Split = "split.json";
    /// <summary>Means and spreads of the inputs and characteristics, from the training basins only.</summary>
    public const string Normalizer = "normalizer.json";
    /// <summary>One row per epoch: the loss and its terms, validation, speed.</summary>
    public const string Epochs = "epochs.csv";
    /// <summary>Recovery of each characteristic per basin set: n, r, rho, rmse, rmse_z.</summary>
    public const string Characteristics = "characteristics.csv";
    /// <summary>Each basin's estimated and true characteristics.</summary>
    public const string Predictions = "predictions.csv";
    /// <summary>Each basin's embedding (mean and spread over its windows).</summary>
    public const string Embeddings = "embeddings.csv";
    /// <summary>Pairs of basins: distance in the embedding and in the z-scored characteristics.</summary>
    public const string Distances = "distances.csv";
    /// <summary>Agreement of the two distances: Mantel r and p, per-basin row r.</summary>
    public const string DistancesSummary = "distances_summary.json";
    /// <summary>The decoder (and F with the head's parameters) as an emulator: NSE, KGE per basin.</summary>
    public const string Emulator = "emulator.csv";
    /// <summary>Observed and emulated flows of the best, median and worst basins.</summary>
    public const string Hydrographs = "hydrographs.csv";
    /// <summary>The exact model calibrated per basin from scratch (the identifiability reference).</summary>
    public const string Calibration = "calibration.csv";
    /// <summary>The calibration beside the learned inverse on the same basins.</summary>
    public const string Identifiability = "identifiability.csv";
    /// <summary>The learned inverse refined with F: learned, refined and true parameters per basin.</summary>
    public const string Refined = "refined.csv";
    /// <summary>The forward experiment: NSE and KGE per setting and basin.</summary>
    public const string ForwardBasins = "forward_basins.csv";
    /// <summary>The forward experiment per setting: median and mean NSE, KGE, wall time.</summary>
    public const string ForwardSummary = "forward_summary.csv";
    /// <summary>The forward experiment's learning curve: median NSE against training minutes.</summary>
    public const string ForwardCurve = "forward_curve.csv";
    /// <summary>kgssl invert: the options the run was made with.</summary>
    public const string InvertOptions = "invert.json";
    /// <summary>kgssl embed: the stem of the knowledge-guided estimate's files (<c>&lt;stem&gt;_knowledge.csv</c>
    /// and its Parquet twin) beside those of the embeddings.</summary>
    public static string KnowledgeStem(string stem) => stem + "_knowledge";
    /// <summary>The forward experiment on basins it never trained on: NSE and KGE per fold, setting and held-out
    /// basin.</summary>
    public const string ForwardUngaugedFolds = "forward_ungauged_folds.csv";
    /// <summary>The ungauged forward experiment: wall seconds per fold and setting (a pair listed here is done).
    /// </summary>
    public const string ForwardUngaugedWalls = "forward_ungauged_walls.csv";
    /// <summary>Every baseline's estimate per basin.</summary>
    public const string BaselinePredictions = "baseline_predictions.csv";
    /// <summary>The unseen-basin protocol: every method's pooled summary, per fold, and per characteristic.</summary>
    public const string CrossvalSummary = "crossval_summary.csv";
    public const string CrossvalFolds = "crossval_folds.csv";
    public const string CrossvalTable = "crossval_table.csv";
    /// <summary>An HBV inversion of real basins: each basin's parameters and spreads per method.</summary>
    public const string Parameters = "parameters.csv";
    /// <summary>An HBV inversion or simulation: each basin's storages at the end of the calibration years (or of the
    /// simulated period) per method.</summary>
    public const string Storages = "storages.csv";
    /// <summary>An HBV inversion: test-period NSE, KGE, log NSE, fit and HBV runs per basin and method.</summary>
    public const string InversionBasins = "inversion_basins.csv";
    /// <summary>An HBV inversion per method: medians, HBV runs per basin, wall time.</summary>
    public const string InversionSummary = "inversion_summary.csv";
    /// <summary>An HBV inversion per parameter: agreement of the methods, identified by the data or not.</summary>
    public const string InversionAgreement = "inversion_agreement.csv";
    /// <summary>An HBV inversion: each method's test NSE against calibration from scratch, paired and by medians.
    /// </summary>
    public const string InversionComparison = "inversion_comparison.csv";
    /// <summary>An HBV inversion with a regional prior: its spread and fit per parameter.</summary>
    public const string RegionalPrior = "regional_prior.csv";
    /// <summary>An HBV inversion of basins whose true parameters are known (a synthetic root): each method's
    /// parameters against the truth, and how often the truth lies within its sd.</summary>
    public const string InversionTruth = "inversion_truth.csv";
    /// <summary>An HBV inversion: each basin's flow bands per method (log-error quantiles by class of simulated flow).
    /// </summary>
    public const string FlowBands = "flow_bands.csv";
    /// <summary>An HBV inversion: the basins left out and why.</summary>
    public const string InversionDropped = "inversion_dropped.csv";
    /// <summary>An HBV inversion or simulation: one CSV per basin of observed and simulated streamflow.</summary>
    public const string FlowsFolder = "flows";
    /// <summary>A simulation with given HBV parameters: scores (where observed) and end storages per basin.
    /// </summary>
    public const string SimulationBasins = "simulation_basins.csv";
    /// <summary>A simulation with given HBV parameters: the basins left out and why.</summary>
    public const string SimulationDropped = "simulation_dropped.csv";
    /// <summary>The options of a simulation with given HBV parameters.</summary>
    public const string SimulateOptions = "simulate.json";
    /// <summary>How a synthetic ensemble was made (in its data folder, beside the series).</summary>
    public const string EnsembleManifest = "ensemble.json";
    /// <summary>The self-contained HTML report.</summary>
    public const string Report = "report.html";

    /// <summary>Recovery by another estimate than the pure inverse (knowledge, imputed, head, decoder,
    /// calibration, refined, or a baseline), with the columns of <see cref="Characteristics"/>.</summary>
    public static string CharacteristicsOf(string estimate) => $"characteristics_{estimate}.csv";
}
