#!/usr/bin/env python
"""Every augmentation transform on real code of each language, checked by re-extraction (`graphmer.augment.fact_diff`):
triples lost or gained, mentions carried to the wrong place, mentions lost, files left unparseable.

Corpora: the standard library's top-level modules (Python), the JDK's java.base (`benchmarks/fetch_jdk.sh`), rxjs 7.8.1's
TypeScript sources and the npm CLI's JavaScript (`benchmarks/fetch_npm.sh`; the npm that ships with node). A seeded
sample of each; each transform runs with its odds at 1 (every candidate site changed).
Usage: `.venv/bin/python benchmarks/augment_facts.py [--files 40]` -> benchmarks/results/augment_facts.json
"""
from __future__ import annotations
import argparse, ast, json, random, sys, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

def corpora() -> dict:
    from graphmer.core import default_corpus
    return {"python": sorted(default_corpus().glob("*.py")),
            "java": sorted((ROOT / "data/external/jdk/src/java.base").rglob("*.java")),
            "typescript": sorted((ROOT / "data/external/npm/rxjs-7.8.1/package/src").rglob("*.ts")),
            "javascript": sorted(Path("/usr/lib/node_modules/npm/lib").rglob("*.js"))}

def main():
    from graphmer.augment import PY_TRANSFORMS, TS_TRANSFORMS, TSSource, fact_diff
    ap = argparse.ArgumentParser(); ap.add_argument("--files", type=int, default=40); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/augment_facts.json")); a = ap.parse_args()
    out, t0 = {}, time.perf_counter()
    for lang, files in corpora().items():
        if not files: print(f"{lang}: no files (fetch them first)"); continue
        random.Random(a.seed).shuffle(files)
        transforms = PY_TRANSFORMS if lang == "python" else TS_TRANSFORMS
        res = {n: dict(files=0, changed=0, facts_changed=0, unparseable=0, mentions=0, misplaced=0, mentions_lost=0, examples=[]) for n in transforms}
        used = 0
        for f in files:
            if used >= a.files: break
            try: text = f.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError): continue
            if lang == "python":
                try: ast.parse(text)
                except SyntaxError: continue
            elif TSSource(text, lang).tree.root_node.has_error: continue
            used += 1
            for name, fn in transforms.items():
                r = fn(text, np.random.default_rng(a.seed), p=1.0) if lang == "python" else fn(text, np.random.default_rng(a.seed), lang, p=1.0)
                s = res[name]; s["files"] += 1; s["changed"] += r.text != text
                try:
                    if lang == "python": ast.parse(r.text)
                    elif TSSource(r.text, lang).tree.root_node.has_error: raise SyntaxError
                except SyntaxError: s["unparseable"] += 1; continue
                d = fact_diff(text, [r], lang)
                s["facts_changed"] += bool(d["lost"] or d["gained"]); s["mentions"] += d["mentions"]
                s["misplaced"] += len(d["misplaced"]); s["mentions_lost"] += d["mentions_lost"]
                if (d["lost"] or d["gained"]) and len(s["examples"]) < 3:
                    s["examples"].append(dict(file=str(f.relative_to(f.anchor)), lost=[list(x) for x in d["lost"][:3]], gained=[list(x) for x in d["gained"][:3]]))
        out[lang] = res
        print(lang, {n: (v["files"], v["changed"], v["facts_changed"], v["misplaced"], v["mentions_lost"]) for n, v in res.items()}, flush=True)
    Path(a.out).write_text(json.dumps(dict(command="python benchmarks/augment_facts.py " + " ".join(sys.argv[1:]), date=time.strftime("%Y-%m-%d"),
                                           wall_s=round(time.perf_counter() - t0, 1), results=out), indent=1))

if __name__ == "__main__": main()
