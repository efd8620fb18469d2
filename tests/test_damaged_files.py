"""Broken, foreign and mismatched files are refused with an error that names the file, what is wrong and what to do,
never with a library's raw error, and never by unpickling anything: a run directory (`load_run`) and a checkpoint
(`Trainer.resume`), each damaged one way at a time."""
import json, pickle, re, shutil
from pathlib import Path
import pytest, torch
from graphmer.core import DamagedFileError
from graphmer.runs import load_run


@pytest.fixture
def ckpt_run(tmp_path, tiny_trainer):
    run = tmp_path / "run"; tiny_trainer(run).fit()
    return run

CHECKPOINT_CASES = [   # (what, how to damage the `last` checkpoint, expected text, the trainer that resumes)
    ("truncated weights", lambda c: (c / "model.safetensors").write_bytes((c / "model.safetensors").read_bytes()[:100]), "model.safetensors is damaged or not a safetensors file", {}),
    ("a pickle in place of the weights", lambda c: (c / "model.safetensors").write_bytes(pickle.dumps({"w": 1})), "not a safetensors file", {}),
    ("truncated optimizer state", lambda c: (c / "optimizer.safetensors").write_bytes((c / "optimizer.safetensors").read_bytes()[:50]), "optimizer.safetensors is damaged", {}),
    ("trainer state not JSON", lambda c: (c / "trainer_state.json").write_text('{"step": 2,'), "trainer_state.json (trainer state of a checkpoint) is damaged, not JSON", {}),
    ("another model size", lambda c: None, "holds weights for another model", dict(hidden=48)),
    ("another tokenizer (vocabulary)", lambda c: None, "holds weights for another model", dict(vocab=80)),
]

@pytest.mark.parametrize("what,damage,msg,other", CHECKPOINT_CASES, ids=[c[0] for c in CHECKPOINT_CASES])
def test_damaged_checkpoint_is_refused_clearly(ckpt_run, what, damage, msg, other, monkeypatch, tiny_trainer):
    damage(ckpt_run / "checkpoints" / "last")
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("something was unpickled"))
    monkeypatch.setattr(torch, "load", lambda *a, **k: pytest.fail("torch.load (a pickle reader) was called"))
    t = tiny_trainer(ckpt_run, steps=4, **other)
    with pytest.raises(DamagedFileError, match=re.escape(msg)) as e: t.fit(resume=True)
    assert str(ckpt_run / "checkpoints" / "last") in str(e.value)

RUN_CASES = [   # (what, how to damage a finished run directory, exception, expected text)
    ("truncated model", lambda r: (r / "model.safetensors").write_bytes((r / "model.safetensors").read_bytes()[:64]), DamagedFileError, "model.safetensors is damaged"),
    ("config not JSON", lambda r: (r / "config.json").write_text("{"), DamagedFileError, "config.json (run configuration) is damaged, not JSON"),
    ("relation ids changed", lambda r: (r / "relations.json").write_text(json.dumps({"calls": 0})), ValueError, "relations.json: the run's relation ids differ"),
    ("model file missing", lambda r: (r / "model.safetensors").unlink(), FileNotFoundError, "is not a finished training run (missing model.safetensors)"),
    ("prepared data remade since training", lambda r: _remake_prep(r), ValueError, "was remade since the run was trained"),
]

def _remake_prep(run: Path):
    cfg = json.loads((run / "config.json").read_text()); prep = Path(cfg["data"]["data_dir"]) / "prep.json"
    p = json.loads(prep.read_text()); p["key"] = "another KG"; prep.write_text(json.dumps(p))

@pytest.mark.slow
@pytest.mark.parametrize("what,damage,exc,msg", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_damaged_run_is_refused_clearly(trained_run, tmp_path, what, damage, exc, msg):
    run, r = trained_run
    assert r.returncode == 0, r.stderr[-2000:]
    cfg = json.loads((run / "config.json").read_text())
    data = tmp_path / "prep"; shutil.copytree(cfg["data"]["data_dir"], data)          # damage a copy, never the shared fixture
    bad = tmp_path / "run"; shutil.copytree(run, bad, ignore=shutil.ignore_patterns("checkpoints", "ablations"))
    cfg["data"]["data_dir"] = str(data); (bad / "config.json").write_text(json.dumps(cfg))
    load_run(bad)                                                                        # the copy itself loads
    damage(bad)
    with pytest.raises(exc, match=re.escape(msg)): load_run(bad)
