"The runnable notebooks' set-up cell (Colab/Kaggle): in a fresh virtual environment without graphmer, the cell installs it from the repository and the notebook runs; where graphmer is installed the cell is a no-op."
import json, os, subprocess, sys, venv
from pathlib import Path
import nbformat, pytest
from graphmer.core import RUNNABLE, project_root

ROOT = project_root()
MARK = "# Set-up for Colab and Kaggle"

@pytest.mark.parametrize("name", RUNNABLE)
def test_setup_cell_comes_first(name):
    cells = nbformat.read(ROOT / "nbs" / f"{name}.ipynb", as_version=4).cells
    code = [c for c in cells if c.cell_type == "code"]
    assert code[0].source.startswith(MARK), f"{name}.ipynb must start with the set-up cell"
    assert "parameters" in code[1].metadata.get("tags", []), f"{name}.ipynb: the parameters cell follows the set-up cell"
    same = nbformat.read(ROOT / "nbs" / "build_kg.ipynb", as_version=4).cells
    assert code[0].source == next(c for c in same if c.cell_type == "code").source   # one set-up cell, the same everywhere

def test_setup_cell_is_a_no_op_here():
    src = next(c for c in nbformat.read(ROOT / "nbs" / "train.ipynb", as_version=4).cells if c.cell_type == "code").source
    r = subprocess.run([sys.executable, "-c", src], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "pip install" not in r.stdout and "accelerator:" in r.stdout

@pytest.mark.slow   # a fresh virtual environment, pip installs, a papermill run
def test_setup_cell_installs_graphmer_in_a_fresh_environment(tmp_path):
    env_dir = tmp_path / "venv"; venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-c", str(ROOT / "constraints.txt")]
    # What Colab or Kaggle already has: torch (pinned here to the CPU wheel), Jupyter's kernel and papermill. Not graphmer.
    subprocess.run(pip + ["torch", "papermill", "ipykernel"], check=True, timeout=900)
    probe = subprocess.run([str(py), "-c", "import graphmer"], capture_output=True, text=True, cwd=tmp_path)
    assert probe.returncode != 0                                       # really not installed
    src = tmp_path / "src"; src.mkdir()
    (src / "mod.py").write_text("class Base:\n    pass\n\nclass Child(Base):\n    def run(self):\n        return helper()\n\ndef helper():\n    return 1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env["PIP_CONSTRAINT"] = str(ROOT / "constraints.txt")              # keep the CPU torch wheel while graphmer's deps install
    out = tmp_path / "build_kg.ipynb"
    r = subprocess.run([str(py), "-m", "papermill", str(ROOT / "nbs" / "build_kg.ipynb"), str(out), "--cwd", str(ROOT), "--no-progress-bar",
                        "-p", "sources", str(src), "-p", "out_dir", str(tmp_path / "kg"), "-p", "workers", "1"],
                       capture_output=True, text=True, timeout=1500, env=env)
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    first = next(c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code")
    text = "".join(o.get("text", "") for o in first.outputs)
    assert "graphmer is not installed: pip install" in text and "accelerator:" in text
    ents = subprocess.run([str(py), "-c", f"from graphmer.extract import load_kg; print(len(load_kg({str(tmp_path / 'kg')!r}).entities))"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert ents.returncode == 0 and int(ents.stdout.strip()) >= 4       # module, two classes, a method, a function
