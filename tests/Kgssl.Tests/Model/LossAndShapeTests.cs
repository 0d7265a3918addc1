using Kgssl.Config;
using Kgssl.Model;
using static TorchSharp.torch;

namespace Kgssl.Tests.Model;

[Collection("torch")]
public class LossAndShapeTests
{
    static Tensor T(float[] v, params long[] shape) => tensor(v, shape);

    [Fact]
    public void MaskedMseCountsOnlyMaskedEntries()
    {
        var pred = T([1, 2, 3, 100], 1, 4, 1);
        var target = T([0, 2, 5, 0], 1, 4, 1);
        var mask = T([1, 1, 1, 0], 1, 4, 1);
        // (1 + 0 + 4) / 3
        Assert.Equal(5f / 3, Losses.MaskedMse(pred, target, mask).item<float>(), 5);
        Assert.Equal(0f, Losses.MaskedMse(pred, target, zeros_like(mask)).item<float>());
    }

    [Fact]
    public void TripletMarginByHand()
    {
        // a=(0,0) p=(3,4): d 5 ; n=(6,8): d 10 -> max(0, 5 - 10 + 1) = 0
        // a=(0,0) p=(1,0): d 1 ; n=(1,1): d sqrt2 -> 1 - 1.41421 + 1 = 0.58579
        var a = T([0, 0, 0, 0], 2, 2); var p = T([3, 4, 1, 0], 2, 2); var n = T([6, 8, 1, 1], 2, 2);
        float loss = Losses.TripletMargin(a, p, n, 1.0).item<float>();
        Assert.Equal((0 + (2 - Math.Sqrt(2))) / 2, loss, 4);
        using var reference = nn.TripletMarginLoss(margin: 1.0);
        Assert.Equal(reference.forward(a, p, n).item<float>(), loss, 5);
    }

    [Fact]
    public void NtXentByHand()
    {
        // a = [(1,0), (0,1)], p = [(1,0), (0,1)], tau = 1: logits = I; CE per row = -log(e/(e+1)) = log(1 + 1/e)
        var a = T([1, 0, 0, 1], 2, 2);
        Assert.Equal(Math.Log(1 + Math.Exp(-1)), Losses.NtXent(a, a, 1.0).item<float>(), 5);
    }

    [Fact]
    public void SupervisionIgnoresMissingLabelsAndWeighs()
    {
        var pred = T([1, 1, 1, 1], 2, 2);
        var labels = T([0, float.NaN, 3, 1], 2, 2);
        var mask = labels.isnan().logical_not().to_type(ScalarType.Float32);
        var w = T([1, 3], 2);
        // entries: (1-0)^2 w1 = 1, (1-3)^2 w1 = 4, (1-1)^2 w3 = 0 -> 5 / (1 + 1 + 3)
        Assert.Equal(1f, Losses.Supervision(pred, labels, mask, w).item<float>(), 5);
    }

    [Fact]
    public void FlowMseScoresTheFlowsInMillimetresPerDay()
    {
        // log mean 0, sd 1, no offset, flow sd 2: y = 1 -> q = 10, y = 0 -> q = 1; ((10 - 1) / 2)^2 = 20.25
        var one = tensor(new float[] { 1f }, [1, 1, 1]);
        var zero = tensor(new float[] { 0f }, [1, 1, 1]);
        var mask = tensor(new float[] { 1f }, [1, 1, 1]);
        Assert.Equal(20.25f, Losses.FlowMse(one, zero, mask, 0, 1, 0, 2).item<float>(), 3);
        // log mean 1, sd 0.5, offset 0.005: y = 2 -> log10(q + 0.005) = 2 -> q = 99.995; target 0 -> q = 9.995
        var two = tensor(new float[] { 2f }, [1, 1, 1]);
        Assert.Equal(8100f, Losses.FlowMse(two, zero, mask, 1, 0.5, 0.005, 1).item<float>(), 0);
        // a masked day counts for nothing, and an absurd prediction is capped at 10^4 mm/day, never infinite
        Assert.Equal(0f, Losses.FlowMse(one, zero, zeros(1, 1, 1), 0, 1, 0, 2).item<float>());
        var huge = tensor(new float[] { 1000f }, [1, 1, 1]);
        float capped = Losses.FlowMse(huge, zero, mask, 0, 1, 0, 1).item<float>();
        Assert.True(float.IsFinite(capped));
        Assert.Equal(1.0, capped / Math.Pow(1e4 - 1, 2), 4);
    }

    [Theory]
    [InlineData("gru", "sum", "bigru")]
    [InlineData("gru", "concat", "bigru")]
    [InlineData("autoregressive", "sum", "bigru")]
    [InlineData("tcn", "sum", "cnn")]
    [InlineData("gru", "sum", "cnn")]
    public void ShapesAndAMissingDayChangeNothingOutsideItsMask(string decoder, string directions, string encoder)
    {
        manual_seed(3);
        using var model = new KgsslModel(new ModelConfig { Hidden = 8, Embedding = 8, DecoderHidden = 8,
            Decoder = decoder, Directions = directions, Encoder = encoder }, 2, 5);
        var x = randn(3, 20, 4);
        x[.., .., 3] = 0;                 // indicator: nothing missing
        var z = model.Embed(x);
        Assert.Equal(new long[] { 3, 8 }, z.shape);
        Assert.Equal(new long[] { 3, 5 }, model.Head.forward(z).shape);
        var (pred, target, mask) = model.Reconstructor.Reconstruct(x, z, 2);
        Assert.Equal(pred.shape, target.shape);
        Assert.Equal(pred.shape, mask.shape);
        Assert.Equal(decoder == "autoregressive" ? 3 : 1, pred.shape[2]);

        // day 7 of window 0 missing: its response is zeroed with indicator 1 (as FeatureStore does).
        // Whatever value the response slot held, the masked loss must be the same.
        var a = x.clone(); a[0, 7, 2] = 0; a[0, 7, 3] = 1;
        var b = a.clone();
        var za = model.Embed(a); var zb = model.Embed(b);
        var (pa, ta, ma) = model.Reconstructor.Reconstruct(a, za, 2);
        b[0, 7, 2] = 1000;                // a different target on the masked day only
        var (pb, tb, mb) = model.Reconstructor.Reconstruct(b, zb, 2);
        Assert.Equal(Losses.MaskedMse(pa, ta, ma).item<float>(), Losses.MaskedMse(pb, tb, mb).item<float>(), 5);
        Assert.Equal(0f, ma[0, 7, ma.shape[2] - 1].item<float>());
        Assert.False(za.isnan().any().item<bool>());
    }

