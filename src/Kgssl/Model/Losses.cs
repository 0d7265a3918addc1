using static TorchSharp.torch;

namespace Kgssl.Model;

/// <summary>The three KGSSL loss terms. All reduce to a scalar tensor.</summary>
public static class Losses
{
    /// <summary>L1: mean squared error over the entries where mask is 1 (0 when nothing counts).</summary>
    public static Tensor MaskedMse(Tensor prediction, Tensor target, Tensor mask)
    {
        var diff = (prediction - target) * mask;
        return diff.pow(2).sum() / mask.sum().clamp_min(1);
    }

    /// <summary>
    /// L1 option (training.flow_reconstruction): the masked MSE of the flows themselves, for a decoder that predicts
    /// z-scored log10(q + offset). Both sides go back to mm/day, q = 10^(y * sd + mean) - offset, and are divided by
    /// the training flows' sd, so peaks weigh as they do in NSE. Predictions are capped at q = 10^4 mm/day.
    /// </summary>
    public static Tensor FlowMse(Tensor prediction, Tensor target, Tensor mask, double logMean, double logStd, double offset, double flowStd)
    {
        double cap = (4 - logMean) / logStd;
        var qp = (prediction.clamp_max(cap) * (logStd * Math.Log(10)) + logMean * Math.Log(10)).exp() - offset;
        var qo = (target * (logStd * Math.Log(10)) + logMean * Math.Log(10)).exp() - offset;
        return MaskedMse(qp / flowStd, qo / flowStd, mask);
    }

    /// <summary>
    /// L2, triplet margin loss (Schroff et al. 2015; as torch.nn.TripletMarginLoss with p = 2, eps = 1e-6):
    /// mean(max(0, ||a - p + eps|| - ||a - n + eps|| + margin)).
    /// </summary>
    public static Tensor TripletMargin(Tensor anchor, Tensor positive, Tensor negative, double margin)
    {
        const double eps = 1e-6;
        var dp = (anchor - positive + eps).pow(2).sum(1).sqrt();
        var dn = (anchor - negative + eps).pow(2).sum(1).sqrt();
        return (dp - dn + margin).clamp_min(0).mean();
    }

    /// <summary>
    /// L2 option, NT-Xent / InfoNCE (Chen et al. 2020), symmetric: anchors and positives are L2-normalized,
    /// logits = a p^T / tau, cross-entropy with the matching pair as the class, averaged over both directions.
    /// </summary>
    public static Tensor NtXent(Tensor anchor, Tensor positive, double temperature)
    {
        var a = nn.functional.normalize(anchor, p: 2, dim: 1);
        var p = nn.functional.normalize(positive, p: 2, dim: 1);
        var logits = a.matmul(p.t()) / temperature;
        var labels = arange(anchor.shape[0], dtype: ScalarType.Int64, device: anchor.device);
        return (nn.functional.cross_entropy(logits, labels) + nn.functional.cross_entropy(logits.t(), labels)) / 2;
    }

    /// <summary>
    /// L3: weighted MSE of predicted vs known (z-scored) characteristics where the label is known
    /// (mask 1) — missing or withheld labels are 0 in the mask. weights: [K].
    /// </summary>
    public static Tensor Supervision(Tensor predicted, Tensor labels, Tensor mask, Tensor weights)
    {
        var w = mask * weights.unsqueeze(0);
        var diff = (predicted - labels.nan_to_num(0)) * w.sqrt();
        return diff.pow(2).sum() / w.sum().clamp_min(1e-12);
    }
}
