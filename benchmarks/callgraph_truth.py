#!/usr/bin/env python
"""Runtime ground truth for the call-graph fixtures `tests/fixtures/py_callgraph/<category>/`.

Each category directory is a source root of small modules whose module-level code runs every case on import. This
script imports all of them in a fresh interpreter (one per category, the category directory first on `sys.path`) and
records what Python really calls, as graphmer-style triples `(head, relation, tail)`:

* the head is the scope whose code holds the call: the module id (`mod`) for module-level code, `mod.f` / `mod.C.m`
  / `mod.f.g` for functions, methods and nested functions; a lambda, comprehension or generator expression has no
  entity of its own: its calls belong to the enclosing scope, and so do decorators, default values and base classes
  (evaluated where the def/class statement runs); a class body's own code (class attributes, decorators of methods)
  belongs to the function or module where the class statement runs, as graphmer attributes it (the class body runs
  once, as part of that code; graphmer has no class-body scope);
* the tail is the object actually called, by its defining module and qualified name: `calls mod.f` for a function
  or (bound) method, `instantiates mod.C` for a class, `calls mod.C.__call__` for an instance, `calls builtins.len`,
  `instantiates builtins.ValueError`, `calls builtins.str.split` for a method of a builtin type, `calls json.dumps` /
  `calls numpy.array` for other external code; a call of a lambda gives no triple (lambdas are not entities);
* `@d` above a def/class is a call of (whatever object) `d` (evaluates to) by the enclosing scope;
* only calls written in the fixtures count: what a builtin or library does with a function it was handed (`sorted`'s
  key, the standard library's own calls) is not a triple of the fixture, and neither are implicit calls (`__init__`
  run by an instantiation, a generator resumed by `for`); `super()` itself (an instantiation of `builtins.super`) is
  taken as syntax of the super call, not counted.

How: the fixtures are imported through an import hook that compiles them from an instrumented AST: the callee
expression of every call (and every decorator expression) is wrapped in `__cg_call__(site, <callee>)`, which records
the object at run time and returns it unchanged, so each call site's real callees are known exactly. The site's
scope comes from the AST. Meanwhile `sys.setprofile` follows the frames: every Python frame (and builtin call)
entered directly from fixture code, mapped to graphmer ids from its code object's module and `co_qualname`, must be
explained by a recorded call (or be an `__init__` of a class the same scope instantiated, or a generator resumed),
and every recorded call of a fixture function or builtin function must show up as a frame; any difference, and any
call site that never ran, is reported as a problem (a fixture must exercise all of its code, so that no static
edge is "unexpected" only because the fixture did not run it).

Usage (from the repository root):
  python benchmarks/callgraph_truth.py --check [CATEGORY ...]   # tracer == committed callgraph.json files
  python benchmarks/callgraph_truth.py --write [CATEGORY ...]   # (re)generate the callgraph.json files
  python benchmarks/callgraph_truth.py --show CATEGORY           # print the traced triples
"""
from __future__ import annotations
import argparse, ast, builtins, importlib, importlib.machinery, importlib.util, json, subprocess, sys, types
from collections import defaultdict
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "py_callgraph"
TRUTH_FILE = "callgraph.json"
HOOK = "__cg_call__"


# ------------------------------------------------------------------------------------------------ parent side
def categories(root: Path = FIXTURES) -> list[Path]:
    "The category directories (each a source root of the benchmark)."
    return sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith(("_", ".")))


def module_names(d: Path) -> list[str]:
    "Module ids of the .py files under source root `d`, as their relative dotted paths (`pkg/__init__.py` is `pkg`)."
    out = []
    for p in sorted(d.rglob("*.py")):
        if "__pycache__" in p.parts: continue
        parts = list(p.relative_to(d).with_suffix("").parts)
        if parts[-1] == "__init__": parts = parts[:-1]
        out.append(".".join(parts))
    return out


def trace(d: Path) -> dict:
    "Run the fixtures of category directory `d` in a fresh interpreter: {'edges': set of triples, 'problems': [...]}."
    r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--trace", str(d)],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0: raise RuntimeError(f"tracer failed on {d}:\n{r.stderr[-4000:]}")
    res = json.loads(r.stdout)
    return dict(edges={tuple(e) for e in res["edges"]}, problems=res["problems"])


def load_truth(d: Path) -> set:
    "The committed expected triples of category directory `d`."
    return {tuple(e) for e in json.loads((d / TRUTH_FILE).read_text())}


