"Adapting a pretrained run to another codebase (nbs/adapt.ipynb, `graphmer adapt`): the adapter directory, a run killed mid-way that resumes to the same adapter, and a finished run that is never overwritten."
import json, os, shutil, subprocess, sys
import pytest
from graphmer.core import KILL_ENV, default_corpus, project_root
from graphmer.extract import build_kg

pytestmark = pytest.mark.slow   # papermill and CLI runs of a few steps
ROOT = project_root()
ARGS = dict(steps=6, eval_every=3, save_every=3, val_frac=0.2, test_frac=0.2, device="cpu", progress="False")

@pytest.fixture(scope="module")
def target_kg(tmp_path_factory):
    "The KG of two standard-library packages the base run (json, email, logging) never read."
    d = tmp_path_factory.mktemp("target")
    for pkg in ("http", "html"): shutil.copytree(default_corpus() / pkg, d / "src" / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    build_kg([d / "src"], d / "kg", workers=2, progress=False)
    return d / "kg"

def cli(base, kg, run_dir, env=None, **extra):
    args = [sys.executable, "-m", "graphmer.cli", "adapt", "--base-run", str(base), "--kg-dir", str(kg), "--run-dir", str(run_dir)]
    for k, v in (ARGS | extra).items(): args += [f"--{k.replace('_', '-')}", str(v)]
    one = dict(OMP_NUM_THREADS="1")   # one thread: two processes then compute bit-identically (with several, CPU scatter-adds may sum in another order)
    return subprocess.run(args, capture_output=True, text=True, timeout=900, env=os.environ | one | (env or {}))

def test_adapt_notebook_writes_an_adapter(trained_run, target_kg, tmp_path):
    base, r = trained_run; assert r.returncode == 0, r.stderr[-2000:]
    out = tmp_path / "adapt.ipynb"
    args = [sys.executable, "-m", "papermill", str(ROOT / "nbs" / "adapt.ipynb"), str(out), "--cwd", str(ROOT), "--no-progress-bar",
            "-p", "base_run", str(base), "-p", "kg_dir", str(target_kg), "-p", "run_dir", str(tmp_path / "run")]
    for k, v in ARGS.items(): args += ["-p", k, v] if k == "progress" else ["-p", k, str(v)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    adir = tmp_path / "run" / "adapter"
    assert {"adapter_model.safetensors", "adapter_config.json", "graphmer_base.json", "README.md"} <= {f.name for f in adir.iterdir()}
    s = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert s["steps"] == 6 and 0 < s["trainable_share"] < 0.2 and set(s["heldout"]) == {"base", "adapted"} and set(s["links"]) == {"base", "adapted", "frequency", "copy"}
    assert json.loads((adir / "graphmer_base.json").read_text())["name"] == base.name
    assert "| adapted |" in (adir / "README.md").read_text()
    refused = cli(base, target_kg, tmp_path / "run")                     # a finished adaptation is never overwritten
    assert refused.returncode == 2 and "never overwritten" in refused.stderr

def test_killed_adaptation_resumes_to_the_same_adapter(trained_run, target_kg, tmp_path):
    from safetensors.torch import load_file
    base, _ = trained_run
    no_eval = dict(eval_windows=-1, eval_queries=0)                   # the adapters are compared, not their scores: no final evaluation
    whole = cli(base, target_kg, tmp_path / "whole", **no_eval); assert whole.returncode == 0, whole.stderr[-2000:]
    killed = cli(base, target_kg, tmp_path / "cut", env={KILL_ENV: "step:backward:5"}, **no_eval)   # dies in step 5, after the checkpoint of step 3
    assert killed.returncode != 0 and not (tmp_path / "cut" / "summary.json").exists()
    resumed = cli(base, target_kg, tmp_path / "cut", resume=True, **no_eval); assert resumed.returncode == 0, resumed.stderr[-2000:]
    a, b = (load_file(str(tmp_path / d / "adapter" / "adapter_model.safetensors")) for d in ("whole", "cut"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)   # bit-identical to the run that was never cut

def test_new_relations_get_rows_of_their_own(trained_run, tmp_path):
    "A base pretrained on Python never saw `implements`; adapted to Java and TypeScript code it gets H-GAT rows for it, saved with the adapter, and the base's own weights stay as they were."
    import torch
    from graphmer.adapt import ROWS_FILE, load_adapter, merge_adapter
    from graphmer.runs import load_run
    base, _ = trained_run
    for lang in ("java", "ts"): shutil.copytree(ROOT / "tests" / "fixtures" / lang, tmp_path / "src" / lang)
    build_kg([tmp_path / "src"], tmp_path / "kg", workers=1, progress=False)
    r = cli(base, tmp_path / "kg", tmp_path / "run", eval_queries=50); assert r.returncode == 0, r.stderr[-2000:]
    s = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert "implements" in s["new_relations"] and set(s["links"]) == {"base", "adapted", "frequency", "copy"} and s["links"]["adapted"]["n"] > 0
    adir = tmp_path / "run" / "adapter"
    assert (adir / ROWS_FILE).exists() and json.loads((adir / "graphmer_base.json").read_text())["new_relations"] == s["new_relations"]
    fresh = load_run(base).model; W0 = fresh.hgat.W.detach().clone()
    pm = load_adapter(fresh, adir)                                  # the base's hash ignores the rows: the adapter loads on the run as saved
    assert torch.equal(pm.get_base_model().hgat.W, W0)             # base weights untouched
    rows = pm.get_base_model().hgat.rows
    merged = merge_adapter(pm)
    assert torch.equal(merged.hgat.W[rows.ids], rows.W.detach()) and merged.hgat.rows is None
