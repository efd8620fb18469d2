"Tests of the tree-sitter extractor (`graphmer.tsextract`) on the hand-written fixtures under tests/fixtures/{java,js,ts}."
import json, re
from pathlib import Path
import pytest
from graphmer.tsextract import extract_treesitter, TS_LANGUAGES, TS_EXTRACTOR_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
LANG_DIRS = ("java", "js", "ts")


def fixture_files(lang_dir):
    root = FIXTURES / lang_dir
    return sorted(p for p in root.rglob("*") if p.suffix in TS_LANGUAGES)


def extract(path: Path) -> dict:
    "Extract a fixture with its path relative to its language folder (the 'source root')."
    root = FIXTURES / path.relative_to(FIXTURES).parts[0]
    return extract_treesitter(path.read_bytes(), path.relative_to(root).as_posix(), TS_LANGUAGES[path.suffix])


ALL = [p for d in LANG_DIRS for p in fixture_files(d)]


def test_fixtures_exist():
    assert all(fixture_files(d) for d in LANG_DIRS)
    assert TS_EXTRACTOR_VERSION and TS_LANGUAGES[".tsx"] == "tsx" and TS_LANGUAGES[".mjs"] == "javascript"


# ---- Java extends/implements against an independent regex scan ---------------------------------

DECL_RE = re.compile(
    r"\b(class|interface|enum|record)\s+(\w+)\s*(?:<.*?>)?\s*(?:\([^)]*\))?\s*"
    r"(?:extends\s+(.+?))?\s*(?:implements\s+(.+?))?\s*\{", re.S)


def split_types(text):
    "Split a type list at top-level commas and drop type arguments: 'A<B, C>, d.E' -> ['A', 'd.E']."
    out, depth, cur = [], 0, ""
    for ch in text or "":
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0: out.append(cur); cur = ""
        else: cur += ch
    out.append(cur)
    return [re.sub(r"<.*>", "", t, flags=re.S).strip() for t in out if t.strip()]


def expected_candidates(src: str, name: str, declared: set):
    "The resolution rules of SPEC/JLS written out independently: explicit import, qualified, same file, package, on-demand, java.lang."
    pkg = (re.search(r"^package\s+([\w.]+);", src, re.M) or [None, ""])[1]
    singles = dict((m.split(".")[-1], m) for m in re.findall(r"^import\s+([\w.]+\w);", src, re.M))
    ondemand = re.findall(r"^import\s+([\w.]+)\.\*;", src, re.M)
    if "." in name: return [name]
    if name in singles: return [singles[name]]
    local = f"{pkg}.{name}" if pkg else name
    if name in declared: return [local]
    return list(dict.fromkeys([local] + [f"{p}.{name}" for p in ondemand] + [f"java.lang.{name}"]))


@pytest.mark.parametrize("path", fixture_files("java"), ids=lambda p: p.name)
def test_java_heritage_matches_declarations(path):
    src = path.read_text()
    facts = extract(path)
    by_name = {d["name"]: d for d in facts["defs"] if d["type"] in ("Class", "Interface")}
    decls = DECL_RE.findall(src)
    assert decls, path
    top_level = {name for _, name, _, _ in decls}
    for kind, name, extends, implements in decls:
        d = by_name[name]
        assert d["type"] == ("Interface" if kind == "interface" else "Class")
        for field, written in (("bases", extends), ("implements", implements)):
            got = [b["c"] for b in d[field]]
            want = [expected_candidates(src, t, top_level if "." not in t else set()) for t in split_types(written)]
            # a simple name declared in the file resolves to its (possibly nested) id; only its last segment is fixed
            for g, w, t in zip(got, want, split_types(written)):
                if t in top_level: assert len(g) == 1 and g[0].endswith("." + t), (name, field, g)
                else: assert g == w, (name, field, g, w)
            assert len(got) == len(want), (name, field, got, want)
            for b, t in zip(d[field], split_types(written)):   # positions point at the written name
                line = src.splitlines()[b["line"] - 1].encode()
                assert line[b["col"]:b["end_col"]].decode().startswith(t.split(".")[0]), (name, t, b)


