#!/usr/bin/env python
"""Call-graph benchmark of the Python KG's `calls` + `instantiates` triples (PyCG micro-benchmark style).

For each category directory of `tests/fixtures/py_callgraph/` (assignments, classes, lambdas, generators, dicts, lists,
decorators, mro, returns, args, fields, closures, imports, builtins, super, kwargs, direct_calls) it builds the KG of
that directory alone as a source root (`build_kg(dir, out_dir=tmp, workers=1, cache_dir=False, progress=False)`),
takes the `calls` and `instantiates` triples whose head is in the fixture (a module of the directory or inside one),
and compares them with the directory's `callgraph.json`: the triples that really happen at run time, made and
checked by `benchmarks/callgraph_truth.py` (see its docstring for the conventions). Prints precision and recall per
category and overall (micro-averaged over triples); `-v` lists the missing and unexpected triples.

Usage (graphmer is imported from PYTHONPATH, so the same script measures any checkout):
  PYTHONPATH=$PWD .venv/bin/python benchmarks/callgraph.py [-v] [--out FILE] [CATEGORY ...]
Writes `benchmarks/results/callgraph.json` (or FILE).
"""
from __future__ import annotations
import argparse, json, subprocess, sys, tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from callgraph_truth import FIXTURES, categories, load_truth, module_names   # noqa: E402

RESULTS = HERE / "results" / "callgraph.json"
RELATIONS = ("calls", "instantiates")


def kg_edges(d: Path, work: Path) -> set:
    "The `calls`/`instantiates` triples of the KG of source root `d` whose head is in the fixture."
    from graphmer.extract import build_kg, load_kg
    out = work / d.name
    build_kg(d, out_dir=out, workers=1, cache_dir=False, progress=False)
    kg = load_kg(out, mentions=False)
    if kg.manifest.get("skipped"): raise RuntimeError(f"{d}: files skipped by the build: {kg.manifest['skipped']}")
    mods = tuple(module_names(d))
    inside = lambda h: h in mods or h.startswith(tuple(m + "." for m in mods))
    t = kg.triples[kg.triples.relation.isin(RELATIONS)]
    return {(h, r, tl) for h, r, tl in t[["head", "relation", "tail"]].itertuples(index=False) if inside(h)}


def ratio(a: int, b: int): return round(a / b, 4) if b else None


def score(got: set, want: set) -> dict:
    tp = len(got & want)
    return dict(expected=len(want), found=len(got), correct=tp, precision=ratio(tp, len(got)), recall=ratio(tp, len(want)),
                missing=[list(e) for e in sorted(want - got)], unexpected=[list(e) for e in sorted(got - want)])


def run(dirs=None) -> dict:
    "Score every category directory: {'categories': {name: score}, 'overall': score without the edge lists}."
    dirs = list(dirs) if dirs is not None else categories()
    cats = {}
    with tempfile.TemporaryDirectory(prefix="callgraph_kg_") as tmp:
        for d in dirs: cats[d.name] = score(kg_edges(d, Path(tmp)), load_truth(d))
    n = {k: sum(c[k] for c in cats.values()) for k in ("expected", "found", "correct")}
    overall = n | dict(precision=ratio(n["correct"], n["found"]), recall=ratio(n["correct"], n["expected"]))
    return dict(categories=cats, overall=overall)


def graphmer_version() -> dict:
    import graphmer
    src = Path(graphmer.__file__).resolve().parent
    r = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--", "."], capture_output=True, text=True).stdout.strip()
    return dict(commit=r.stdout.strip() or None, graphmer_dirty=bool(dirty))


def table(res: dict) -> str:
    fmt = lambda x: "-" if x is None else f"{x:.3f}"
    rows = ["| category | expected | found | correct | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    for name, c in res["categories"].items():
        rows.append(f"| {name} | {c['expected']} | {c['found']} | {c['correct']} | {fmt(c['precision'])} | {fmt(c['recall'])} |")
    o = res["overall"]
    rows.append(f"| **overall (micro)** | {o['expected']} | {o['found']} | {o['correct']} | {fmt(o['precision'])} | {fmt(o['recall'])} |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list the missing and unexpected triples")
    ap.add_argument("--out", type=Path, default=RESULTS, help=f"results JSON (default: {RESULTS.relative_to(HERE.parent)})")
    ap.add_argument("categories", nargs="*", help="category names (default: all)")
    a = ap.parse_args(argv)
    dirs = [FIXTURES / c for c in a.categories] if a.categories else None
    res = run(dirs)
    print(table(res))
    if a.verbose:
        for name, c in res["categories"].items():
            for e in c["missing"]: print(f"{name}: missing    {' '.join(e)}")
            for e in c["unexpected"]: print(f"{name}: unexpected {' '.join(e)}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(dict(version=graphmer_version(), **res), indent=2) + "\n")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
