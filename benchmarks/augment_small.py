#!/usr/bin/env python
"""Issue 16's small-data experiment, every run in parallel: `graphmer.augment.small_data_run` for each condition x seed in
its own process (the KG and the prepared windows are made once first), then the rows, a summary against 'none', and the
augmentation pipeline's throughput, written to benchmarks/results/augment_small.json.

Default conditions: none, all, and all but each transform (leave-one-out). Usage (as run for the README, on the H200):
`python benchmarks/augment_small.py --package idlelib --steps 1000 --seeds 0,1,2 --parallel 12 --device cuda`
"""
from __future__ import annotations
import argparse, json, os, platform, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

def main():
    from graphmer.augment import TRANSFORMS, SmallDataConfig, small_data_experiment, experiment_summary, augment_throughput
    ap = argparse.ArgumentParser()
    ap.add_argument("--package", default="idlelib"); ap.add_argument("--n-train", type=int, default=50)
    ap.add_argument("--conditions", default=";".join(["none", "all"] + [f"-{t}" for t in TRANSFORMS]))
    ap.add_argument("--seeds", default="0,1,2"); ap.add_argument("--steps", type=int, default=1000); ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--device", default="auto"); ap.add_argument("--parallel", type=int, default=2); ap.add_argument("--max-queries", type=int, default=500)
    ap.add_argument("--out-dir", default=""); ap.add_argument("--results", default=str(ROOT / "benchmarks/results/augment_small.json"))
    a = ap.parse_args()
    params = dict(package=a.package, n_train=a.n_train, conditions=a.conditions, seeds=a.seeds, steps=a.steps, batch_size=a.batch_size,
                  device=a.device, max_queries=a.max_queries, out_dir=a.out_dir, progress=False)
    cfg = SmallDataConfig(**params)
    t0 = time.perf_counter()
    first = (cfg.condition_list[0], cfg.seed_list[0])
    def one(cs):
        c, s = cs
        code = (f"from graphmer.augment import SmallDataConfig, small_data_run; import json; "
                f"print(json.dumps(small_data_run(SmallDataConfig(**{params!r}), {c!r}, {s})))")
        env = os.environ | dict(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
        print(f"{c} s{s}: exit {r.returncode} after {time.perf_counter() - t0:.0f} s" + ("" if r.returncode == 0 else "\n" + r.stderr[-2000:]), flush=True)
    one(first)                                                   # builds the KG and prepares the windows once
    rest = [(c, s) for c in cfg.condition_list for s in cfg.seed_list if (c, s) != first]
    with ThreadPoolExecutor(a.parallel) as pool: list(pool.map(one, rest))
    wall = time.perf_counter() - t0
    df = small_data_experiment(cfg)                              # every row is cached in its run: this only gathers
    samples = sorted((cfg.out_path / "kg").glob("prep-*/samples"))[0]
    tp = augment_throughput(samples, n=3000)
    import torch
    out = dict(command="python benchmarks/augment_small.py " + " ".join(sys.argv[1:]), date=time.strftime("%Y-%m-%d"), wall_s=round(wall, 1),
               machine=dict(python=platform.python_version(), torch=torch.__version__, gpu=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
                            cpus=os.cpu_count()),
               parameters=params, rows=df.to_dict("records"), summary=experiment_summary(df).to_dict("records"), throughput=tp)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(out, indent=1, default=float))
    print(experiment_summary(df)[["condition", "seeds", "mlm_acc", "mnm_acc", "mrr"]].to_string()); print(tp); print(f"wall {wall:.0f} s")

if __name__ == "__main__": main()
