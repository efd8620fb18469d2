#!/usr/bin/env python
"""Real-code check of the Java extractor + linker on the OpenJDK 17 `java.base` sources.

1. Builds the KG of `data/external/jdk/src/java.base` (run `benchmarks/fetch_jdk.sh` first) with `build_kg`,
   timing 3 cold runs (`cache_dir=False`, median reported) and one warm run with a populated per-file cache (manifest removed so
   that the KG is re-linked and re-written), and an unchanged-inputs rebuild.
2. Reports files, lines, entities, triples per relation and the validator summary.
3. Scans the same sources INDEPENDENTLY (no tree-sitter: a small regex tokenizer that drops comments, string/char
   literals and text blocks, and a brace-stack parser for `class|interface|enum|record ... extends ... implements ...`),
   resolves the supertype names with Java's rules (member types of the lexically enclosing classes including inherited
   ones, single-type imports, same-package types, on-demand imports, `java.lang`), and compares the (class, parent)
   pairs with the KG's `inherits_from` + `implements` triples: precision and recall per relation, with categorised
   disagreements.

Conventions mirrored from the extractor (graphmer/lang_java.py): `class C extends X` and `interface I extends J, K`
are `inherits_from`; `class/enum/record C implements Y` is `implements`; only explicit clauses count (no implicit
`Object`/`Enum`/`Record` supertypes); local and anonymous classes are not KG entities and are left out.

Usage: `.venv/bin/python benchmarks/jdk_inheritance.py [--runs 3] [--skip-build]`
Writes `benchmarks/results/jdk_inheritance.json` (numbers only) and prints Markdown.
"""
from __future__ import annotations
import argparse, bisect, json, os, re, shutil, statistics, sys, time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SRC = ROOT / "data/external/jdk/src/java.base"
KG_DIR = ROOT / "data/external/jdk/kg"
RESULTS = ROOT / "benchmarks/results/jdk_inheritance.json"
RELS = ("inherits_from", "implements")

# ---------------------------------------------------------------- independent scanner (no tree-sitter)
_TOKEN = re.compile(r'''
   (?P<ws>\s+)
 | (?P<lc>//[^\n]*)
 | (?P<bc>/\*.*?\*/)
 | (?P<tb>"""(?:\\.|[^\\])*?""")
 | (?P<str>"(?:\\.|[^"\\\n])*")
 | (?P<chr>'(?:\\.|[^'\\\n])+')
 | (?P<id>[^\W\d][\w$]*|\$[\w$]*)
 | (?P<num>\d[\w.]*)
 | (?P<p>.)
''', re.S | re.X)
MODIFIERS = {"public", "protected", "private", "static", "final", "abstract", "strictfp", "sealed", "non", "-"}


def tokenize(text: str) -> list[tuple[str, str, int]]:
    "(kind, text, offset) for every token that is not whitespace, a comment or a literal's content."
    out = []
    for m in _TOKEN.finditer(text):
        k = m.lastgroup
        if k in ("ws", "lc", "bc"): continue
        if k in ("tb", "str", "chr"): out.append(("lit", "", m.start())); continue
        out.append((k, m.group(), m.start()))
    return out


class Decl:
    "One member/top-level type declaration found by the scanner."
    __slots__ = ("id", "kind", "file", "line", "chain", "tvars", "raw", "pkg", "imports")

    def __init__(self, **kw):
        for k, v in kw.items(): setattr(self, k, v)


def _skip_balanced(toks, i, open_, close):
    "Index after the balanced `open_ ... close` group starting at toks[i] (which is `open_`)."
    depth = 0
    while i < len(toks):
        t = toks[i][1]
        if t == open_: depth += 1
        elif t == close:
            depth -= 1
            if depth == 0: return i + 1
        i += 1
    return i


def _read_type(toks, i):
    "Read one type (annotations, dotted name, type arguments) from toks[i]; returns (dotted name, next index)."
    segs, want_id = [], True   # an identifier is expected at the start and after each `.`
    while i < len(toks):
        k, t, _ = toks[i]
        if t == "@" and want_id:  # type annotation `@A` or `@A(...)`
            i += 2
            while i + 1 < len(toks) and toks[i][1] == "." and toks[i + 1][0] == "id": i += 2
            if i < len(toks) and toks[i][1] == "(": i = _skip_balanced(toks, i, "(", ")")
            continue
        if k == "id" and want_id: segs.append(t); i += 1; want_id = False
        elif t == "<" and not want_id: i = _skip_balanced(toks, i, "<", ">")
        elif t == "." and not want_id: i += 1; want_id = True
        else: break
    return ".".join(segs), i


