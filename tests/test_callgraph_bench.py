"""Call-graph benchmark (benchmarks/callgraph.py) on the PyCG-style fixtures tests/fixtures/py_callgraph/<category>/:
overall precision/recall of the KG's `calls` + `instantiates` triples against the runtime truth, and the truth itself
re-derived by the tracer (benchmarks/callgraph_truth.py) so that the committed callgraph.json files cannot drift."""
import importlib.util, sys
from pathlib import Path
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec); sys.modules[name] = mod; spec.loader.exec_module(mod)
    return mod

truth = _load("callgraph_truth")
bench = _load("callgraph")

# The precision target is 0.97; the code reaches 263/270 = 0.974 precision and 263/281 = 0.936 recall (the
# baseline before the flow analysis: 0.959 / 0.673). The recall floor sits a little below what the code reaches; the
# unexpected and missing triples are listed in benchmarks/results/callgraph.json.
PRECISION_FLOOR, RECALL_FLOOR = 0.97, 0.92
CATEGORIES = ["args", "assignments", "builtins", "classes", "closures", "decorators", "dicts", "direct_calls", "fields",
              "generators", "imports", "kwargs", "lambdas", "lists", "mro", "returns", "super"]


@pytest.fixture(scope="module")
def result():
    return bench.run()


def report(res) -> str:
    return "\n" + bench.table(res) + "\n" + "\n".join(
        f"{name}: {kind} {' '.join(e)}" for name, c in res["categories"].items() for kind in ("missing", "unexpected") for e in c[kind])


def test_categories():
    assert [d.name for d in truth.categories()] == CATEGORIES
    for d in truth.categories():
        assert 2 <= len(truth.module_names(d)) and (d / truth.TRUTH_FILE).is_file(), d


def test_precision_recall(result):
    o = result["overall"]
    assert o["expected"] == sum(len(truth.load_truth(d)) for d in truth.categories())
    assert o["precision"] >= PRECISION_FLOOR and o["recall"] >= RECALL_FLOOR, report(result)


@pytest.mark.parametrize("category", CATEGORIES)
def test_truth_is_what_runs(category):
    "The tracer (fixtures run in a subprocess, calls recorded) gives exactly the committed callgraph.json, with no problem."
    d = truth.FIXTURES / category
    t = truth.trace(d)
    assert t["problems"] == []
    want = truth.load_truth(d)
    assert t["edges"] == want, f"traced only: {sorted(t['edges'] - want)}\ncommitted only: {sorted(want - t['edges'])}"
