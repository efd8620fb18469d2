"""Signs of collapse of trained runs on their held-out test files (the checks of `Evaluation.heldout`, alone).

    .venv/bin/python benchmarks/collapse_checks.py --run runs/gpu/hd/hd-s0 --run runs/tiny-500-s0-fd75ee [--windows 1000] [--files 50]

For each run: held-out MLM accuracy, distinct tokens predicted at the masked code positions against the distinct true
ones, the share of the most frequent prediction against the most frequent true token's, accuracy on masked Python
keywords, and the share of the first `--files` held-out Python files that still parse after 15% of their tokens (spans
of 1-3) are masked and filled by the model, by the most frequent masked token, and as they are. Writes
benchmarks/results/collapse_checks.json.
"""
import argparse, json, platform, time
from pathlib import Path
import torch
from graphmer.runs import EvalConfig, Evaluation

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", action="append", required=True); ap.add_argument("--windows", type=int, default=1000); ap.add_argument("--files", type=int, default=50)
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "collapse_checks.json"))
    a = ap.parse_args()
    rows = {}
    for run in a.run:
        t = time.perf_counter()
        ev = Evaluation(EvalConfig(run_dir=run, baselines="none", max_queries=1, heldout_windows=a.windows, parse_files=a.files, device="cpu", progress=False, prior="none"))
        ev.load(); ev.make_queries()
        rows[run] = ev.heldout()["graphmer"] | dict(steps=ev.main.summary.get("steps"), seconds=round(time.perf_counter() - t, 1))
        print(run, rows[run], flush=True)
    Path(a.json).write_text(json.dumps(dict(machine=dict(platform=platform.platform(), python=platform.python_version(), torch=torch.__version__),
                                            date=time.strftime("%Y-%m-%d"), windows=a.windows, files=a.files, runs=rows), indent=1, default=float) + "\n")

if __name__ == "__main__": main()
