import numpy as np, csv, sys
d=np.load(sys.argv[2] if len(sys.argv)>2 else 'd4000.npz'); X=d['X'].astype(np.float64); A=d['A']; cols=list(d['cols'])
n=X.shape[0]
from hbv_np import simulate
acc=np.zeros((n,6))   # q0, q1, q2, aet, pet, p summed over the test years (days 730 on)
for t,f in simulate(d):
    if t>=730: acc+=np.stack([f['q0'],f['q1'],f['q2'],f['aet'],f['pet'],f['p']],1)
ids=[f"synthetic_{i+1:04d}" for i in range(n)]
rows=list(csv.DictReader(open(sys.argv[1])))
ho=[r for r in rows if r['basin_set']=='heldout']
idx=np.array([ids.index(r['basin']) for r in ho])
qt=acc[idx,:3].sum(1)
s1=acc[idx,1]/qt; s0=acc[idx,0]/qt; s2=acc[idx,2]/qt; etf=acc[idx,3]/acc[idx,4]
for par,share,nm in [('log10(K1)',s1,'q1 share'),('PERC',s2,'q2 share'),('log10(K2)',s2,'q2 share'),('FC',etf,'aet/pet'),('log10(K0)',s0,'q0 share')]:
    pr=np.array([float(r['pred_'+par]) for r in ho]); tr=np.array([float(r['true_'+par]) for r in ho])
    qs=np.quantile(share,[0,.25,.5,.75,1])
    out=[]
    for a,b in zip(qs[:-1],qs[1:]):
        m=(share>=a)&(share<=b); out.append(f"[{a:.2f},{b:.2f}] r={np.corrcoef(pr[m],tr[m])[0,1]:.3f}")
    print(par, nm, 'all r=%.3f'%np.corrcoef(pr,tr)[0,1], ' | '.join(out))
