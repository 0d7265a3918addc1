namespace Kgssl.Config;

/// <summary>One run's whole configuration: the single source of truth, saved resolved in each run folder.</summary>
public sealed record KgsslConfig
{
    public DataConfig Data { get; init; } = new();
    public ModelConfig Model { get; init; } = new();
    public TrainingConfig Training { get; init; } = new();
    public EvaluationConfig Evaluation { get; init; } = new();
    public ForwardConfig Forward { get; init; } = new();
}

/// <summary>Where the data is and how it is cut into periods, windows and basin sets.</summary>
public sealed record DataConfig
{
    /// <summary>caravan | camels-us.</summary>
    public string Dataset { get; init; } = "caravan";
    /// <summary>Data root; relative paths are resolved against the config file's folder.</summary>
    public string Root { get; init; } = "";
    /// <summary>Caravan source subfolder (timeseries/csv/&lt;source&gt;, attributes/&lt;source&gt;).</summary>
    public string Source { get; init; } = "camels";
    /// <summary>Optional basin list file (one id per line); empty = every basin found.</summary>
    public string BasinFile { get; init; } = "";
    /// <summary>CAMELS-US forcing products in order of preference, e.g. [nldas, daymet].</summary>
    public List<string> ForcingProducts { get; init; } = ["daymet"];
    /// <summary>Driver columns (daily forcing) the encoder and decoder read, by header name.</summary>
    public List<string> Drivers { get; init; } = ["total_precipitation_sum", "temperature_2m_mean",
        "potential_evaporation_sum"];
    /// <summary>The response column (streamflow, mm/day).</summary>
    public string Response { get; init; } = "streamflow";
    /// <summary>Characteristics the head regresses and evaluation scores; empty = the 27 of Kratzert et al.
    /// 2019.</summary>
    public List<string> Characteristics { get; init; } = [];
    /// <summary>First day of the training period (ISO date).</summary>
    public string TrainStart { get; init; } = "1999-10-01";
    /// <summary>Last day of the training period (ISO date).</summary>
    public string TrainEnd { get; init; } = "2008-09-30";
    /// <summary>First day of the test period, embedded and scored by evaluation (ISO date).</summary>
    public string TestStart { get; init; } = "1989-10-01";
    /// <summary>Last day of the test period (ISO date).</summary>
    public string TestEnd { get; init; } = "1999-09-30";
    /// <summary>Length of one window of drivers and response, in days.</summary>
    public int WindowDays { get; init; } = 365;
    /// <summary>Days between the starts of consecutive windows (training anchors, validation and embedding).</summary>
    public int Stride { get; init; } = 182;
    /// <summary>A window is unusable when more than this fraction of its response is missing (0 = any gap).</summary>
    public double MaxMissingFraction { get; init; } = 0.0;
    /// <summary>Leave out every 29 February (a 365-day calendar, as some forcing products have).</summary>
    public bool DropFeb29 { get; init; } = false;
    /// <summary>log10(q + 0.005) before z-scoring the response (the KGSSL authors' choice).</summary>
    public bool LogResponse { get; init; } = true;
    /// <summary>Also give the encoder the response without the log, z-scored (one more input channel).</summary>
    public bool LinearResponseInput { get; init; } = false;
    /// <summary>Also give the encoder the day-to-day change of the (log) response (one more input channel, after the
    /// others).</summary>
    public bool ResponseChangeInput { get; init; } = false;
    /// <summary>Fraction of basins held out of training entirely (never seen), drawn with the seed.</summary>
    public double HeldoutFraction { get; init; } = 0.0;
    /// <summary>K-fold over basins: with folds &gt; 1, fold k's basins are held out (overrides
    /// heldout_fraction).</summary>
    public int Folds { get; init; } = 0;
    /// <summary>With data.folds &gt; 1: which fold is held out (0-based).</summary>
    public int Fold { get; init; } = 0;
    /// <summary>Fraction of the training basins whose training windows are kept aside for validation/early
    /// stopping.</summary>
    public double ValidationFraction { get; init; } = 0.1;
}

