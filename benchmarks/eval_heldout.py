"""Time `Evaluation.heldout` (held-out MLM/MNM metrics, collapse checks, fill-and-parse) of a finished run, its ablations reused.

    .venv/bin/python benchmarks/eval_heldout.py [--run runs/tiny-500-s0-fd75ee]

Run after `make report` (which trains the run and its `no_decay` and `text_only` ablations). Prints the seconds
`heldout` took and its figures as JSON. The README's before/after figures: this script at commit f3659a8 (two forward
passes per model) and at e1b763d (one), twice each, on a quiet 2-core VM.
"""
import argparse, json, time
from graphmer.runs import EvalConfig, Evaluation

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", default="runs/tiny-500-s0-fd75ee", help="a finished training run whose ablations are trained")
    a = ap.parse_args()
    ev = Evaluation(EvalConfig(run_dir=a.run, baselines="no_decay,text_only", progress=False))
    ev.load(); ev.make_queries(); ev.train_baselines()
    t = time.perf_counter(); h = ev.heldout(); s = time.perf_counter() - t
    print(json.dumps(dict(heldout_s=round(s, 1), figures=h), default=str))

if __name__ == "__main__":
    main()