def _type_list(toks, i, stop):
    "Comma-separated types from toks[i] up to a token in `stop`; returns ([(name, offset)], next index)."
    out = []
    while i < len(toks) and toks[i][1] not in stop:
        if toks[i][1] == ",": i += 1; continue
        off = toks[i][2]
        name, j = _read_type(toks, i)
        if j == i: i += 1; continue  # unexpected token: move on
        out.append((name, off)); i = j
    return out, i


def _type_params(toks, i):
    "Names of the type parameters in the `<...>` group at toks[i]; (names, next index)."
    end = _skip_balanced(toks, i, "<", ">")
    names, depth, expect = set(), 0, True
    for k, t, _ in toks[i:end]:
        if t == "<": depth += 1; expect = depth == 1; continue
        if t == ">": depth -= 1; continue
        if depth == 1 and t == ",": expect = True; continue
        if depth == 1 and expect and k == "id": names.add(t); expect = False
        elif depth == 1 and t == "@": expect = False  # annotation on a type parameter: the name follows later
    return names, end


def scan_file(path: Path, rel: str) -> tuple[list, list, str]:
    "Member/top-level type declarations and the local ones (kept apart) of one file, and its package."
    text = path.read_text(encoding="utf-8", errors="replace")
    nl = [i for i, c in enumerate(text) if c == "\n"]
    line = lambda off: bisect.bisect_right(nl, off - 1) + 1
    toks = tokenize(text)
    pkg, single, ondemand = "", {}, []
    decls, local = [], []
    stack = []            # frames: ("type", Decl) or ("block", None)
    pending = None        # a type declaration whose body `{` comes next
    i, n = 0, len(toks)
    while i < n:
        k, t, off = toks[i]
        prev = toks[i - 1][1] if i else ""
        if not stack and t == "package" and k == "id":
            j = i + 1; segs = []
            while toks[j][1] != ";": segs.append(toks[j][1]); j += 1
            pkg = "".join(segs); i = j + 1; continue
        if not stack and t == "import" and k == "id":
            j = i + 1; static = toks[j][1] == "static"; j += static; segs = []
            while toks[j][1] != ";": segs.append(toks[j][1]); j += 1
            dotted = "".join(segs); i = j + 1
            if static: continue  # static imports bring members, and member types only by on-demand/single static import (rare)
            if dotted.endswith(".*"): ondemand.append(dotted[:-2])
            else: single[dotted.rsplit(".", 1)[-1]] = dotted
            continue
        is_decl = k == "id" and prev != "." and (
            t in ("class", "interface", "enum") or
            (t == "record" and i + 2 < n and toks[i + 1][0] == "id" and toks[i + 2][1] in ("(", "<")))
        if is_decl and i + 1 < n and toks[i + 1][0] == "id":
            kind = "annotation" if (t == "interface" and prev == "@") else t
            name = toks[i + 1][1]
            j = i + 2
            tvars = set()
            if j < n and toks[j][1] == "<": tvars, j = _type_params(toks, j)
            if kind == "record" and toks[j][1] == "(": j = _skip_balanced(toks, j, "(", ")")
            raw = []
            while j < n and toks[j][1] != "{":
                w = toks[j][1]
                if w == "extends":
                    lst, j = _type_list(toks, j + 1, {"implements", "permits", "{"})
                    raw += [("inherits_from", nm, line(o)) for nm, o in lst]
                elif w == "implements":
                    lst, j = _type_list(toks, j + 1, {"extends", "permits", "{"})
                    raw += [("implements", nm, line(o)) for nm, o in lst]
                elif w == "permits":
                    _, j = _type_list(toks, j + 1, {"extends", "implements", "{"})
                else: j += 1
            member = not stack or stack[-1][0] == "type"
            outer = stack[-1][1] if stack and stack[-1][0] == "type" else None
            d = Decl(id=(f"{outer.id}.{name}" if outer else (f"{pkg}.{name}" if pkg else name)) if member else f"<local>{name}",
                     kind=kind, file=rel, line=line(off), chain=(outer.chain + (outer.id,)) if outer else (),
                     tvars=tvars | (outer.tvars if outer else set()), raw=raw, pkg=pkg, imports=(single, ondemand))
            (decls if member else local).append(d)
            pending = d; i = j; continue
        if t == "{":
            stack.append(("type", pending) if pending is not None else ("block", None)); pending = None
        elif t == "}":
            if stack: stack.pop()
        i += 1
    # the chain/tvars of a local type must not be used; locals are only counted
    return decls, local, pkg