def test_java_fixture_semantics():
    root = FIXTURES / "java/com/acme/shapes"
    circle = extract(root / "Circle.java")
    defs = {d["id"]: d for d in circle["defs"]}
    assert circle["module"] == "com.acme.shapes" and circle["defs"][0]["id"] == "file:com/acme/shapes/Circle.java"
    assert defs["com.acme.shapes.Circle.Center"]["parent"] == "com.acme.shapes.Circle"
    assert defs["com.acme.shapes.Circle.Unit"]["type"] == "Class" and defs["com.acme.shapes.Circle.Bounds"]["type"] == "Class"
    assert [d["id"] for d in circle["defs"]].count("com.acme.shapes.Circle.scale") == 1     # overloads
    assert [d["id"] for d in circle["defs"]].count("com.acme.shapes.Circle.Circle") == 1    # constructors
    refs = [(r["src"].rsplit(".", 1)[-1], r["rel"], r["text"], r["c"][0] if r["c"] else None) for r in circle["refs"]]
    assert ("distanceTo", "calls", "center.distance", "com.acme.shapes.Circle.Center.distance") in refs
    assert ("distanceTo", "catches", "NullPointerException", "com.acme.shapes.NullPointerException") in refs
    assert ("distanceTo", "raises", "ShapeException", "com.acme.shapes.ShapeException") in refs
    assert ("split", "returns_type", "List<Circle>", "com.acme.shapes.List") in refs
    assert ("split", "calls", "parts.add", "com.acme.shapes.List.add") in refs
    assert ("Circle", "calls", "super", "com.acme.shapes.AbstractShape.AbstractShape") in refs
    abstract = extract(root / "AbstractShape.java")
    assert any(r["text"] == "Geometry.round" and r["c"] == ["com.acme.shapes.util.Geometry.round"]
               and r["ext"] == "com.acme.shapes.util.Geometry.round" for r in abstract["refs"])
    assert [r["c"] for r in abstract["refs"] if r["rel"] == "imports"] == [["java.util"], ["java.util"], ["com.acme.shapes.util"]]


def test_java_tests_detected():
    t = FIXTURES / "java/com/acme/shapes/test"
    kinds = {d["name"]: d["type"] for p in ("CircleTest.java", "LegacyCircleTest.java") for d in extract(t / p)["defs"]}
    assert kinds["areaOfUnitCircle"] == kinds["scaleRejectsZero"] == kinds["testSplit"] == "Test"
    assert kinds["setUp"] == kinds["big"] == kinds["helperNotATest"] == kinds["testPackagePrivateIsNotATest"] == "Method"
    legacy = extract(t / "LegacyCircleTest.java")
    assert any(r["text"] == "assertEquals" and r["ext"] == "junit.framework.TestCase.assertEquals" for r in legacy["refs"])


# ---- JavaScript / TypeScript -----------------------------------------------------------------

def test_js_fixture_semantics():
    page = extract(FIXTURES / "js/src/page.jsx")
    defs = {d["id"]: d for d in page["defs"]}
    assert page["module"] == "src.page" and defs["src.page"]["type"] == "Module"
    assert defs["src.page.Page"]["bases"][0]["c"] == ["src.base.default", "src.base.index.default"]
    assert defs["src.page.Page.toggle"]["type"] == "Method" and defs["src.page.Page.state"]["type"] == "Variable"
    assert ["src.page", "toSlug", ["src.util.toSlug", "src.util.index.toSlug"]] in page["bindings"]
    assert ["src.page", "default", ["src.page.Page"]] in page["bindings"]
    calls = {(r["src"], r["text"]): r["c"] for r in page["refs"] if r["rel"] == "calls"}
    assert calls[("src.page.Page.toggle", "this.setOpen")] == ["src.page.Page.setOpen"]
    assert calls[("src.page.Page.render", "Header")] == ["src.page.Header"]       # JSX
    imports = [(r["c"], r["ext"]) for r in page["refs"] if r["rel"] == "imports"]
    assert imports[0] == ([], "react") and imports[1] == (["src.base", "src.base.index"], None)
    index = extract(FIXTURES / "js/src/util/index.js")
    assert ["src.util.index", "toSlug", ["src.util.strings.slugify", "src.util.strings.index.slugify"]] in index["bindings"]
    assert ["src.util.index", "*", ["src.util.strings", "src.util.strings.index"]] in index["bindings"]
    legacy = extract(FIXTURES / "js/src/legacy.cjs")
    ld = {d["id"]: d["type"] for d in legacy["defs"]}
    assert ld["src.legacy.outputPath"] == "Function" and ld["src.legacy.VERSION"] == "Variable"
    assert [(r["c"], r["ext"]) for r in legacy["refs"] if r["rel"] == "imports"][0] == ([], "path")
    assert any(r["src"] == "src.legacy" and r["text"] == "banner" for r in legacy["refs"])   # module-level call


