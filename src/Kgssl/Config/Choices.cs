namespace Kgssl.Config;

/// <summary>
/// The closed choices of a config, each name defined once: the validator checks a config against these lists and the
/// model, trainer and experiments switch on the same constants, so a new choice cannot be allowed in one place and
/// unknown in another.
/// </summary>
public static class Choices
{
    /// <summary><c>model.encoder</c>.</summary>
    public static class Encoder
    {
        public const string BiGru = "bigru", Cnn = "cnn";
        public static readonly string[] All = [BiGru, Cnn];
    }

    /// <summary><c>model.decoder</c>; the GRU decoder's former name "forward" is read as "gru".</summary>
    public static class Decoder
    {
        public const string Gru = "gru", Tcn = "tcn", Autoregressive = "autoregressive", Hbv = "hbv";
        public const string FormerGru = "forward";
        public static readonly string[] All = [Gru, Tcn, Autoregressive, Hbv];
    }

    /// <summary><c>training.guidance</c>.</summary>
    public static class Guidance
    {
        public const string Triplet = "triplet", NtXent = "ntxent";
        public static readonly string[] All = [Triplet, NtXent];
    }

    /// <summary><c>training.schedule</c>.</summary>
    public static class Schedule
    {
        public const string Constant = "constant", Cosine = "cosine", CosineStep = "cosine_step", Step = "step";
        public static readonly string[] All = [Constant, Cosine, CosineStep, Step];
    }

    /// <summary><c>kgssl invert --strategy</c>: the refinement's search.</summary>
    public static class Refinement
    {
        public const string Best = "best", Rand = "rand", Cmaes = "cmaes";
        public static readonly string[] All = [Best, Rand, Cmaes];
    }

    /// <summary><c>kgssl forward --statics</c>: what the streamflow model is fed as a basin's statics.</summary>
    public static class Statics
    {
        public const string Every = "all", True = "true", Neighbours = "neighbours", Corrupted = "corrupted",
            Embedding = "embedding", Random = "random", None = "none";
        public static readonly string[] All = [Every, True, Neighbours, Corrupted, Embedding, Random, None];
    }

    /// <summary><c>forward.model</c>.</summary>
    public static class ForwardModel
    {
        public const string Lstm = "lstm", EaLstm = "ealstm", Tcn = "tcn";
        public static readonly string[] All = [Lstm, EaLstm, Tcn];
    }
}
