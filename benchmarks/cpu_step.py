"""Time the main job's training step on this CPU: `tiny`, batch 8, the standard library's windows, the trainer's own step.

Run after `make report` (which leaves the standard library's KG and its prepared windows under data/kg/):
    .venv/bin/python benchmarks/cpu_step.py [--threads 2,1] [--steps 60] [--repeat 3] [--label after]
It builds the run of `make report` (`graphmer.runs.Training` with train.ipynb's defaults, so bf16 autocast where the CPU
has AMX), trains 20 warm-up steps, then times `repeat` rounds of `steps` steps per number of threads and reports the
median milliseconds per step and tokens/s. Like `Training.fit` on a CPU, it keeps freed memory blocks in the process
(`graphmer.core.keep_freed_memory`) unless --no-keep-memory is given. The row is stored under `label` in the JSON
(other labels are kept), so a "before" row can be measured on an older commit: `git worktree add /tmp/old <rev>` and
run this script with `PYTHONPATH=/tmp/old --label before`.
"""
import argparse, json, os, platform, statistics, subprocess, tempfile, time
from pathlib import Path
import torch
import graphmer
from graphmer.core import keep_freed_memory
from graphmer.pretrain import objective
from graphmer.runs import RunConfig, Training
from graphmer.trainers import Trainer
from prepare_samples import find_prep    # benchmarks/, on the path when this script runs

def _commit() -> str|None:
    "The commit of the graphmer being timed (a worktree's, under PYTHONPATH), or None outside git."
    r = subprocess.run(["git", "-C", str(Path(graphmer.__file__).parent), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return r.stdout.strip() or None

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kg-dir", default=None); ap.add_argument("--threads", default="2,1")
    ap.add_argument("--steps", type=int, default=60); ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--label", default="after"); ap.add_argument("--no-keep-memory", action="store_true", help="leave glibc's malloc settings as they are")
    ap.add_argument("--out", default="benchmarks/results/cpu_step.json")
    a = ap.parse_args()
    kept = False if a.no_keep_memory else keep_freed_memory()
    kg = Path(a.kg_dir) if a.kg_dir else find_prep().parent   # the main job's KG, whose windows are prepared
    rows = []
    for threads in [int(x) for x in a.threads.split(",")]:
        torch.set_num_threads(threads)
        with tempfile.TemporaryDirectory() as d:
            run = Training(RunConfig(kg_dir=str(kg), run_dir=str(Path(d) / "run"), progress=False, device="cpu"))
            run.prepare(); run.build_model()
            tr = Trainer(run.model, objective, run.train_batches, lambda bs: [], run.train_cfg, run.run_path, progress=False)
            stream = tr._batches_from()
            for _ in range(20): tr.train_step([next(stream)])
            ms, tps = [], []
            for _ in range(a.repeat):
                batches = [next(stream) for _ in range(a.steps)]
                t = time.perf_counter()
                for b in batches: tr.train_step([b])
                dt = time.perf_counter() - t
                ms.append(round(1000 * dt / a.steps, 1)); tps.append(round(sum(tr.batch_tokens(b) for b in batches) / dt))
            run.lock.release()
        rows.append(dict(threads=threads, median_ms_per_step=statistics.median(ms), ms_per_step=ms, median_tokens_per_s=statistics.median(tps),
                         cpu_bf16=run.train_cfg.cpu_bf16))
        print(rows[-1], flush=True)
    out = Path(a.out); res = json.loads(out.read_text()) if out.exists() else {}
    res[a.label] = dict(command=f"python benchmarks/cpu_step.py --threads {a.threads} --steps {a.steps} --repeat {a.repeat} --label {a.label}" + (" --no-keep-memory" if a.no_keep_memory else ""),
                        keep_freed_memory=kept,
                        date=time.strftime("%Y-%m-%d"), torch=torch.__version__, kg=str(kg), commit=_commit(),
                        machine=dict(platform=platform.platform(), processor=platform.processor() or platform.machine(), cpus=len(os.sched_getaffinity(0))),
                        rows=rows)
    out.parent.mkdir(parents=True, exist_ok=True); out.write_text(json.dumps(res, indent=2) + "\n")
    print(f"wrote {out} ({a.label})")

if __name__ == "__main__": main()
