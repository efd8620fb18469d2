"The explorer (graphmer.explore, nbs/explore.ipynb) on a small KG and a run trained for two steps by nbs/train.ipynb: the widget's callbacks are driven without a browser."
import json, shutil, subprocess, sys
import numpy as np, pandas as pd, pytest, torch
from graphmer.core import default_corpus, project_root
from graphmer.extract import build_kg
from graphmer.evaluate import find_mentions
from graphmer.ontology import relation_vocab

ROOT = project_root()
pytestmark = pytest.mark.slow   # integration: trains a run with papermill and runs nbs/explore.ipynb (`make test-fast` leaves it out)
E = "json.decoder.JSONDecoder"

def papermill(nb, out, *params):
    args = [sys.executable, "-m", "papermill", str(nb), str(out), "--cwd", str(ROOT), "--no-progress-bar"]
    for k, v in params: args += ["-p", k, str(v)]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)

@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    "(KG directory, run directory): the `json` package's KG and a run of nbs/train.ipynb on it, 2 steps."
    d = tmp_path_factory.mktemp("explore")
    shutil.copytree(default_corpus() / "json", d / "src" / "json", ignore=shutil.ignore_patterns("__pycache__"))
    build_kg([d / "src"], d / "kg", workers=1, progress=False)
    r = papermill(ROOT / "nbs" / "train.ipynb", d / "train.ipynb", ("steps", 2), ("kg_dir", d / "kg"), ("run_dir", d / "run"),
                  ("vocab_size", 1000), ("val_frac", 0.2), ("test_frac", 0.2), ("eval_every", 2), ("warmup", 1), ("progress", False))
    assert r.returncode == 0, r.stderr[-3000:]
    return d / "kg", d / "run"

@pytest.fixture(scope="module")
def wb(tiny_run):
    from graphmer.explore import load_workbench
    return load_workbench(*tiny_run)

def _plotly(out, i):
    "The plotly JSON of output `i` of an Output widget."
    return out.outputs[i]["data"]["application/vnd.plotly.v1+json"]

def test_callbacks_update_every_view(wb):
    from graphmer.explore import Explorer, VIEWS, mention_window, tail_scores, true_tails
    ex = Explorer(wb, k=3)
    assert ex.entity and all(ex.out[v].outputs for v in VIEWS)              # the default entity is open
    ex.search.value = "jsondecoder"                                          # the user types and presses Enter
    assert [v for _, v in ex.results.options][0] == E and "match" in ex.status.value
    ex.results.value = E                                                     # ... and clicks the first result
    assert ex.entity == E and E in ex.header.value
    # facts with provenance: the HTML table shows every triple of the KG that has E at either end, with its file and line
    t, kt = ex.views["triples"][1], wb.kg.triples
    assert len(t) == int(((kt["head"] == E) | (kt["tail"] == E)).sum()) > 0
    html = ex.out["triples"].outputs[1]["data"]["text/html"]
    for r in t.itertuples(): assert r.other in html and f"<td>{r.line_start}</td>" in html
    row = t[(t.direction == "out") & (t.relation == "defined_in")].iloc[0]
    assert (row.other, row.path) == ("json.decoder", "json/decoder.py")
    # the neighbourhood: one node per neighbour plus E itself, edge hover texts name each triple
    fig = _plotly(ex.out["graph"], 0)
    assert sorted(i for tr in fig["data"] for i in tr.get("customdata", [])) == sorted(set(t["other"]) | {E})
    edges = next(tr for tr in fig["data"] if tr.get("name") == "edges")["hovertext"]
    assert f"{E} —defined_in→ json.decoder" in edges and len(edges) == len(t.drop_duplicates(["direction", "relation", "other"]))
    # the leafy chain: E's own file, its mention outlined, the injected facts listed
    assert "json/decoder.py" in _plotly(ex.out["sample"], 1)["layout"]["title"]["text"]
    w = mention_window(wb, E)
    assert ex.views["sample"][2]["root"].tolist() == np.flatnonzero(w.sample["tail_len"] > 0).tolist() != []
    # predictions for a relation chosen in the menu
    opts = dict((v, lab) for lab, v in ex.relation.options)
    assert opts["contains"] == "contains (3 true)"
    ex.relation.value = "defined_in"
    top, true = ex.views["predictions"][1], ex.views["predictions"][3]
    assert len(top) == 3 and top["score"].is_monotonic_decreasing
    S = tail_scores(wb, E, "defined_in"); cand = wb.tails.range_mask[relation_vocab()["defined_in"]]
    assert np.isclose(top["score"].iat[0], S[cand].max())
    assert (wb.tails.types[np.flatnonzero(cand)] == "Module").all()        # defined_in ranges over modules only
    assert true["id"].tolist() == ["json.decoder"] and list(true_tails(wb, E, "defined_in")) == [wb.ids.get_loc("json.decoder")]
    i = wb.ids.get_loc("json.decoder")
    assert true["rank"].iat[0] == 1 + (S[cand] > S[i]).sum() + ((S[cand] == S[i]).sum() - 1) / 2
    assert (top["true"] == "✓").tolist() == (top["name"] == "decoder").tolist()
    ex.k.value = 2
    assert len(ex.views["predictions"][1]) == 2
    # attention: the decay per head and one heatmap per head of the chosen layer
    ex.layer.value = 2
    decay, att = _plotly(ex.out["attention"], 0), _plotly(ex.out["attention"], 1)
    heads = wb.run.model.config.heads
    assert len([tr for tr in decay["data"] if tr["mode"] == "lines+markers"]) == heads
    assert "layer 2 attention" in att["layout"]["title"]["text"] and sum(tr["type"] == "heatmap" for tr in att["data"]) == heads
    # picking a file lists its declarations, in line order, without opening any
    ex.file.value = "json/scanner.py"
    ids = [v for _, v in ex.results.options]
    assert ids and all(wb.entity(i)["path"] == "json/scanner.py" for i in ids) and ex.entity == E
    assert [wb.entity(i)["line_start"] for i in ids] == sorted(wb.entity(i)["line_start"] for i in ids)
    ex.select("json.decoder.JSONDecodr")                                     # a typo: nothing opens, close matches are named
    assert ex.entity == E and "did you mean json.decoder.JSONDecoder" in ex.status.value