def dump_truth(edges) -> str:
    rows = sorted(tuple(e) for e in edges)
    return "[\n" + ",\n".join("  " + json.dumps(list(e)) for e in rows) + "\n]\n"


def check(dirs) -> list[str]:
    "Differences between the tracer and the committed files (and tracer problems), as lines; empty when all agree."
    out = []
    for d in dirs:
        t = trace(d)
        out += [f"{d.name}: {p}" for p in t["problems"]]
        if not (d / TRUTH_FILE).exists(): out.append(f"{d.name}: no {TRUTH_FILE}"); continue
        want = load_truth(d)
        out += [f"{d.name}: traced, not in {TRUTH_FILE}: {e}" for e in sorted(t["edges"] - want)]
        out += [f"{d.name}: in {TRUTH_FILE}, not traced: {e}" for e in sorted(want - t["edges"])]
    return out


# ------------------------------------------------------------------------------------------------ child side
def _scope_of(module: str, qualname: str) -> str:
    "Entity id of the code `qualname` in `module`, cut at the first lambda/comprehension (those belong to their scope)."
    parts = [p for p in qualname.split(".") if p != "<locals>"]
    for i, p in enumerate(parts):
        if p.startswith("<"): parts = parts[:i]; break
    return ".".join([module, *parts])


class Instrument(ast.NodeTransformer):
    "Wrap each callee expression and decorator in `__cg_call__(site, expr)`, noting the site's scope and position."

    def __init__(self, module: str, path: str, sites: list, defs: set, classes: set):
        self.path, self.sites, self.defs, self.classes = path, sites, defs, classes
        self.stack = [module]    # ids of the enclosing module/classes/functions
        self.owner = [module]    # the scope that code at this point is attributed to: a class body's is its owner's

    def _site(self, node, kind: str) -> ast.expr:
        self.sites.append(dict(scope=self.owner[-1], file=self.path, line=node.lineno, col=node.col_offset, kind=kind))
        return ast.Constant(len(self.sites) - 1)

    def _wrap(self, expr, kind):
        site = self._site(expr, kind)
        return ast.copy_location(ast.Call(ast.Name(HOOK, ast.Load()), [site, expr], []), expr)

    def _body(self, node, name):
        self.stack.append(f"{self.stack[-1]}.{name}"); self.defs.add(self.stack[-1])
        if isinstance(node, ast.ClassDef): self.classes.add(self.stack[-1]); self.owner.append(self.owner[-1])
        else: self.owner.append(self.stack[-1])
        new = []
        for s in node.body:
            r = self.visit(s)
            new.extend(r if isinstance(r, list) else [r] if r is not None else [])
        node.body = new
        self.stack.pop(); self.owner.pop()

    def _def(self, node):
        # decorators, defaults, annotations: evaluated where the def statement runs
        node.decorator_list = [self._wrap(self.visit(d), "decorator") for d in node.decorator_list]
        node.args = self.visit(node.args)
        if node.returns is not None: node.returns = self.visit(node.returns)
        self._body(node, node.name)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = _def

    def visit_ClassDef(self, node):
        node.decorator_list = [self._wrap(self.visit(d), "decorator") for d in node.decorator_list]
        node.bases = [self.visit(b) for b in node.bases]
        node.keywords = [self.visit(k) for k in node.keywords]
        self._body(node, node.name)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        node.func = self._wrap(node.func, "call")
        return node


