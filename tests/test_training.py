"Training end to end: papermill's -p values reach nbs/train.ipynb, bad parameters fail before any work."
import json, subprocess, sys
import pytest
from graphmer.core import project_root

ROOT = project_root()
pytestmark = pytest.mark.slow   # integration: papermill runs of nbs/train.ipynb, a run killed and resumed (`make test-fast` leaves it out)

def test_train_notebook_params_reach_the_notebook(trained_run):
    run, r = trained_run
    assert r.returncode == 0, r.stderr[-3000:]
    s = json.loads((run / "summary.json").read_text())
    assert s["steps"] == 7 and s["optimizer_steps"] == 7            # -p steps 7 reached the notebook
    for k in ("tokens_seen", "wall_s", "train_loss_first", "train_loss_last", "val_mlm_acc", "val_mnm_acc", "val_loss",
              "baseline_mlm_acc", "baseline_mnm_acc", "phase", "device"): assert k in s, k
    cfg = json.loads((run / "config.json").read_text())
    assert cfg["train"]["steps"] == 7 and cfg["model"]["hidden"] == 256 and cfg["data"]["vocab_size"] == 1000
    assert cfg["data"]["test_frac"] == 0.2 and cfg["parameters"]["variant"] == "graphmer" and cfg["parameters"]["steps"] == 7
    assert cfg["parameters"]["val_windows"] == 64 and s["n_val_windows"] == 64 < cfg["data"]["n_val"]   # every evaluation scored the first 64 windows only
    split = json.loads((run / "split.json").read_text())
    assert split["test"] and not set(split["test"]) & set(split["train"])   # the inductive test files are held out of training
    for f in ("model.safetensors", "tokenizer.json", "metrics.csv", "metrics.jsonl", "checkpoints/last/trainer_state.json"): assert (run / f).exists(), f
    from graphmer.models import GraphMER
    GraphMER.from_pretrained(run)                                    # strict load from the run's config.json

def test_bad_train_parameter_fails_before_work(tmp_path):
    r = subprocess.run([sys.executable, "-m", "papermill", str(ROOT / "nbs" / "train.ipynb"), str(tmp_path / "out.ipynb"),
                        "--cwd", str(ROOT), "--no-progress-bar", "-p", "model_size", "huge", "-p", "run_dir", str(tmp_path / "run")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and "model_size='huge': choose 'tiny' or 'base'" in r.stderr + r.stdout
    assert not (tmp_path / "run").exists()

# A run killed by SIGKILL and resumed: tests/test_kills.py (24 seeded kill points over step, evaluation, checkpoint, log and save).