public sealed record ModelConfig
{
    /// <summary>bigru (the authors': bidirectional GRU + attention) | cnn (strided convolutions + attention,
    /// <see cref="Model.ConvEncoder"/>).</summary>
    public string Encoder { get; init; } = "bigru";
    /// <summary>cnn encoder only: the number of stride-2 convolutions after the first.</summary>
    public int EncoderDepth { get; init; } = 3;
    /// <summary>cnn encoder only: the stride of the first (width-7) convolution; 3 reads the days in steps of 3
    /// (365 -> 122), a third of the later layers' cost, so the same time buys a wider encoder.</summary>
    public int EncoderInputStride { get; init; } = 1;
    /// <summary>cnn encoder only: none | gru (a bidirectional GRU over the downsampled steps, added to them: every step
    /// sees the whole window in order before the pooling).</summary>
    public string EncoderContext { get; init; } = "none";
    /// <summary>Width of the encoder (GRU units per direction, or convolution channels).</summary>
    public int Hidden { get; init; } = 32;
    /// <summary>Size of the embedding z of a window (and of a basin, the mean over its windows).</summary>
    public int Embedding { get; init; } = 32;
    /// <summary>sum (the authors' code) | concat: how the two GRU directions are merged.</summary>
    public string Directions { get; init; } = "sum";
    /// <summary>gru (a GRU forward model; "forward" is read as gru) | tcn (causal dilated convolutions) |
    /// autoregressive | hbv.</summary>
    public string Decoder { get; init; } = "gru";
    /// <summary>Width of the decoder.</summary>
    public int DecoderHidden { get; init; } = 32;
    /// <summary>0 = linear characteristics head (the authors'); &gt; 0 = one hidden layer of this size.</summary>
    public int HeadHidden { get; init; } = 0;
}

public sealed record TrainingConfig
{
    /// <summary>One seed for the split, the initial weights, the windows drawn and the masks: a run is reproducible on
    /// one machine, and on every x86-64 host with AVX2 under the command line's default <c>--kernels portable</c>.
    /// </summary>
    public int Seed { get; init; } = 42;
    /// <summary>cpu | cuda (only the CPU libtorch is packaged).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>libtorch threads; 0 = its default (the cores).</summary>
    public int Threads { get; init; } = 0;
    /// <summary>
    /// libtorch's oneDNN (mkldnn) kernels for the CPU convolutions (<c>training.onednn</c>): faster, but measured to
    /// return non-finite gradients now and then for some channel counts (8 and 40 of those tried, see
    /// <see cref="Training.TorchSetup.OneDnn"/>); false uses libtorch's own kernels.
    /// </summary>
    public bool Onednn { get; init; } = true;
    /// <summary>Epochs to train (an epoch: each training basin&apos;s anchors once).</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Anchor windows per step (each with a positive and a negative window: three times as many windows pass
    /// the encoder).</summary>
    public int BatchSize { get; init; } = 200;
    /// <summary>Adam&apos;s learning rate (the start of the schedule).</summary>
    public double LearningRate { get; init; } = 0.005;
    /// <summary>
    /// constant | cosine (lowered once an epoch, from learning_rate) | cosine_step (lowered every step, from
    /// learning_rate to 0 at the last step) | step (halved every third of the epochs).
    /// </summary>
    public string Schedule { get; init; } = "constant";
    /// <summary>Clip the gradients&apos; total norm to this (0 = no clipping).</summary>
    public double GradClip { get; init; } = 1.0;
    /// <summary>Stop after this many epochs without a better validation loss.</summary>
    public int Patience { get; init; } = 10;
    /// <summary>Weight of L1, the reconstruction of the response by the decoder.</summary>
    public double WeightReconstruction { get; init; } = 1.0;
    /// <summary>Share of each batch's anchors whose window the decoder reconstructs (L1); the rest only pass the
    /// encoder.</summary>
    public double ReconstructionFraction { get; init; } = 1.0;
    /// <summary>
    /// Days of drivers before each reconstructed window that the decoder runs through first, unscored, so that its
    /// stores have spun up when L1 starts (as the evaluation's emulator has a year of spin-up); limited to the training
    /// period. 0: the decoder starts at the window's first day. Needs a decoder of the response only.
    /// </summary>
    public int ReconstructionContextDays { get; init; } = 0;
    /// <summary>Weight of L2, the guidance (windows of one basin closer than those of others).</summary>
    public double WeightGuidance { get; init; } = 1.0;
    /// <summary>Weight of L3, the supervision by known characteristics.</summary>
    public double WeightSupervision { get; init; } = 1.0;
    /// <summary>triplet | ntxent.</summary>
    public string Guidance { get; init; } = "triplet";
    /// <summary>Triplet guidance: the margin between the positive and the negative distance.</summary>
    public double Margin { get; init; } = 1.0;
    /// <summary>NT-Xent guidance: the temperature of the similarities.</summary>
    public double Temperature { get; init; } = 0.1;
    /// <summary>Reconstruct the anchor's response from the positive window's embedding.</summary>
    public bool CrossReconstruction { get; init; } = false;
    /// <summary>L1 also scores the flows in mm/day (not only their log), as NSE does; needs data.log_response and a
    /// decoder of the response only.</summary>
    public bool FlowReconstruction { get; init; } = false;
    /// <summary>Fraction of training basins whose characteristics are used as labels (incomplete knowledge).</summary>
    public double LabelFraction { get; init; } = 1.0;
    /// <summary>Per-characteristic weights of L3 (uncertain knowledge); missing names weigh 1.</summary>
    public Dictionary<string, double> CharacteristicWeights { get; init; } = [];
    /// <summary>
    /// Training windows start on any day of the training period, not only every data.stride days: each basin still
    /// gives as many anchors per epoch as it has stride windows, drawn at random, so an epoch costs the same and
    /// the encoder sees other days each epoch (validation keeps the stride windows).
    /// </summary>
    public bool RandomWindows { get; init; } = false;
    /// <summary>Cap on anchor windows per epoch (0 = all); keeps demo runs short.</summary>
    public int MaxAnchorsPerEpoch { get; init; } = 0;
}

