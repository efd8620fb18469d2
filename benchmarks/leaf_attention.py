"""How far the leaves of trained runs look: attention of every leaf on root tokens by hop distance, per layer and head.

    .venv/bin/python benchmarks/leaf_attention.py --run runs/gpu/hd/hd-s0 --run runs/gpu/hd/hd-s0/ablations/tiny-9000-s0-no_decay-68a7ac [--windows 256]

For each run: the learned p_h of every head, its decay factor λ^GELU(√d − p_h) at some distances, and the mean share of
a leaf's attention on roots in hop-distance bands (`graphmer.evaluate.leaf_attention_by_distance`) over the leaves of
the first `--windows` validation windows (masked as in validation). Writes benchmarks/results/leaf_attention.json.
"""
import argparse, json, platform, time
from pathlib import Path
import torch
from graphmer.evaluate import eval_batches, leaf_attention_by_distance
from graphmer.runs import load_run

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", action="append", required=True); ap.add_argument("--windows", type=int, default=256)
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "leaf_attention.json"))
    a = ap.parse_args()
    out = {}
    for run in a.run:
        r = load_run(run)
        df = leaf_attention_by_distance(r.model, eval_batches(r, "val", a.windows))
        dec = r.model.decay()
        out[run] = dict(variant=r.variant, leaves=int(df["leaves"].iloc[0]),
                        p_h=[float(x) for x in r.model.p_head] if dec is not None else None,
                        decay_at={str(d): [float(dec[h, d]) for h in range(dec.shape[0])] for d in (1, 4, 16, 64, 128)} if dec is not None else None,
                        by_layer_head=df.drop(columns=["leaves"]).to_dict(orient="records"))
        far = df[df["band"].isin(["16-31", "32-63", "64-128"])].groupby(["layer", "head"])["share"].sum().unstack().round(3)
        near = df[df["band"].isin(["1-1", "2-3"])].groupby(["layer", "head"])["share"].sum().unstack().round(3)
        print(run, r.variant, "p_h", out[run]["p_h"], "\nshare on roots 16+ hops away (layer x head)\n", far, "\nshare on roots 1-3 hops away\n", near, flush=True)
    Path(a.json).write_text(json.dumps(dict(machine=dict(platform=platform.platform(), python=platform.python_version(), torch=torch.__version__),
                                            date=time.strftime("%Y-%m-%d"), windows=a.windows, runs=out), indent=1) + "\n")

if __name__ == "__main__": main()