class Resolver:
    "Java simple/qualified type name resolution over the scanned corpus."
    def __init__(self, decls: list[Decl]):
        self.by_id = {}
        self.dups = []
        for d in decls:
            if d.id in self.by_id: self.dups.append(d.id)
            else: self.by_id[d.id] = d
        self._parents, self._busy = {}, set()

    def parents(self, cid: str) -> list[tuple[str, str, str, int]]:
        "(relation, resolved id or '?name', raw name, line) of the declared supertypes of `cid`."
        if cid in self._parents: return self._parents[cid]
        if cid in self._busy: return []  # a cycle (while resolving an enclosing class's own clause)
        self._busy.add(cid)
        d = self.by_id[cid]
        out = []
        for rel, raw, ln in d.raw:
            out.append((rel, self.resolve(raw, d), raw, ln))
        self._busy.discard(cid)
        self._parents[cid] = out
        return out

    def member_type(self, cid: str, name: str, seen=None) -> str | None:
        "The member type `name` of class `cid`, declared or inherited (JLS 8.5)."
        if f"{cid}.{name}" in self.by_id: return f"{cid}.{name}"
        seen = seen or set()
        if cid in seen or cid not in self.by_id: return None
        seen.add(cid)
        for _, p, _, _ in self.parents(cid):
            if p in self.by_id:
                r = self.member_type(p, name, seen)
                if r: return r
        return None

    def simple(self, name: str, d: Decl) -> str | None:
        for outer in reversed(d.chain):  # lexically enclosing classes, innermost first, with inherited members
            r = self.member_type(outer, name)
            if r: return r
        single, ondemand = d.imports
        if name in single: return single[name]
        if (f"{d.pkg}.{name}" if d.pkg else name) in self.by_id: return f"{d.pkg}.{name}" if d.pkg else name
        for p in ondemand:
            if f"{p}.{name}" in self.by_id: return f"{p}.{name}"
        if f"java.lang.{name}" in self.by_id: return f"java.lang.{name}"
        return None

    def resolve(self, raw: str, d: Decl) -> str:
        segs = raw.split(".")
        if len(segs) == 1 and raw in d.tvars: return f"?tvar:{raw}"
        if segs[0][:1].isupper() or len(segs) == 1:
            base, rest = self.simple(segs[0], d), segs[1:]
            if base is None: return "?" + raw
        else:  # fully qualified: longest declared prefix, then member types
            k = next((k for k in range(len(segs), 0, -1) if ".".join(segs[:k]) in self.by_id), None)
            if k is None: return "?" + raw
            base, rest = ".".join(segs[:k]), segs[k:]
        for s in rest:
            nxt = self.member_type(base, s) if base in self.by_id else None
            if nxt is None: return "?" + raw
            base = nxt
        return base


def independent_scan(src: Path):
    decls, local, files = [], [], 0
    for p in sorted(src.rglob("*.java")):
        files += 1
        d, l, _ = scan_file(p, p.relative_to(src).as_posix())
        decls += d; local += l
    res = Resolver(decls)
    pairs = {}  # (class id, relation, parent) -> (raw name, path, line)
    for cid in res.by_id:
        for rel, par, raw, ln in res.parents(cid):
            pairs[(cid, rel, par)] = (raw, res.by_id[cid].file, ln)
    return res, pairs, local, files


