"The `graphmer` command: its version, `graphmer run` as the report module's main job, and output piped into a reader that stops early."
import os, shlex, subprocess, sys
import pytest
from graphmer import __version__
from graphmer.core import project_root
from graphmer.extract import build_kg

ROOT = project_root()
CLI = [sys.executable, "-m", "graphmer.cli"]

def run(*args, **kw):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=ROOT, timeout=120, **kw)

def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"graphmer {__version__}"

def test_run_takes_the_arguments_of_the_report_module():
    "`graphmer run --help` is `python -m graphmer.report --help` with the command's name changed: one parser."
    env = os.environ | {"COLUMNS": "2000"}       # one usage line whatever the command's name
    mine = run("run", "--help", env=env)
    theirs = subprocess.run([sys.executable, "-m", "graphmer.report", "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert mine.returncode == theirs.returncode == 0
    assert mine.stdout.startswith("usage: graphmer run ") and "--kg-dir" in mine.stdout
    assert mine.stdout.replace("graphmer run", "python -m graphmer.report") == theirs.stdout
    bad = run("run", "--steps", "-1")
    assert bad.returncode == 2 and "graphmer run: error: --steps must be >= 0, got -1" in bad.stderr

@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    (d / "src").mkdir(); (d / "src" / "m.py").write_text("class A:\n    def f(self):\n        return len([])\n")
    build_kg([d / "src"], d / "kg", workers=1, progress=False, cache_dir=False)
    return d / "kg"

def test_closed_pipe_gives_no_traceback(kg):
    "`graphmer validate KG | head -1` once head has exited: the output is dropped quietly, the exit status says it was cut short."
    r, w = os.pipe(); os.close(r)                # a reader that is already gone: every write fails with EPIPE
    try: p = subprocess.run([*CLI, "validate", str(kg)], stdout=w, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120)
    finally: os.close(w)
    assert p.stderr == "" and p.returncode == 1
    full = run("validate", str(kg))
    assert full.returncode == 0 and len(full.stdout.splitlines()) > 1
    head = subprocess.run(f"{shlex.join([*CLI, 'validate', str(kg)])} | head -1", shell=True, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert head.stdout == full.stdout.splitlines(keepends=True)[0] and "Traceback" not in head.stderr

@pytest.mark.slow
def test_graphmer_train_runs_a_run_and_refuses_to_overwrite_it(tmp_path):
    "`graphmer train` takes train.ipynb's parameters as options (text ones stay text: JSON lists, 'auto'), trains, prints the summary; the same command again is refused."
    import json, shutil
    from graphmer.core import default_corpus
    from graphmer.extract import build_kg
    shutil.copytree(default_corpus() / "json", tmp_path / "src" / "json", ignore=shutil.ignore_patterns("__pycache__"))
    build_kg([tmp_path / "src"], tmp_path / "kg", workers=1, progress=False)
    args = [sys.executable, "-m", "graphmer.cli", "train", "--kg-dir", str(tmp_path / "kg"), "--run-dir", str(tmp_path / "run"), "--steps", "2",
            "--vocab-size", "1000", "--val-frac", "0.2", "--test-frac", "0.2", "--eval-every", "2", "--warmup", "1", "--progress", "False",
            "--window", "[[0, 64]]"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    s = json.loads(r.stdout[r.stdout.index("{"):])
    assert s["steps"] == 2 and (tmp_path / "run" / "summary.json").exists()
    assert json.loads((tmp_path / "run" / "config.json").read_text())["train"]["window"] == [[0, 64]]
    again = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert again.returncode == 2 and "holds a finished run" in again.stderr.strip().splitlines()[-1]

@pytest.mark.slow
def test_graphmer_train_builds_its_corpus_stops_on_sigterm_and_resumes(tmp_path):
    "`--corpus` builds the KG of the given directories; SIGTERM to every process of the job (a scheduler's time limit, data-loader workers included) ends the step, checkpoints and exits 143 without a summary; `--resume True` finishes the run."
    import json, os, shutil, signal, time
    from graphmer.core import default_corpus
    from graphmer.runs import RunConfig
    for pkg in ("json", "email"): shutil.copytree(default_corpus() / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    corpus = f"{tmp_path / 'json'},{tmp_path / 'email'}"
    run_dir = tmp_path / "run"
    args = [sys.executable, "-m", "graphmer.cli", "train", "--corpus", corpus, "--data-workers", "2", "--run-dir", str(run_dir), "--steps", "120",
            "--vocab-size", "1000", "--val-frac", "0.1", "--test-frac", "0.1", "--eval-every", "120", "--warmup", "5", "--progress", "False",
            "--window", "[[0, 32]]", "--batch-size", "4", "--device", "cpu", "--save-every-minutes", "0", "--workers", "1"]
    kg = RunConfig(corpus=corpus, run_dir=str(run_dir)).kg_path
    try:
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
        t0 = time.time()
        while not (run_dir / "metrics.jsonl").exists() and p.poll() is None and time.time() - t0 < 300: time.sleep(0.2)
        assert p.poll() is None, p.communicate()[1][-2000:]
        os.killpg(p.pid, signal.SIGTERM); out, err = p.communicate(timeout=120)   # as `timeout` and SLURM do: the trainer and its loader worker
        assert p.returncode == 143 and "stopped by SIGTERM after step" in err, err[-2000:]
        assert json.loads((kg / "manifest.json").read_text())["counts"]["files_ok"] > 20     # the KG of json and email was built
        step = json.loads((run_dir / "checkpoints" / "last" / "trainer_state.json").read_text())["step"]
        assert 0 < step < 120 and not (run_dir / "summary.json").exists()
        r = subprocess.run(args + ["--resume", "True"], capture_output=True, text=True, timeout=900, cwd=ROOT)
        assert r.returncode == 0, r.stderr[-2000:]
        assert json.loads((run_dir / "summary.json").read_text())["steps"] == 120
        rows = [json.loads(l)["step"] for l in (run_dir / "metrics.jsonl").read_text().splitlines()]
        assert rows == sorted(set(rows)) and rows[-1] == 120                                  # no row twice across the stop
    finally: shutil.rmtree(kg, ignore_errors=True)
