"""Random one-file edits on a copy of the standard library: how often a rebuild is relinked, how long it takes, and
whether its KG is the cold build's.

Run: .venv/bin/python benchmarks/relink_random.py [--edits 20] [--seed 3] [--workers 2] [--packages json,email] [--out benchmarks/results/relink_random.json]
(--packages: only these directories of the standard library.)
Each edit (`random_edit` of tests/test_kg_incremental.py: a function appended, a comment line inserted, a local or a
call added to a function, a function deleted; in a file picked at random, test files included) is followed by a
rebuild of the KG directory, timed, and by a full link of the same corpus into another directory (from its own facts
cache, whose saved link is removed first, so that the whole corpus is linked); the two directories' files are compared
byte for byte. Edits accumulate, so after an edit that was linked in full the next one starts from that link.
"""
import argparse, json, os, platform, random, shutil, statistics, sys, tempfile, time
from collections import Counter
from pathlib import Path
from graphmer.core import default_corpus
from graphmer.extract import LINK_INDEX, OUTPUTS, build_kg
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_kg_incremental import random_edit

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--edits", type=int, default=20); ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2); ap.add_argument("--packages", default=None)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "relink_random.json"))
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp()); src = tmp / "stdlib"
    if a.packages is None: shutil.copytree(default_corpus(), src, ignore=shutil.ignore_patterns("site-packages", "__pycache__"), symlinks=True)
    else:
        for p in a.packages.split(","): shutil.copytree(default_corpus() / p, src / p, ignore=shutil.ignore_patterns("__pycache__"), symlinks=True)
    kg, cold, rng = tmp / "kg", tmp / "cold", random.Random(a.seed)
    build_kg([src], kg, workers=a.workers, progress=False)
    build_kg([src], cold, workers=a.workers, progress=False)
    rows = []
    for k in range(a.edits):
        kind, path = random_edit(rng, src, k)
        t = time.perf_counter(); m = build_kg([src], kg, workers=a.workers, progress=False); dt = time.perf_counter() - t
        (cold / ".cache" / LINK_INDEX).unlink(missing_ok=True)
        mc = build_kg([src], cold, workers=a.workers, progress=False)
        assert not mc["relink"]["files"]
        same = all((kg / n).read_bytes() == (cold / n).read_bytes() for n in OUTPUTS + ("validation.json",))
        rows.append(dict(edit=kind, path=path, relinked=bool(m["relink"]["files"]), why=m["relink"]["why"], seconds=round(dt, 2), identical=same))
        print(rows[-1], flush=True)
    rel = [r["seconds"] for r in rows if r["relinked"]]; full = [r["seconds"] for r in rows if not r["relinked"]]
    res = dict(machine=f"{platform.node()} {os.cpu_count()} cores", python=platform.python_version(), workers=a.workers, seed=a.seed, edits=a.edits, packages=a.packages or "all",
               relinked=len(rel), linked_in_full=len(full), all_identical=all(r["identical"] for r in rows),
               relinked_median_s=statistics.median(rel) if rel else None, full_median_s=statistics.median(full) if full else None,
               relinked_by_edit=dict(Counter(r["edit"] for r in rows if r["relinked"])), edits_by_kind=dict(Counter(r["edit"] for r in rows)),
               why_not=dict(Counter(r["why"].split(" (")[0] for r in rows if not r["relinked"])), rows=rows)
    Path(a.out).write_text(json.dumps(res, indent=2))
    print(json.dumps({k: v for k, v in res.items() if k != "rows"}, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__": main()
