import numpy as np, csv, sys
d=np.load(sys.argv[2] if len(sys.argv)>2 else 'd4000.npz'); X=d['X'].astype(np.float64); A=d['A']; cols=list(d['cols'])
P=X[:,:,0]; T=X[:,:,1]; E=X[:,:,2]
g=lambda k: A[:,cols.index(k)]
TT,CFMAX,FC,LP,BETA,PERC,UZL,K0,K1,K2,MAXBAS=[g(k) for k in "TT CFMAX FC LP BETA PERC UZL K0 K1 K2 MAXBAS".split()]
n,D=P.shape
snow=np.zeros(n); liq=np.zeros(n); sm=0.5*FC; suz=np.zeros(n); slz=np.full(n,10.0)
acc=np.zeros((n,6))
for t in list(range(365))+list(range(D)):
    rec = t>=730 and (t!=0 or True)
    p=P[:,t]; tt=T[:,t]; warm=tt>TT
    rain=np.where(warm,p,0); snow=snow+np.where(warm,0,p)
    melt=np.where(warm,np.minimum(snow,CFMAX*(tt-TT)),0); snow-=melt; liq+=melt
    ref=np.where(warm,0,np.minimum(liq,0.05*CFMAX*(TT-tt))); liq-=ref; snow+=ref
    liq+=rain; rel=np.maximum(0,liq-0.1*snow); liq-=rel
    ratio=np.minimum(1,sm/FC); r=rel*ratio**BETA; sm=sm+rel-r
    over=np.maximum(sm-FC,0); r+=over; sm-=over
    aet=np.minimum(sm,E[:,t]*np.minimum(1,sm/(LP*FC))); sm-=aet
    suz+=r; pc=np.minimum(suz,PERC); suz-=pc; slz+=pc
    q0=K0*np.maximum(suz-UZL,0); suz-=q0; q1=K1*suz; suz-=q1; q2=K2*slz; slz-=q2
    if rec: acc+=np.stack([q0,q1,q2,aet,E[:,t],p],1)
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