# ---------------------------------------------------------------- KG side
def build(runs: int) -> tuple[dict, dict]:
    from graphmer.extract import build_kg
    kw = dict(workers=2, progress=False, languages=["java"])
    cold = []
    for r in range(runs):
        t = time.perf_counter(); m = build_kg([str(SRC)], str(KG_DIR), cache_dir=False, **kw); cold.append(time.perf_counter() - t)
        print(f"cold run {r + 1}: {cold[-1]:.1f} s", file=sys.stderr)
    cache = KG_DIR / ".cache"
    shutil.rmtree(cache, ignore_errors=True)
    # removing manifest.json defeats build_kg's "output already up to date" shortcut, so the warm run re-links and
    # re-writes everything and only the per-file extraction is served from the cache
    (KG_DIR / "manifest.json").unlink(missing_ok=True)
    t = time.perf_counter(); build_kg([str(SRC)], str(KG_DIR), cache_dir=cache, **kw); fill = time.perf_counter() - t
    (KG_DIR / "manifest.json").unlink(missing_ok=True)
    t = time.perf_counter(); m = build_kg([str(SRC)], str(KG_DIR), cache_dir=cache, **kw); warm = time.perf_counter() - t
    t = time.perf_counter(); noop = build_kg([str(SRC)], str(KG_DIR), cache_dir=cache, **kw); noop_s = time.perf_counter() - t
    print(f"cache fill: {fill:.1f} s, warm: {warm:.1f} s (hits {m['cache']['hits']}), unchanged rebuild: {noop_s:.2f} s "
          f"(up_to_date={noop.get('up_to_date')})", file=sys.stderr)
    return m, dict(cold_runs_s=[round(x, 2) for x in cold], cold_median_s=round(statistics.median(cold), 2),
                   cache_fill_s=round(fill, 2), warm_s=round(warm, 2), warm_cache_hits=m["cache"]["hits"],
                   warm_timing=m["timing"], unchanged_rebuild_s=round(noop_s, 2))


def kg_pairs(kg):
    ents = kg.entities.set_index("id")
    declared = set(kg.entities.id[kg.entities.declared & kg.entities.type.isin(["Class", "Interface", "ExceptionType"])])
    t = kg.triples[kg.triples.relation.isin(RELS)]
    pairs = {}
    for h, r, tl, p, ln in zip(t["head"], t["relation"], t["tail"], t["path"], t["line_start"]):
        if h not in declared: continue
        tail = tl if (tl in ents.index and bool(ents.at[tl, "declared"])) else "?" + tl
        pairs[(h, r, tail)] = (tl, p, int(ln))
    return declared, pairs, ents


# ---------------------------------------------------------------- comparison and causes
def _norm_ext(x: str) -> str:
    "`?java.lang.Foo` / `?Foo` / `?a.b.Foo` -> `?Foo` (unresolved names compare by their last segment)."
    return "?" + x[1:].rsplit(".", 1)[-1] if x.startswith("?") else x


MALFORMED = re.compile(r"[\s<>]|//|/\*")


def malformed_ids(kg) -> dict:
    "Entities whose id cannot be a Java name (source text leaked into an id: comments, type arguments), per type, and the triples pointing at them."
    e = kg.entities[kg.entities.type != "Type"]
    bad = e[e["id"].str.contains(MALFORMED)]
    t = kg.triples[kg.triples["tail"].isin(set(bad["id"]))]
    return dict(entities=len(bad), triples=dict(t.relation.value_counts()), examples=sorted(bad["id"])[:8])


def cause_missing(key, scan_info, kg_by_head_rel, res, declared):
    "Why a scanned pair is absent from the KG."
    cid, rel, par = key
    raw = scan_info[0]
    got = kg_by_head_rel.get((cid, rel), [])
    other = "implements" if rel == "inherits_from" else "inherits_from"
    if par in {p for p in kg_by_head_rel.get((cid, other), [])}: return "relation-swapped", f"KG has it as {other}"
    if par.startswith("?"): return "scan-unresolved", f"scanner could not resolve `{raw}`"
    if any(g.startswith("?") and g[1:].rsplit(".", 1)[-1] == par.rsplit(".", 1)[-1] for g in got):
        d = res.by_id[cid]
        inherited = "." not in raw and any(res.member_type(o, raw) and f"{o}.{raw}" not in res.by_id for o in d.chain)
        if inherited: return "inherited-member-type", f"`{raw}` is a member type inherited by an enclosing class; KG left it external"
        return "kg-unresolved", f"KG left `{raw}` as an external name"
    if got: return "kg-other-target", f"KG resolved `{raw}` to {', '.join(g for g in got if g.rsplit('.', 1)[-1] == raw.rsplit('.', 1)[-1]) or got}"
    return "kg-missing", "no triple of this relation for the class in the KG"


