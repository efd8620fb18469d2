"Training end to end: papermill's -p values reach nbs/train.ipynb, and a run killed by SIGKILL resumes exactly."
import json, os, random, shutil, signal, subprocess, sys, time, textwrap
from pathlib import Path
import pytest
from graphmer.core import default_corpus, project_root
from graphmer.extract import build_kg

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

TRAIN = textwrap.dedent('''
    import sys, json, torch
    from pathlib import Path
    from graphmer.pretrain import prepare_data, batch_streams, objective
    from graphmer.tokenizer import CodeTokenizer
    from graphmer.models import GraphMER, GraphMERConfig
    from graphmer.trainers import Trainer, TrainConfig, resolve_config
    kg, run, resume = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
    prep = prepare_data(kg, kg.parent / "prep", vocab_size=800, val_frac=0.2, seed=0, progress=False)
    tok = CodeTokenizer.load(kg.parent / "prep" / "tokenizer.json")
    cfg, _ = resolve_config(TrainConfig(steps=24, lr=5e-4, warmup=4, eval_every=8, save_every=4, log_every=4, batch_size=4), prep["n_train"])
    tr, val = batch_streams(kg.parent / "prep" / "samples", tok.vocab_size, cfg.batch_size, seed=0, mlm_prob=cfg.mlm_prob)
    vb = val(16)[:4]
    torch.manual_seed(0)
    model = GraphMER(GraphMERConfig.tiny(tok.vocab_size, hidden=64, heads=2, ffn=128, layers=2, dropout=cfg.dropout))
    res = Trainer(model, objective, tr, lambda bs: vb, cfg, run, progress=False).fit(resume=resume)
    (run / "done").write_text("ok")
    print(json.dumps({k: v for k, v in res.items() if k.startswith("val_") or k == "step"}))
''')

def _train(kg, run, resume=False, wait=True):
    args = [sys.executable, "-c", TRAIN, str(kg), str(run), "1" if resume else "0"]
    if wait: return subprocess.run(args, capture_output=True, text=True, timeout=900)
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def test_killed_run_resumes_exactly(small_kg, tmp_path):
    full = _train(small_kg, tmp_path / "full")
    assert full.returncode == 0, full.stderr[-3000:]
    ref = json.loads(full.stdout.strip().splitlines()[-1])
    kill_after = random.Random(os.getpid()).choice([8, 12, 16])      # a random step with a checkpoint before it
    p = _train(small_kg, tmp_path / "cut", wait=False)
    ck = tmp_path / "cut" / "checkpoints" / f"step-{kill_after:06d}"
    deadline = time.time() + 600
    while not ck.exists() and p.poll() is None and time.time() < deadline: time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()                          # a real kill, mid-run
    assert p.returncode == -signal.SIGKILL and not (tmp_path / "cut" / "done").exists()
    res = _train(small_kg, tmp_path / "cut", resume=True)
    assert res.returncode == 0, res.stderr[-3000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got == ref                                                # same final metrics, to the last bit
    from safetensors.torch import load_file
    a, b = load_file(str(tmp_path / "full" / "checkpoints" / "last" / "model.safetensors")), load_file(str(tmp_path / "cut" / "checkpoints" / "last" / "model.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    steps = [json.loads(l)["step"] for l in (tmp_path / "cut" / "metrics.jsonl").read_text().splitlines()]
    assert steps == sorted(set(steps))                                # no duplicated log rows after the resume
