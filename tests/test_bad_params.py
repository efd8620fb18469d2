"""Bad parameters of every runnable notebook and CLI command fail before any work, with the bad value and the accepted
ones in the message, and that message is the last line printed (papermill's output ends with it, not with more
traceback). Each case is one papermill or CLI run; they run two at a time."""
import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
import pytest
from graphmer.core import project_root

pytestmark = pytest.mark.slow   # about 24 papermill and CLI runs, and in-process configuration checks
ROOT = project_root()

def cases(kg, run, fresh):
    "(what, command, text the last line must hold, a path that must not exist afterwards or None)."
    def nb(name, **p):
        args = [sys.executable, "-m", "papermill", str(ROOT / "nbs" / f"{name}.ipynb"), str(fresh / f"{name}-{len(p)}-{abs(hash(str(p)))}.ipynb"),
                "--cwd", str(ROOT), "--no-progress-bar"]
        for k, v in p.items(): args += ["-p", k, str(v)] if not isinstance(v, str) else ["-r", k, v]
        return args
    cli = lambda *a: [sys.executable, "-m", "graphmer.cli", *a]
    new = fresh / "never"                        # no case may make it (the batch case, which must prepare the data first, has its own)
    T = dict(kg_dir=str(kg), run_dir=str(new))
    return [
        ("train steps=-1", nb("train", steps=-1, **T), "steps must be a positive integer, got -1", new),
        ("train batch that cannot fit", nb("train", batch_size=100_000, vocab_size=1000, val_frac=0.2, test_frac=0.2, kg_dir=str(kg), run_dir=str(fresh / "big")),
         "batch_size=100000 cannot be filled: the training split has", None),
        ("train into a finished run", nb("train", kg_dir=str(kg), run_dir=str(run)), "holds a finished run (summary.json), which is never overwritten: pass resume=True", None),
        ("evaluate split=sideways", nb("evaluate", run_dir=str(run), split="sideways"), "split='sideways'", None),
        ("build_kg sources missing", nb("build_kg", sources="/nonexistent/src", out_dir=str(new)), "/nonexistent/src is not an existing directory", new),
        ("build_kg workers=0", nb("build_kg", workers=0, out_dir=str(new)), "workers must be a positive integer, got 0", new),
        ("build_kg languages=cobol", nb("build_kg", languages="cobol", out_dir=str(new)), "languages='cobol': choose from python,java", new),
        ("scale results missing", nb("scale", results="/nonexistent/results"), "is not a run record", None),
        ("explore layer=-1", nb("explore", kg_dir=str(kg), run_dir=str(run), layer=-1), "layer must be an integer >= 0, got -1", None),
        ("explore k=0", nb("explore", kg_dir=str(kg), run_dir=str(run), k=0), "k must be an integer >= 1, got 0", None),
        ("explore kg missing", nb("explore", kg_dir="/nonexistent/kg", run_dir=""), "kg_dir '/nonexistent/kg' is not a KG directory", None),
        ("adapt rank=0", nb("adapt", base_run=str(run), kg_dir=str(kg), rank=0, run_dir=str(new)), "rank must be an integer >= 1, got 0", new),
        ("adapt targets=attn", nb("adapt", base_run=str(run), kg_dir=str(kg), targets="attn", run_dir=str(new)), "targets='attn': give a comma-separated subset of", new),
        ("adapt base missing", nb("adapt", base_run="/nonexistent/run", kg_dir=str(kg), run_dir=str(new)), "is not a finished training run", new),
        ("cli adapt kg missing", cli("adapt", "--base-run", str(run), "--kg-dir", "/nonexistent/kg", "--run-dir", str(new)), "is not a KG directory", new),
        ("cli build-kg --workers -1", cli("build-kg", "--workers", "-1", "--out", str(new)), "expected a positive integer, got -1", new),
        ("cli build-kg missing source", cli("build-kg", "/nonexistent/src", "--out", str(new)), "does not exist", new),
        ("cli build-kg --languages cobol", cli("build-kg", "--languages", "cobol", "--out", str(new)), "unknown language(s) ['cobol']; choose from python", new),
        ("cli validate missing KG", cli("validate", "/nonexistent/kg"), "is not a KG directory", None),
        ("cli train missing corpus", cli("train", "--corpus", "/nonexistent/src", "--run-dir", str(new)), "corpus='/nonexistent/src': ['/nonexistent/src'] not a directory", new),
        ("cli train corpus and kg_dir", cli("train", "--corpus", str(ROOT), "--kg-dir", str(kg), "--run-dir", str(new)), "(a KG already built) or corpus=", new),
        ("cli train --data-workers 0", cli("train", "--data-workers", "0", "--run-dir", str(new)), "data_workers must be a positive integer, got 0", new),
        ("cli run --steps -3", cli("run", "--steps", "-3"), "--steps must be >= 0, got -3", None),
        ("cli run --model-size huge", cli("run", "--model-size", "huge"), "invalid choice: 'huge' (choose from 'tiny', 'base')", None),
        ("cli sweep bad grid value", cli("sweep", "--grid", '{"model_size": ["tiny", "huge"]}', "--base", f'{{"kg_dir": "{kg}"}}', "--sweep-dir", str(new)),
         "the grid point {'model_size': 'huge'}: model_size='huge': choose 'tiny' or 'base'", new),
    ]

