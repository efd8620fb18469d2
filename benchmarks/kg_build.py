"""Time `build_kg` on the standard library: cold, up to date, and after a one-file change (relinked from the cold
build's saved state when `Linker.relink` can prove the result exact; the manifest's `relink` says which way it went).

Run: .venv/bin/python benchmarks/kg_build.py [--workers 2] [--repeat 3] [--out benchmarks/results/kg_build.json]
Writes the JSON to --out. The corpus is a copy of the interpreter's standard library (without
site-packages), so that one file can be edited without touching the real one. The memory peak is the maximum
resident set size after the first cold build: of this process (interpreter, imports and the build, which links,
validates and writes in this process) and of the largest extraction worker. In the stage timings, `write_s` and
`validate_s` overlap (the files are written on threads while the validator runs). After the first one-file change, the
KG directory is compared, file by file, with a cold build of the edited corpus (no cache): `identical_to_cold`.
"""
import argparse, json, platform, resource, shutil, statistics, tempfile, time, os
from pathlib import Path
from graphmer.core import default_corpus
from graphmer.extract import OUTPUTS, build_kg

def timed(**kw):
    t = time.perf_counter(); m = build_kg(progress=False, **kw); return time.perf_counter() - t, m

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--workers", type=int, default=2); ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(Path(__file__).with_name("results") / "kg_build.json"))
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp()); src = tmp / "stdlib"
    shutil.copytree(default_corpus(), src, ignore=shutil.ignore_patterns("site-packages", "__pycache__"), symlinks=True)
    cold, warm, touched, relinks = [], [], [], []
    for i in range(a.repeat):
        out = tmp / f"kg{i}"
        t, m = timed(sources=[src], out_dir=out, workers=a.workers); cold.append(t)
        if i == 0: peak = {who: resource.getrusage(r).ru_maxrss // 1024 for who, r in (("self", resource.RUSAGE_SELF), ("worker", resource.RUSAGE_CHILDREN))}
        t, m2 = timed(sources=[src], out_dir=out, workers=a.workers); warm.append(t); assert m2["up_to_date"]
        f = src / "json" / "decoder.py"; f.write_text(f.read_text() + f"\ndef _bench_{i}():\n    return JSONDecoder()\n")
        t, m3 = timed(sources=[src], out_dir=out, workers=a.workers); touched.append(t); assert m3["cache"]["misses"] == 1, m3["cache"]
        relinks.append(m3["relink"])
        if i == 0:
            cold_dir = tmp / "cold"; timed(sources=[src], out_dir=cold_dir, workers=a.workers, cache_dir=False)
            same = {n: (out / n).read_bytes() == (cold_dir / n).read_bytes() for n in OUTPUTS + ("validation.json",)}
            shutil.rmtree(cold_dir)
        shutil.rmtree(out)
    res = dict(machine=f"{platform.node()} {os.cpu_count()} cores", python=platform.python_version(), workers=a.workers, repeat=a.repeat,
               files=m["counts"]["files"], lines=m["counts"]["lines"], triples=m["counts"]["triples"],
               cold_s=statistics.median(cold), up_to_date_s=statistics.median(warm), one_file_changed_s=statistics.median(touched),
               cold_max_rss_mb=peak, cold_all=cold, up_to_date_all=warm, one_file_changed_all=touched, stage_timing_cold=m["timing"], stage_timing_changed=m3["timing"],
               relink=relinks, identical_to_cold=same)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2))
    print(json.dumps(res, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__": main()
