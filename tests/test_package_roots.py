"""Module ids come from a project's import root (`src/` layouts), so its tests' imports meet its packages and `tested_by`
links them; the repository is named after the project, whichever of its directories is passed."""
from pathlib import Path
import pytest
from graphmer.extract import build_kg, load_kg

PROJECT = {
    "pyproject.toml": '[project]\nname = "demo-proj"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
    "src/demo/__init__.py": "from .core import Engine, run\n",
    "src/demo/core.py": "class Engine:\n    def start(self):\n        return 1\n\ndef run():\n    return Engine().start()\n",
    "tests/__init__.py": "",
    "tests/helpers.py": "def make_engine():\n    import demo\n    return demo.Engine()\n",
    "tests/test_core.py": ("import demo\nfrom demo.core import run\nfrom tests.helpers import make_engine\n\n"
                           "def test_run():\n    assert run() == 1\n\n"
                           "class TestEngine:\n    def test_start(self):\n        assert demo.Engine().start() == 1\n\n"
                           "def test_helper():\n    assert make_engine()\n"),
    "conftest.py": "",
}
MODULES = {"demo", "demo.core", "tests", "tests.helpers", "tests.test_core"}
TESTED_BY = {("demo.core.run", "tested_by", "tests.test_core.test_run"),
             ("demo.core.Engine", "tested_by", "tests.test_core.TestEngine.test_start")}

@pytest.fixture(scope="module")
def project(tmp_path_factory):
    d = tmp_path_factory.mktemp("proj") / "demo-proj-1.0"
    for rel, text in PROJECT.items(): (d / rel).parent.mkdir(parents=True, exist_ok=True); (d / rel).write_text(text)
    return d

def kg_of(sources, out):
    build_kg(sources, out, workers=1, cache_dir=False, progress=False)
    return load_kg(out)

def triples(kg): return set(zip(kg.triples["head"], kg.triples["relation"], kg.triples["tail"]))

def test_src_layout_from_the_project_root(project, tmp_path):
    kg = kg_of([project], tmp_path / "kg")
    e = kg.entities
    mods = set(e.loc[e["type"] == "Module", "id"])
    assert MODULES | {"conftest"} == mods                                     # no `src.demo…`
    t = triples(kg)
    assert TESTED_BY <= t
    assert ("tests.test_core", "imports", "demo") in t and ("tests.test_core", "imports", "tests.helpers") in t
    assert ("tests.helpers.make_engine", "instantiates", "demo.core.Engine") in t
    assert not e.loc[e["type"] == "ExternalSymbol", "id"].str.startswith(("demo", "tests")).any()
    assert set(kg.triples["repository"]) == {"demo-proj"} and set(e["repository"].dropna()) == {"demo-proj"}
    assert e.set_index("id").loc["demo.core", "path"] == "src/demo/core.py"   # provenance paths stay relative to the root passed
    assert kg.manifest["validation"]["failed"] == 0

def test_src_and_tests_passed_separately(project, tmp_path):
    kg = kg_of([project / "src", project / "tests"], tmp_path / "kg")
    e = kg.entities
    assert set(e.loc[e["type"] == "Module", "id"]) == MODULES
    assert TESTED_BY <= triples(kg)
    assert set(kg.triples["repository"]) == {"demo-proj"}
    assert e.set_index("id").loc["tests.test_core", "path"] == "test_core.py"

def test_changed_layout_rebuilds(project, tmp_path):
    "The module ids are part of the build's input: a new package directory in pyproject.toml is not served from the old KG."
    d = tmp_path / "p"; d.mkdir()
    (d / "lib" / "pkg").mkdir(parents=True); (d / "lib" / "pkg" / "__init__.py").write_text("def f():\n    return 1\n")
    (d / "pyproject.toml").write_text('[project]\nname = "p"\n')
    m1 = build_kg([d], tmp_path / "kg", workers=1, progress=False)
    (d / "pyproject.toml").write_text('[project]\nname = "p"\n[tool.setuptools]\npackage-dir = {"" = "lib"}\n')
    m2 = build_kg([d], tmp_path / "kg", workers=1, progress=False)
    assert not m2["up_to_date"] and m2["cache"]["misses"] == 1
    assert "pkg.f" in set(load_kg(tmp_path / "kg").entities["id"]) and m1["input_digest"] != m2["input_digest"]

REQUESTS = Path(__file__).resolve().parents[1] / "data" / "external" / "pypi" / "requests-2.32.3"

@pytest.mark.skipif(not REQUESTS.is_dir(), reason=f"the requests sdist is not unpacked at {REQUESTS}")
def test_requests_sdist(tmp_path):
    kg = kg_of([REQUESTS], tmp_path / "kg")
    e, t = kg.entities, kg.triples
    mods = set(e.loc[e["type"] == "Module", "id"])
    assert {"requests", "requests.sessions", "tests.test_requests", "tests.testserver.server", "setup"} <= mods
    assert not any(m.startswith("src.") for m in mods)
    assert set(t["repository"]) == {"requests"}
    tb = t[t["relation"] == "tested_by"]
    assert len(tb) > 150                                                       # 2 when modules were named `src.requests…`
    assert ("requests.models.Request", "tests.test_requests.TestRequests.test_basic_building") in set(zip(tb["head"], tb["tail"]))
    assert kg.manifest["validation"]["failed"] == 0
