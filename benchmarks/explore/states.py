# HBV states for the d4000 ensemble (numpy twin of HbvModel.Run; spin-up = the first year repeated)
import numpy as np, sys
d=np.load(sys.argv[1]); X=d['X'].astype(np.float64); A=d['A']; cols=list(d['cols'])
P=X[:,:,0]; T=X[:,:,1]; E=X[:,:,2]; Q=X[:,:,3]
g=lambda k: A[:,cols.index(k)]
TT,CFMAX,FC,LP,BETA,PERC,UZL,K0,K1,K2,MAXBAS=[g(k) for k in "TT CFMAX FC LP BETA PERC UZL K0 K1 K2 MAXBAS".split()]
n,D=P.shape
snow=np.zeros(n); liq=np.zeros(n); sm=0.5*FC; suz=np.zeros(n); slz=np.full(n,10.0)
out=np.zeros((n,D,6),np.float32)   # aet/pet, sm/fc, log q0+q1, log q2, log suz, log slz(+snow?)
def step(t,rec):
    global snow,liq,sm,suz,slz
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
    if rec:
        out[:,t]=np.stack([aet/np.maximum(E[:,t],1e-3), sm/FC, np.log(q0+q1+1e-3), np.log(q2+1e-3), np.log(suz+1e-2), np.log(snow+1)],1)
for t in range(365): step(t,False)
for t in range(D): step(t,True)
np.save(sys.argv[2],out); print(out.shape, out.reshape(-1,6).mean(0), out.reshape(-1,6).std(0))
