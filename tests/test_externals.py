"External symbols (graphmer.externals) over a fake site-packages: re-exports, namespace packages, conditional definitions, cycles, the disk cache, and code that is never run."
import json, os, sys, textwrap
from pathlib import Path
import pytest
from graphmer.externals import ExternalIndex, ModuleFile, summarize

def write(root: Path, files: dict):
    for rel, src in files.items():
        p = root / rel; p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(src))

@pytest.fixture
def site(tmp_path):
    "Two fake site-packages directories, and a file that only running the analysed code would create."
    a, b, trap = tmp_path / "site_a", tmp_path / "site_b", tmp_path / "TRAP"
    write(a, {
        # a package exposing an exception subclass through a re-export, and a star re-export
        "fakepkg/__init__.py": """
            from .errors import FakeError as FakeError
            from ._impl import *
            from . import util
            import fakepkg.util as u2
            __all__ = ["FakeError", "helper"]
        """,
        "fakepkg/errors.py": """
            class BaseFake(ValueError):
                def describe(self): return "fake"
            class FakeError(BaseFake):
                code = 3
                def __init__(self, msg):
                    self.msg = msg
            class NotAnError:
                pass
        """,
        "fakepkg/_impl.py": """
            __all__ = ["helper", "_private_but_listed"]
            def helper(): pass
            def _private_but_listed(): pass
            def unlisted(): pass
        """,
        "fakepkg/util.py": """
            from ..fakepkg.errors import BaseFake
            from .errors import FakeError as Alias
            class Sub(Alias): pass
        """,
        # a namespace package with a portion in each site directory
        "nsp/plugin.py": "class Plugin:\n    def run(self): pass\n",
        # conditional definitions
        "cond.py": """
            import sys
            try:
                from _no_such_accelerator import speedy
            except ImportError:
                def speedy(): pass
            try:
                from _no_such_accelerator import Thing
            except ImportError:
                Thing = None
            if FLAG:
                class Either: pass
            else:
                def Either(): pass
            if sys.version_info >= (3, 0):
                class Modern(KeyError): pass
            else:
                def Modern(): pass
            fast = None
            if FLAG:
                fast = speedy
        """,
        # cycles
        "cyc_a.py": "from cyc_b import x\nclass Loop(Back): pass\n",
        "cyc_b.py": "from cyc_a import x\nfrom cyc_a import Loop as Back\n",
        "chain.py": "a0 = 1\n" + "".join(f"a{i + 1} = a{i}\n" for i in range(300)),
        "deep.py": "class C0(Exception): pass\n" + "".join(f"class C{i + 1}(C{i}): pass\n" for i in range(300)),
        # code whose top level would leave a trace if it ran
        "sideeffect.py": f"""
            open({str(trap)!r}, "w").write("ran")
            import os; os.makedirs({str(trap) + "_dir"!r})
            raise SystemExit("never run me")
            class Declared(Exception): pass
        """,
        "broken.py": "def (:\n",
        "shadow/__init__.py": "class FromRegularPackage: pass\n",
        "mixed.py": "class M: pass\n",
    })
    write(b, {
        "nsp/other.py": "from nsp.plugin import Plugin\nclass Other(Plugin): pass\n",
        "shadow/loose.py": "x = 1\n",   # a portion without __init__.py does not win over a regular package
    })
    (a / "nodir").mkdir()   # a directory of data, not a package: still a namespace portion to the import system
    return a, b, trap

