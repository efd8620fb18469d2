"Bad input never stops a run: every bad file is skipped and listed with its reason; a missing path fails at once."
import os, subprocess, sys
import pytest
from graphmer.extract import EmptyCorpusError, build_kg, load_kg

def make_bad_corpus(root):
    (root / "pkg" / "empty_dir").mkdir(parents=True)
    (root / "empty_top").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "good.py").write_text("class A:\n    def f(self):\n        return len([])\n")
    (root / "pkg" / "syntax.py").write_text("def f(:\n    pass\n")
    (root / "pkg" / "latin1.py").write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    (root / "pkg" / "binary.py").write_bytes(bytes(range(256)))
    (root / "pkg" / "huge.py").write_text("x = 1\n" * 400_000)
    os.symlink(root / "missing.py", root / "pkg" / "broken_link.py")
    (root / "pkg" / "Bad.java").write_text("class Bad extends { void f() {} }\n")   # nothing usable: its one class has a broken header
    (root / "pkg" / "ok.js").write_text("export function f() { return g(); }\nfunction g() {}\n")
    os.mkfifo(root / "pkg" / "pipe.py")  # reading it would block forever
    return {"pkg/pipe.py": "not a regular file", "pkg/syntax.py": "syntax error", "pkg/latin1.py": "undecodable", "pkg/binary.py": "binary file",
            "pkg/huge.py": "oversized", "pkg/broken_link.py": "broken symlink", "pkg/Bad.java": "syntax error"}

def test_bad_files_are_skipped_and_listed(tmp_path):
    expected = make_bad_corpus(tmp_path / "src")
    m = build_kg([tmp_path / "src"], tmp_path / "kg", workers=2, progress=False, max_file_bytes=1_000_000)
    got = {s["path"]: s["reason"] for s in m["skipped"]}
    for path, reason in expected.items(): assert got[path].startswith(reason), (path, got.get(path))
    assert m["counts"]["files_ok"] == 3 and m["counts"]["files_skipped"] == len(expected)  # __init__.py, good.py, ok.js
    kg = load_kg(tmp_path / "kg")
    assert ("pkg.good.A.f", "calls", "builtins.len") in set(zip(kg.triples["head"], kg.triples["relation"], kg.triples["tail"]))

@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file whatever its mode")
def test_unreadable_file(tmp_path):
    (tmp_path / "src").mkdir(); f = tmp_path / "src" / "secret.py"; f.write_text("x = 1\n"); f.chmod(0)
    m = build_kg([tmp_path / "src"], tmp_path / "kg", workers=1, progress=False)
    assert m["skipped"][0]["reason"].startswith("unreadable")

def test_empty_directory_is_an_error(tmp_path):
    "A corpus with no code fails before any work, from Python and from the CLI (non-zero exit), and writes no KG: training on an empty KG would die later, far from the cause."
    (tmp_path / "src" / "a" / "b").mkdir(parents=True); (tmp_path / "src" / "README.txt").write_text("no code\n")
    with pytest.raises(EmptyCorpusError, match="no source files"): build_kg([tmp_path / "src"], tmp_path / "kg", workers=2, progress=False)
    assert not (tmp_path / "kg").exists()
    r = subprocess.run([sys.executable, "-m", "graphmer.cli", "build-kg", str(tmp_path / "src"), "--out", str(tmp_path / "kg")], capture_output=True, text=True)
    assert r.returncode == 2 and "no source files" in r.stderr and "point SOURCES at a directory of code" in r.stderr.strip().splitlines()[-1]

def test_missing_path_fails_before_work(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"): build_kg([tmp_path / "nope"], tmp_path / "kg")
    assert not (tmp_path / "kg").exists()
    r = subprocess.run([sys.executable, "-m", "graphmer.cli", "build-kg", str(tmp_path / "nope"), "--out", str(tmp_path / "kg")], capture_output=True, text=True)
    assert r.returncode == 2 and "does not exist" in r.stderr

def test_kg_too_small_to_train_is_an_error_before_training(tmp_path):
    "A KG whose code cannot fill a training and a validation window fails in the data stage, naming the KG and val_frac, before a model is built."
    from graphmer.runs import RunConfig, Training
    (tmp_path / "src").mkdir(); (tmp_path / "src" / "one.py").write_text("def f():\n    return 1\n")
    build_kg([tmp_path / "src"], tmp_path / "kg", workers=1, progress=False)
    t = Training(RunConfig(kg_dir=str(tmp_path / "kg"), run_dir=str(tmp_path / "run"), vocab_size=300, steps=2, progress=False))
    with pytest.raises(ValueError, match=r"is too small: its (training|validation) split has no window \(val_frac="): t.prepare()
    assert not hasattr(t, "model")
