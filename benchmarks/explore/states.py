# HBV states for an ensemble (hbv_np.py; spin-up = the first year run once) as per-step supervision targets
import numpy as np, sys
from hbv_np import simulate
d = np.load(sys.argv[1]); n, D = d['X'].shape[:2]
out = np.zeros((n, D, 6), np.float32)   # aet/pet, sm/fc, log(q0+q1), log q2, log suz, log(snow+1)
for t, f in simulate(d):
    out[:, t] = np.stack([f['aet'] / np.maximum(f['pet'], 1e-3), f['sm'] / f['fc'], np.log(f['q0'] + f['q1'] + 1e-3),
                          np.log(f['q2'] + 1e-3), np.log(f['suz'] + 1e-2), np.log(f['snow'] + 1)], 1)
np.save(sys.argv[2], out); print(out.shape, out.reshape(-1, 6).mean(0), out.reshape(-1, 6).std(0))
