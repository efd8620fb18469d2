"""How fast `ExternalIndex` answers for the external names real code uses: cold (parsing), from the disk cache, from memory.

Run: .venv/bin/python benchmarks/externals_stdlib.py [--files 400] [--seed 0] [--installed]
Harvests the absolute dotted names that a seeded sample of standard-library files refer to (imported modules, their
attributes, `from m import n`, builtins), then asks `kind`, `resolve` and `is_exception` for every distinct name with a new
index and an empty cache directory (cold: the modules the names need are parsed), a second new index on the same cache
directory (what a second KG build sees: nothing is parsed), and the same index again (memoised). Writes
benchmarks/results/externals_stdlib.json. Timings are wall-clock on a possibly shared machine.
"""
import argparse, ast, builtins, collections, json, platform, random, sys, tempfile, time
from pathlib import Path
from graphmer.core import atomic_write_json, default_corpus, module_name, project_path
from graphmer.externals import ExternalIndex

def harvest(files) -> list:
    "Absolute dotted names the files refer to through their imports, and the builtins they use."
    names = set()
    for f in files:
        try: tree = ast.parse(f.read_bytes())
        except (SyntaxError, ValueError): continue
        alias = {}
        for n in ast.walk(tree):
            if isinstance(n, ast.Import):
                for a in n.names:
                    alias[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]; names.add(a.name)
            elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                for a in n.names:
                    if a.name != "*": alias[a.asname or a.name] = f"{n.module}.{a.name}"; names.add(f"{n.module}.{a.name}")
        for n in ast.walk(tree):
            if isinstance(n, ast.Attribute):
                parts, x = [], n
                while isinstance(x, ast.Attribute): parts.append(x.attr); x = x.value
                if isinstance(x, ast.Name) and x.id in alias: names.add(".".join([alias[x.id], *reversed(parts)]))
            elif isinstance(n, ast.Name) and n.id in vars(builtins) and not n.id.startswith("__"): names.add(f"builtins.{n.id}")
    return sorted(names)

def ask(ix, names) -> tuple[float, collections.Counter]:
    t = time.perf_counter()
    kinds = collections.Counter(ix.kind(n) for n in names)
    for n in names: ix.resolve(n); ix.is_exception(n)
    return time.perf_counter() - t, kinds

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=400); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--installed", action="store_true", help="also resolve against the interpreter's site-packages")
    a = ap.parse_args()
    files = sorted(p for p in default_corpus().rglob("*.py") if "site-packages" not in p.parts)
    files = random.Random(a.seed).sample(files, min(a.files, len(files)))
    names = harvest(files)
    with tempfile.TemporaryDirectory() as cache:
        cold = ExternalIndex(resolve_installed=a.installed, cache_dir=cache); cold_s, kinds = ask(cold, names)
        warm = ExternalIndex(resolve_installed=a.installed, cache_dir=cache); warm_s, _ = ask(warm, names)
        hot_s, _ = ask(warm, names)
    res = dict(files_sampled=len(files), names=len(names), source_files_read=len(cold._files), parsed_cold=cold.stats["parsed"],
               parsed_warm=warm.stats["parsed"], cache_hits_warm=warm.stats["cache_hits"],
               cold_s=round(cold_s, 3), warm_disk_cache_s=round(warm_s, 3), memoised_s=round(hot_s, 4),
               kinds={str(k): v for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])},
               python=platform.python_version(), machine=platform.machine(), installed=a.installed)
    print(json.dumps(res, indent=2))
    atomic_write_json(project_path("benchmarks/results/externals_stdlib.json"), res)

if __name__ == "__main__": main()
