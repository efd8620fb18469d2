"""`make setup` heals itself: an install interrupted or failed half-way is rebuilt from scratch on the next `make`, never patched up.

The real Makefile runs with a stand-in interpreter whose `-m venv` and `-m pip install` only record what they were asked,
so the test exercises the recipe's logic (markers, stamp, rebuild) without downloading anything."""
import os, shutil, subprocess, textwrap
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE = textwrap.dedent("""\
    #!/usr/bin/env bash
    # stand-in for python: `-m venv DIR` makes DIR/bin/python (this script); `-m pip install` succeeds unless PIP_FAILS is set
    if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && exit 0; fi
    if [ "$1 $2" = "-m pip" ]; then echo pip >> "$(dirname "$0")/../pip.log"; [ -z "$PIP_FAILS" ]; exit $?; fi
    exit 3
    """)

@pytest.fixture
def proj(tmp_path):
    for n in ("Makefile", "pyproject.toml", "constraints.txt"): shutil.copy(ROOT / n, tmp_path / n)
    fake = tmp_path / "fakepython"; fake.write_text(FAKE); fake.chmod(0o755)
    return tmp_path

def setup(proj, fails=False):
    env = dict(os.environ, PIP_FAILS="1" if fails else "")
    return subprocess.run(["make", "-s", "setup", f"PYTHON={proj / 'fakepython'}"], cwd=proj, env=env, capture_output=True, text=True)

def test_failed_install_is_rebuilt_from_scratch(proj):
    venv = proj / ".venv"
    r = setup(proj, fails=True)
    assert r.returncode != 0 and (venv / ".installing").exists() and not (venv / ".installed").exists()
    (venv / "lib").mkdir(); (venv / "lib" / "half-installed.dist-info").write_text("torn")   # what pip left behind
    r = setup(proj)
    assert r.returncode == 0, r.stderr
    assert "rebuilding it" in r.stdout and not (venv / "lib").exists()                     # rebuilt, not patched
    assert (venv / ".installed").exists() and not (venv / ".installing").exists()
    assert (venv / "pip.log").read_text().count("pip") == 1                                 # the fresh venv's one install
    r = setup(proj)                                                                        # up to date: nothing to do
    assert r.returncode == 0 and r.stdout == "" and (venv / "pip.log").read_text().count("pip") == 1

def test_changed_requirements_reinstall_in_place(proj):
    assert setup(proj).returncode == 0
    (proj / "constraints.txt").write_text((proj / "constraints.txt").read_text() + "\n# changed\n")
    r = setup(proj)
    assert r.returncode == 0 and "setting up" in r.stdout and "rebuilding" not in r.stdout
    assert (proj / ".venv" / "pip.log").read_text().count("pip") == 2
