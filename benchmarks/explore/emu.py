import numpy as np, torch, time, json, sys, math, os
torch.set_num_threads(2); torch.manual_seed(0); np.random.seed(0)
budget=float(sys.argv[1]); data=sys.argv[2]; H=int(os.environ.get('H','64')); DH=int(os.environ.get('DH','32'))
W1=float(os.environ.get('W1','1')); W3=float(os.environ.get('W3','1')); COND=os.environ.get('COND','z')
d=np.load(data); X=d['X']; A=d['A'].copy(); cols=list(d['cols'])
for k in ('K0','K1','K2'): A[:,cols.index(k)]=np.log10(A[:,cols.index(k)])
A=A[:,:17]; names=cols[:17]
p=np.random.RandomState(1).permutation(len(X)); n=len(X); ho=p[:n//5]; tr=p[n//5+n//10:]
P,T,E,Q=[X[:,:,i] for i in range(4)]
lq=np.log10(Q+0.005)
feats=np.stack([P,T,E,lq,Q],-1); nf=5
mu=feats[tr,:730].reshape(-1,nf).mean(0); sd=feats[tr,:730].reshape(-1,nf).std(0)
F=((feats-mu)/sd).astype(np.float32); F=np.concatenate([F,np.zeros_like(F[:,:,:1])],-1)
am=A[tr].mean(0); asd=A[tr].std(0); Az=((A-am)/asd).astype(np.float32)
Ft=torch.from_numpy(F); Azt=torch.from_numpy(Az); C=F.shape[-1]
class CNN(torch.nn.Module):
    def __init__(s,H=64,E=32):
        super().__init__()
        L=[torch.nn.Conv1d(C,H,7,padding=3),torch.nn.ReLU()]
        for i in range(3): L+=[torch.nn.Conv1d(H,H,5,padding=2,stride=2),torch.nn.ReLU()]
        s.net=torch.nn.Sequential(*L); s.att=torch.nn.Linear(H,1); s.proj=torch.nn.Linear(2*H,E)
    def forward(s,x):
        h=s.net(x.transpose(1,2)).transpose(1,2); w=s.att(h).softmax(1)
        return s.proj(torch.cat([(w*h).sum(1), h.mean(1)],-1))
class TCN(torch.nn.Module):
    def __init__(s,H=32,E=32,dil=(1,2,4,8,16,32,64,128)):
        super().__init__()
        s.inp=torch.nn.Conv1d(3,H,1); s.film=torch.nn.Linear(E,2*H*len(dil)); s.dil=dil; s.H=H
        s.layers=torch.nn.ModuleList([torch.nn.Conv1d(H,H,3,dilation=d) for d in dil])
        s.out=torch.nn.Conv1d(H,1,1)
    def forward(s,x,z):
        h=s.inp(x.transpose(1,2)); f=s.film(z).view(z.shape[0],len(s.dil),2,s.H,1)
        for i,(d,l) in enumerate(zip(s.dil,s.layers)):
            a=l(torch.nn.functional.pad(h,(2*d,0)))
            h=h+torch.relu(a*(1+f[:,i,0])+f[:,i,1])
        return s.out(h).squeeze(1)
enc=CNN(H); TRUE=os.environ.get('COND')=='true'
if TRUE: dec_in=17
head=torch.nn.Sequential(torch.nn.Linear(32,64),torch.nn.ReLU(),torch.nn.Linear(64,17)); dec=TCN(DH,E=17 if TRUE else 32)
params=list(enc.parameters())+list(head.parameters())+list(dec.parameters())
opt=torch.optim.Adam(params,lr=2e-3); B=64; t0=time.time(); step=0; seen=0; WARM=int(os.environ.get('WARM','0'))
while time.time()-t0<budget:
    b=tr[np.random.randint(0,len(tr),B)]; s=np.random.randint(0,730-365+1,B)
    x=torch.stack([Ft[i,j:j+365] for i,j in zip(b,s)])
    frac=(time.time()-t0)/budget
    for g in opt.param_groups: g['lr']=2e-3*0.5*(1+math.cos(math.pi*frac))
    z=enc(x); l3=((head(z)-Azt[b])**2).mean()
    pred=dec(x[:,:,:3],Azt[b] if TRUE else z); l1=((pred-x[:,:,3])[:,WARM:]**2).mean()
    if os.environ.get('LOSS')=='both':
        ql=(10**(pred.clamp(max=4.0)*sd[3]+mu[3])-0.005)/sd[4]; qo=(10**(x[:,:,3]*sd[3]+mu[3])-0.005)/sd[4]
        l1=l1+((ql-qo)**2).mean()
    loss=W1*l1+(0 if TRUE else W3)*l3
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(params,1.0); opt.step(); step+=1; seen+=B
    if step%300==0: print(step, round(l1.item(),3), round(l3.item(),3), round(seen/(time.time()-t0)), flush=True)
enc.eval(); dec.eval()
with torch.no_grad():
    zs=torch.stack([enc(Ft[ho,s:s+365]) for s in range(0,730-365+1,182)]).mean(0)
    zt=torch.stack([enc(Ft[ho,s:s+365]) for s in range(730,1461-365+1,182)]).mean(0)
    pa=head(zt).numpy()
    pred=dec(Ft[ho,365:,:3],Azt[ho] if TRUE else zs).numpy()[:,365:]
qs=10**(pred*sd[3]+mu[3])-0.005; qo=Q[ho,730:]
nse=1-((qs-qo)**2).sum(1)/((qo-qo.mean(1,keepdims=True))**2).sum(1)
r=[np.corrcoef(pa[:,j],Az[ho,j])[0,1] for j in range(17)]
print('steps',step,'w/s',round(seen/(time.time()-t0)),'emulator median NSE',round(float(np.median(nse)),3))
print(' '.join(f"{n}:{v:.3f}" for n,v in zip(names,r)))
