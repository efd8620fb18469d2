"The code KG of the whole standard library: coverage, provenance, validation, determinism."
import json, shutil
from pathlib import Path
import pandas as pd
import pytest
from graphmer.core import default_corpus, project_root
from graphmer.extract import build_kg
from graphmer.ontology import RELATIONS, validate, explain_violations

@pytest.mark.slow   # the whole standard library's KG
def test_whole_stdlib_extracted(stdlib_kg):
    c = stdlib_kg.manifest["counts"]
    assert c["files"] >= 1700 and c["files_ok"] >= c["files"] - 20
    assert c["lines"] > 700_000
    # the standard library's deliberately broken files are skipped with a reason, never crash the run
    reasons = {s["path"]: s["reason"] for s in stdlib_kg.manifest["skipped"]}
    assert "test/tokenizedata/badsyntax_3131.py" in reasons and reasons["test/tokenizedata/badsyntax_3131.py"].startswith("syntax error")
    assert all(r.startswith(("syntax error", "undecodable")) for r in reasons.values()), reasons

@pytest.mark.slow   # the whole standard library's KG
def test_every_relation_present(stdlib_kg):
    per = stdlib_kg.manifest["counts"]["per_relation"]
    python_has_no = {"implements"}  # Python has no implements clause; Java's is tested on the JDK and the fixtures
    for r in RELATIONS:
        if r.name not in python_has_no: assert per.get(r.name, 0) > 0, r.name

@pytest.mark.slow   # the whole standard library's KG
def test_provenance_on_every_row(stdlib_kg):
    for df in (stdlib_kg.triples, stdlib_kg.entities):
        assert df["path"].notna().all() and (df["path"] != "").all()
        assert (df["line_start"] >= 1).all() and (df["line_end"] >= df["line_start"]).all()
        assert (df["language"] == "python").all() and (df["repository"] == "python-stdlib").all()
    t = stdlib_kg.triples.set_index(["head", "relation", "tail"])
    assert t.loc[("json.decoder.JSONDecoder", "contains", "json.decoder.JSONDecoder.decode"), "path"] == "json/decoder.py"

@pytest.mark.slow   # the whole standard library's KG
def test_no_unexplained_violations(stdlib_kg):
    report = validate(stdlib_kg.entities, stdlib_kg.triples, max_examples=1_000_000)
    rules = json.loads((project_root() / "data" / "validation_explained.json").read_text())
    why = explain_violations(report, rules)
    assert why["reason"].notna().all(), why[why["reason"].isna()].head(20).to_string()
    assert len(why) < 20  # the explained list stays small

@pytest.mark.slow   # the whole standard library's KG
def test_known_facts(stdlib_kg):
    t = set(zip(stdlib_kg.triples["head"], stdlib_kg.triples["relation"], stdlib_kg.triples["tail"]))
    ty = dict(zip(stdlib_kg.entities["id"], stdlib_kg.entities["type"]))
    assert ("json.decoder.JSONDecodeError", "inherits_from", "builtins.ValueError") in t
    assert ty["json.decoder.JSONDecodeError"] == "ExceptionType"
    assert ("collections.OrderedDict", "inherits_from", "builtins.dict") in t
    assert ("json", "imports", "json.decoder") in t
    assert ("json.loads", "calls", "json.detect_encoding") in t and ("json.loads", "raises", "json.decoder.JSONDecodeError") in t
    assert "json._default_decoder.decode" not in ty   # a method of a variable's value is not invented as an external symbol
    assert ("os.makedirs", "calls", "posixpath.split") in t  # os.path is bound to posixpath by `import posixpath as path`

SUBSET = ["json", "email", "collections", "importlib", "concurrent"]

@pytest.mark.slow   # three builds of five packages
def test_byte_identical_for_any_worker_count(tmp_path):
    src = tmp_path / "src"
    for d in SUBSET: shutil.copytree(default_corpus() / d, src / d, ignore=shutil.ignore_patterns("__pycache__"))
    outs = [tmp_path / f"kg{w}" for w in (1, 2, 3)]
    for w, out in zip((1, 2, 3), outs): build_kg([src], out, workers=w, progress=False, cache_dir=False)
    for name in ["entities.parquet", "triples.parquet", "mentions.parquet", "entities.jsonl", "triples.jsonl", "validation.json"]:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes() == (outs[2] / name).read_bytes(), name
    m = [json.loads((o / "manifest.json").read_text()) for o in outs]
    drop = lambda d: {k: v for k, v in d.items() if k not in ("timing", "workers", "cache")}
    assert drop(m[0]) == drop(m[1]) == drop(m[2])

def test_cache_and_rebuild(tmp_path):
    src = tmp_path / "src"; shutil.copytree(default_corpus() / "json", src / "json", ignore=shutil.ignore_patterns("__pycache__"))
    m1 = build_kg([src], tmp_path / "kg", workers=1, progress=False)
    assert m1["cache"]["misses"] == m1["counts"]["files"] and not m1["up_to_date"]
    assert build_kg([src], tmp_path / "kg", workers=1, progress=False)["up_to_date"]
    (src / "json" / "tool.py").write_text((src / "json" / "tool.py").read_text() + "\ndef extra():\n    return main()\n")
    m3 = build_kg([src], tmp_path / "kg", workers=1, progress=False)
    assert m3["cache"] == {"hits": m1["counts"]["files"] - 1, "misses": 1}
    t = pd.read_parquet(tmp_path / "kg" / "triples.parquet")
    assert ((t["head"] == "json.tool.extra") & (t["relation"] == "calls") & (t["tail"] == "json.tool.main")).any()
