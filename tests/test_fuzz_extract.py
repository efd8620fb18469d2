"""Fuzzing the extractors (hypothesis): random bytes, mutated real files, deep nesting, huge literals, hostile coding
declarations and files in the wrong language, in Python, Java, JavaScript and TypeScript.

Every input must be extracted or skipped with a reason, within the per-file time limit, and never by an unexpected
exception (`extractor error: ...`, which `extract_file` would also turn into a skip, counts as a crash here). Analysed
code is never executed: a corpus whose top level would write a file or run a command leaves no trace.

Run more examples than CI does and write the counts for the README:
`.venv/bin/python tests/test_fuzz_extract.py --examples 3000` -> benchmarks/results/fuzz_extract.json
"""
import json, marshal, os, random, sys, time
from collections import Counter
from pathlib import Path
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from graphmer.core import default_corpus
from graphmer.extract import TIMED_OUT, SourceFile, build_kg, extract_file

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXT = {"python": ".py", "java": ".java", "javascript": ".js", "typescript": ".ts", "tsx": ".tsx"}
LIMIT = 20.0                                   # seconds per file here (the build's default is FILE_TIME_LIMIT)
TALLY = Counter()                              # inputs tried, by outcome

def real_files() -> dict[str, list[bytes]]:
    "Real code per language: a fixed sample of the standard library and the Java/JS/TS fixtures."
    py = sorted((default_corpus() / "json").glob("*.py")) + sorted((default_corpus() / "email").glob("*.py"))[:12]
    out = {"python": [p.read_bytes() for p in py]}
    for lang, ext in EXT.items():
        if lang != "python": out[lang] = [p.read_bytes() for p in sorted(FIXTURES.rglob(f"*{ext}"))]
    return out

REAL = real_files()

def run(tmp: Path, lang: str, data: bytes, name: str = "fuzzed") -> dict:
    "Extract `data` as a file of `lang`, check the outcome and tally it."
    rel = f"{name}{EXT[lang]}"
    (tmp / rel).write_bytes(data)
    t = time.perf_counter()
    r = extract_file((str(tmp), SourceFile(0, rel, lang, name if lang == "python" else None), 2_000_000, LIMIT))
    took = time.perf_counter() - t
    TALLY["tried"] += 1
    if r["status"] == "ok":
        TALLY["extracted"] += 1
        marshal.dumps(r["facts"])                                    # what the facts cache stores
        assert {"defs", "refs"} <= set(r["facts"]), r["facts"].keys()
    else:
        reason = r["reason"]
        assert isinstance(reason, str) and reason, r
        kind = "hangs" if reason.startswith(TIMED_OUT) else "crashes" if reason.startswith("extractor error") else "skipped"
        TALLY[kind] += 1
        assert kind == "skipped", f"{lang} input of {len(data)} bytes: {reason}"
    assert took < LIMIT + 5, took
    return r

# ---- strategies -------------------------------------------------------------------------------------------------
langs = st.sampled_from(list(EXT))

@st.composite
def mutated(draw):
    "A real file of some language, truncated, with bytes flipped, or with its lines shuffled."
    lang = draw(langs); src = draw(st.sampled_from(REAL[lang]))
    how = draw(st.sampled_from(["truncate", "flip", "shuffle", "splice"]))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    if how == "truncate": data = src[:rnd.randrange(len(src) + 1)]
    elif how == "flip":
        b = bytearray(src)
        for _ in range(rnd.randint(1, 20)): i = rnd.randrange(len(b)); b[i] = rnd.randrange(256)
        data = bytes(b)
    elif how == "shuffle":
        lines = src.splitlines(keepends=True); rnd.shuffle(lines); data = b"".join(lines)
    else:   # another language's code spliced into the middle
        other = REAL[rnd.choice(list(EXT))]; o = rnd.choice(other); i = rnd.randrange(len(src) + 1)
        data = src[:i] + o[:rnd.randrange(len(o) + 1)] + src[i:]
    return lang, data

def nested(lang: str, depth: int, kind: str) -> bytes:
    "Deeply nested code: brackets, blocks or (Python) indentation."
    if kind == "brackets": return (b"x = " + b"(" * depth + b"1" + b")" * depth + b"\n") if lang == "python" else (b"var x = " + b"[" * depth + b"1" + b"]" * depth + b";\n")
    if lang == "python": return b"".join(b" " * i + b"if x:\n" for i in range(depth)) + b" " * depth + b"pass\n"
    body = b"if (x) {" * depth + b"x();" + b"}" * depth
    return (b"class A { void f() { " + body + b" } }\n") if lang == "java" else (b"function f() { " + body + b" }\n")