class Tracer:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.files: set[str] = set()
        self.sites: list[dict] = []
        self.defs: set[str] = set()                   # ids of the fixture's functions and classes
        self.classes: set[str] = set()                # ids of its classes
        self.executed: set[int] = set()
        self.recorded = set()                         # (head, relation, tail)
        self.instantiated = defaultdict(list)         # head -> classes it instantiated
        self.problems: list[str] = []
        self.frame_calls = defaultdict(set)           # (head, tail) -> {where}: Python frames entered from fixture code
        self.c_calls = defaultdict(set)               # (head, tail) -> {where}: builtins called from fixture code
        self.cstack = []                              # frames with a builtin call in progress

    def in_fixture(self, filename: str) -> bool: return filename in self.files

    # -------- callee objects -> ids
    def describe(self, obj):
        "(relation, id) of calling `obj`; None for a lambda or super()."
        if obj is super: return None
        if isinstance(obj, types.MethodType): obj = obj.__func__
        if isinstance(obj, type): return "instantiates", _scope_of(obj.__module__, obj.__qualname__)
        if isinstance(obj, types.FunctionType):
            if self.in_fixture(obj.__code__.co_filename) and any(p.startswith("<") for p in obj.__qualname__.split(".") if p != "<locals>"):
                return None   # a lambda: not an entity
            return "calls", _scope_of(obj.__module__, obj.__qualname__)
        if isinstance(obj, types.BuiltinFunctionType):
            s = obj.__self__
            if s is None or isinstance(s, types.ModuleType): return "calls", f"{obj.__module__}.{obj.__qualname__}"
            owner = s if isinstance(s, type) else type(s)
            return "calls", f"{owner.__module__}.{obj.__qualname__}"
        if isinstance(obj, (types.MethodDescriptorType, types.WrapperDescriptorType, types.ClassMethodDescriptorType)):
            return "calls", f"{obj.__objclass__.__module__}.{obj.__qualname__}"
        call = getattr(type(obj), "__call__", None)
        if isinstance(call, types.FunctionType): return self.describe(call)   # an instance: its class's __call__
        raise TypeError(f"callgraph_truth: no id for the callee {obj!r}")

    def record(self, site: int, obj):
        self.executed.add(site)
        d = self.describe(obj)
        if d is None: return obj
        head = self.sites[site]["scope"]
        self.recorded.add((head, *d))
        if d[1].split(".")[0] in self.top_modules and d[1] not in self.defs:
            self.problems.append(f"callee id {d[1]} is not a def/class of the fixture (site {self.where(site)})")
        if isinstance(obj, type): self.instantiated[head].append(obj)
        return obj

    def where(self, site: int) -> str:
        s = self.sites[site]
        return f"{Path(s['file']).relative_to(self.root)}:{s['line']}:{s['col']}"

    # -------- frames
    def profile(self, frame, event, arg):
        if event == "c_call":
            self.cstack.append(frame)
            if self.in_fixture(frame.f_code.co_filename):
                d = self.describe(arg)
                if d is not None:
                    self.c_calls[(self.frame_scope(frame), d[1])].add(f"{frame.f_code.co_filename}:{frame.f_lineno}")
        elif event in ("c_return", "c_exception"):
            if self.cstack: self.cstack.pop()
        elif event == "call":
            back = frame.f_back
            if back is None or not self.in_fixture(back.f_code.co_filename): return
            if self.cstack and self.cstack[-1] is back: return   # entered from a builtin the fixture called
            code = frame.f_code
            if code.co_filename == __file__: return                 # the recorder itself
            tail = _scope_of(frame.f_globals.get("__name__", "?"), code.co_qualname)
            if self.in_fixture(code.co_filename) and any(p.startswith("<") for p in code.co_qualname.split(".") if p != "<locals>"):
                return                                               # a lambda/comprehension frame: not an entity
            self.frame_calls[(self.frame_scope(back), tail)].add(f"{back.f_code.co_filename}:{back.f_lineno}|{code.co_flags}")

    def frame_scope(self, frame) -> str:
        code = frame.f_code
        mod = frame.f_globals.get("__name__", "?")
        scope = mod if code.co_name == "<module>" else _scope_of(mod, code.co_qualname)
        while scope in self.classes: scope = scope.rsplit(".", 1)[0]   # a class body: its owner
        return scope

    # -------- run
    def run(self) -> dict:
        mods = module_names(self.root)
        self.top_modules = {m.split(".")[0] for m in mods}
        for m in sorted(self.top_modules):
            if m in sys.stdlib_module_names or importlib.util.find_spec(m) is not None:
                raise RuntimeError(f"fixture module {m} shadows an importable module: rename it")
        self.files = {str(p.resolve()) for p in self.root.rglob("*.py")}
        tracer = self

        class Loader(importlib.machinery.SourceFileLoader):
            def get_code(self, fullname):
                path = self.get_filename(fullname)
                tree = ast.parse(self.get_data(path), path)
                tree = ast.fix_missing_locations(Instrument(fullname, str(Path(path).resolve()), tracer.sites, tracer.defs, tracer.classes).visit(tree))
                return compile(tree, path, "exec", dont_inherit=True)

        def hook(path):
            p = Path(path).resolve()
            if p == self.root or self.root in p.parents: return importlib.machinery.FileFinder(path, (Loader, [".py"]))
            raise ImportError("not a fixture directory")

        sys.dont_write_bytecode = True
        sys.path_hooks.insert(0, hook); sys.path_importer_cache.clear()
        sys.path.insert(0, str(self.root))
        setattr(builtins, HOOK, self.record)
        sys.setprofile(self.profile)
        try:
            for m in mods: importlib.import_module(m)
        finally:
            sys.setprofile(None)
        self.cross_check()
        never = [self.where(i) for i in range(len(self.sites)) if i not in self.executed]
        self.problems += [f"call site never ran: {w}" for w in never]
        return dict(edges=sorted(self.recorded), problems=self.problems)

    def cross_check(self):
        "Frames and builtin calls seen by the profiler vs the recorded calls."
        rec = {(h, t) for h, r, t in self.recorded}
        called = {t for h, r, t in self.recorded}
        for (head, tail), where in sorted(self.frame_calls.items()):
            if (head, tail) in rec: continue
            if tail.startswith(("importlib.", "_frozen_importlib")): continue          # an import statement
            flags = {int(w.split("|")[1]) for w in where}
            if any(f & (inspect_CO_GENERATOR | inspect_CO_COROUTINE) for f in flags) and tail in called: continue  # resumed
            if self.run_by_instantiation(head, tail): continue
            self.problems.append(f"frame entered but not recorded as a call (implicit call?): {head} -> {tail} at {sorted(where)}")
        for (head, tail), where in sorted(self.c_calls.items()):
            if (head, tail) in rec or tail == "builtins.__build_class__": continue     # a class statement
            self.problems.append(f"builtin called but not recorded: {head} -> {tail} at {sorted(where)}")
        for h, r, t in sorted(self.recorded):
            if r != "calls": continue
            if t in self.defs:
                obj = self.lookup(t)
                if obj is not None and getattr(obj, "__code__", None) is not None and obj.__code__.co_flags & (inspect_CO_GENERATOR | inspect_CO_COROUTINE):
                    continue                                                           # creating a generator runs no frame
                if (h, t) not in self.frame_calls: self.problems.append(f"recorded call never seen as a frame: {h} -> {t}")
            elif t.startswith("builtins.") or isinstance(self.lookup(t), types.BuiltinFunctionType):
                if (h, t) not in self.c_calls: self.problems.append(f"recorded builtin call never seen by the profiler: {h} -> {t}")
            elif (h, t) not in self.frame_calls and (h, t) not in self.c_calls:
                self.problems.append(f"recorded external call never seen by the profiler: {h} -> {t}")

    def run_by_instantiation(self, head: str, tail: str) -> bool:
        "Is `tail` the __init__/__new__ that instantiating one of the classes `head` instantiated runs?"
        name = tail.rsplit(".", 1)[-1]
        if name not in ("__init__", "__new__"): return False
        for c in self.instantiated[head]:
            fn = getattr(c, name, None); fn = getattr(fn, "__func__", fn)
            if isinstance(fn, types.FunctionType) and _scope_of(fn.__module__, fn.__qualname__) == tail: return True
        return False

    def lookup(self, dotted: str):
        "The object with graphmer id `dotted` when it is reachable through attributes (None for nested functions)."
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            mod = sys.modules.get(".".join(parts[:i]))
            if mod is None: continue
            obj = mod
            for p in parts[i:]:
                obj = getattr(obj, p, None)
                if obj is None: return None
            return obj
        return None


