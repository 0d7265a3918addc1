import numpy as np, torch, time, json, sys, math
torch.set_num_threads(2); torch.manual_seed(0); np.random.seed(0)
arch=sys.argv[1]; budget=float(sys.argv[2]); data=sys.argv[3] if len(sys.argv)>3 else 'd1500.npz'
H=int(sys.argv[4]) if len(sys.argv)>4 else 64
d=np.load(data); X=d['X']; A=d['A'].copy(); cols=list(d['cols'])
for k in ('K0','K1','K2'): A[:,cols.index(k)]=np.log10(A[:,cols.index(k)])
A=A[:,:17]; names=cols[:17]
import os
ids=[f"synthetic_{i+1:04d}" for i in range(len(X))]
if os.environ.get('SPLIT'):   # a kgssl run's split.json (the 1500-basin runs used runs/demo_v4/split.json)
    split=json.load(open(os.environ['SPLIT']))
    idx={k:np.array([ids.index(b) for b in v]) for k,v in split.items()}
else:
    p=np.random.permutation(len(X)); n=len(X); idx={'Heldout':p[:n//5],'Validation':p[n//5:n//5+n//10],'Train':p[n//5+n//10:]}
tr=idx['Train']; ho=idx['Heldout']
# features: P,T,PET normalized; log q normalized
P,T,E,Q=[X[:,:,i] for i in range(4)]
lq=np.log(Q+1e-3)
import os
FE=os.environ.get('FE','base')
dlq=np.diff(lq,axis=1,prepend=lq[:,:1])
def ewm(v):
    outs=[]
    for tau in (30.,90.):
        a=1/tau; o=np.zeros_like(v); acc=np.zeros(v.shape[0],v.dtype)
        for t in range(v.shape[1]): acc=(1-a)*acc+a*v[:,t]; o[:,t]=acc
        outs.append(o)
    return outs
fl=[P,T,E,lq]+([Q] if 'q' in FE else [])+([np.log1p(P)] if 'lp' in FE else [])+([dlq] if 'd' in FE else [])+([dlq*(P<0.1)] if 'r' in FE else [])+(ewm(P-E) if 'm' in FE else [])+([np.diff(dlq,axis=1,prepend=dlq[:,:1])] if '2' in FE else [])+([np.diff(Q,axis=1,prepend=Q[:,:1])] if 'D' in FE else [])+([lq-np.concatenate([lq[:,:1]]*5+[lq[:,:-5]],1)] if '5' in FE else [])
feats=np.stack(fl,-1); nf=feats.shape[-1]
mu=feats[tr,:730].reshape(-1,nf).mean(0); sd=feats[tr,:730].reshape(-1,nf).std(0)
F=((feats-mu)/sd).astype(np.float32)
F=np.concatenate([F, np.zeros_like(F[:,:,:1])],-1)  # missing flag
am=A[tr].mean(0); asd=A[tr].std(0); Az=((A-am)/asd).astype(np.float32)
Ft=torch.from_numpy(F); Azt=torch.from_numpy(Az)
C=F.shape[-1]
AUXW=float(os.environ.get('AUX','0'))
NAUX=6
if AUXW>0:
    ST=np.load(os.environ.get('STATES','s4000.npy')); ST=(ST-ST[tr].reshape(-1,NAUX).mean(0))/ST[tr].reshape(-1,NAUX).std(0); STt=torch.from_numpy(ST.astype(np.float32))
class CNN(torch.nn.Module):
    def __init__(s,H=64,E=32):
        super().__init__()
        BN=os.environ.get('BN','0')=='1'
        nb=lambda: [torch.nn.BatchNorm1d(H)] if BN else []
        L=[torch.nn.Conv1d(C,H,7,padding=3,stride=int(os.environ.get('S1','1')))]+nb()+[torch.nn.ReLU()]
        for i in range(int(os.environ.get('DEPTH','3'))):
            L+=[torch.nn.Conv1d(H,H,5,padding=2,stride=2)]+nb()+[torch.nn.ReLU()]
        s.net=torch.nn.Sequential(*L)
        s.att=torch.nn.Linear(H,1); s.proj=torch.nn.Linear(2*H,E)
        s.aux=torch.nn.Linear(H,NAUX)
    def forward(s,x):
        h=s.net(x.transpose(1,2)).transpose(1,2)  # B,T',H
        w=s.att(h).softmax(1)
        s.last_aux=s.aux(h)
        return s.proj(torch.cat([(w*h).sum(1), h.mean(1)],-1))
class GRU(torch.nn.Module):
    def __init__(s,H=32,E=32):
        super().__init__(); s.g=torch.nn.GRU(C,H,batch_first=True,bidirectional=True); s.att=torch.nn.Linear(H,1); s.proj=torch.nn.Linear(H,E); s.H=H
    def forward(s,x):
        h,_=s.g(x); h=h[...,:s.H]+h[...,s.H:]; w=s.att(h).softmax(1); return s.proj((w*h).sum(1))
enc=CNN(H) if arch=='cnn' else GRU(H)
head=torch.nn.Sequential(torch.nn.Linear(32,64),torch.nn.ReLU(),torch.nn.Linear(64,17))
params=list(enc.parameters())+list(head.parameters())
opt=torch.optim.Adam(params,lr=float(sys.argv[5]) if len(sys.argv)>5 else 2e-3)
B=int(os.environ.get('B','64')); WIN=int(os.environ.get('WIN','365')); t0=time.time(); step=0; seen=0
def evaluate(rows, start, end):
    enc.eval()
    with torch.no_grad():
        preds=[]
        for s in range(start, end-WIN+1, 182):
            preds.append(head(enc(Ft[rows, s:s+WIN])))
        p=torch.stack(preds).mean(0).numpy()
    enc.train()
    return np.array([np.corrcoef(p[:,j],Az[rows,j])[0,1] for j in range(17)])
NST=int(os.environ.get('STEPS','0'))
while (step<NST) if NST else (time.time()-t0<budget):
    b=tr[np.random.randint(0,len(tr),B)]; s=np.random.randint(0,730-WIN+1,B)
    if os.environ.get('STRIDE'): st_=int(os.environ['STRIDE']); s=(s//st_)*st_
    x=torch.stack([Ft[i,j:j+WIN] for i,j in zip(b,s)])
    frac=step/NST if NST else (time.time()-t0)/budget
    for g in opt.param_groups: g['lr']=opt.defaults['lr']*0.5*(1+math.cos(math.pi*frac))
    loss=((head(enc(x))-Azt[b])**2).mean()
    if AUXW>0:
        tgt=torch.stack([STt[i,j:j+WIN] for i,j in zip(b,s)])   # B,WIN,6
        a=enc.last_aux; tgt=torch.nn.functional.adaptive_avg_pool1d(tgt.transpose(1,2),a.shape[1]).transpose(1,2)
        loss=loss+AUXW*((a-tgt)**2).mean()
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params,1.0); opt.step(); step+=1; seen+=B
    if step%200==0: print(step, round(loss.item(),3), round(seen/(time.time()-t0)), flush=True)
r=evaluate(ho, 730, 1461)
print(arch, 'steps',step,'w/s',round(seen/(time.time()-t0)))
print(' '.join(f"{n}:{v:.3f}" for n,v in zip(names,r)))
