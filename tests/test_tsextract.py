"Tests of the tree-sitter extractors (`graphmer.tsextract`, `graphmer.lang_java`, `graphmer.lang_js`) on the hand-written fixtures under tests/fixtures/{java,js,ts}."
import json, re
from pathlib import Path
import pytest
from graphmer.extract import build_kg, load_kg, LANGUAGES, LANGUAGE_OF
from graphmer.tsextract import TS_EXTRACTOR_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
LANG_DIRS = ("java", "js", "ts")
TS_LANGUAGES = {ext: lang for ext, lang in LANGUAGE_OF.items() if lang != "python"}   # extension -> tree-sitter language


def extract_treesitter(source: bytes, relpath: str, language: str) -> dict:
    "FileFacts of one file, extracted as the build extracts it (through its line in `LANGUAGES`)."
    return LANGUAGES[language].extract(source, relpath)


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
    assert TS_LANGUAGES[".mts"] == TS_LANGUAGES[".cts"] == "typescript" and TS_LANGUAGES[".java"] == "java"
    assert all(LANGUAGE_OF[ext] == name for name, lang in LANGUAGES.items() for ext in lang.extensions)   # no extension claimed twice


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


def expected_candidates(src: str, name: str, declared: set, enclosing=()):
    """The resolution rules of SPEC/JLS written out independently: explicit import, qualified, same file, package, on-demand, java.lang;
    ahead of the import/package ones, a member type possibly inherited by an enclosing class with supertypes, innermost first
    (`enclosing`: (id, simple names of its supertypes) outermost first), unless the name is an enclosing class or a direct supertype."""
    pkg = (re.search(r"^package\s+([\w.]+);", src, re.M) or [None, ""])[1]
    singles = dict((m.split(".")[-1], m) for m in re.findall(r"^import\s+([\w.]+\w);", src, re.M))
    ondemand = re.findall(r"^import\s+([\w.]+)\.\*;", src, re.M)
    if "." in name: return [name]
    known = {i.rsplit(".", 1)[-1] for i, _ in enclosing} | {s for _, sups in enclosing for s in sups}
    inherited = [f"{i}.{name}" for i, sups in reversed(enclosing) if sups and name not in known]
    if name in singles: return inherited + [singles[name]]
    local = f"{pkg}.{name}" if pkg else name
    if name in declared: return [local]
    return list(dict.fromkeys(inherited + [local] + [f"{p}.{name}" for p in ondemand] + [f"java.lang.{name}"]))


def enclosing_decls(src: str, decls: list) -> list:
    "For each DECL_RE match: ((id, supertype simple names) of each enclosing declaration, outermost first), by brace nesting."
    pkg = (re.search(r"^package\s+([\w.]+);", src, re.M) or [None, ""])[1]
    spans = []
    for m in decls:
        depth, i = 0, m.end() - 1
        for i in range(m.end() - 1, len(src)):
            depth += {"{": 1, "}": -1}.get(src[i], 0)
            if depth == 0: break
        spans.append((m.start(), i))
    out = []
    for k, (start, _) in enumerate(spans):
        chain = [j for j, (s, e) in enumerate(spans) if s < start < e]
        ids, res = pkg, []
        for j in chain:
            _, nm, ext, impl = decls[j].groups()
            ids = f"{ids}.{nm}" if ids else nm
            res.append((ids, {t.rsplit(".", 1)[-1] for t in split_types(ext) + split_types(impl)}))
        out.append(tuple(res))
    return out


