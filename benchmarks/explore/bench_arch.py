import torch, time
torch.set_num_threads(2)
B,T,C,H=64,365,5,32
x=torch.randn(B,T,C)
def bench(name, mod, f):
    opt=torch.optim.Adam(mod.parameters())
    for i in range(2): 
        l=f(); l.backward(); opt.step(); opt.zero_grad()
    t=time.time(); n=8
    for i in range(n):
        l=f(); l.backward(); opt.step(); opt.zero_grad()
    dt=(time.time()-t)/n
    print(f"{name}: {B/dt:.0f} windows/s")
gru=torch.nn.GRU(C,H,batch_first=True,bidirectional=True)
bench("bigru32", gru, lambda: gru(x)[0].sum())
class CNN(torch.nn.Module):
    def __init__(s,H=64):
        super().__init__()
        s.net=torch.nn.Sequential(torch.nn.Conv1d(C,H,7,padding=3),torch.nn.ReLU(),
          torch.nn.Conv1d(H,H,5,padding=2,stride=2),torch.nn.ReLU(),
          torch.nn.Conv1d(H,H,5,padding=2,stride=2),torch.nn.ReLU(),
          torch.nn.Conv1d(H,H,5,padding=2,stride=2),torch.nn.ReLU())
    def forward(s,x): return s.net(x.transpose(1,2))
for h in (32,64):
    c=CNN(h); bench(f"cnn{h}", c, lambda: c(x).sum())
dgru=torch.nn.GRU(3+32,32,batch_first=True)
xd=torch.randn(B,T,35)
bench("decgru32", dgru, lambda: dgru(xd)[0].sum())
class TCN(torch.nn.Module):
    def __init__(s,H=32,dil=(1,2,4,8,16,32,64,128)):
        super().__init__()
        s.inp=torch.nn.Conv1d(35,H,1)
        s.layers=torch.nn.ModuleList([torch.nn.Conv1d(H,H,3,dilation=d) for d in dil]); s.dil=dil
        s.out=torch.nn.Conv1d(H,1,1)
    def forward(s,x):
        h=s.inp(x.transpose(1,2))
        for d,l in zip(s.dil,s.layers):
            h=h+torch.relu(l(torch.nn.functional.pad(h,(2*d,0))))
        return s.out(h)
for h in (32,64):
    t=TCN(h); bench(f"tcn{h}", t, lambda: t(xd).sum())
