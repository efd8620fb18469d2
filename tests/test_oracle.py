"The runtime-introspection oracle (`graphmer.oracle`) over the whole pure-Python standard library: `inherits_from` and class→method `contains` against `__bases__` and class `__dict__`."
import time
import pytest
from graphmer.oracle import introspect, compare, oracle_modules, disagreements, class_only_categories

pytestmark = pytest.mark.slow   # integration: the whole standard library's KG, and importing it (`make test-fast` leaves it out)

PRECISION, RECALL = 0.98, 0.95


# `stdlib_kg` (the whole standard library's KG, built once per session) comes from conftest.py.

@pytest.fixture(scope="session")
def oracle(stdlib_kg):
    t0 = time.perf_counter()
    res = compare(stdlib_kg, introspect(oracle_modules(stdlib_kg)))
    res["seconds"] = time.perf_counter() - t0
    return res


def test_oracle_modules_exclusions(stdlib_kg):
    mods = oracle_modules(stdlib_kg)
    assert "json.decoder" in mods and "asyncio.tasks" in mods
    assert not [m for m in mods if m.split(".")[0] in ("idlelib", "tkinter", "turtledemo", "antigravity", "this")]
    assert not [m for m in mods if {"test", "tests", "__main__"} & set(m.split("."))]


def test_stdlib_precision_recall(stdlib_kg, oracle):
    m = oracle["metrics"]
    pairs = oracle["pairs"]
    print(f"\noracle: {oracle['modules']} modules compared ({len(oracle['skipped'])} skipped), "
          f"{pairs.cls.nunique()} classes on both sides, {oracle['seconds']:.1f}s")
    print(m.to_string())
    print(disagreements(oracle).to_string())
    print(class_only_categories(stdlib_kg, oracle).groupby(["side", "category"]).size().to_string())
    assert oracle["modules"] > 400
    for rel in ("inherits_from", "contains"):
        assert m.loc[rel, "precision"] >= PRECISION, (rel, m.loc[rel].to_dict())
        assert m.loc[rel, "recall"] >= RECALL, (rel, m.loc[rel].to_dict())
