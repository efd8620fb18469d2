"""Paired comparison of models scored in several evaluations of the same queries (eval_ranks-style parquet files).

    .venv/bin/python benchmarks/paired_ranks.py A.parquet B.parquet ... --models hb=hb-s0+prior/hb-s1+prior/hb-s2+prior,hd-s0+prior
        --against rotate,frequency,nd=nd-s0+prior/nd-s1+prior/nd-s2+prior,... [--out FILE]

Each file holds one row per (split, model, query) with the columns head, relation, tail and rank (what `Evaluation.rank`
keeps as `Evaluation.ranks`, saved by nbs/evaluate.ipynb as eval_ranks.parquet and by benchmarks/mrr_curve.py as
*.ranks.parquet). A model is read from the first file that holds it. The queries are matched by (split, head, relation,
tail) and must be the same set for every model compared (same KG, split, seed and max_queries).

An entry of `--models` or `--against` is a model name, or `name=m1/m2/m3`: several training seeds of one model. For a
group the MRR is the mean over its seeds (with each seed's MRR and their spread), and the paired bootstrap 95% interval
is that of the seed-averaged MRR difference (graphmer.rank.paired_verdict on (seeds, queries) ranks: reciprocal ranks
averaged per query, queries resampled); each seed's own verdict is listed beside it, against the opponent's seed of the
same rank when both have as many seeds (seed k against seed k), else against the opponent's seed average.
"""
import argparse, json
import numpy as np, pandas as pd
from graphmer.rank import paired_verdict, reciprocal_ranks

KEY = ["split", "head", "relation", "tail"]

def parse(spec: str) -> dict:
    "{label: [model, ...]} of 'a,g=m1/m2,...'."
    out = {}
    for e in filter(None, spec.split(",")):
        name, _, members = e.partition("=")
        out[name] = members.split("/") if members else [name]
    return out

def ranks_of(frames: list, model: str, split: str):
    "The (split, model) ranks indexed by query, from the first frame holding the model; None if none does."
    for df in frames:
        x = df[(df.model == model) & (df.split == split)]
        if len(x): return x.drop_duplicates(KEY).set_index(KEY)["rank"]
    return None

def same_queries(x, y, what: str):
    "`y` in the query order of `x`; exits if the two were scored on different queries."
    if set(x.index) != set(y.index): raise SystemExit(f"{what} were scored on different queries ({len(x)} vs {len(y)}): compare evaluations of the same queries")
    return y.loc[x.index]

def stack(frames: list, models: list, split: str):
    "(seeds, queries) ranks of `models` on one split (columns in the first model's query order), or None if any is missing."
    rs = [ranks_of(frames, m, split) for m in models]
    if any(r is None for r in rs): return None
    return pd.DataFrame({m: same_queries(rs[0], r, f"{split}: {models[0]} and {m}") for m, r in zip(models, rs)}).T

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--models", required=True); ap.add_argument("--against", required=True); ap.add_argument("--out", default="")
    a = ap.parse_args()
    frames = [pd.read_parquet(f) for f in a.files]
    models, against = parse(a.models), parse(a.against)
    rows = []
    for s in sorted(set.intersection(*(set(f.split) for f in frames))):
        for m, mm in models.items():
            x = stack(frames, mm, s)
            if x is None: continue
            for b, bb in against.items():
                y = stack(frames, bb, s)
                if y is None or b == m: continue
                y = same_queries(x.T, y.T, f"{s}: {m} and {b}").T
                v = paired_verdict(x.to_numpy(), y.to_numpy())
                row = dict(split=s, model=m, against=b, mrr=float(reciprocal_ranks(x.to_numpy()).mean()), against_mrr=float(reciprocal_ranks(y.to_numpy()).mean()),
                           difference=v["difference"], ci=[v["ci_low"], v["ci_high"]], verdict=v["verdict"], queries=x.shape[1])
                if len(mm) > 1 or len(bb) > 1:
                    mrrs = lambda z: [float(reciprocal_ranks(z.loc[k].to_numpy()).mean()) for k in z.index]
                    row |= dict(seeds=mm, mrr_per_seed=mrrs(x), mrr_seed_sd=float(np.std(mrrs(x), ddof=1)) if len(mm) > 1 else 0.0,
                                against_seeds=bb, against_mrr_per_seed=mrrs(y),
                                verdict_per_seed=[paired_verdict(x.iloc[i].to_numpy(), (y.iloc[i] if len(y) == len(x) else y).to_numpy())["verdict"] for i in range(len(x))])
                rows.append(row)
                per = f"  per seed: {', '.join(row['verdict_per_seed'])}" if "verdict_per_seed" in row else ""
                print(f"{s:12s} {m:14s} vs {b:16s} {row['mrr']:.3f} vs {row['against_mrr']:.3f}  {v['difference']:+.3f} ({v['ci_low']:+.3f} to {v['ci_high']:+.3f}) {v['verdict']}{per}")
    if a.out:
        with open(a.out, "w") as f: json.dump(dict(command=f"python benchmarks/paired_ranks.py {' '.join(a.files)} --models {a.models} --against {a.against}", pairs=rows), f, indent=1); f.write("\n")

if __name__ == "__main__": main()
