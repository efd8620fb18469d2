"""How much the flow analysis's fixed point depends on the order in which its worklist first takes the flows.

The linker always takes them in the files' order, so a build is reproducible; but a rebuild that re-ran only the flows
an edit touches would take them in another order, and could only promise a KG byte-identical to a cold build if the
fixed point did not depend on it (which is why `Linker.relink` proves instead that an edit changes nothing outside the
edited files, and links in full otherwise). This links the standard library's facts three times (the files' order,
reversed, shuffled with --seed) and counts the slots whose values differ and the triples that only one order emits.

Run: .venv/bin/python benchmarks/flow_order.py [--seed 0] [--out benchmarks/results/flow_order.json]
It reads the facts from the default KG's cache (`make report` or `graphmer build-kg` writes it), else extracts them.
"""
import argparse, gc, json, random, time
from pathlib import Path
import graphmer.extract as ex
from graphmer.core import default_corpus
from graphmer.externals import ExternalIndex
from graphmer.link import Linker

def facts(src: Path) -> list:
    roots = [ex.source_root(src)]
    files, _ = ex.discover(roots, ex.ALL_LANGUAGES)
    hashes = ex.hash_files(roots, files, ex.MAX_FILE_BYTES)
    cache = ex.FactsCache(ex.kg_dir_for([src]) / ".cache" / "facts.marshal")
    results = ex.extract_all(roots, files, hashes, cache, 2, ex.MAX_FILE_BYTES, False)
    return [(r["facts"], dict(repository=roots[0].repository, commit=roots[0].commit)) for r in results if r["status"] == "ok"]

def run(ok, order_of):
    lk = Linker(ok, ExternalIndex())
    n = sum(len(f.get("flows", ())) for f, _ in ok)
    t = time.perf_counter(); kg = lk.link(order_of(list(range(n)))); dt = time.perf_counter() - t
    pts = {k: frozenset(v) for k, v in lk.pts.items()}
    tr = kg.t
    return n, pts, set(zip(tr["head"], tr["relation"], tr["tail"])), dt

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "flow_order.json"))
    a = ap.parse_args()
    gc.disable()
    ok = facts(default_corpus())
    rng = random.Random(a.seed)
    orders = {"files": lambda xs: xs, "reversed": lambda xs: xs[::-1], f"shuffled (seed {a.seed})": lambda xs: rng.sample(xs, len(xs))}
    out, base = dict(files=len(ok)), None
    for name, order_of in orders.items():
        n, pts, triples, dt = run(ok, order_of)
        row = dict(flows=n, slots=len(pts), triples=len(triples), link_s=round(dt, 1))
        if base is None: base = (pts, triples)
        else:
            row |= dict(slots_differing=sum(base[0].get(k) != pts.get(k) for k in set(base[0]) | set(pts)),
                        triples_only_in_files_order=len(base[1] - triples), triples_only_in_this_order=len(triples - base[1]))
        out[name] = row; print(name, row, flush=True)
    Path(a.out).write_text(json.dumps(out, indent=1))

if __name__ == "__main__": main()
