"""Compare the training jobs of benchmarks/gpu_cudagraph_job.sh: per run the train loss at every logged step, the
validation metrics at every evaluation, the median tokens/s (the first logged window, which compiles, left out);
between runs the largest difference in train loss and in the validation metrics.

Run: python benchmarks/cudagraph_compare.py DIR [--out benchmarks/results/gpu_cudagraph_job.json] [--note TEXT]
DIR holds NAME.metrics.jsonl files (what the script writes under $OUT).
"""
import argparse, json, statistics
from pathlib import Path

VAL = ("val_loss", "val_mlm_acc", "val_mnm_acc")
PAIRS = (("ro", "default"), ("ro_int", "ro2"), ("ro_int", "ro"), ("ro2", "ro"))

def load(path: Path) -> dict:
    rows = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
    steps = {r["step"]: r for r in rows}   # a resumed run may log a step again: the last one counts
    tps = [r["tokens_per_s"] for r in rows if r.get("tokens_per_s")][1:]
    return dict(last_step=max(steps), loss={s: r["loss"] for s, r in steps.items()},
                val={s: {k: r[k] for k in VAL} for s, r in steps.items() if r.get("val_loss") is not None},
                tokens_per_s_median=round(statistics.median(tps)) if tps else None, logged=len(rows))

def compare(a: dict, b: dict) -> dict:
    common = sorted(set(a["loss"]) & set(b["loss"]))
    vs = sorted(set(a["val"]) & set(b["val"]))
    return dict(steps_compared=len(common), max_abs_loss_diff=max((abs(a["loss"][s] - b["loss"][s]) for s in common), default=None),
                max_abs_val_diff={k: max((abs(a["val"][s][k] - b["val"][s][k]) for s in vs), default=None) for k in VAL},
                identical_losses=all(a["loss"][s] == b["loss"][s] for s in common))

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("dir"); ap.add_argument("--out", default="benchmarks/results/gpu_cudagraph_job.json")
    ap.add_argument("--note", default="")
    a = ap.parse_args()
    runs = {p.name.removesuffix(".metrics.jsonl"): load(p) for p in sorted(Path(a.dir).glob("*.metrics.jsonl"))}
    if not runs: raise SystemExit(f"no *.metrics.jsonl under {a.dir}: copy the files the GPU job wrote under $OUT there")
    for n, r in runs.items():
        print(f"{n}: last step {r['last_step']}, median {r['tokens_per_s_median']} tokens/s, " + "; ".join(f"step {s}: " + ", ".join(f"{k} {v:.4f}" for k, v in m.items()) for s, m in sorted(r["val"].items())))
    pairs = {f"{x} vs {y}": compare(runs[x], runs[y]) for x, y in PAIRS if x in runs and y in runs}
    for k, v in pairs.items(): print(k, v)
    out = dict(note=a.note, runs={n: {k: v for k, v in r.items() if k != "loss"} | dict(loss_last=r["loss"][r["last_step"]]) for n, r in runs.items()}, pairs=pairs)
    Path(a.out).write_text(json.dumps(out, indent=1))
    print("wrote", a.out)

if __name__ == "__main__": main()
