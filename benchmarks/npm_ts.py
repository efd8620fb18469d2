#!/usr/bin/env python
"""Real-code check of the TypeScript extractor on an npm package that ships its .ts sources (default: rxjs 7.8.1, `src/`).

Builds the KG of `data/external/npm/<pkg>/package/src` (run `benchmarks/fetch_npm.sh` first) with languages=["typescript"],
2 workers: wall time (median of 3 cold runs with cache_dir=False), files, lines, triples per relation, validator summary,
and a light heritage check: `class A extends B` / `implements C, D` and `interface I extends J` clauses found by a regex
scan (comments and strings stripped), compared with the KG's inherits_from/implements triples by simple names
(head's last segment, tail's last segment) — the scan does not follow imports, so this checks that every clause is
extracted, not where it resolves to.

Usage: `.venv/bin/python benchmarks/npm_ts.py [--pkg rxjs-7.8.1] [--runs 3]`; writes `benchmarks/results/npm_ts.json`.
"""
from __future__ import annotations
import argparse, json, os, re, statistics, sys, time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks/results/npm_ts.json"

_STRIP = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\])*`', re.S)
_DECL = re.compile(r'\b(class|interface)\s+([A-Za-z_$][\w$]*)\s*')


def _skip_angle(s, i):
    depth = 0
    while i < len(s):
        if s[i] == "<": depth += 1
        elif s[i] == ">" and s[i - 1] != "=":
            depth -= 1
            if depth == 0: return i + 1
        i += 1
    return i


def _names(clause: str) -> list[str]:
    "Simple names of a comma-separated heritage list (type arguments dropped, `a.B` -> `B`)."
    out, depth, cur = [], 0, ""
    for ch in clause:
        if ch == "<": depth += 1
        elif ch == ">": depth -= 1
        elif depth == 0 and ch == ",": out.append(cur); cur = ""; continue
        if depth == 0 and ch not in "<>": cur += ch
    out.append(cur)
    return [re.sub(r"\(.*", "", x).strip().rsplit(".", 1)[-1] for x in out if x.strip()]


def scan(src: Path) -> set:
    pairs = set()
    for p in sorted(src.rglob("*.ts")):
        if p.name.endswith(".d.ts"): continue
        s = _STRIP.sub(lambda m: " " * len(m.group()), p.read_text(encoding="utf-8", errors="replace"))
        for m in _DECL.finditer(s):
            kind, name, i = m.group(1), m.group(2), m.end()
            if i < len(s) and s[i] == "<": i = _skip_angle(s, i)
            j = s.find("{", i)
            head = s[i:j]
            mm = re.match(r"\s*(?:extends\s+(?P<ext>.*?))?\s*(?:implements\s+(?P<imp>.*?))?\s*$", head, re.S)
            if not mm: continue
            for b in _names(mm.group("ext") or ""): pairs.add((name, "inherits_from", b))
            for b in _names(mm.group("imp") or ""): pairs.add((name, "implements", b))
    return pairs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pkg", default="rxjs-7.8.1", help="folder under data/external/npm")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    src = ROOT / "data/external/npm" / a.pkg / "package/src"
    if not src.exists(): sys.exit(f"{src} not found: run benchmarks/fetch_npm.sh first")
    out_dir = ROOT / "data/external/npm" / f"{a.pkg}-kg"
    from graphmer.extract import build_kg, load_kg
    times = []
    for r in range(a.runs):
        t = time.perf_counter()
        m = build_kg([str(src)], str(out_dir), workers=2, progress=False, languages=["typescript"], cache_dir=False)
        times.append(time.perf_counter() - t)
    kg = load_kg(out_dir, mentions=False)
    c = m["counts"]
    decl = set(kg.entities.id[kg.entities.declared])
    t = kg.triples[kg.triples.relation.isin(["inherits_from", "implements"]) & kg.triples["head"].isin(decl)]
    last = lambda x: x.rsplit(".", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    K = {(last(h), r, last(tl)) for h, r, tl in zip(t["head"], t["relation"], t["tail"])}
    S = scan(src)
    metrics = {}
    for rel in ("inherits_from", "implements", "all"):
        s_ = {x for x in S if rel == "all" or x[1] == rel}; k_ = {x for x in K if rel == "all" or x[1] == rel}
        metrics[rel] = dict(scan=len(s_), kg=len(k_), agree=len(s_ & k_),
                            precision=round(len(s_ & k_) / len(k_), 4) if k_ else None,
                            recall=round(len(s_ & k_) / len(s_), 4) if s_ else None)
    res = dict(package=a.pkg, machine=dict(cpus=os.cpu_count(), workers=2), files=c["files"], files_ok=c["files_ok"],
               files_skipped=c["files_skipped"], lines=c["lines"], entities=c["entities"], triples=c["triples"],
               per_relation=c["per_relation"], per_type=c["per_type"], validation=m["validation"],
               timing=dict(cold_runs_s=[round(x, 2) for x in times], cold_median_s=round(statistics.median(times), 2),
                           phases=m["timing"]), heritage=metrics)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=1) + "\n")
    P = print
    P(f"## {a.pkg} (src/, TypeScript)\n\n| metric | value |\n|---|---|")
    for k in ("files", "files_ok", "files_skipped", "lines", "entities", "triples"): P(f"| {k} | {res[k]:,} |")
    P(f"| wall time, cold (median of {a.runs}, cache off, 2 workers, {os.cpu_count()} CPUs) | {res['timing']['cold_median_s']} s ({', '.join(map(str, res['timing']['cold_runs_s']))}) |")
    v = m["validation"]; P(f"| validator | {v['checks']} checks, {v['failed']} failed, {v['violations']} violations |")
    if m.get("skipped"): P("\nskipped: " + "; ".join(f"{s['path']}: {s['reason']}" for s in m["skipped"][:10]))
    P("\n| relation | triples |\n|---|---|")
    for r, n in c["per_relation"].items(): P(f"| {r} | {n:,} |")
    P("\n| entity type | count |\n|---|---|")
    for r, n in c["per_type"].items(): P(f"| {r} | {n:,} |")
    P("\n### Heritage clauses, by simple names (regex scan vs KG)\n")
    P("| relation | scan | KG | agree | precision | recall |\n|---|---|---|---|---|---|")
    for r, x in metrics.items(): P(f"| {r} | {x['scan']} | {x['kg']} | {x['agree']} | {x['precision']} | {x['recall']} |")
    for title, rows in (("scan only", sorted(S - K)), ("KG only", sorted(K - S))):
        if rows: P(f"\n{title} ({len(rows)}): " + ", ".join(f"{h} {r} {p}" for h, r, p in rows[:20]))
    P(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
