"""A full disk while writing a KG table, a checkpoint or a report: a clear error that names the file, the previous KG,
checkpoint and report intact and loadable, and no partial file taken for a complete one.

The disk fills through an injected `OSError(ENOSPC)` at the write itself: `os` as graphmer.core sees it gets an
`fdopen` whose files accept a budget of bytes and then fail like a full device; safetensors writes (in Rust, out of
Python's reach) fail the same way through their `save_file`."""
import errno, os, shutil, types
from pathlib import Path
import pytest
import graphmer.core as core
import graphmer.trainers as trainers
from graphmer.core import default_corpus
from graphmer.extract import build_kg, load_kg

class _FullFile:
    "A file that takes `budget[0]` more bytes, then fails with ENOSPC."
    def __init__(self, f, budget): self.f, self.budget = f, budget
    def write(self, b):
        if len(b) > self.budget[0]: raise OSError(errno.ENOSPC, "No space left on device")
        self.budget[0] -= len(b); return self.f.write(b)
    def fileno(self): return self.f.fileno()
    def __enter__(self): return self
    def __exit__(self, *a): return self.f.__exit__(*a)

def full_disk(monkeypatch, budget: int):
    "From now on graphmer.core's writes fail once `budget` more bytes were written."
    left = [budget]
    fake = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    fake.fdopen = lambda fd, *a, **k: _FullFile(os.fdopen(fd, *a, **k), left)
    monkeypatch.setattr(core, "os", fake)

def snapshot(d: Path) -> dict:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file() and ".cache" not in p.parts}

def test_full_disk_while_writing_the_kg_keeps_the_previous_kg(tmp_path, monkeypatch):
    src = tmp_path / "src"; shutil.copytree(default_corpus() / "json", src / "json", ignore=shutil.ignore_patterns("__pycache__"))
    kg = tmp_path / "kg"
    build_kg([src], kg, workers=1, progress=False)
    before = snapshot(kg)
    (src / "json" / "decoder.py").write_text((src / "json" / "decoder.py").read_text() + "\ndef _new():\n    return 1\n")
    full_disk(monkeypatch, 20_000)                              # room for some of the new tables, not all
    with pytest.raises(OSError, match=r"no space left on the device while writing .*kg/\.staged/.*: free some space and run again"):
        build_kg([src], kg, workers=1, progress=False)
    monkeypatch.undo()
    assert snapshot(kg) == before and not (kg / ".staged").exists()     # the previous KG, byte for byte, manifest included
    assert len(load_kg(kg).triples) > 0
    m = build_kg([src], kg, workers=1, progress=False)                  # with room again, the rebuild goes through
    assert ("json.decoder._new" in set(load_kg(kg).entities["id"])) and not m["up_to_date"]


def test_full_disk_while_writing_a_checkpoint_keeps_the_previous_one(tmp_path, monkeypatch, tiny_trainer):
    run = tmp_path / "run"
    t = tiny_trainer(run, 2); t.fit()
    ckpts = run / "checkpoints"
    before = snapshot(ckpts)
    def no_room(*a, **k): raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(trainers, "save_file", no_room)
    t2 = tiny_trainer(run, 4)
    with pytest.raises(OSError, match=r"no space left on the device while writing the checkpoint .*/(last|best|step-\d+): free some space and resume \(resume=True\); the previous checkpoint there is intact"):
        t2.fit(resume=True)
    monkeypatch.undo()
    assert snapshot(ckpts) == before and not list(ckpts.glob("*.tmp"))    # every checkpoint as it was, no half-written one
    t3 = tiny_trainer(run, 4)
    assert t3.resume() and t3.state["step"] == 2                       # the previous checkpoint loads
    assert t3.fit(resume=True)["step"] == 4

def test_full_disk_while_writing_a_report_keeps_the_previous_one(tmp_path, monkeypatch):
    import nbformat
    from graphmer.report import to_html
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A report"), nbformat.v4.new_code_cell("1 + 1")])
    src = tmp_path / "r.ipynb"; nbformat.write(nb, src)
    (tmp_path / "r.html").write_text("the previous report")
    full_disk(monkeypatch, 1_000)
    with pytest.raises(OSError, match=r"no space left on the device while writing .*r\.html .*the previous file is unchanged"): to_html(src)
    monkeypatch.undo()
    assert (tmp_path / "r.html").read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