public sealed record EvaluationConfig
{
    /// <summary>train | test: the period whose windows are embedded and scored.</summary>
    public string Period { get; init; } = "test";
    /// <summary>Permutations of the Mantel test of embedding vs characteristic distances.</summary>
    public int MantelPermutations { get; init; } = 999;
    /// <summary>The characteristic that colours the report&apos;s maps and embedding plots.</summary>
    public string ColorBy { get; init; } = "aridity";
    /// <summary>
    /// Embed and score at most this many training basins (the first by id: the split is random, so a random sample of
    /// them; 0 = all). Held-out basins are always all. Bounds the evaluation's cost, the Mantel test's above all, when
    /// training used many basins.
    /// </summary>
    public int MaxTrainBasins { get; init; } = 0;
    /// <summary>
    /// Days of drivers before the scored period that the decoder, as an emulator, runs through first, unscored, to spin
    /// its stores up; at most what the record holds. (F with the head's parameters runs the whole record, as the
    /// generator does.)
    /// </summary>
    public int EmulatorSpinupDays { get; init; } = 365;
    /// <summary>
    /// The pure inverse with analogs (<see cref="Evaluation.Analogs"/>): the head's estimate of a basin averaged with
    /// the characteristics of this many training basins whose head estimates lie nearest (0 = the head alone). Nothing
    /// but the drivers and the response of the basin enters; characteristics_head.csv keeps the head's estimate alone.
    /// </summary>
    public int Analogs { get; init; } = 0;
    /// <summary>Analogs: the weights are 1 / distance^power (distance between z-scored head estimates).</summary>
    public double AnalogPower { get; init; } = 3;
    /// <summary>
    /// Also score the knowledge-guided estimate (characteristics_knowledge.csv): the pure inverse averaged with what a
    /// hydrologist knows without it, the nearest gauges' characteristics and a ridge on the series' signatures, that
    /// estimate and any known characteristics (<see cref="Evaluation.KnowledgeGuided"/>). Needs gauge coordinates.
    /// </summary>
    public bool Knowledge { get; init; } = false;
    /// <summary>Knowledge-guided estimate: the gauges averaged by the nearest-gauges estimate (inverse distance, great
    /// circle).</summary>
    public int KnowledgeNeighbours { get; init; } = 5;
    /// <summary>Knowledge-guided estimate: the neighbours' weights are 1 / distance^power.</summary>
    public double KnowledgePower { get; init; } = 1;
    /// <summary>
    /// Knowledge-guided estimate: the weights of its three estimates, [pure inverse, nearest gauges, ridge on
    /// signatures, gauges and known characteristics]; any scale (they are divided by their sum).
    /// </summary>
    public List<double> KnowledgeWeights { get; init; } = [1, 1, 1];
    /// <summary>
    /// Knowledge-guided estimate: characteristics taken as known for every basin to score the imputation of the others
    /// (characteristics_imputed.csv), e.g. [area_gages2, elev_mean, slope_mean]; empty = no imputation scores.
    /// </summary>
    public List<string> Known { get; init; } = [];
}