def test_attention_probabilities_reproduce_the_model(wb):
    from graphmer.data import unmasked_batch
    from graphmer.explore import mention_window, attention_probs
    m = wb.run.model
    b = unmasked_batch([mention_window(wb, E).sample])
    assert b["valid"][0].sum() > (b["slot"][0] == -1).sum()                 # the window carries injected leaves
    for layer in range(len(m.layers)):
        p, err = attention_probs(m, b, layer)
        assert err < 1e-4, (layer, err)
        v = b["valid"][0]
        assert torch.allclose(p[0][:, v].sum(-1), torch.ones(1), atol=1e-5)
        assert (p[0][:, :, ~v] == 0).all()                                    # padding is never attended to
    with pytest.raises(ValueError, match="has layers 0..3"): attention_probs(m, b, 4)

def test_windows_are_the_evaluation_anchors(wb):
    from graphmer.explore import mention_window, SPLITS
    files = wb.split["files"]
    ents = [e for e in wb.kg.entities.query("path == 'json/decoder.py' and type != 'Module'")["id"]][:12]
    idx = wb.ids.get_indexer(ents)
    home = {int(i): files.index("json/decoder.py") for i in idx}
    ref = find_mentions(wb.samples_dir, SPLITS, idx, home)
    assert len(ref) >= 5
    for e, i in zip(ents, idx):
        if int(i) not in ref:
            with pytest.raises(ValueError, match="mentioned in no window"): mention_window(wb, e)
            continue
        w, (rid, _, root, ml) = mention_window(wb, e), ref[int(i)]
        assert (w.sample["root_ids"] == rid).all() and (w.root, w.mention_len) == (root, ml)
        assert w.sample["mention_entity"][w.root] == i and w.path == "json/decoder.py"

def test_a_run_of_another_kg_is_refused(tiny_run, tmp_path):
    from graphmer.explore import load_workbench
    shutil.copytree(default_corpus() / "tomllib", tmp_path / "src" / "tomllib", ignore=shutil.ignore_patterns("__pycache__"))
    build_kg([tmp_path / "src"], tmp_path / "kg", workers=1, progress=False)
    with pytest.raises(ValueError, match="open the run with the KG it was trained on"): load_workbench(tmp_path / "kg", tiny_run[1])

def test_without_widgets_display_falls_back_to_static(wb, monkeypatch):
    import graphmer.explore as X
    assert not X.widgets_live()                                              # no Jupyter kernel under pytest
    shown = {}
    monkeypatch.setattr(X, "display_objects", lambda objs: shown.setdefault("objs", []).extend(objs))
    ex = X.Explorer(wb, E, k=2, relation="contains")
    ex._ipython_display_()
    kinds = [type(o).__name__ for o in shown["objs"]]
    assert kinds.count("DataFrame") >= 4 and kinds.count("Figure") == 4     # triples, window facts, top, true; graph, sample, decay, attention
    top = next(o for o in shown["objs"] if isinstance(o, pd.DataFrame) and "rank" in o and "entities" in o)
    assert len(top) == 2
    kg_only = X.entity_views(X.Workbench(wb.kg), E)                           # no run: the KG's views, and why the others are missing
    assert all("no run loaded" in kg_only[v][0] for v in ("sample", "predictions", "attention"))

def test_explore_notebook_renders_static_views(tiny_run, tmp_path):
    kg, run = tiny_run
    out = tmp_path / "out.ipynb"
    r = papermill(ROOT / "nbs" / "explore.ipynb", out, ("kg_dir", kg), ("run_dir", run), ("entity", E), ("k", 3), ("layer", 1))
    assert r.returncode == 0, r.stderr[-3000:]
    outs = [o for c in json.loads(out.read_text())["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    data = [o.get("data", {}) for o in outs]
    text = lambda d, k: "".join(d.get(k, ""))
    assert any("application/vnd.jupyter.widget-view+json" in d for d in data)  # the live widget
    assert any("json/decoder.py" in text(d, "text/html") and "defined_in" in text(d, "text/html") for d in data)  # the facts table
    figs = [d["application/vnd.plotly.v1+json"] for d in data if "application/vnd.plotly.v1+json" in d]
    titles = [f["layout"].get("title", {}).get("text", "") for f in figs]
    assert len(figs) == 4 and any("layer 1 attention" in t for t in titles) and any(t.startswith("1-hop neighbourhood of " + E) for t in titles)
    tops = [text(d, "text/html") for d in data if "<th>entities</th>" in text(d, "text/html")]
    assert len(tops) == 3 and all(t.count("<tr") == 1 + 3 for t in tops)    # contains, defined_in, inherits_from: a header and k=3 rows each
    bad = papermill(ROOT / "nbs" / "explore.ipynb", tmp_path / "bad.ipynb", ("kg_dir", kg), ("run_dir", run), ("entity", "json.decoder.JSONDecodr"))
    assert bad.returncode != 0 and "did you mean json.decoder.JSONDecoder" in bad.stderr + bad.stdout
