#!/usr/bin/env python
"""The code KG of real PyPI projects, built from the unpacked sdist root exactly as a user would
(`graphmer build-kg data/external/pypi/<name>-<version>`): entities and triples per relation, `tested_by`, the
repository name, the validator's result, what is known of the external symbols, and spot checks of calls made through
receivers (a local, an attribute set on `self`, a decorator on an instance), each with its file and line.

Run `bash benchmarks/fetch_pypi.sh` first. Usage: `.venv/bin/python benchmarks/pypi_kg.py [--resolve-installed]`;
writes `benchmarks/results/pypi_kg.json`.
"""
from __future__ import annotations
import argparse, json, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from graphmer.extract import build_kg, load_kg

PROJECTS = ["requests-2.32.3", "flask-3.0.3", "attrs-24.2.0"]
# (head, relation, tail): calls that only a flow analysis finds; checked by hand against the source at the line shown.
SPOT = {
    "requests-2.32.3": [("requests.api.request", "calls", "requests.sessions.Session.request"),               # with sessions.Session() as session: session.request(...)
                        ("requests.models.Request.prepare", "calls", "requests.models.PreparedRequest.prepare"),  # p = PreparedRequest(); p.prepare(...)
                        ("requests.auth.HTTPDigestAuth.build_digest_header", "calls", "requests.auth.HTTPDigestAuth.build_digest_header.md5_utf8"),  # hash_utf8 = md5_utf8; hash_utf8(...)
                        ("requests.models.Response.json", "calls", "json.loads")],                               # try: import simplejson as json / except ImportError: import json
    "flask-3.0.3": [("examples.tutorial.flaskr.create_app", "calls", "flask.sansio.scaffold.Scaffold.route"),  # app = Flask(__name__); @app.route("/hello")
                    ("examples.celery.src.task_app.views", "calls", "flask.sansio.scaffold.Scaffold.get"),       # bp = Blueprint(...); @bp.get(...)
                    ("flask.sansio.app.App.register_blueprint", "calls", "flask.sansio.blueprints.Blueprint.register")],  # blueprint.register(self, options)
    "attrs-24.2.0": [("attr._make._attrs_to_init_script", "calls", "attr._make._setattr_with_converter"),     # fmt_setter, ... = _determine_setters(...): a returned tuple of functions
                     ("attr._make._setattr_with_converter", "calls", "attr._make.Converter._fmt_converter_call")],
}

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--resolve-installed", action="store_true"); a = ap.parse_args()
    out, tmp = {}, Path(tempfile.mkdtemp())
    for p in PROJECTS:
        src = ROOT / "data/external/pypi" / p
        if not src.exists(): sys.exit(f"{src} is missing: run `bash benchmarks/fetch_pypi.sh` first")
        m = build_kg([src], tmp / p, workers=2, progress=False, resolve_installed=a.resolve_installed)
        kg = load_kg(tmp / p)
        t = kg.triples; keys = set(zip(t["head"], t["relation"], t["tail"]))
        spots = []
        for h, r, tl in SPOT.get(p, []):
            row = t[(t["head"] == h) & (t["relation"] == r) & (t["tail"] == tl)]
            spots.append(dict(fact=[h, r, tl], found=(h, r, tl) in keys,
                              where=f"{row.iloc[0]['path']}:{row.iloc[0]['line_start']}" if len(row) else None))
        out[p] = dict(repository=m["sources"][0]["repository"], files=m["counts"]["files"], entities=m["counts"]["entities"],
                      triples=m["counts"]["triples"], per_relation=m["counts"]["per_relation"], per_type=m["counts"]["per_type"],
                      validation=m["validation"], externals=m.get("externals"), spot_checks=spots)
        print(p, json.dumps(out[p], indent=1))
    res = ROOT / "benchmarks/results/pypi_kg.json"; res.parent.mkdir(exist_ok=True)
    res.write_text(json.dumps(dict(resolve_installed=a.resolve_installed, projects=out), indent=2) + "\n")

if __name__ == "__main__": main()
