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