/// <summary>
/// The forward-model experiment: a streamflow model fed with different static inputs. Defaults fit
/// a 2-core machine (small hidden size, a few windows per basin per epoch, few epochs); the paper-scale grid
/// (Kratzert et al. 2019: 256 hidden, 30 epochs, 270-day sequence-to-one) is a config away.
/// </summary>
public sealed record ForwardConfig
{
    /// <summary>lstm (statics concatenated at every step) | ealstm (statics drive the input gate) | tcn (causal
    /// dilated convolutions conditioned on the statics, all days in parallel).</summary>
    public string Model { get; init; } = "ealstm";
    /// <summary>Dropout on the LSTM's hidden states before its head (lstm only; 0 = none).</summary>
    public double Dropout { get; init; }
    /// <summary>Width of the streamflow model.</summary>
    public int Hidden { get; init; } = 32;
    /// <summary>Epochs of the streamflow model.</summary>
    public int Epochs { get; init; } = 12;
    /// <summary>Streamflow models trained one after the other, each with its own seed and forward.epochs epochs,
    /// whose predictions are averaged (an ensemble; 1 = one model, the seed's own).</summary>
    public int Members { get; init; } = 1;
    /// <summary>Sequences per step.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Adam&apos;s learning rate.</summary>
    public double LearningRate { get; init; } = 0.005;
    /// <summary>The rate at the end of training, reached along a half cosine from learning_rate (0 = constant
    /// learning_rate).</summary>
    public double LearningRateFinal { get; init; }
    /// <summary>Sequence length; the first warmup_days of each are not scored (sequence-to-sequence
    /// training).</summary>
    public int SequenceDays { get; init; } = 365;
    /// <summary>The first days of each sequence, not scored (the model&apos;s stores spin up).</summary>
    public int WarmupDays { get; init; } = 90;
    /// <summary>Sequences drawn per basin per epoch.</summary>
    public int WindowsPerBasin { get; init; } = 4;
    /// <summary>mse | nse (per-basin normalized MSE, Kratzert et al. 2019).</summary>
    public string Loss { get; init; } = "nse";
    /// <summary>Also score the test period every this many epochs, for forward_curve.csv (0 = only at the end);
    /// the curve is reported, never used to choose anything.</summary>
    public int CurveEvery { get; init; }
    /// <summary>A KGSSL run folder whose embeddings feed the 'embedding' setting (relative to the config
    /// file).</summary>
    public string EmbeddingRun { get; init; } = "";
    /// <summary>The corrupted setting: sds of the Gaussian noise added to the z-scored characteristics.</summary>
    public List<double> CorruptionStds { get; init; } = [0.1, 0.5, 1.0, 2.0];
    /// <summary>The corrupted setting: fractions of the basins whose characteristics are corrupted.</summary>
    public List<double> CorruptionFractions { get; init; } = [0.1, 0.5, 1.0];
    /// <summary>Months of streamflow the embedding may see (0 = all the training period).</summary>
    public List<int> EmbeddingMonths { get; init; } = [3, 6, 12, 24, 0];
}
