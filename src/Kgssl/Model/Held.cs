using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>
/// Scalars that outlive the libtorch calls they are passed to. TorchSharp 0.107 hands a Scalar's raw handle to
/// libtorch and keeps no reference to the Scalar itself, so a temporary one (the operand of <c>x + 1.0</c>,
/// <c>x.pow(2)</c>, <c>x.clamp_min(0)</c>, and the alpha = 1 that <c>a + b</c> passes for two tensors) can be finalized
/// while libtorch still reads it, whenever another thread (the progress display, the thread pool) starts a
/// collection meanwhile. Seen in the demo's third epoch as "Expected false to be true ... toLong" in add_Scalar.
/// The model, the losses and the optimizer pass only these. Safe without a Scalar: <c>a - b</c>, <c>a * b</c>, <c>a /
/// b</c> of two tensors.
/// </summary>
public static class Held
{
    // declared first: the fields below are made from it
    static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    public static readonly Scalar Zero = Of(0), One = Of(1), MinusOne = Of(-1), Two = Of(2);

    /// <summary>An integer 1, for integer tensors (a double Scalar cannot be added to one in place).</summary>
    public static readonly Scalar IntegerOne = 1L.ToScalar();

    /// <summary>
    /// The held Scalar of a value, made once per value and kept for the process: for the constants of a run (loss
    /// weights, margins, epsilons), not for values that change every step (those go in a <c>using</c> around the call).
    /// </summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());

    /// <summary>a + b for two tensors, with the held alpha (the operator makes a temporary one).</summary>
    public static Tensor Plus(Tensor a, Tensor b) => a.add(b, One);

    /// <summary>a + c for a constant c.</summary>
    public static Tensor Plus(Tensor a, double c) => a.add(Of(c), One);

    /// <summary>a * c for a constant c.</summary>
    public static Tensor Times(Tensor a, double c) => a.mul(Of(c));

    /// <summary>c - a for a constant c.</summary>
    public static Tensor From(double c, Tensor a) => a.neg().add(Of(c), One);
}
