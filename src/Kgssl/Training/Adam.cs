using Kgssl.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Kgssl.Training;

/// <summary>
/// Adam (Kingma and Ba 2015) without weight decay, the same arithmetic in the same order as TorchSharp's
/// optim.Adam (tested to agree to the last bit), but passing libtorch only Scalars it holds for the whole call
/// (<see cref="Held"/>): TorchSharp's own step makes five temporary Scalars per parameter per step, which the GC may
/// free while libtorch reads them. State: per parameter the step count and both moments; saved and loaded by
/// <see cref="Save"/> and <see cref="Load"/> for resumable checkpoints.
/// </summary>
public sealed class Adam : IDisposable
{
    const int FormatVersion = 1;
    readonly Parameter[] _parameters;
    readonly Tensor[] _mean, _square;
    readonly long[] _steps;
    readonly Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps;
    readonly double beta1, beta2;

    public double LearningRate { get; set; }

    public Adam(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8)
    {
        _parameters = parameters.ToArray();
        LearningRate = learningRate;
        (this.beta1, this.beta2) = (beta1, beta2);
        (_beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _eps) = (Held.Of(beta1), Held.Of(1 - beta1), Held.Of(beta2),
            Held.Of(1 - beta2), Held.Of(eps));
        using (no_grad())
        {
            _mean = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
            _square = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        }
        _steps = new long[_parameters.Length];
    }

    public void zero_grad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    public void step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            var grad = p.grad;
            if (grad is null) continue;
            long t = ++_steps[i];
            double correction1 = 1 - Math.Pow(beta1, t), correction2 = 1 - Math.Pow(beta2, t);
            _mean[i].mul_(_beta1).add_(grad, _oneMinusBeta1);
            _square[i].mul_(_beta2).addcmul_(grad, grad, _oneMinusBeta2);
            using var root = Math.Sqrt(correction2).ToScalar();
            using var stepSize = (-(LearningRate / correction1)).ToScalar();
            // add_(Scalar) alone would make a temporary alpha
            var denominator = _square[i].sqrt().div(root).add_(_eps, Held.One);
            p.addcdiv_(_mean[i], denominator, stepSize);
        }
    }

    /// <summary>Step counts and moments, in parameter order, to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        using var w = new BinaryWriter(File.Create(path));
        w.Write("kgssl-adam");
        w.Write(FormatVersion);
        w.Write(_parameters.Length);
        for (int i = 0; i < _parameters.Length; i++)
        {
            w.Write(_steps[i]);
            _mean[i].Save(w);
            _square[i].Save(w);
        }
    }

    /// <summary>Restores what <see cref="Save"/> wrote for the same model; a file of another model or format is an
    /// error naming it.</summary>
    public void Load(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        string magic;
        try { magic = r.ReadString(); }
        catch (EndOfStreamException) { magic = ""; }
        if (magic != "kgssl-adam")
            throw new InvalidDataException(
                $"{path}: not a kgssl optimizer state (checkpoints written before the optimizer change cannot be " +
                $"resumed; start the run again)");
        int version = r.ReadInt32(), count = r.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException(
            $"{path}: optimizer state format {version}, expected {FormatVersion}");
        if (count != _parameters.Length) throw new InvalidDataException(
            $"{path}: optimizer state for {count} parameters, the model has {_parameters.Length}");
        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            _steps[i] = r.ReadInt64();
            _mean[i].Load(r);
            _square[i].Load(r);
        }
    }

    public void Dispose()
    {
        foreach (var t in _mean.Concat(_square)) t.Dispose();
    }
}