def huge(lang: str, size: int, kind: str) -> bytes:
    if kind == "string": lit = b'"' + b"a" * size + b'"'
    elif kind == "number": lit = b"9" * min(size, 100_000)
    else: lit = b"[" + b",".join([b"1"] * (size // 2)) + b"]"
    return (b"x = " + lit + b"\n") if lang == "python" else (b"var x = " + lit + b";\n")

CODINGS = ["rot13", "utf-16", "utf-32", "uu_codec", "zlib_codec", "hex", "base64", "bz2", "idna", "utf-7", "unknown-enc",
           "latin-1", "cp1252", "euc-jp", "utf-8-sig", "punycode", "unicode_escape", "raw_unicode_escape", "mbcs", "", "\udcff"]

# ---- the tests ----------------------------------------------------------------------------------------------------
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), **SETTINGS)
@given(lang=langs, data=st.binary(max_size=4096))
def test_random_bytes(tmp_path_factory, lang, data):
    run(tmp_path_factory.mktemp("f"), lang, data)

@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), **SETTINGS)
@given(case=mutated())
def test_mutated_real_files(tmp_path_factory, case):
    run(tmp_path_factory.mktemp("f"), *case)

@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)) // 3 + 10, **SETTINGS)
@given(lang=langs, depth=st.integers(1, 5000), kind=st.sampled_from(["brackets", "blocks"]))
def test_deep_nesting(tmp_path_factory, lang, depth, kind):
    run(tmp_path_factory.mktemp("f"), lang, nested(lang, depth, kind))

@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)) // 5 + 6, **SETTINGS)
@given(lang=langs, size=st.integers(1, 1_500_000), kind=st.sampled_from(["string", "number", "list"]))
def test_huge_literals(tmp_path_factory, lang, size, kind):
    run(tmp_path_factory.mktemp("f"), lang, huge(lang, size, kind))

@settings(max_examples=len(CODINGS) * 3, **SETTINGS)
@given(coding=st.sampled_from(CODINGS), body=st.sampled_from(REAL["python"]), first=st.booleans())
def test_coding_declarations(tmp_path_factory, coding, body, first):
    decl = f"# -*- coding: {coding} -*-\n".encode("utf-8", "surrogateescape")
    run(tmp_path_factory.mktemp("f"), "python", decl + body if first else b"#!/usr/bin/env python\n" + decl + body)

@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)) // 3 + 10, **SETTINGS)
@given(lang=langs, other=langs, i=st.integers(0, 10_000))
def test_wrong_language(tmp_path_factory, lang, other, i):
    files = REAL[other]
    run(tmp_path_factory.mktemp("f"), lang, files[i % len(files)])

def test_analysed_code_is_never_executed(tmp_path):
    "Top-level code that would write a file, run a command or import a module with side effects leaves no trace."
    marker = tmp_path / "PWNED"; src = tmp_path / "src"; (src / "pkg").mkdir(parents=True)
    evil = f"import os, subprocess\nopen({str(marker)!r}, 'w').write('x')\nos.system('touch {marker}')\nsubprocess.run(['touch', {str(marker)!r}])\n"
    for n in ("__init__.py", "setup.py", "conftest.py", "evil.py", "__main__.py"): (src / "pkg" / n).write_text(evil)
    (src / "setup.py").write_text(evil + "from setuptools import setup\nsetup(name='evil', packages=['pkg'])\n")
    (src / "pyproject.toml").write_text('[build-system]\nbuild-backend = "evil"\n[project]\nname = "evil"\n')
    (src / "web.js").write_text(f"require('fs').writeFileSync({str(marker)!r}, 'x'); require('child_process').execSync('touch {marker}');\n")
    (src / "Main.java").write_text(f'class Main {{ static {{ try {{ new java.io.File("{marker}").createNewFile(); }} catch (Exception e) {{}} }} }}\n')
    m = build_kg([src], tmp_path / "kg", workers=1, progress=False)
    assert m["counts"]["files_ok"] == 8 and not marker.exists()

@pytest.fixture(scope="module", autouse=True)
def report_tally():
    yield
    print(f"\nfuzz inputs: {dict(TALLY)}")
    if os.environ.get("FUZZ_TALLY"): Path(os.environ["FUZZ_TALLY"]).write_text(json.dumps(dict(TALLY)))

if __name__ == "__main__":   # more examples, counts to benchmarks/results/fuzz_extract.json
    import argparse
    ap = argparse.ArgumentParser(); ap.add_argument("--examples", type=int, default=2000); a = ap.parse_args()
    import tempfile
    tally = Path(tempfile.mkdtemp()) / "tally.json"
    os.environ.update(FUZZ_EXAMPLES=str(a.examples), FUZZ_TALLY=str(tally))
    t = time.perf_counter()
    rc = pytest.main([__file__, "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-s"])
    counts = json.loads(tally.read_text()) if tally.exists() else {}
    res = dict(examples_setting=a.examples, wall_s=round(time.perf_counter() - t, 1), pytest_exit=int(rc),
               inputs=counts.get("tried", 0), extracted=counts.get("extracted", 0), skipped_with_reason=counts.get("skipped", 0),
               crashes=counts.get("crashes", 0), hangs=counts.get("hangs", 0), per_file_time_limit_s=LIMIT)
    out = ROOT / "benchmarks" / "results" / "fuzz_extract.json"; out.write_text(json.dumps(res, indent=2) + "\n"); print(res)
    sys.exit(rc)