@pytest.mark.parametrize("path", fixture_files("java"), ids=lambda p: p.name)
def test_java_heritage_matches_declarations(path):
    src = path.read_text()
    facts = extract(path)
    by_name = {d["name"]: d for d in facts["defs"] if d["type"] in ("Class", "Interface")}
    matches = list(DECL_RE.finditer(src))
    decls = [m.groups() for m in matches]
    assert decls, path
    top_level = {name for _, name, _, _ in decls}
    for (kind, name, extends, implements), encl in zip(decls, enclosing_decls(src, matches)):
        d = by_name[name]
        assert d["type"] == ("Interface" if kind == "interface" else "Class")
        for field, written in (("bases", extends), ("implements", implements)):
            got = [b["c"] for b in d[field]]
            want = [expected_candidates(src, t, top_level if "." not in t else set(), encl) for t in split_types(written)]
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
    # Circle has supertypes, so a simple type name in its body may first be a member type it inherits: `Circle.X`
    refs = [(r["src"].rsplit(".", 1)[-1], r["rel"], r["text"], r["c"][0] if r["c"] else None) for r in circle["refs"]]
    first = {(r["src"].rsplit(".", 1)[-1], r["rel"], r["text"]): [c for c in r["c"] if not c.startswith("com.acme.shapes.Circle.")][:1]
             for r in circle["refs"]}
    assert ("distanceTo", "calls", "center.distance", "com.acme.shapes.Circle.Center.distance") in refs
    assert ("distanceTo", "catches", "NullPointerException", "com.acme.shapes.Circle.NullPointerException") in refs
    assert first["distanceTo", "catches", "NullPointerException"] == ["com.acme.shapes.NullPointerException"]
    assert first["distanceTo", "raises", "ShapeException"] == ["com.acme.shapes.ShapeException"]
    assert first["split", "returns_type", "List<Circle>"] == ["com.acme.shapes.List"]
    assert first["split", "calls", "parts.add"] == ["com.acme.shapes.List.add"]
    assert ("Circle", "calls", "super", "com.acme.shapes.AbstractShape.AbstractShape") in refs
    abstract = extract(root / "AbstractShape.java")
    assert any(r["text"] == "Geometry.round" and r["c"] == ["com.acme.shapes.AbstractShape.Geometry.round", "com.acme.shapes.util.Geometry.round"]
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


# ---- syntax errors: what lies outside them is extracted, they are listed ----------------------------

@pytest.mark.parametrize("src,relpath,language,ids,regions", [
    (b"package a;\nclass A {\n  void f( {\n  }\n  void g() { f(); }\n}\n", "a/A.java", "java",
     ["file:a/A.java", "a", "a.A", "a.A.g"], [(3, 4, "missing ')'")]),
    (b"const x = 1;\nfunction (\nexport function g() {}\n", "x.js", "javascript", ["x", "x.x", "x.g"], [(2, 2, "syntax error")]),
    (b"export class A {\n  m(): number { return [1, 2; }\n  n(): void {}\n}\n", "a.ts", "typescript",
     ["a", "a.A", "a.A.m", "a.A.n"], [(2, 2, "missing ']'")]),
    (b"export const A = () => <div>;\nexport function B() { return <b/>; }\n", "x.tsx", "tsx", ["x", "x.B"], [(1, 1, "syntax error")]),
    # a `;` tree-sitter adds to cut a statement short (`import()` types with arguments are not in the grammar) is an error
    (b"export declare function f(): import('./o').O<T>;\nexport declare function g(): void;\n", "d.d.ts", "typescript", ["d", "d.g"],
     [(1, 1, "missing ';'")]),
    # a `;` left off at the end of a line is not: the field is kept, the spot listed
    (b"class A {\n  int x = 1\n  int y;\n}\n", "A.java", "java", ["file:A.java", "(default)", "A", "A.x", "A.y"], [(2, 2, "missing ';'")]),
])
def test_partial_extraction(src, relpath, language, ids, regions):
    "A broken declaration is left out whole; the declarations around it are extracted; the regions are in the facts."
    facts = extract_treesitter(src, relpath, language)
    assert [d["id"] for d in facts["defs"]] == ids
    assert [(r["line_start"], r["line_end"], r["kind"]) for r in facts["parse_errors"]] == regions


@pytest.mark.parametrize("src,relpath,language", [
    (b"class Bad extends { void f() {} }\n", "Bad.java", "java"),          # the only declaration has a broken header
    (b"package a(;\nclass A {}\n", "a/A.java", "java"),                   # the package is lost: every id would be wrong
    (b"let a: number = ;\n", "x.ts", "typescript"),
    (b"export const A = () => <div>;\n", "x.tsx", "tsx"),
])
def test_no_usable_tree_raises(src, relpath, language):
    with pytest.raises(SyntaxError) as e:
        extract_treesitter(src, relpath, language)
    assert "line" in str(e.value) and e.value.lineno >= 1


def test_clean_files_have_no_parse_errors():
    assert all(extract(p)["parse_errors"] == [] for p in ALL)
    assert extract_treesitter(b"class A {};\n", "A.java", "java")["parse_errors"] == []   # a `;` token after a class (the JDK has 6)


def test_kg_of_files_with_syntax_errors(tmp_path):
    "A KG built from fixture files with a syntax error in the middle (Java, JS, TS): declarations before and after it, the regions in the manifest."
    m = build_kg([FIXTURES / "broken"], tmp_path / "kg", workers=1, progress=False, cache_dir=False)
    assert m["counts"]["files_ok"] == 4 and m["counts"]["files_skipped"] == 0 and m["skipped"] == []
    assert m["counts"]["files_partial"] == 3
    assert {p["path"]: [(r["line_start"], r["line_end"], r["kind"]) for r in p["parse_errors"]] for p in m["partial"]} == {
        "p/Shapes.java": [(13, 13, "missing ')'")], "web/produce.ts": [(8, 14, "syntax error")], "web/table.js": [(8, 8, "missing ']'")]}
    assert all(p["repository"] == "broken" for p in m["partial"])
    kg = load_kg(tmp_path / "kg")
    ids = set(kg.entities["id"][kg.entities["declared"]])
    assert {"p.Shapes.before", "p.Shapes.after", "p.Square", "web.table.before", "web.table.Table.render", "web.table.after",
            "web.produce.Before", "web.produce.after"} <= ids
    assert not {"p.Shapes.area", "web.table.broken", "web.produce.Produce"} & ids     # what lies in a region is left out
    t = set(zip(kg.triples["head"], kg.triples["relation"], kg.triples["tail"]))
    assert {("p.Shapes.after", "calls", "p.Shapes.before"), ("p.Square", "inherits_from", "p.Shapes"),
            ("web.table.after", "instantiates", "web.table.Table"), ("web.produce.after", "calls", "web.fmt.fmt"),
            ("web.produce.after", "param_type", "web.produce.Before")} <= t
    assert m["validation"]["violations"] == 0


def test_mts_and_cts_are_typescript(tmp_path):
    "`.mts`/`.cts` files are found and read with the TypeScript grammar; their `.mjs`/`.cjs` specifiers name them."
    (tmp_path / "src/lib").mkdir(parents=True)
    (tmp_path / "src/lib/a.mts").write_text("export interface Shape { area(): number }\nexport function total(s: Shape): number { return s.area(); }\n")
    (tmp_path / "src/lib/b.cts").write_text("import { total, Shape } from './a.mjs';\nexport class Sq implements Shape { area(): number { return total(this); } }\n")
    m = build_kg([tmp_path / "src"], tmp_path / "kg", workers=1, progress=False, cache_dir=False)
    assert {(f["path"], f["language"]) for f in m["inputs"]} == {("lib/a.mts", "typescript"), ("lib/b.cts", "typescript")}
    assert m["counts"]["files_ok"] == 2 and m["counts"]["per_language"] == {"typescript": m["counts"]["triples"]}
    kg = load_kg(tmp_path / "kg")
    t = set(zip(kg.triples["head"], kg.triples["relation"], kg.triples["tail"]))
    assert {("lib.b.Sq", "implements", "lib.a.Shape"), ("lib.b.Sq.area", "calls", "lib.a.total"), ("lib.a.total", "param_type", "lib.a.Shape")} <= t


IMMER = Path(__file__).parents[1] / "data/external/npm/immer-10.1.1/package/src"

@pytest.mark.skipif(not IMMER.exists(), reason="immer 10.1.1 not fetched: bash benchmarks/fetch_npm.sh immer@10.1.1")
def test_immer_types_external(tmp_path):
    "immer's types-external.ts is valid TypeScript the grammar gives up on: extracted outside its two call-signature interfaces."
    m = build_kg([IMMER], tmp_path / "kg", workers=1, progress=False, cache_dir=False, languages=["typescript"])
    assert m["counts"]["files_skipped"] == 0
    assert m["partial"] == [dict(path="types/types-external.ts", repository="src",
                                 parse_errors=[dict(line_start=164, line_end=230, kind="syntax error")])]
    kg = load_kg(tmp_path / "kg")
    ids = set(kg.entities["id"][kg.entities["declared"]])
    mod = "types.types-external"
    assert {f"{mod}.Patch", f"{mod}.Patch.op", f"{mod}.Patch.path", f"{mod}.Patch.value", f"{mod}.never_used"} <= ids   # lines 65-69 and 239
    assert not {f"{mod}.IProduce", f"{mod}.IProduceWithPatches"} & ids                                                 # lines 164-210, 218-230


def test_undecodable_bytes_propagate():
    with pytest.raises(UnicodeDecodeError):
        extract_treesitter(b"class A { String s = \"\xff\xfe\"; }", "A.java", "java")


# ---- Java regressions found against the JDK ------------------------------------------------------

def java_defs(src: str, relpath: str = "p/X.java") -> dict:
    return {d["id"]: d for d in extract_treesitter(src.encode(), relpath, "java")["defs"]}


def test_java_generic_qualifier_is_erased():
    "`Outer<String>.Gen` names the member type `Outer.Gen`: no type arguments in candidates or `ext` (the `text` keeps them)."
    src = ("package p; class Outer<T>{class Gen{}} class Sub extends Outer<String>{ class B extends Outer<String>.Gen{}\n"
           " Outer<String>.Gen<Integer>[] f(java.util.Map.Entry<String, Outer<String>.Gen> e) { return null; } }")
    facts = extract_treesitter(src.encode(), "p/Sub.java", "java")
    b = {d["id"]: d for d in facts["defs"]}["p.Sub.B"]["bases"][0]
    assert b["c"][0] == "p.Outer.Gen" and b["ext"] == "Outer.Gen" and "<" not in "".join(b["c"])
    types = {r["rel"]: r for r in facts["refs"] if r["src"] == "p.Sub.f"}
    assert types["returns_type"]["c"] == ["p.Outer.Gen"] and types["returns_type"]["text"] == "Outer<String>.Gen<Integer>[]"
    assert types["param_type"]["c"] == ["java.util.Map.Entry"] and types["param_type"]["ext"] == "java.util.Map.Entry"


def test_java_comments_are_not_types():
    "Java comments (`line_comment`/`block_comment`) inside type lists, multi-catch, throws and type arguments are skipped."
    src = ("class C implements Runnable, /* marker */ Cloneable { public void run() /* x */ throws // why\n"
           " java.io.IOException, /* y */ Exception { try{run();} catch (IllegalStateException | // why\n"
           " IllegalArgumentException e){} } java.util.List</* c */ String> l; }")
    facts = extract_treesitter(src.encode(), "C.java", "java")
    c = {d["id"]: d for d in facts["defs"]}["C"]
    assert [i["ext"] for i in c["implements"]] == ["java.lang.Runnable", "java.lang.Cloneable"]
    assert [i["c"] for i in c["implements"]] == [["Runnable", "java.lang.Runnable"], ["Cloneable", "java.lang.Cloneable"]]
    by_rel = lambda rel: [r["text"] for r in facts["refs"] if r["rel"] == rel]
    assert by_rel("catches") == ["IllegalStateException", "IllegalArgumentException"]
    assert by_rel("raises") == ["java.io.IOException", "Exception"]
    assert not any("//" in r["text"] or "/*" in r["text"] or "//" in (r["ext"] or "") for r in facts["refs"])


def test_java_inherited_member_type_candidates():
    "A simple name may be a member type inherited by an enclosing class (declared in another file): `Sub.Inner` comes first."
    root = FIXTURES / "java/com/acme/members"
    facts = extract(root / "Sub.java")
    defs = {d["id"]: d for d in facts["defs"]}
    a = defs["com.acme.members.Sub.A"]
    assert a["bases"][0]["c"] == ["com.acme.members.Sub.Inner", "com.acme.members.Inner", "java.lang.Inner"]
    assert a["implements"][0]["c"][0] == "com.acme.members.Sub.Listener"
    assert a["bases"][0]["ext"] == "Inner"                       # ext is not the speculative member path
    assert defs["com.acme.members.Sub"]["bases"][0]["c"][0] == "com.acme.members.Outer"   # a supertype is not its own member
    assert defs["com.acme.members.Sub.B"]["bases"][0]["c"] == ["com.acme.members.Sub.A"]  # declared in the file: only that
    refs = {(r["rel"], r["text"]): r for r in facts["refs"] if r["src"] == "com.acme.members.Sub.B.make"}
    # innermost enclosing class with supertypes first; imports keep their place (and ext) behind the member guesses
    assert refs["returns_type", "Inner"]["c"][:2] == ["com.acme.members.Sub.B.Inner", "com.acme.members.Sub.Inner"]
    assert refs["param_type", "List<Inner>"]["c"][-1] == "java.util.List" and refs["param_type", "List<Inner>"]["ext"] == "java.util.List"
    # a class without supertypes inherits no member types: nothing speculative in Outer
    outer = extract(root / "Outer.java")
    assert all(not r["c"] or not r["c"][0].startswith("com.acme.members.Outer.") for r in outer["refs"] if r["rel"] != "calls")
    # same-package and imported names are unchanged when the class has no supertypes
    plain = java_defs("package p; import q.Base; class K { static class L extends Base {} static class M extends Other {} }", "p/K.java")
    assert plain["p.K.L"]["bases"][0]["c"] == ["q.Base"] and plain["p.K.M"]["bases"][0]["c"] == ["p.Other", "java.lang.Other"]
