"""Call resolution on the hand-written package tests/fixtures/py_calls/callpkg: every `calls`/`instantiates` triple
whose head is in the package is written out below, and the KG must produce exactly that set."""
from pathlib import Path
import pytest
from graphmer.extract import build_kg, load_kg

FIXTURES = Path(__file__).parent / "fixtures" / "py_calls"

EXPECTED = {
    # callpkg.util: a module-level call and a builtin
    ("callpkg.util.other", "calls", "callpkg.util.helper"),
    ("callpkg.util.Tool.run", "calls", "builtins.len"),
    # callpkg.base: self./cls./super() through the class and its ancestors
    ("callpkg.base.Parent.call_m", "calls", "callpkg.base.Parent.m"),      # overridden in Child: the base keeps its own m
    ("callpkg.base.Child.m", "calls", "callpkg.base.Parent.m"),            # super().m()
    ("callpkg.base.Child.use_g", "calls", "callpkg.base.Grand.g"),         # inherited from the grandparent
    ("callpkg.base.Child.make", "calls", "callpkg.base.Child.build"),      # cls.build()
    ("callpkg.base.Child.build", "instantiates", "callpkg.base.Grand"),
    # callpkg.sub.deep: from ..util import other as w
    ("callpkg.sub.deep.deep_fn", "calls", "callpkg.util.other"),
    # callpkg.star: from callpkg.sub.deep import *
    ("callpkg.star.use_star", "calls", "callpkg.sub.deep.deep_fn"),
    # callpkg.main
    ("callpkg.main.via_import_as", "calls", "callpkg.sub.deep.deep_fn"),   # import a.b as c
    ("callpkg.main.via_from_import", "calls", "callpkg.util.helper"),      # from .x import y
    ("callpkg.main.via_module_alias", "calls", "callpkg.util.other"),      # u = util
    ("callpkg.main.local_import", "calls", "callpkg.util.helper"),         # function-local import ... as h
    # shadow_param: the parameter `helper` shadows the import: no triple
    ("callpkg.main.shadow_local", "calls", "callpkg.main.make"),           # but not the local variable `other`
    ("callpkg.main.make", "instantiates", "callpkg.util.Tool"),
    ("callpkg.main.with_global", "calls", "callpkg.main.target"),          # `global target`
    ("callpkg.main.builtins_and_library", "calls", "builtins.print"),
    ("callpkg.main.builtins_and_library", "calls", "builtins.len"),
    ("callpkg.main.builtins_and_library", "calls", "numpy.array"),         # unresolved library call
    ("callpkg.main.raises", "instantiates", "builtins.ValueError"),
    ("callpkg.main", "calls", "callpkg.util.helper"),                      # module-level code: the module is the head
    ("callpkg.main", "instantiates", "callpkg.util.Tool"),
}

# A def/class statement after a placeholder assignment of the same name (enum.py's `Enum = Flag = None`): the
# statement declares the name; the placeholder Variable is replaced (was a bug found by the runtime oracle).
EXPECTED_PLACEHOLDER = {
    ("callpkg.placeholder.Plugin.run", "calls", "callpkg.placeholder.hook"),
    ("callpkg.placeholder.use", "instantiates", "callpkg.placeholder.Plugin"),
}


@pytest.fixture(scope="module")
def kg(tmp_path_factory):
    out = tmp_path_factory.mktemp("py_calls_kg")
    build_kg(FIXTURES, out_dir=out, workers=1, cache_dir=False, progress=False)
    return load_kg(out, mentions=False)


def call_triples(kg, module_prefix="callpkg", exclude=()):
    t = kg.triples
    t = t[t.relation.isin(["calls", "instantiates"])]
    in_pkg = lambda h: (h == module_prefix or h.startswith(module_prefix + ".")) and not any(h == e or h.startswith(e + ".") for e in exclude)
    return {tuple(r) for r in t[["head", "relation", "tail"]].itertuples(index=False) if in_pkg(r[0])}


def diff(got, want) -> str:
    return "\n".join([f"missing:    {x}" for x in sorted(want - got)] + [f"unexpected: {x}" for x in sorted(got - want)])


def test_fixture_parsed_completely(kg):
    assert kg.manifest["skipped"] == []
    ty = dict(zip(kg.entities["id"], kg.entities["type"]))
    assert ty["numpy.array"] == "ExternalSymbol" and ty["builtins.len"] == "ExternalSymbol" and ty["callpkg.util.Tool"] == "Class"


def test_calls_and_instantiates_exact(kg):
    got = call_triples(kg, exclude=("callpkg.placeholder",))
    assert got == EXPECTED, "\n" + diff(got, EXPECTED)


def test_external_types(kg):
    ty = dict(zip(kg.entities["id"], kg.entities["type"]))
    assert ty["builtins.ValueError"] == "ExceptionType"


def test_def_after_placeholder_assignment(kg):
    got = call_triples(kg, "callpkg.placeholder")
    assert got == EXPECTED_PLACEHOLDER, "\n" + diff(got, EXPECTED_PLACEHOLDER)
