namespace Kgssl.Config;

/// <summary>The data section's periods as dates: the one place their ISO text is read (the validator has already
/// refused a malformed one with its file and line).</summary>
public static class Periods
{
    public static (DateOnly Start, DateOnly End) Train(this DataConfig d) =>
        (ConfigValidator.Date("config", "data.train_start", d.TrainStart),
            ConfigValidator.Date("config", "data.train_end", d.TrainEnd));

    public static (DateOnly Start, DateOnly End) Test(this DataConfig d) =>
        (ConfigValidator.Date("config", "data.test_start", d.TestStart),
            ConfigValidator.Date("config", "data.test_end", d.TestEnd));
}
