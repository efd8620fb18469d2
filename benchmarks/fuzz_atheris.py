"""Coverage-guided fuzzing of the extractors with atheris (libFuzzer), beside the hypothesis suite of tests/test_fuzz_extract.py.

Run: .venv/bin/pip install atheris && .venv/bin/python benchmarks/fuzz_atheris.py [--runs 20000] [--seconds 300]
Each input picks a language (its first byte) and is extracted as a file of it, as `build_kg` does (`extract._facts`).
Every outcome must be facts or a skip with a reason; an unexpected exception (what `extract_file` would list as
"extractor error") is a crash and stops the run with the input saved. Seeds: real files of each language. Writes
benchmarks/results/fuzz_atheris.json (inputs run, crashes, edges covered, the command)."""
import argparse, json, os, re, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def target():
    import atheris
    with atheris.instrument_imports(include=["graphmer"]):
        from graphmer.extract import LANGUAGES, SourceFile, _facts, _skip_reason
    langs = list(LANGUAGES)
    def one(data: bytes):
        if not data: return
        lang = langs[data[0] % len(langs)]; spec = LANGUAGES[lang]
        f = SourceFile(0, "fuzzed" + spec.extensions[0], lang, "fuzzed" if spec.root_modules else None)
        try: _facts(data[1:], f)
        except Exception as e:
            if _skip_reason(e).startswith("extractor error"): raise
    atheris.Setup(sys.argv, one)
    atheris.Fuzz()

def seeds(d: Path):
    "Real files of every language, each behind the byte that selects its language."
    from graphmer.core import default_corpus
    from graphmer.extract import LANGUAGES
    langs = list(LANGUAGES); files = sorted((default_corpus() / "json").glob("*.py"))
    for lang in langs[1:]:
        files += sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*") if p.suffix in LANGUAGES[lang].extensions)[:6]
    for i, p in enumerate(files):
        lang = next(l for l in langs if p.suffix in LANGUAGES[l].extensions)
        (d / f"seed{i}").write_bytes(bytes([langs.index(lang)]) + p.read_bytes()[:20000])

def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--target": sys.argv.pop(1); return target()
    ap = argparse.ArgumentParser(); ap.add_argument("--runs", type=int, default=20000); ap.add_argument("--seconds", type=int, default=300)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp()); corpus = work / "corpus"; corpus.mkdir(); seeds(corpus)
    n_seeds = len(list(corpus.iterdir()))      # libFuzzer adds what it finds to this folder
    cmd = [sys.executable, __file__, "--target", str(corpus), f"-runs={a.runs}", f"-max_total_time={a.seconds}", "-timeout=20",
           "-rss_limit_mb=4096", f"-artifact_prefix={work}/"]
    t = time.perf_counter(); r = subprocess.run(cmd, capture_output=True, text=True); wall = time.perf_counter() - t
    log = r.stdout + r.stderr
    done = re.findall(r"#(\d+)\s+DONE\s+cov: (\d+)", log) or re.findall(r"#(\d+)\s+\w+\s+cov: (\d+)", log)
    runs, cov = (int(done[-1][0]), int(done[-1][1])) if done else (0, 0)
    crashed = r.returncode != 0
    res = dict(date=time.strftime("%Y-%m-%d"), machine=f"{os.uname().nodename}, {os.cpu_count()} cores", command=" ".join(["benchmarks/fuzz_atheris.py", f"--runs {a.runs}", f"--seconds {a.seconds}"]),
               seeds=n_seeds, corpus_grown_to=len(list(corpus.iterdir())), inputs_run=runs, edges_covered=cov, crashes=int(crashed), wall_s=round(wall, 1),
               artifacts=[p.name for p in work.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))])
    (ROOT / "benchmarks" / "results" / "fuzz_atheris.json").write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2)); print(log[-3000:] if crashed else "")
    return 1 if crashed else 0

if __name__ == "__main__": sys.exit(main())
