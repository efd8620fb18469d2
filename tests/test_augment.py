"""Fact-preserving augmentation (graphmer.augment) on real code: every Python transform, on any standard-library file and
seed hypothesis draws, keeps the file parseable and its extracted triples unchanged, and carries the KG's mentions to
where the extractor finds them in the new text; the tree-sitter transforms do the same on the Java/JS/TS fixtures; a
training run that augments on the fly is reproducible and resumes bit-identically after a SIGKILL."""
import ast, json, os, shutil, subprocess, sys
from pathlib import Path
import numpy as np, pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from graphmer.augment import PY_TRANSFORMS, TS_TRANSFORMS, TSSource, augment_code, fact_diff, parse_transforms
from graphmer.core import KILL_ENV, default_corpus
from graphmer.extract import build_kg

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
STDLIB = sorted(p for p in default_corpus().glob("*.py") if p.stat().st_size < 60_000)   # top-level modules: fast to extract twice

def _parses(path: Path) -> str | None:
    try: text = path.read_text(encoding="utf-8"); ast.parse(text); return text
    except (SyntaxError, UnicodeDecodeError, ValueError): return None

@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(STDLIB), name=st.sampled_from(sorted(PY_TRANSFORMS)), seed=st.integers(0, 2**32 - 1))
def test_python_transform_keeps_facts(path, name, seed):
    text = _parses(path)
    if text is None: return                                   # the standard library's deliberate syntax errors
    r = PY_TRANSFORMS[name](text, np.random.default_rng(seed))
    ast.parse(r.text)
    d = fact_diff(text, [r], "python")
    assert d["lost"] == d["gained"] == [], f"{name} on {path.name} (seed {seed}) changed the facts: {d['lost'][:3]} -> {d['gained'][:3]}"
    assert d["misplaced"] == [] or name == "brackets", f"{name} on {path.name} (seed {seed}): mentions carried to the wrong place {d['misplaced'][:3]}"
    assert d["mentions_lost"] <= max(2, d["mentions"] // 50)

@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(STDLIB), seed=st.integers(0, 2**32 - 1))
def test_composed_python_transforms_keep_facts(path, seed):
    text = _parses(path)
    if text is None: return
    rw = augment_code(text, "python", np.random.default_rng(seed), parse_transforms("all"))
    d = fact_diff(text, rw, "python")
    assert d["lost"] == d["gained"] == [], f"{path.name} (seed {seed}): {d['lost'][:3]} -> {d['gained'][:3]}"

TS_FILES = [(lang, p) for lang, ext in (("java", ".java"), ("javascript", ".js"), ("typescript", ".ts")) for p in sorted(FIXTURES.rglob(f"*{ext}"))
            if "broken" not in p.parts and not TSSource(p.read_text(encoding="utf-8"), lang).tree.root_node.has_error]

@pytest.mark.parametrize("lang,path", TS_FILES, ids=[p.name for _, p in TS_FILES])
def test_tree_sitter_transforms_keep_facts(lang, path):
    text = path.read_text(encoding="utf-8")
    for name, fn in TS_TRANSFORMS.items():
        r = fn(text, np.random.default_rng(0), lang, p=1.0)
        assert not TSSource(r.text, lang).tree.root_node.has_error, f"{name} broke {path.name}"
        d = fact_diff(text, [r], lang)
        assert d["lost"] == d["gained"] == [], f"{name} on {path.name}: {d['lost'][:3]} -> {d['gained'][:3]}"
        assert d["misplaced"] == [], f"{name} on {path.name}: {d['misplaced'][:3]}"

def test_bad_augment_parameter_fails_before_work(tmp_path):
    from graphmer.runs import RunConfig
    with pytest.raises(ValueError, match="unknown transform"): RunConfig(augment="rename,shuffle", run_dir=str(tmp_path / "r"))
    with pytest.raises(ValueError, match="augment_copies"): RunConfig(augment="all", augment_copies=-1, run_dir=str(tmp_path / "r"))

