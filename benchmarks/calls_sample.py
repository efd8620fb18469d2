#!/usr/bin/env python
"""Samples of the standard-library KG's calls, printed with their source line, to check by hand.

* precision: N random `calls`/`instantiates` facts outside test code that a KG built before the flow analysis does
  not have (`--base`, e.g. built at commit 3a6d83a), each with the line it comes from;
* recall: M random call sites (`ast.Call`) outside tests, idlelib and lib2to3, each with what the KG's mentions put
  on that line.

Usage (the README's figures: --n 40 --seed 8, --m 50 --recall-seed 11):
    git worktree add /tmp/graphmer-base 3a6d83a
    (cd /tmp/graphmer-base && PYTHONPATH=. ../path/to/.venv/bin/python -m graphmer.cli build-kg --out /tmp/kg-base)
    .venv/bin/python benchmarks/calls_sample.py --kg data/kg/stdlib --base /tmp/kg-base
"""
import argparse, ast, linecache, random, sysconfig
from pathlib import Path
import pyarrow.parquet as pq

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kg", default="data/kg/stdlib"); ap.add_argument("--base", required=True)
    ap.add_argument("--n", type=int, default=40); ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--m", type=int, default=50); ap.add_argument("--recall-seed", type=int, default=11)
    a = ap.parse_args()
    root = Path(sysconfig.get_paths()["stdlib"])
    base = pq.read_table(Path(a.base) / "triples.parquet").to_pandas()
    kg = pq.read_table(Path(a.kg) / "triples.parquet").to_pandas()
    old = set(zip(base["head"], base["relation"], base["tail"]))
    kg = kg[kg.relation.isin(["calls", "instantiates"])]
    new = kg[[(h, r, t) not in old for h, r, t in zip(kg["head"], kg["relation"], kg["tail"])]]
    new = new[~new.path.str.contains("test")]
    print(f"# precision sample: {a.n} of {len(new)} facts only the flow analysis finds")
    for i, r in enumerate(new.sample(a.n, random_state=a.seed).itertuples()):
        print(f"[{i}] {r.head} -{r.relation}-> {r.tail}\n     {r.path}:{r.line_start}: {linecache.getline(str(root / r.path), r.line_start).strip()[:150]}")
    m = pq.read_table(Path(a.kg) / "mentions.parquet").to_pandas(); m = m[m.kind == "ref"]
    on_line = {}
    for e, p, l in zip(m["entity"], m["path"], m["line"]): on_line.setdefault((p, l), []).append(e)
    files = sorted(p for p in root.rglob("*.py") if not any(x in str(p.relative_to(root)) for x in ("test", "site-packages", "lib2to3", "idlelib")))
    random.seed(a.recall_seed); sites = []
    while len(sites) < a.m:
        f = random.choice(files)
        try: calls = [n for n in ast.walk(ast.parse(f.read_bytes())) if isinstance(n, ast.Call)]
        except (SyntaxError, ValueError): continue
        if not calls: continue
        n = random.choice(calls); rel = str(f.relative_to(root))
        sites.append((rel, n.lineno, ast.unparse(n.func)[:60], on_line.get((rel, n.lineno), [])))
    print(f"\n# recall sample: {a.m} call sites and the entities the KG mentions on their line")
    for i, (p, l, fn, got) in enumerate(sites): print(f"[{i}] {p}:{l} {fn}  ->  {got[:4]}")

if __name__ == "__main__": main()
