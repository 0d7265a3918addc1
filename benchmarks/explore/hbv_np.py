# numpy twin of HbvModel.Run over every basin of an ensemble at once (exploration only): spin-up = the record's
# first year run once from default storages, as the generator and CalibrationReference do
import numpy as np

def simulate(d):
    """d: prep.py's npz. Yields (t, fluxes) for each day t of the record, after the spin-up year."""
    X = d['X'].astype(np.float64); A = d['A']; cols = list(d['cols'])
    P = X[:, :, 0]; T = X[:, :, 1]; E = X[:, :, 2]
    g = lambda k: A[:, cols.index(k)]
    TT, CFMAX, FC, LP, BETA, PERC, UZL, K0, K1, K2 = [g(k) for k in "TT CFMAX FC LP BETA PERC UZL K0 K1 K2".split()]
    n, D = P.shape
    snow = np.zeros(n); liq = np.zeros(n); sm = 0.5 * FC; suz = np.zeros(n); slz = np.full(n, 10.0)
    for spin, t in [(True, t) for t in range(min(365, D))] + [(False, t) for t in range(D)]:
        p = P[:, t]; tt = T[:, t]; warm = tt > TT
        rain = np.where(warm, p, 0); snow = snow + np.where(warm, 0, p)
        melt = np.where(warm, np.minimum(snow, CFMAX * (tt - TT)), 0); snow -= melt; liq += melt
        ref = np.where(warm, 0, np.minimum(liq, 0.05 * CFMAX * (TT - tt))); liq -= ref; snow += ref
        liq += rain; rel = np.maximum(0, liq - 0.1 * snow); liq -= rel
        ratio = np.minimum(1, sm / FC); r = rel * ratio ** BETA; sm = sm + rel - r
        over = np.maximum(sm - FC, 0); r += over; sm -= over
        aet = np.minimum(sm, E[:, t] * np.minimum(1, sm / (LP * FC))); sm -= aet
        suz += r; pc = np.minimum(suz, PERC); suz -= pc; slz += pc
        q0 = K0 * np.maximum(suz - UZL, 0); suz -= q0; q1 = K1 * suz; suz -= q1; q2 = K2 * slz; slz -= q2
        if not spin:
            yield t, dict(p=p, pet=E[:, t], aet=aet, sm=sm, fc=FC, q0=q0, q1=q1, q2=q2, suz=suz, snow=snow)
