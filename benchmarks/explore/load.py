import numpy as np, json, csv, os, sys
def load(root, split_path=None, cache=None):
    if cache and os.path.exists(cache):
        d=np.load(cache, allow_pickle=True); return d['X'], d['A'], list(d['ids']), list(d['cols'])
    rows=list(csv.reader(open(f"{root}/attributes/synthetic/attributes_synthetic.csv")))
    cols=rows[0][1:]; ids=[r[0] for r in rows[1:]]
    A=np.array([[float(v) for v in r[1:]] for r in rows[1:]])
    X=np.stack([np.loadtxt(f"{root}/timeseries/csv/synthetic/{i}.csv",delimiter=',',skiprows=1,usecols=(1,2,3,4)) for i in ids]).astype(np.float32)
    if cache: np.savez(cache,X=X,A=A,ids=np.array(ids),cols=np.array(cols))
    return X,A,ids,cols
