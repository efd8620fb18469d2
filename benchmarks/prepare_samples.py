"""Time the leafy-chain sample preparation of the main job (`prepare_samples`, the bulk of `train.ipynb`'s data stage) and
check that it writes the same samples as before.

Run after `make report` (which leaves the standard library's KG and the main job's prepared data under data/kg/):
    .venv/bin/python benchmarks/prepare_samples.py [--workers 1,2] [--repeat 3] [--out benchmarks/results/prepare_samples.json]
It re-prepares the samples of the main job's prep directory (same KG, tokenizer and settings, read from its prep.json) into
a temporary directory `repeat` times per number of worker processes, reports the median wall time, and compares every
array of every shard, the split and the statistics with the prep directory's own samples (`identical`).
"""
import argparse, json, os, platform, statistics, tempfile, time
from pathlib import Path
import numpy as np
from graphmer.data import prepare_samples
from graphmer.tokenizer import CodeTokenizer

def find_prep(root="data/kg"):
    "The main job's prep directory (the standard library's KG, `make report`'s settings)."
    for p in sorted(Path(root).glob("python-stdlib-*/prep-*/prep.json")):
        if (p.parent / "samples" / "shards.json").exists(): return p.parent
    raise SystemExit(f"no prepared samples under {root}/python-stdlib-*/prep-*: run `make report` (or nbs/train.ipynb) first")

def same_samples(a: Path, b: Path) -> bool:
    "Whether two samples directories hold the same split, statistics and arrays (shard files differ in their zip timestamps)."
    sa, sb = (json.loads((d / "stats.json").read_text()) for d in (a, b))
    for s in (sa, sb): s.pop("prepare_s", None); s["config"].pop("kg_dir", None)
    if sa != sb or (a / "shards.json").read_text() != (b / "shards.json").read_text(): return False
    if json.loads((a / "split.json").read_text()) != json.loads((b / "split.json").read_text()): return False
    for sh in json.loads((a / "shards.json").read_text())["shards"]:
        x, y = np.load(a / sh["path"]), np.load(b / sh["path"])
        if sorted(x.files) != sorted(y.files) or not all(np.array_equal(x[k], y[k]) for k in x.files): return False
    return True

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--prep", default=None, help="prep directory to reproduce (default: the main job's)")
    ap.add_argument("--workers", default="1,2"); ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default="benchmarks/results/prepare_samples.json")
    a = ap.parse_args()
    prep = Path(a.prep) if a.prep else find_prep()
    key, kg = json.loads((prep / "prep.json").read_text())["key"], prep.parent
    tok = CodeTokenizer.load(prep / "tokenizer.json")
    settings = dict(R=key["R"], L=key["L"], include=key["include"], val_frac=key["val_frac"], seed=key["seed"], test_frac=key["test_frac"],
                    split_group=key["split_group"], test_triple_frac=key["test_triple_frac"], max_test_triples=key["max_test_triples"])
    rows = []
    for w in [int(x) for x in a.workers.split(",")]:
        times, identical = [], []
        for _ in range(a.repeat):
            with tempfile.TemporaryDirectory() as d:
                t = time.perf_counter(); prepare_samples(kg, tok, Path(d) / "samples", workers=w, **settings); times.append(round(time.perf_counter() - t, 2))
                identical.append(same_samples(prep / "samples", Path(d) / "samples"))
        rows.append(dict(workers=w, median_s=statistics.median(times), runs_s=times, identical=all(identical)))
        print(rows[-1], flush=True)
    stats = json.loads((prep / "samples" / "stats.json").read_text())
    res = dict(command="python benchmarks/prepare_samples.py " + f"--workers {a.workers} --repeat {a.repeat}", date=time.strftime("%Y-%m-%d"),
               machine=dict(platform=platform.platform(), processor=platform.processor() or platform.machine(), cpus=len(os.sched_getaffinity(0))),
               prep=str(prep), files=stats["all"]["files"] + stats.get("test", {}).get("files", 0), windows=stats["all"]["windows"] + stats.get("test", {}).get("windows", 0), rows=rows)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=2) + "\n")
    print(f"wrote {a.out}")

if __name__ == "__main__": main()