inspect_CO_GENERATOR, inspect_CO_COROUTINE = 0x20, 0x80


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true", help="compare the tracer with the committed callgraph.json files")
    g.add_argument("--write", action="store_true", help="write callgraph.json from the tracer")
    g.add_argument("--show", action="store_true", help="print the traced triples")
    g.add_argument("--trace", metavar="DIR", help=argparse.SUPPRESS)   # child process: trace one directory, print JSON
    ap.add_argument("categories", nargs="*", help="category names (default: all)")
    a = ap.parse_args(argv)
    if a.trace:
        json.dump(Tracer(Path(a.trace)).run(), sys.stdout); return 0
    dirs = [FIXTURES / c for c in a.categories] if a.categories else categories()
    if a.check:
        bad = check(dirs)
        print("\n".join(bad) if bad else f"ok: {len(dirs)} categories agree with the tracer")
        return 1 if bad else 0
    rc = 0
    for d in dirs:
        t = trace(d)
        for p in t["problems"]: print(f"{d.name}: PROBLEM {p}"); rc = 1
        if a.show:
            print(f"# {d.name}"); print(dump_truth(t["edges"]), end="")
        elif t["problems"]: print(f"{d.name}: not written")
        else:
            (d / TRUTH_FILE).write_text(dump_truth(t["edges"])); print(f"{d.name}: {len(t['edges'])} triples written")
    return rc


if __name__ == "__main__":
    sys.exit(main())
