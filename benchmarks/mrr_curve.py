"""Link-prediction MRR against training steps: every periodic checkpoint of some runs, scored as the evaluation scores a run.

    .venv/bin/python benchmarks/mrr_curve.py runs/a runs/b ... [--max-queries 2000] [--curve-queries 500] [--device auto]
        [--baselines frequency,copy,random] [--pairs a:b,...] [--out benchmarks/results/mrr_curve.json]

The runs must share one split (the same KG and data_seed) and keep their checkpoints (`keep_checkpoints=0`, `save_every`
a multiple of `eval_every`). Two evaluations (graphmer.runs.Evaluation, stages load, make_queries, train_baselines,
rank, verdict):
1. the finished runs with the baselines, on `--max-queries` queries per split, with the prior fitted on validation files;
   `--pairs` names pairs of runs whose paired bootstrap interval of the MRR difference is reported (`a` minus `b`);
2. every periodic checkpoint of every run (graphmer.runs.checkpoint_run), on `--curve-queries` queries per split, with the
   prior; skipped when `--curve-queries 0`.
Each checkpoint's reload is checked against the validation loss recorded at its step. Writes one JSON file.
"""
import argparse, json, time
from pathlib import Path
import numpy as np
from graphmer.runs import EvalConfig, Evaluation, checkpoint_run, PRIOR_SUFFIX
from graphmer.rank import paired_verdict

KEEP = ("mrr", "mrr_ci", "hits@1", "hits@3", "hits@10", "n")

def _plain(v):
    if isinstance(v, dict): return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)): return [_plain(x) for x in v]
    if isinstance(v, (np.floating, np.integer)): return v.item()
    return v

def evaluate(run_dirs: list, baselines: str, queries: int, device: str) -> tuple:
    "Run the evaluation stages over `run_dirs`; returns (the Evaluation, its seconds per stage)."
    ev = Evaluation(EvalConfig(run_dir=",".join(map(str, run_dirs)), baselines=baselines, max_queries=queries, device=device, progress=False))
    t, times = time.perf_counter(), {}
    for stage in ("load", "make_queries", "train_baselines", "rank", "verdict"):
        getattr(ev, stage)(); times[stage] = round(time.perf_counter() - t, 1); print(f"  {stage}: {times[stage]} s", flush=True)
    return ev, times

def results(ev) -> dict:
    "{split: {model: headline metrics, by copyable}} of an evaluation."
    out = {}
    for s, res in ev.results.items():
        out[s] = {}
        for n, m in res.items():
            row = {k: m[k] for k in KEEP if k in m} | dict(mrr_copyable=m["copyable"]["mrr"], mrr_not_copyable=m["non_copyable"]["mrr"],
                                                         per_relation={r: v["mrr"] for r, v in m["per_relation"].items()})
            out[s][n] = row
    return _plain(out)

def pairs(ev, spec: str) -> list:
    "The paired bootstrap interval of MRR(a) - MRR(b), with and without the prior, for each 'a:b' in `spec`."
    rows = []
    for pair in filter(None, spec.split(",")):
        a, b = pair.split(":")
        for s in ev.results:
            for suf in ("", PRIOR_SUFFIX):
                if (s, a + suf) not in ev.tops or (s, b + suf) not in ev.tops: continue
                v = paired_verdict(ev.tops[(s, a + suf)]["ranks"], ev.tops[(s, b + suf)]["ranks"], seed=ev.cfg.seed)
                rows.append(dict(split=s, a=a + suf, b=b + suf, difference=v["difference"], ci=[v["ci_low"], v["ci_high"]], verdict=v["verdict"]))
    return rows

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--max-queries", type=int, default=2000); ap.add_argument("--curve-queries", type=int, default=500)
    ap.add_argument("--baselines", default="frequency,copy,random"); ap.add_argument("--device", default="auto")
    ap.add_argument("--pairs", default=""); ap.add_argument("--note", default="")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "mrr_curve.json"))
    a = ap.parse_args()
    t0, out = time.perf_counter(), dict(note=a.note, runs=a.runs, command="python benchmarks/mrr_curve.py " + " ".join(a.runs))
    print(f"final runs, {a.max_queries} queries per split", flush=True)
    ev, times = evaluate(a.runs, a.baselines, a.max_queries, a.device)
    out["final"] = dict(max_queries=a.max_queries, results=results(ev), pairs=pairs(ev, a.pairs), verdict=_plain(ev.verdicts),
                        prior={k: v["weight"] for k, v in ev.prior.items()}, seconds=times, checks=_plain(ev.checks))
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    ev.ranks.to_parquet(Path(a.out).with_suffix(".ranks.parquet"))        # per query and model, to pair with other evaluations of the same queries
    if a.curve_queries:
        views = []
        for r in a.runs:
            for p in sorted((Path(r) / "checkpoints").glob("step-*")):
                try: views.append(checkpoint_run(r, p.name))
                except ValueError as e: print(f"  skipped: {e}")
        print(f"{len(views)} checkpoints, {a.curve_queries} queries per split", flush=True)
        ev, times = evaluate(views, "frequency", a.curve_queries, a.device)
        res = results(ev)
        out["curve"] = dict(max_queries=a.curve_queries, seconds=times, checks=_plain(ev.checks),
                            points=[dict(run=Path(v).name.split("@")[0], step=int(Path(v).name.split("@")[1]),
                                         **{f"{s}{suf.replace('+', '_')}": res[s][Path(v).name + suf]["mrr"] for s in res for suf in ("", PRIOR_SUFFIX)})
                                    for v in views],
                            frequency={s: res[s]["frequency"]["mrr"] for s in res})
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    for s, res in out["final"]["results"].items():
        for n, m in res.items(): print(f"{s:12s} {n:28s} MRR {m['mrr']:.3f}")
    for p in out["final"]["pairs"]: print(p)
    print(f"wrote {a.out} in {out['wall_s']} s")

if __name__ == "__main__": main()
