"""Paired comparison of models scored in two evaluations of the same queries (two eval_ranks-style parquet files).

    .venv/bin/python benchmarks/paired_ranks.py NEW.parquet OLD.parquet --models hb-s0+prior,hd-s0+prior --against rotate,frequency,... [--out FILE]

Both files hold one row per (split, model, query) with the columns head, relation, tail and rank (what
`Evaluation.rank` keeps as `Evaluation.ranks`, saved by nbs/evaluate.ipynb as eval_ranks.parquet and by
benchmarks/mrr_curve.py as *.ranks.parquet). The queries are matched by (split, head, relation, tail) and must be the same
set in both files (same KG, split, seed and max_queries); then each model of `--models` is compared with each model of
`--against` on every split both scored: MRR difference and its paired bootstrap 95% interval (graphmer.rank.bootstrap_mrr).
"""
import argparse, json
import pandas as pd
from graphmer.rank import paired_verdict, rank_metrics

KEY = ["split", "head", "relation", "tail"]

def ranks_of(df: pd.DataFrame, model: str, split: str) -> pd.DataFrame:
    return df[(df.model == model) & (df.split == split)].drop_duplicates(KEY).set_index(KEY)["rank"]

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("new"); ap.add_argument("old")
    ap.add_argument("--models", required=True); ap.add_argument("--against", required=True); ap.add_argument("--out", default="")
    a = ap.parse_args()
    new, old = pd.read_parquet(a.new), pd.read_parquet(a.old)
    rows = []
    for s in sorted(set(new.split) & set(old.split)):
        for m in a.models.split(","):
            x = ranks_of(new, m, s)
            if x.empty: continue
            for b in a.against.split(","):
                src = new if b in set(new.model) else old
                y = ranks_of(src, b, s)
                if y.empty: continue
                if set(x.index) != set(y.index): raise SystemExit(f"{s}: {m} and {b} were scored on different queries ({len(x)} vs {len(y)}): compare evaluations of the same queries")
                y = y.loc[x.index]
                v = paired_verdict(x.to_numpy(), y.to_numpy())
                rows.append(dict(split=s, model=m, against=b, mrr=rank_metrics(x.to_numpy())["mrr"], against_mrr=rank_metrics(y.to_numpy())["mrr"],
                                 difference=v["difference"], ci=[v["ci_low"], v["ci_high"]], verdict=v["verdict"], queries=len(x)))
                print(f"{s:12s} {m:14s} vs {b:16s} {rows[-1]['mrr']:.3f} vs {rows[-1]['against_mrr']:.3f}  {v['difference']:+.3f} ({v['ci_low']:+.3f} to {v['ci_high']:+.3f}) {v['verdict']}")
    if a.out:
        with open(a.out, "w") as f: json.dump(dict(command=f"python benchmarks/paired_ranks.py {a.new} {a.old} --models {a.models} --against {a.against}", pairs=rows), f, indent=1); f.write("\n")

if __name__ == "__main__": main()
