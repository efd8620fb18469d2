"Rebuilds: after an edit, the KG directory is byte-identical to a cold build of the edited corpus; a change to the code between the facts and the KG (linker, ontology) rebuilds the KG from cached facts."
import json, shutil
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
    return {k: v for k, v in m.items() if k not in ("timing", "cache", "workers", "up_to_date")}

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
