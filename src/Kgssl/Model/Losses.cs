using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>The three KGSSL loss terms. All reduce to a scalar tensor.</summary>
public static class Losses
{
    /// <summary>L1: mean squared error over the entries where mask is 1 (0 when nothing counts).</summary>
    public static Tensor MaskedMse(Tensor prediction, Tensor target, Tensor mask)
    {
        var diff = (prediction - target) * mask;
        return (diff * diff).sum() / mask.sum().clamp_min(Held.One);
    }

    /// <summary>
    /// L1 option (training.flow_reconstruction): the masked MSE of the flows themselves, for a decoder that predicts
    /// z-scored log10(q + offset). Both sides go back to mm/day, q = 10^(y * sd + mean) - offset, and are divided by
    /// the training flows' sd, so peaks weigh as they do in NSE. Predictions are capped at q = 10^4 mm/day.
    /// </summary>
    public static Tensor FlowMse(Tensor prediction, Tensor target, Tensor mask, double logMean, double logStd,
        double offset, double flowStd)
    {
        double cap = (4 - logMean) / logStd;
        var qp = Held.Plus(Held.Times(prediction.clamp_max(Held.Of(cap)), logStd * Math.Log(10)),
            logMean * Math.Log(10)).exp().sub(Held.Of(offset));
        var qo = Held.Plus(Held.Times(target, logStd * Math.Log(10)),
            logMean * Math.Log(10)).exp().sub(Held.Of(offset));
        return MaskedMse(qp.div(Held.Of(flowStd)), qo.div(Held.Of(flowStd)), mask);
    }

    /// <summary>
    /// L2, triplet margin loss (Schroff et al. 2015; as torch.nn.TripletMarginLoss with p = 2, eps = 1e-6):
    /// mean(max(0, ||a - p + eps|| - ||a - n + eps|| + margin)).
    /// </summary>
    public static Tensor TripletMargin(Tensor anchor, Tensor positive, Tensor negative, double margin)
    {
        const double eps = 1e-6;
        var ap = Held.Plus(anchor - positive, eps);
        var an = Held.Plus(anchor - negative, eps);
        var dp = (ap * ap).sum(1).sqrt();
        var dn = (an * an).sum(1).sqrt();
        return Held.Plus(dp - dn, margin).clamp_min(Held.Zero).mean();
    }

    /// <summary>
    /// L2 option, NT-Xent / InfoNCE (Chen et al. 2020), symmetric: anchors and positives are L2-normalized,
    /// logits = a p^T / tau, cross-entropy with the matching pair as the class, averaged over both directions.
    /// </summary>
    public static Tensor NtXent(Tensor anchor, Tensor positive, double temperature)
    {
        var a = nn.functional.normalize(anchor, p: 2, dim: 1);
        var p = nn.functional.normalize(positive, p: 2, dim: 1);
        var logits = a.matmul(p.t()).div(Held.Of(temperature));
        var labels = arange(anchor.shape[0], dtype: ScalarType.Int64, device: anchor.device);
        return Held.Plus(nn.functional.cross_entropy(logits, labels),
            nn.functional.cross_entropy(logits.t(), labels)).div(Held.Two);
    }

    /// <summary>
    /// L3: weighted MSE of predicted vs known (z-scored) characteristics where the label is known
    /// (mask 1) — missing or withheld labels are 0 in the mask. weights: [K].
    /// </summary>
    public static Tensor Supervision(Tensor predicted, Tensor labels, Tensor mask, Tensor weights)
    {
        var w = mask * weights.unsqueeze(0);
        var diff = (predicted - labels.nan_to_num(0)) * w.sqrt();
        return (diff * diff).sum() / w.sum().clamp_min(Held.Of(1e-12));
    }
}