def test_js_tests_detected():
    facts = extract(FIXTURES / "js/test/strings.test.js")
    tests = [d["id"] for d in facts["defs"] if d["type"] == "Test"]
    assert tests == ["test.strings.test.test:slugifies_titles", "test.strings.test.test:trims",
                     "test.strings.test.test:counts_s", "test.strings.test.test:splits_words",
                     "test.strings.test.test:slugifies_titles_2"]
    assert all(d["parent"] == "test.strings.test" for d in facts["defs"] if d["type"] == "Test")
    srcs = {r["src"] for r in facts["refs"] if r["rel"] == "calls" and r["text"] == "slugify"}
    assert srcs == {"test.strings.test.test:slugifies_titles", "test.strings.test.test:slugifies_titles_2"}


def test_ts_fixture_semantics():
    service = extract(FIXTURES / "ts/src/service.ts")
    d = {x["id"]: x for x in service["defs"]}
    us = d["src.service.UserService"]
    assert us["bases"][0]["c"] == [] and us["bases"][0]["ext"] == "node:events.EventEmitter"
    assert us["decorators"][0]["c"] == ["src.service.Injectable"]
    assert d["src.service.UserService.register"]["decorators"][0]["c"] == ["src.service.log"]
    types = [(r["src"].rsplit(".", 1)[-1], r["rel"], r["text"], r["c"][:1]) for r in service["refs"] if r["rel"].endswith("_type")]
    assert ("register", "param_type", "User", ["src.models.User"]) in types
    assert ("lookup", "returns_type", "User | null", ["src.models.User"]) in types
    assert ("constructor", "param_type", "Repository<User>", ["src.repo.Repository"]) in types
    calls = [(r["src"].rsplit(".", 1)[-1], r["text"], r["c"][:1], r["ext"]) for r in service["refs"] if r["rel"] == "calls"]
    assert ("register", "this.repo.put", ["src.repo.Repository.put"], None) in calls   # constructor parameter property
    assert ("register", "this.emit", ["src.service.UserService.emit"], "node:events.EventEmitter.emit") in calls
    repo = extract(FIXTURES / "ts/src/repo.ts")
    rd = {x["id"]: x for x in repo["defs"]}
    assert rd["src.repo.Repository"]["type"] == "Interface" and rd["src.repo.Repository.find"]["type"] == "Method"
    assert rd["src.repo.MemoryRepo"]["implements"][0]["c"] == ["src.repo.Repository"]
    assert any(r["rel"] == "raises" and r["c"][0] == "src.models.NotFoundError" for r in repo["refs"])
    models = extract(FIXTURES / "ts/src/models.ts")
    md = {x["id"]: x for x in models["defs"]}
    assert md["src.models.User"]["bases"][0]["c"] == ["src.models.Entity"] and md["src.models.Role"]["type"] == "Class"
    app = extract(FIXTURES / "ts/src/App.tsx")
    assert app["language"] == "tsx"
    assert any(r["text"] == "svc.lookup" and r["c"][0] == "src.service.UserService.lookup" for r in app["refs"])


# ---- properties of every fixture ---------------------------------------------------------------

@pytest.mark.parametrize("path", ALL, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_json_serialisable_deterministic_and_ordered(path):
    a, b = extract(path), extract(path)
    assert a == b
    assert json.loads(json.dumps(a)) == a
    assert a["lines"] == len(path.read_text().splitlines())
    ids = [d["id"] for d in a["defs"]]
    assert len(ids) == len(set(ids))
    assert all(d["parent"] is None or d["parent"] in ids for d in a["defs"])
    pos = [(r["line"], r["col"]) for r in a["refs"]]
    assert pos == sorted(pos)
    assert all(1 <= d["line_start"] <= d["line_end"] <= a["lines"] for d in a["defs"])
    valid = {"calls", "instantiates", "raises", "catches", "returns_type", "param_type", "decorated_by", "imports"}
    assert {r["rel"] for r in a["refs"]} <= valid
    assert all(r["src"] in ids for r in a["refs"])


@pytest.mark.parametrize("src,relpath,language", [
    (b"package a;\nclass A {\n  void f( {\n}\n", "a/A.java", "java"),
    (b"const x = 1;\nfunction (\n", "x.js", "javascript"),
    (b"let a: number = ;\n", "x.ts", "typescript"),
    (b"export const A = () => <div>;\n", "x.tsx", "tsx"),
])
def test_syntax_error_raises(src, relpath, language):
    with pytest.raises(SyntaxError) as e:
        extract_treesitter(src, relpath, language)
    assert "line" in str(e.value) and e.value.lineno >= 1


def test_undecodable_bytes_propagate():
    with pytest.raises(UnicodeDecodeError):
        extract_treesitter(b"class A { String s = \"\xff\xfe\"; }", "A.java", "java")
