using Kgssl.Model;
using static TorchSharp.torch;
using KgsslAdam = Kgssl.Training.Adam;

namespace Kgssl.Tests.Training;

[Collection("torch")]
public class AdamTests
{
    static nn.Module<Tensor, Tensor> Net(int seed)
    {
        manual_seed(seed);
        return nn.Sequential(("a", nn.Linear(5, 8)), ("act", nn.Tanh()), ("b", nn.Linear(8, 3)));
    }

    static void Step(nn.Module<Tensor, Tensor> net, Action zeroGrad, Action step, int i)
    {
        using var scope = NewDisposeScope();
        manual_seed(100 + i);
        var x = randn(16, 5);
        var y = randn(16, 3);
        var e = net.forward(x) - y;
        var loss = (e * e).mean();
        zeroGrad();
        loss.backward();
        step();
    }

    static float[] Weights(nn.Module<Tensor, Tensor> net) =>
        net.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void MatchesTorchSharpsAdamToTheLastBit()
    {
        // the same arithmetic as optim.Adam, with held Scalars: the weights after 25 steps (two rates) agree exactly
        using var a = Net(3);
        using var b = Net(3);
        var reference = optim.Adam(a.parameters(), lr: 0.01);
        using var ours = new KgsslAdam(b.parameters(), 0.01);
        for (int i = 0; i < 25; i++)
        {
            if (i == 10)
            {
                foreach (var g in reference.ParamGroups) g.LearningRate = 0.003;
                ours.LearningRate = 0.003;
            }
            Step(a, reference.zero_grad, () => reference.step(), i);
            Step(b, ours.zero_grad, ours.step, i);
        }
        Assert.Equal(Weights(a), Weights(b));
        Assert.NotEqual(Weights(Net(3)), Weights(b));   // it did move
        reference.Dispose();
    }

    [Fact]
    public void SavedStateResumesExactly()
    {
        using var dir = new TempDir();
        string path = dir.Sub("adam.bin");
        using var straight = Net(4);
        using var opt = new KgsslAdam(straight.parameters(), 0.02);
        for (int i = 0; i < 12; i++) Step(straight, opt.zero_grad, opt.step, i);

        using var first = Net(4);
        using (var o = new KgsslAdam(first.parameters(), 0.02))
        {
            for (int i = 0; i < 6; i++) Step(first, o.zero_grad, o.step, i);
            o.Save(path);
        }
        using var resumed = new KgsslAdam(first.parameters(), 0.02);
        resumed.Load(path);
        for (int i = 6; i < 12; i++) Step(first, resumed.zero_grad, resumed.step, i);
        Assert.Equal(Weights(straight), Weights(first));
    }

    [Fact]
    public void ForeignOrMismatchedStateIsAClearError()
    {
        using var dir = new TempDir();
        using var net = Net(5);
        using var opt = new KgsslAdam(net.parameters(), 0.01);
        string junk = dir.File("junk.bin", "not an optimizer");
        var e = Assert.Throws<InvalidDataException>(() => opt.Load(junk));
        Assert.Contains("junk.bin", e.Message);
        Assert.Contains("not a kgssl optimizer state", e.Message);

        string path = dir.Sub("small.bin");
        using (var small = nn.Linear(2, 2))
        using (var o = new KgsslAdam(small.parameters(), 0.01)) o.Save(path);
        var m = Assert.Throws<InvalidDataException>(() => opt.Load(path));
        Assert.Contains("for 2 parameters, the model has 4", m.Message);
    }

    [Fact]
    public void HeldScalarsAreMadeOncePerValue()
    {
        Assert.Same(Held.Of(0.25), Held.Of(0.25));
        Assert.Same(Held.One, Held.Of(1));
        using var x = tensor(new float[] { 1, 2, 3 });
        Assert.Equal(new float[] { 0, -1, -2 }, Held.From(1, x).data<float>().ToArray());
        Assert.Equal(new float[] { 2, 4, 6 }, Held.Plus(x, x).data<float>().ToArray());
        Assert.Equal(new float[] { 1.5f, 2.5f, 3.5f }, Held.Plus(x, 0.5).data<float>().ToArray());
        Assert.Equal(new float[] { 3, 6, 9 }, Held.Times(x, 3).data<float>().ToArray());
    }
}
