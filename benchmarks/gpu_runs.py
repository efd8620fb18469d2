"""Collect the training runs of issue 14's GPU reference (their summaries and validation curves) into one JSON file.

    .venv/bin/python benchmarks/gpu_runs.py runs/gpu/ref-s0 runs/gpu/ref-s1 ... [--note "how they were run"] [--out ...]

Each run was trained on one H200 by `graphmer train` (its command is rebuilt from the run's own parameters); the
figures come from each run's summary.json and metrics.jsonl. Writes benchmarks/results/gpu_reference_runs.json.
"""
import argparse, json
from pathlib import Path

CURVE = ("val_loss", "val_mlm_acc", "val_mnm_acc", "val_mnm_tail_acc")
SUMMARY = ("variant", "steps", "samples_seen", "tokens_seen", "wall_s", "tokens_per_s", "bad_steps") + CURVE

def command(params: dict) -> str:
    "The `graphmer train` command line of a run's parameters (the ones that differ from the defaults are enough to rerun it)."
    from graphmer.runs import RunConfig
    default = RunConfig.__dataclass_fields__
    keep = {k: v for k, v in params.items() if k in default and v != default[k].default and k not in ("run_dir", "progress")}
    return "graphmer train " + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in keep.items())

def _num(v): return None if isinstance(v, float) and v != v else v   # NaN (no MNM in text_only) -> null

def run_row(path: Path) -> dict:
    cfg, summ = json.loads((path / "config.json").read_text()), json.loads((path / "summary.json").read_text())
    rows = [json.loads(l) for l in (path / "metrics.jsonl").read_text().splitlines() if l.strip()]
    curve = [{k: _num(r[k]) for k in ("step",) + CURVE if k in r} for r in rows if _num(r.get("val_loss")) is not None]
    p = cfg.get("parameters", {})
    return dict(run=path.name, seed=p.get("seed"), data_seed=p.get("data_seed", -1), command=command(p),
                summary={k: _num(summ.get(k)) for k in SUMMARY}, validation_curve=curve)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+"); ap.add_argument("--note", default="")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "gpu_reference_runs.json"))
    a = ap.parse_args()
    out = dict(note=a.note, runs=[run_row(Path(r)) for r in a.runs])
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    for r in out["runs"]:
        s = r["summary"]; print(f"{r['run']:40s} {s['variant']:10s} seed {r['seed']} val_loss {s['val_loss']:.4f} tail acc {s['val_mnm_tail_acc']} wall {s['wall_s']} s")

if __name__ == "__main__": main()