def test_reexported_exception(site):
    a, b, _ = site
    ix = ExternalIndex(paths=[a, b])
    assert ix.module_file("fakepkg") == ModuleFile("fakepkg", "source", str(a / "fakepkg" / "__init__.py"), (str(a / "fakepkg"),))
    assert (ix.kind("fakepkg.FakeError"), ix.resolve("fakepkg.FakeError"), ix.is_exception("fakepkg.FakeError")) == \
           ("exception", "fakepkg.errors.FakeError", True)
    assert ix.bases("fakepkg.FakeError") == ["fakepkg.errors.BaseFake"] and ix.bases("fakepkg.errors.BaseFake") == ["builtins.ValueError"]
    assert ix.kind("fakepkg.util.Sub") == "exception"                      # through an aliased, relative re-export
    assert ix.kind("fakepkg.errors.NotAnError") == "class" and ix.is_exception("fakepkg.errors.NotAnError") is False
    # members: own, inherited from source, inherited from builtins, instance attributes
    assert ix.kind("fakepkg.FakeError.describe") == "function" and ix.resolve("fakepkg.FakeError.describe") == "fakepkg.errors.BaseFake.describe"
    assert ix.kind("fakepkg.FakeError.with_traceback") == "function" and ix.resolve("fakepkg.FakeError.with_traceback") == "builtins.BaseException.with_traceback"
    assert ix.kind("fakepkg.FakeError.code") == "variable" and ix.kind("fakepkg.FakeError.msg") == "variable"
    assert ix.kind("fakepkg.FakeError.nosuch") is None and ix.resolve("fakepkg.FakeError.nosuch") is None
    # star re-exports follow the target's __all__, submodules are attributes
    assert ix.resolve("fakepkg.helper") == "fakepkg._impl.helper" and ix.kind("fakepkg._private_but_listed") == "function"
    assert ix.kind("fakepkg.unlisted") is None
    assert ix.kind("fakepkg.util") == "module" and ix.resolve("fakepkg.u2") == "fakepkg.util"

def test_namespace_packages(site):
    a, b, _ = site
    ix = ExternalIndex(paths=[a, b])
    ns = ix.module_file("nsp")
    assert ns.kind == "namespace" and ns.path == (str(a / "nsp"), str(b / "nsp"))
    assert ix.kind("nsp") == "module" and ix.kind("nsp.plugin.Plugin") == "class" and ix.kind("nsp.other.Other.run") == "function"
    assert ix.resolve("nsp.other.Other.run") == "nsp.plugin.Plugin.run"
    assert ix.module_file("shadow").kind == "source" and ix.kind("shadow.FromRegularPackage") == "class"
    assert ix.kind("shadow.loose") is None                                 # the portion in site_b is not part of the regular package
    assert ExternalIndex(paths=[b]).kind("shadow.loose") == "module"       # alone, it is a namespace package
    assert ix.kind("nodir") == "module" and ix.kind("nodir.x") is None

def test_conditional_definitions(site):
    a, b, _ = site
    ix = ExternalIndex(paths=[a])
    assert ix.kind("cond.speedy") == "function"        # the accelerator does not exist: the fallback is what there is
    assert ix.kind("cond.Thing") == "variable"         # only the None fallback is left
    assert ix.kind("cond.Either") is None              # a class in one branch, a function in the other: unknown
    assert ix.kind("cond.Modern") == "exception"       # a version test is decided for the running interpreter
    assert ix.kind("cond.fast") == "function" and ix.resolve("cond.fast") == "cond.speedy"   # None, or speedy

def test_cycles_and_depth_end(site):
    a, b, _ = site
    ix = ExternalIndex(paths=[a])
    assert ix.kind("cyc_a.x") is None and ix.kind("cyc_b.x") is None
    assert ix.kind("cyc_a.Loop") == "class" and ix.is_exception("cyc_a.Loop") is None and ix.kind("cyc_a.Loop.anything") is None
    assert ix.kind("chain.a3") == "variable" and ix.kind("chain.a300") in ("variable", None)   # long alias chains end, whatever the depth
    assert ix.kind("deep.C30") == "exception" and ix.kind("deep.C300") in ("exception", "class")   # and so do deep hierarchies

