"Shared fixtures: the standard-library KG, a three-package KG and a short training run on it are built once per test session."
import json, shutil, subprocess, sys
import pytest
from graphmer.core import default_corpus, project_root
from graphmer.extract import build_kg, load_kg

@pytest.fixture(scope="session")
def stdlib_kg_dir(tmp_path_factory):
    "KG directory of the interpreter's whole standard library (test suites included), built with 2 workers."
    out = tmp_path_factory.mktemp("stdlib_kg")
    build_kg(out_dir=out, workers=2, progress=False)
    return out

@pytest.fixture(scope="session")
def stdlib_kg(stdlib_kg_dir):
    return load_kg(stdlib_kg_dir)

@pytest.fixture(scope="session")
def small_kg(tmp_path_factory):
    "KG of three real standard-library packages."
    d = tmp_path_factory.mktemp("small")
    for pkg in ("json", "email", "logging"):
        shutil.copytree(default_corpus() / pkg, d / "src" / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    build_kg([d / "src"], d / "kg", workers=2, progress=False)
    return d / "kg"

TRAIN_PARAMS = dict(steps=7, vocab_size=1000, val_frac=0.2, test_frac=0.2, test_triple_frac=0.05, eval_every=7, val_windows=64)   # 64 of the 887 validation windows

@pytest.fixture(scope="session")
def trained_run(small_kg, tmp_path_factory):
    "A 7-step tiny run of nbs/train.ipynb on `small_kg` (papermill, as a user runs it): (run_dir, papermill result)."
    d = tmp_path_factory.mktemp("trained"); run = d / "run"
    args = [sys.executable, "-m", "papermill", str(project_root() / "nbs" / "train.ipynb"), str(d / "train.ipynb"), "--cwd", str(project_root()),
            "--no-progress-bar", "-p", "kg_dir", str(small_kg), "-p", "run_dir", str(run), "-p", "progress", "text"]
    for k, v in TRAIN_PARAMS.items(): args += ["-p", k, str(v)]
    return run, subprocess.run(args, capture_output=True, text=True, timeout=900)

@pytest.fixture
def tiny_trainer():
    "A factory of small Trainers on synthetic batches (no KG needed): `tiny_trainer(run_dir, steps=2, hidden=32, vocab=64)`."
    def make(run, steps: int = 2, hidden: int = 32, vocab: int = 64):
        import torch
        from graphmer.models import GraphMER, GraphMERConfig, synthetic_batch
        from graphmer.pretrain import objective
        from graphmer.trainers import Trainer, TrainConfig, resolve_config
        cfg, _ = resolve_config(TrainConfig(steps=steps, warmup=1, eval_every=2, save_every=2, log_every=1, batch_size=2, phase="small"), 100)
        mcfg = GraphMERConfig.tiny(vocab, hidden=hidden, heads=2, ffn=64, layers=1, num_relations=4)
        b = synthetic_batch(mcfg, B=2, R=8)
        torch.manual_seed(0)
        return Trainer(GraphMER(mcfg), objective, lambda e: [b] * 4, lambda bs: [b], cfg, run, progress=False)
    return make
