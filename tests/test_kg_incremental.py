"Rebuilds: after an edit, the KG directory is byte-identical to a cold build of the edited corpus, whether it was relinked from the last full link or linked in full; a change to the code between the facts and the KG (linker, ontology) rebuilds the KG from cached facts."
import ast, json, random, shutil
from pathlib import Path
import pytest
import graphmer.extract as ex
from graphmer.core import default_corpus
from graphmer.extract import build_kg

PACKAGES = ["json", "email", "http"]
OUTPUTS = ["entities.parquet", "triples.parquet", "mentions.parquet", "entities.jsonl", "triples.jsonl", "ontology.json", "validation.json"]

@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "src"
    for p in PACKAGES: shutil.copytree(default_corpus() / p, src / p, ignore=shutil.ignore_patterns("__pycache__"))
    return src

def manifest(kg: Path) -> dict:
    m = json.loads((kg / "manifest.json").read_text())
    return {k: v for k, v in m.items() if k not in ("timing", "cache", "workers", "up_to_date", "relink")}

def assert_same_as_cold(kg: Path, src: Path, cold: Path):
    shutil.rmtree(cold, ignore_errors=True)
    build_kg([src], cold, workers=1, progress=False, cache_dir=False)
    for n in OUTPUTS: assert (kg / n).read_bytes() == (cold / n).read_bytes(), n
    assert manifest(kg) == manifest(cold)

def test_rebuild_after_edits_is_byte_identical_to_cold(corpus, tmp_path):
    kg = tmp_path / "kg"
    m1 = build_kg([corpus], kg, workers=2, progress=False)
    assert m1["cache"]["misses"] == m1["counts"]["files"] and (kg / ".cache" / "facts.marshal").exists()
    f = corpus / "json" / "decoder.py"
    f.write_text(f.read_text() + "\ndef _edited():\n    return JSONDecoder().decode('[]')\n")
    m2 = build_kg([corpus], kg, workers=2, progress=False)
    assert not m2["up_to_date"] and m2["cache"] == {"hits": m1["counts"]["files"] - 1, "misses": 1}
    assert m2["counts"]["triples"] > m1["counts"]["triples"]
    assert_same_as_cold(kg, corpus, tmp_path / "cold")
    (corpus / "http" / "cookies.py").unlink()                 # a deleted file: every fact from the cache
    (kg / ".cache" / "facts.marshal").open("ab").write(b"torn")  # and a torn append at the end of the cache file
    m3 = build_kg([corpus], kg, workers=2, progress=False)
    assert m3["cache"] == {"hits": m1["counts"]["files"] - 1, "misses": 0}
    assert_same_as_cold(kg, corpus, tmp_path / "cold")

def test_linker_change_rebuilds_from_cached_facts(corpus, tmp_path, monkeypatch):
    kg, cold = tmp_path / "kg", tmp_path / "cold"
    m1 = build_kg([corpus], kg, workers=1, progress=False)
    assert build_kg([corpus], kg, workers=1, progress=False)["up_to_date"]
    build_kg([corpus], cold, workers=1, progress=False, cache_dir=False)
    source = ex.module_source
    for changed, misses in (("link", 0), ("ontology", 0), ("pyextract", m1["counts"]["files"])):
        monkeypatch.setattr(ex, "module_source", lambda name, changed=changed: source(name) + (b"\n# edited\n" if name == changed else b""))
        m = build_kg([corpus], kg, workers=1, progress=False)
        assert not m["up_to_date"], changed                  # the KG's digest covers the code after the extractors too
        assert m["cache"]["misses"] == misses, changed       # per-file facts depend on the extractors only
        assert build_kg([corpus], kg, workers=1, progress=False)["up_to_date"]
        for n in OUTPUTS: assert (kg / n).read_bytes() == (cold / n).read_bytes(), (changed, n)


def random_edit(rng: random.Random, src: Path, k: int) -> tuple[str, str]:
    "Apply one random, still valid edit to a random file of `src`: (kind, relative path)."
    files = sorted(p for p in src.rglob("*.py"))
    while True:
        f = rng.choice(files)
        try: text = f.read_text(encoding="utf-8"); tree = ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError): continue   # a file the extractor skips anyway
        lines = text.splitlines(keepends=True)
        funcs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.body and n.body[0].lineno > n.lineno]
        tops = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        kind = rng.choice(["append", "comment", "local", "call", "delete"])
        if kind == "append": new = text + f"\ndef _edit_{k}():\n    return {rng.choice(tops) if tops else 'None'}()\n"
        elif kind == "comment":
            at = rng.randrange(len(lines) + 1); new = "".join(lines[:at] + [f"# edit {k}\n"] + lines[at:])
        elif kind in ("local", "call") and funcs:
            fn = rng.choice(funcs); body = fn.body[0]; indent = " " * body.col_offset
            stmt = f"_e{k} = [{fn.args.args[0].arg if fn.args.args else 'None'}]" if kind == "local" else f"{rng.choice(tops)}()" if tops else "pass"
            new = "".join(lines[:body.lineno - 1] + [f"{indent}{stmt}\n"] + lines[body.lineno - 1:])
        elif kind == "delete" and (defs := [n for n in tree.body if isinstance(n, ast.FunctionDef)]):
            n = rng.choice(defs); start = (n.decorator_list[0].lineno if n.decorator_list else n.lineno) - 1
            new = "".join(lines[:start] + lines[n.end_lineno:])
        else: continue
        try: ast.parse(new)
        except SyntaxError: continue
        f.write_text(new, encoding="utf-8")
        return kind, str(f.relative_to(src))

def test_random_edits_relink_exactly(corpus, tmp_path):
    "Random edits, one file at a time: whether the KG is relinked from the last full link or linked in full, its files are the cold build's, byte for byte."
    kg, rng, how = tmp_path / "kg", random.Random(7), []
    build_kg([corpus], kg, workers=1, progress=False)
    for k in range(12):
        kind, path = random_edit(rng, corpus, k)
        m = build_kg([corpus], kg, workers=1, progress=False)
        how.append((kind, path, bool(m["relink"]["files"]), m["relink"]["why"]))
        assert_same_as_cold(kg, corpus, tmp_path / "cold")
    relinked = [h for h in how if h[2]]
    assert len(relinked) >= 4 and {"comment", "append"} <= {h[0] for h in relinked}, how