def test_analysed_code_never_runs(site):
    a, b, trap = site
    ix = ExternalIndex(paths=[a])
    assert ix.kind("sideeffect.Declared") == "exception" and ix.kind("sideeffect.open") is None
    assert ix.kind("broken.x") is None and "error" in ix.summary("broken")
    assert not trap.exists() and not Path(str(trap) + "_dir").exists()
    assert "sideeffect" not in sys.modules and "fakepkg" not in sys.modules

def test_disk_cache(site, tmp_path):
    a, b, _ = site
    cache = tmp_path / "cache"
    names = ["fakepkg.FakeError", "fakepkg.util.Sub", "nsp.other.Other", "json.JSONDecodeError", "cond.Modern"]
    first = ExternalIndex(paths=[a, b], cache_dir=cache)
    kinds = [first.kind(n) for n in names]
    assert first.stats["parsed"] >= 6 and first.stats["cache_hits"] == 0
    entries = list(cache.rglob("*.json"))
    assert len(entries) == first.stats["parsed"] and all(json.loads(p.read_text())["summary"] for p in entries)   # JSON, never pickle
    second = ExternalIndex(paths=[a, b], cache_dir=cache)
    assert [second.kind(n) for n in names] == kinds and second.stats == dict(parsed=0, cache_hits=first.stats["parsed"])
    # touched but unchanged: the content hash still matches; changed: parsed again and answered anew
    errors = a / "fakepkg" / "errors.py"
    os.utime(errors, ns=(1, 1))
    third = ExternalIndex(paths=[a, b], cache_dir=cache)
    assert third.kind("fakepkg.FakeError") == "exception" and third.stats["parsed"] == 0
    errors.write_text("class BaseFake: pass\nclass FakeError(BaseFake): pass\n")
    fourth = ExternalIndex(paths=[a, b], cache_dir=cache)
    assert fourth.kind("fakepkg.FakeError") == "class" and fourth.stats["parsed"] == 1
    # a damaged entry is recomputed, not fatal
    for p in cache.rglob("*.json"): p.write_text("{not json")
    assert ExternalIndex(paths=[a, b], cache_dir=cache).kind("fakepkg.util.Sub") == "class"

def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="no_such_site"): ExternalIndex(paths=[tmp_path / "no_such_site"])
    with pytest.raises(TypeError, match="str"): ExternalIndex().kind(None)
    ix = ExternalIndex(paths=tmp_path)                                      # one directory may be given as is
    assert ix.roots[-1] == tmp_path.resolve() and ix.kind("") is None and ix.kind("a..b") is None and ix.resolve("1x.y") is None

def test_pth_directories(tmp_path):
    site_dir, extra = tmp_path / "site", tmp_path / "elsewhere"
    write(extra, {"viapth.py": "class Found(Exception): pass\n"})
    write(site_dir, {"extra.pth": f"# comment\nimport sys; sys.stdout.write('never')\n{extra}\n../nonexistent\n"})
    ix = ExternalIndex(paths=[site_dir])
    assert extra.resolve() in ix.roots and ix.kind("viapth.Found") == "exception"

def test_installed_click():
    "click is installed with graphmer (papermill depends on it); flask's NoAppException derives from click.UsageError."
    ix = ExternalIndex(resolve_installed=True)
    assert ix.module_file("click") is not None, "click should be installed in the graphmer environment"
    assert (ix.kind("click.UsageError"), ix.resolve("click.UsageError")) == ("exception", "click.exceptions.UsageError")
    assert ix.kind("click.BadParameter") == "exception" and ix.kind("click.echo") == "function" and ix.kind("click.Command") == "class"
    assert ExternalIndex().kind("click.UsageError") is None                # not asked to look at installed packages

def test_summary_is_pure_data():
    s = summarize("from . import a\nfrom .b import *\nx = y = z\n")
    assert s["ns"]["a"] == [["from", 1, None, "a"]] and s["stars"] == [[1, "b"]] and s["ns"]["x"] == s["ns"]["y"] == [["alias", "z"]]
    assert json.loads(json.dumps(s)) == s
