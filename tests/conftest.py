"Shared fixtures: the standard-library KG is built once per test session."
import pytest
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