@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    d = tmp_path_factory.mktemp("augkg")
    shutil.copytree(default_corpus() / "json", d / "src" / "json", ignore=shutil.ignore_patterns("__pycache__"))
    build_kg([d / "src"], d / "kg", workers=2, progress=False)
    return d / "kg"

def train(kg, run_dir, env=None, **extra):
    args = [sys.executable, "-m", "graphmer.cli", "train", "--kg-dir", str(kg), "--run-dir", str(run_dir), "--steps", "8", "--batch-size", "4",
            "--save-every", "3", "--eval-every", "4", "--val-frac", "0.2", "--test-frac", "0.2", "--vocab-size", "800", "--device", "cpu",
            "--progress", "False", "--augment", "all", "--augment-copies", "4"]
    for k, v in extra.items(): args += [f"--{k.replace('_', '-')}", str(v)]
    one = dict(OMP_NUM_THREADS="1")   # one thread: two processes then compute bit-identically
    return subprocess.run(args, capture_output=True, text=True, timeout=900, env=os.environ | one | (env or {}))

@pytest.mark.slow
def test_augmented_run_resumes_bit_identical(kg, tmp_path):
    from safetensors.torch import load_file
    whole = train(kg, tmp_path / "whole"); assert whole.returncode == 0, whole.stderr[-3000:]
    cfg = json.loads((tmp_path / "whole" / "config.json").read_text())
    assert cfg["parameters"]["augment"] == "all" and cfg["train"]["augment_copies"] == 4
    killed = train(kg, tmp_path / "cut", env={KILL_ENV: "step:backward:5"})   # dies in step 5, after the checkpoint of step 3
    assert killed.returncode != 0 and not (tmp_path / "cut" / "summary.json").exists()
    resumed = train(kg, tmp_path / "cut", resume=True); assert resumed.returncode == 0, resumed.stderr[-3000:]
    a, b = (load_file(str(tmp_path / d / "model.safetensors")) for d in ("whole", "cut"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    plain = train(kg, tmp_path / "plain", augment="none")                    # the augmented run really trained on other samples
    assert plain.returncode == 0, plain.stderr[-3000:]
    c = load_file(str(tmp_path / "plain" / "model.safetensors"))
    assert any((a[k] != c[k]).any() for k in a)

def papermill(out, **params):
    args = [sys.executable, "-m", "papermill", str(ROOT / "nbs" / "augment.ipynb"), str(out), "--cwd", str(ROOT), "--no-progress-bar"]
    for k, v in params.items(): args += ["-p", k, str(v)]
    return subprocess.run(args, capture_output=True, text=True, timeout=1200)

@pytest.mark.slow
def test_augment_notebook_runs_and_reuses_finished_runs(tmp_path):
    small = dict(package="email", n_train=12, seeds="0", steps=4, batch_size=4, max_queries=40, device="cpu", out_dir=tmp_path / "exp", progress=False)
    p = papermill(tmp_path / "a.ipynb", **small); assert p.returncode == 0, p.stderr[-3000:]
    import pandas as pd
    df = pd.read_csv(tmp_path / "exp" / "results.csv")
    assert list(df["condition"]) == ["none", "all"] and (df["n_train_files"] == 12).all() and (df["steps"] == 4).all()
    assert df[["mlm_acc", "mrr", "frequency_mrr"]].apply(lambda c: c.between(0, 1)).all().all() and (df["copies"] > 1).all()
    model = tmp_path / "exp" / "runs" / "all-s0" / "model.safetensors"; stamp = model.stat().st_mtime_ns
    again = papermill(tmp_path / "b.ipynb", **small); assert again.returncode == 0, again.stderr[-3000:]
    df2 = pd.read_csv(tmp_path / "exp" / "results.csv")
    assert df2.equals(df) and model.stat().st_mtime_ns == stamp        # finished runs are reused, not retrained, their scores unchanged

def test_augment_notebook_refuses_a_bad_package_before_work(tmp_path):
    p = papermill(tmp_path / "a.ipynb", package="no_such_package", out_dir=tmp_path / "exp")
    assert p.returncode != 0 and "neither a standard-library package nor a directory" in p.stderr and not (tmp_path / "exp").exists()