def compare(scan_pairs, kg_pairs_, declared, res):
    scan_keys = {(c, r, _norm_ext(p)) for (c, r, p) in scan_pairs if c in declared and not p.startswith("?tvar:")}
    scan_info = {(c, r, _norm_ext(p)): v for (c, r, p), v in scan_pairs.items()}
    kg_keys = {(c, r, _norm_ext(p)) for (c, r, p) in kg_pairs_}
    kg_info = {(c, r, _norm_ext(p)): v for (c, r, p), v in kg_pairs_.items()}
    by_hr_kg, by_hr_scan = defaultdict(list), defaultdict(list)
    for c, r, p in kg_keys: by_hr_kg[(c, r)].append(p)
    for c, r, p in scan_keys: by_hr_scan[(c, r)].append(p)
    metrics, dis = {}, {}
    for rel in RELS + ("all",):
        S = {k for k in scan_keys if rel == "all" or k[1] == rel}
        K = {k for k in kg_keys if rel == "all" or k[1] == rel}
        tp = len(S & K)
        metrics[rel] = dict(scan=len(S), kg=len(K), agree=tp, precision=round(tp / len(K), 4) if K else None,
                            recall=round(tp / len(S), 4) if S else None)
    fn = sorted(scan_keys - kg_keys); fp = sorted(kg_keys - scan_keys)
    miss = []
    for k in fn:
        cat, why = cause_missing(k, scan_info[k], by_hr_kg, res, declared)
        miss.append(dict(cls=k[0], rel=k[1], parent=k[2], path=scan_info[k][1], line=scan_info[k][2], category=cat, cause=why))
    extra = []
    for k in fp:
        c, r, p = k
        tl, path, ln = kg_info[k]
        s = by_hr_scan.get((c, r), [])
        last = lambda x: x.lstrip("?").rsplit(".", 1)[-1].split(">")[-1]
        same = [x for x in s if last(x) == last(p)]
        if same and p.startswith("?"):
            d = res.by_id.get(c); simple = tl if d and "." not in tl else None
            inherited = simple and any(res.member_type(o, simple) and f"{o}.{simple}" not in res.by_id for o in d.chain)
            cat = "inherited-member-type" if inherited else "kg-unresolved"
            why = f"KG left `{tl}` external; scanner resolved it to {same[0]}"
        elif same: cat, why = "kg-other-target", f"KG says {p}, scanner says {same[0]}"
        elif any(x == p for x in by_hr_scan.get((c, "implements" if r == "inherits_from" else "inherits_from"), [])):
            cat, why = "relation-swapped", "scanner has it under the other relation"
        elif c not in res.by_id: cat, why = "scan-missing-class", "class not found by the scanner"
        else: cat, why = "scan-missing", f"scanner found no `{tl.rsplit('.', 1)[-1]}` in the clause"
        extra.append(dict(cls=c, rel=r, parent=p, path=path, line=ln, category=cat, cause=why))
    # a KG tail holding type arguments (`Outer<A, B>.Inner`) is the extractor keeping them in a qualified name
    raw_kg = {(c, r, p): v[0] for (c, r, p), v in kg_info.items()}
    for x in miss:
        tl = raw_kg.get((x["cls"], x["rel"], "?" + x["parent"].rsplit(".", 1)[-1]), "")
        if "<" in tl: x["category"], x["cause"] = "kg-type-args-in-name", f"KG left `{tl}` external (type arguments kept in the qualified name)"
    for x in extra:
        tl = raw_kg.get((x["cls"], x["rel"], x["parent"]), "")
        if "<" in tl: x["category"] = "kg-type-args-in-name"
    return metrics, miss, extra


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="cold runs (cache_dir=False) to take the median of")
    ap.add_argument("--skip-build", action="store_true", help="reuse the KG already in data/external/jdk/kg (no timing)")
    a = ap.parse_args()
    if not SRC.exists(): sys.exit(f"{SRC} not found: run benchmarks/fetch_jdk.sh first")
    from graphmer.extract import load_kg
    timing = None
    if not a.skip_build: _, timing = build(a.runs)
    kg = load_kg(KG_DIR, mentions=False)
    man = kg.manifest
    t = time.perf_counter()
    res, spairs, local, nfiles = independent_scan(SRC)
    scan_s = time.perf_counter() - t
    declared, kpairs, ents = kg_pairs(kg)
    metrics, miss, extra = compare(spairs, kpairs, declared, res)
    bad = malformed_ids(kg)
    scanned = set(res.by_id)
    cov = dict(scanned_types=len(scanned), scanned_local_types=len(local), kg_class_entities=len(declared),
               scanned_not_in_kg=len(scanned - declared), kg_not_scanned=len(declared - scanned),
               scanned_duplicate_ids=len(res.dups), scan_files=nfiles, scan_s=round(scan_s, 2))
    c = man["counts"]
    out = dict(machine=dict(cpus=os.cpu_count(), workers=2), files=c["files"], files_ok=c["files_ok"], files_skipped=c["files_skipped"],
               lines=c["lines"], entities=c["entities"], triples=c["triples"], per_relation=c["per_relation"], per_type=c["per_type"],
               validation=man["validation"], timing=timing, last_build_timing=man["timing"], coverage=cov, metrics=metrics,
               disagreements=dict(missing_from_kg=dict(Counter(m["category"] for m in miss)),
                                  extra_in_kg=dict(Counter(e["category"] for e in extra))),
               malformed_ids=dict(entities=bad["entities"], triples={k: int(v) for k, v in bad["triples"].items()}))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")

    P = print
    P("## JDK 17 java.base: KG build\n")
    P("| metric | value |\n|---|---|")
    for k in ("files", "files_ok", "files_skipped", "lines", "entities", "triples"): P(f"| {k} | {out[k]:,} |")
    if timing:
        P(f"| wall time, cold (median of {len(timing['cold_runs_s'])}, cache off, 2 workers, {os.cpu_count()} CPUs) | {timing['cold_median_s']} s ({', '.join(map(str, timing['cold_runs_s']))}) |")
        P(f"| wall time, cache fill | {timing['cache_fill_s']} s |")
        P(f"| wall time, warm cache | {timing['warm_s']} s ({timing['warm_cache_hits']} hits) |")
        P(f"| wall time, unchanged inputs (up-to-date shortcut) | {timing['unchanged_rebuild_s']} s |")
        P(f"| warm phases | {', '.join(f'{k}={v}' for k, v in timing['warm_timing'].items())} |")
    P(f"| validator | {man['validation']['checks']} checks, {man['validation']['failed']} failed, {man['validation']['violations']} violations |")
    P("\n| relation | triples |\n|---|---|")
    for r, v in c["per_relation"].items(): P(f"| {r} | {v:,} |")
    P("\n| entity type | count |\n|---|---|")
    for r, v in c["per_type"].items(): P(f"| {r} | {v:,} |")
    P("\n## Independent scan vs KG (inherits_from + implements)\n")
    P("| | value |\n|---|---|")
    for k, v in cov.items(): P(f"| {k} | {v:,} |" if isinstance(v, int) else f"| {k} | {v} |")
    P("\n| relation | scan pairs | KG pairs | agree | precision | recall |\n|---|---|---|---|---|---|")
    for r, m in metrics.items(): P(f"| {r} | {m['scan']:,} | {m['kg']:,} | {m['agree']:,} | {m['precision']} | {m['recall']} |")
    for title, rows in (("In the scan, not in the KG (recall misses)", miss), ("In the KG, not in the scan (precision misses)", extra)):
        P(f"\n### {title}: {len(rows)}\n")
        if not rows: continue
        P("| category | count |\n|---|---|")
        for cat, n in Counter(x["category"] for x in rows).most_common(): P(f"| {cat} | {n} |")
        P("\n| class | relation | parent | where | cause |\n|---|---|---|---|---|")
        for x in rows[:20]: P(f"| {x['cls']} | {x['rel']} | {x['parent']} | {x['path']}:{x['line']} | {x['category']}: {x['cause']} |")
    P(f"\n### Entity ids holding source text (comments, type arguments): {bad['entities']}\n")
    if bad["entities"]:
        P("triples pointing at them: " + ", ".join(f"{k}={v}" for k, v in bad["triples"].items()))
        P("\n" + "\n".join(f"- `{x}`" for x in bad["examples"]))
    if cov["scanned_not_in_kg"] or cov["kg_not_scanned"]:
        P("\n### Class coverage differences (first 10 each)\n")
        P("- scanned, not a KG class: " + ", ".join(sorted(scanned - declared)[:10]))
        P("- KG class, not scanned: " + ", ".join(sorted(declared - scanned)[:10]))
    P(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