    [Fact]
    public void TheEncoderTakesAnyWindowLength()
    {
        manual_seed(1);
        using var enc = new Encoder(4, 6, 5, false);
        Assert.Equal(new long[] { 2, 5 }, enc.forward(randn(2, 45, 4)).shape);
        Assert.Equal(new long[] { 1, 5 }, enc.forward(randn(1, 365, 4)).shape);
        var w = enc.AttentionWeights(randn(2, 30, 4));
        Assert.Equal(1f, w.sum(1)[0].item<float>(), 5);
    }

    [Fact]
    public void TheConvolutionalEncoderTakesAnyWindowLength()
    {
        manual_seed(1);
        using var enc = new ConvEncoder(5, 6, 4, depth: 3);
        Assert.Equal(new long[] { 2, 4 }, enc.forward(randn(2, 45, 5)).shape);
        Assert.Equal(new long[] { 1, 4 }, enc.forward(randn(1, 365, 5)).shape);
        var w = enc.AttentionWeights(randn(2, 365, 5));
        Assert.Equal(46, w.shape[1]);                                 // 365 -> 183 -> 92 -> 46 steps
        Assert.Equal(1f, w.sum(1)[0].item<float>(), 5);

        // batch normalization: in training a window's embedding depends on its batch; in evaluation it must not
        var x = randn(4, 365, 5);
        enc.train();
        enc.forward(x);                                               // moves the running statistics
        Assert.True((enc.forward(x[..1]) - enc.forward(x)[..1]).abs().max().item<float>() > 1e-4f);
        enc.eval();
        Assert.True((enc.forward(x[..1]) - enc.forward(x)[..1]).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void TheConvolutionalEncoderWithAnInputStrideAndAGruContextSeesTheWholeWindowAtEveryStep()
    {
        manual_seed(3);
        using var enc = new ConvEncoder(5, 6, 4, depth: 2, inputStride: 3, context: "gru");
        using var local = new ConvEncoder(5, 6, 4, depth: 2, inputStride: 3);
        enc.eval(); local.eval();
        var x = randn(2, 365, 5);
        Assert.Equal(new long[] { 2, 4 }, enc.forward(x).shape);
        Assert.Equal(31, enc.AttentionWeights(x).shape[1]);              // 365 -> 122 -> 61 -> 31 steps
        Assert.Equal(new long[] { 1, 4 }, enc.forward(randn(1, 40, 5)).shape);

        // the convolutions alone see 43 days at this depth: a change of days 150-249 leaves the first step's features
        // exactly as they were; the GRU (backward direction) carries it back to the first step
        var values = x.data<float>().ToArray();
        for (int day = 150; day < 250; day++)
            for (int k = 0; k < 5; k++) values[day * 5 + k] += 3f;   // basin 0
        var y = tensor(values, x.shape);
        float FirstStepMoved(ConvEncoder e) => (e.StepFeatures(y)[0, 0]
            - e.StepFeatures(x)[0, 0]).abs().max().item<float>();
        Assert.Equal(0f, FirstStepMoved(local));
        Assert.True(FirstStepMoved(enc) > 1e-6f, $"the first step moved by {FirstStepMoved(enc)}");
        // the other basin: untouched
        Assert.Equal(0f, (enc.StepFeatures(y)[1] - enc.StepFeatures(x)[1]).abs().max().item<float>());
    }

    [Fact]
    public void TheConvolutionalDecoderIsCausalWithTheStatedReceptiveField()
    {
        manual_seed(2);
        using var dec = new ConvDecoder(3, 4, 8);
        dec.eval();
        Assert.Equal(511, ConvDecoder.ReceptiveField);
        var x = randn(1, 700, 3);
        var z = randn(1, 4);
        var y = dec.forward(x, z);
        Assert.Equal(new long[] { 1, 700 }, y.shape);

        // a change on day 600 leaves days before 600 exactly as they were, and moves day 600 itself
        var later = x.clone(); later[0, 600, 0] = 50;
        var yl = dec.forward(later, z);
        Assert.Equal(0f, (yl[.., ..600] - y[.., ..600]).abs().max().item<float>());
        Assert.True((yl[0, 600] - y[0, 600]).abs().item<float>() > 1e-6f);

        // a change 511 days back still reaches day t (receptive field), one 512 days back does not
        var edge = x.clone(); edge[0, 100, 1] = 50;
        var ye = dec.forward(edge, z);
        Assert.True((ye[0, 100 + 510] - y[0, 100 + 510]).abs().item<float>() > 1e-7f);
        Assert.Equal(0f, (ye[0, 100 + 511] - y[0, 100 + 511]).abs().item<float>());

        // the embedding conditions the output
        Assert.True((dec.forward(x, z + 1) - y).abs().max().item<float>() > 1e-6f);
    }
}