def config_cases(kg, run, new):
    "More bad values of the train and evaluate notebooks, checked in this process: the same configuration classes as their parameters cells (papermill runs above show that a notebook's output ends with the message)."
    from graphmer.runs import RunConfig, EvalConfig
    T = dict(kg_dir=str(kg), run_dir=str(new))
    return [
        ("train steps=2.5", RunConfig, dict(steps=2.5, **T), "steps must be a positive integer, got 2.5"),
        ("train model_size=huge", RunConfig, dict(model_size="huge", **T), "model_size='huge': choose 'tiny' or 'base'"),
        ("train device=cuda:7", RunConfig, dict(device="cuda:7", **T), "device='cuda:7' but"),
        ("train kg_dir missing", RunConfig, dict(kg_dir="/nonexistent/kg", run_dir=str(new)), "kg_dir='/nonexistent/kg' is not a KG directory"),
        ("train variant=no_hgat", RunConfig, dict(variant="no_hgat", **T), "variant='no_hgat': choose one of ['graphmer', 'no_decay', 'text_only', 'half_decay', 'half_bias']"),
        ("train layout=sparse", RunConfig, dict(layout="sparse", **T), "layout='sparse': choose 'compact' or 'full'"),
        ("train window not JSON", RunConfig, dict(window="[[0, 128]", **T), "window='[[0, 128]' is not JSON"),
        ("train vocab_size=10", RunConfig, dict(vocab_size=10, **T), "vocab_size must be an integer in [262, 100000] (the special tokens and the 256 bytes come first), got 10"),
        ("train keep_checkpoints=-1", RunConfig, dict(keep_checkpoints=-1, **T), "keep_checkpoints must be an integer >= 0 (0: keep every periodic checkpoint), got -1"),
        ("evaluate unknown baseline", EvalConfig, dict(run_dir=str(run), baselines="random,oracle"), "unknown baseline"),
        ("evaluate max_queries=0", EvalConfig, dict(run_dir=str(run), max_queries=0), "max_queries must be an integer"),
        ("evaluate run missing", EvalConfig, dict(run_dir="/nonexistent/run"), "is not a finished training run"),
        ("evaluate device=cuda:3", EvalConfig, dict(run_dir=str(run), device="cuda:3"), "device='cuda:3' but"),
    ]

def test_bad_configs_are_refused_with_the_value_and_the_choices(small_kg, trained_run, tmp_path):
    run, _ = trained_run
    for what, cls, params, msg in config_cases(small_kg, run, tmp_path / "never"):
        with pytest.raises(ValueError) as e: cls(**params)
        assert msg in str(e.value), f"{what}: {e.value}"
    assert not (tmp_path / "never").exists()

def test_bad_parameters_fail_clearly_before_any_work(small_kg, trained_run, tmp_path):
    run, r = trained_run
    assert r.returncode == 0, r.stderr[-2000:]
    todo = cases(small_kg, run, tmp_path)
    with ThreadPoolExecutor(2) as ex:
        done = list(ex.map(lambda c: subprocess.run(c[1], capture_output=True, text=True, timeout=600), todo))
    bad = []
    for (what, _, msg, untouched), p in zip(todo, done):
        lines = [l for l in (p.stdout + p.stderr).splitlines() if l.strip()]
        if p.returncode == 0 or not lines or msg not in lines[-1]: bad.append(f"{what}: exit {p.returncode}, last line {lines[-1] if lines else ''!r}")
        elif untouched is not None and untouched.exists(): bad.append(f"{what}: {untouched} was made before the error")
    print(f"\n{len(todo)} bad parameters tried, {len(todo) - len(bad)} refused clearly")
    assert not bad, "\n".join(bad)
