import numpy as np, torch, sys, json, os, math, time
torch.set_num_threads(2); torch.manual_seed(0); np.random.seed(0)
d=np.load(sys.argv[1]); X=d['X']; A=d['A'].copy(); cols=list(d['cols'])
for k in ('K0','K1','K2'): A[:,cols.index(k)]=np.log10(A[:,cols.index(k)])
A=A[:,:17]; names=cols[:17]
ids=[f"synthetic_{i+1:04d}" for i in range(len(X))]
split=json.load(open(sys.argv[2])); idx={k:np.array([ids.index(b) for b in v]) for k,v in split.items()}
tr=idx['Train']; ho=idx['Heldout']
def feats(x):
    P,T,E,Q=[x[:,:,i].astype(np.float64) for i in range(4)]
    n=P.shape[1]; out=[]
    lq=np.log(Q+1e-3)
    pm=P.mean(1); qm=Q.mean(1)
    out+= [pm, T.mean(1), E.mean(1), qm, qm/pm, Q.std(1)/pm]
    for qq in (0.01,0.05,0.1,0.25,0.5,0.75,0.9,0.95,0.99): out.append(np.log(np.quantile(Q,qq,axis=1)+1e-3)-np.log(pm))
    # recession rates on dry days binned by log q level relative to p mean
    dry=(P[:,1:]<0.1)&(P[:,:-1]<0.1)
    rr=lq[:,:-1]-lq[:,1:]
    lv=lq[:,:-1]
    edges=np.linspace(-6,4,11)
    for a,b in zip(edges[:-1],edges[1:]):
        m=dry&(lv>=a)&(lv<b)
        cnt=m.sum(1); s=(rr*m).sum(1)/np.maximum(cnt,1)
        out+=[np.where(cnt>2,s,np.nan), np.log1p(cnt)]
    # cross-correlation P->Q lags 0..10 (on differences of q)
    dq=np.diff(Q,axis=1,prepend=Q[:,:1])
    Pz=(P-P.mean(1,keepdims=True))/(P.std(1,keepdims=True)+1e-9); dz=(dq-dq.mean(1,keepdims=True))/(dq.std(1,keepdims=True)+1e-9)
    for L in range(0,10): out.append((Pz[:,:n-L]*dz[:,L:]).mean(1) if L>0 else (Pz*dz).mean(1))
    # autocorr log q
    for L in (1,2,3,5,10,30,60):
        a=lq[:,:-L]-lq[:,:-L].mean(1,keepdims=True); b=lq[:,L:]-lq[:,L:].mean(1,keepdims=True)
        out.append((a*b).mean(1)/(a.std(1)*b.std(1)+1e-9))
    # monthly-ish means of q and et deficit
    for k in range(12):
        sl=slice(k*30,(k+1)*30)
        out.append(np.log(Q[:,sl].mean(1)+1e-3)); out.append(np.log(P[:,sl].mean(1)+1e-3))
    # snow
    out.append((P*(T<0)).sum(1)/P.sum(1))
    F=np.stack(out,1)
    return F
Ftr=np.concatenate([feats(X[tr,s:s+365]) for s in range(0,366,60)])
Atr=np.concatenate([A[tr]]*len(range(0,366,60)))
def fho(rows,base): return [feats(X[rows,base+s:base+s+365]) for s in range(0,366,60)]
mu=np.nanmean(Ftr,0); sd=np.nanstd(Ftr,0)+1e-9
def z(F): F=(F-mu)/sd; return np.nan_to_num(F,nan=0.0).clip(-8,8).astype(np.float32)
am=A[tr].mean(0); asd=A[tr].std(0)
Xt=torch.from_numpy(z(Ftr)); Yt=torch.from_numpy(((Atr-am)/asd).astype(np.float32))
D=Xt.shape[1]; print('features',D, 'samples',len(Xt))
net=torch.nn.Sequential(torch.nn.Linear(D,256),torch.nn.ReLU(),torch.nn.Linear(256,256),torch.nn.ReLU(),torch.nn.Linear(256,17))
opt=torch.optim.Adam(net.parameters(),1e-3); budget=float(sys.argv[3]); t0=time.time(); st=0
while time.time()-t0<budget:
    b=torch.randint(0,len(Xt),(256,)); loss=((net(Xt[b])-Yt[b])**2).mean()
    for g in opt.param_groups: g['lr']=1e-3*0.5*(1+math.cos(math.pi*min(1,(time.time()-t0)/budget)))
    opt.zero_grad(); loss.backward(); opt.step(); st+=1
print('steps',st,loss.item())
with torch.no_grad():
    p=np.mean([net(torch.from_numpy(z(F))).numpy() for F in fho(ho,730)],0)
Az=(A[ho]-am)/asd
print(' '.join(f"{n}:{np.corrcoef(p[:,j],Az[:,j])[0,1]:.3f}" for j,n in enumerate(names)))
