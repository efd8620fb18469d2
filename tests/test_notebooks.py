"Runnable notebooks: the `parameters` tag survives nbdev-clean, papermill's -p values reach the notebook, bad values fail early."
import json, subprocess, sys
from pathlib import Path
import pytest
from graphmer.core import RUNNABLE, project_root, runnable_notebook

ROOT = project_root()
NOTEBOOKS = [runnable_notebook(n) for n in RUNNABLE]

def _tagged(nb: Path, tag: str) -> list:
    return [c for c in json.loads(nb.read_text())["cells"] if tag in c.get("metadata", {}).get("tags", [])]

def papermill(nb, out, *params):
    args = [sys.executable, "-m", "papermill", str(nb), str(out), "--cwd", str(ROOT), "--no-progress-bar"]
    for k, v in params: args += ["-p", k, str(v)]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)

@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_is_tagged(nb):
    tagged = _tagged(nb, "parameters")
    assert len(tagged) == 1, f"{nb.name} needs exactly one cell tagged 'parameters' (kept by allowed_cell_metadata_keys)"

def test_runnable_notebooks_exist():
    assert "build_kg.ipynb" in [p.name for p in NOTEBOOKS] and all(p.exists() for p in NOTEBOOKS)

def test_runnable_names_every_notebook_with_parameters():
    "graphmer.core.RUNNABLE is the one list of runnable notebooks: a notebook of nbs/ that papermill can run is in it."
    assert sorted(p.stem for p in (ROOT / "nbs").glob("*.ipynb") if _tagged(p, "parameters")) == sorted(RUNNABLE)

@pytest.mark.slow   # a papermill run
def test_build_kg_params_reach_the_notebook(tmp_path):
    src = tmp_path / "src" / "pkg"; src.mkdir(parents=True)
    (src / "mod.py").write_text("import os\ndef f():\n    return os.getcwd()\n")
    out_kg, out_nb = tmp_path / "kg", tmp_path / "out.ipynb"
    r = papermill(ROOT / "nbs" / "build_kg.ipynb", out_nb, ("sources", tmp_path / "src"), ("workers", 1), ("out_dir", out_kg), ("explained", ""))
    assert r.returncode == 0, r.stderr[-3000:]
    manifest = json.loads((out_kg / "manifest.json").read_text())   # the KG went where -p out_dir said
    assert manifest["sources"][0]["path"] == str((tmp_path / "src").resolve()) and manifest["workers"] == 1
    assert manifest["counts"]["files"] == 1
    nb = json.loads(out_nb.read_text())
    injected = [c for c in nb["cells"] if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    assert injected and "workers = 1" in "".join(injected[0]["source"])

@pytest.mark.slow   # a papermill run
def test_bad_parameter_fails_before_work(tmp_path):
    out_kg = tmp_path / "kg"
    r = papermill(ROOT / "nbs" / "build_kg.ipynb", tmp_path / "out.ipynb", ("workers", 0), ("out_dir", out_kg))
    assert r.returncode != 0 and "workers must be a positive integer" in r.stderr + r.stdout
    assert not out_kg.exists()

@pytest.mark.slow   # a papermill run
def test_scale_report_renders_the_committed_run(tmp_path):
    "nbs/scale.ipynb reads the committed 100 MB run's files (benchmarks/results/pretrain_100mb) and shows its tables and figures."
    out = tmp_path / "scale.ipynb"
    r = papermill(ROOT / "nbs" / "scale.ipynb", out)
    assert r.returncode == 0, r.stderr[-3000:]
    outputs = [o for c in json.loads(out.read_text())["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs) == 2   # the machine's use and the curves
    assert any("step-001000" in "".join(o.get("data", {}).get("text/markdown", "")) for o in outputs)
