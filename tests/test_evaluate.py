"Evaluation end to end: nbs/evaluate.ipynb on a short real run writes eval.json with every model on both splits; checkpoints must reproduce their training."
import json, shutil, subprocess, sys
from pathlib import Path
import numpy as np, pytest, torch
from graphmer.core import project_root

ROOT = project_root()
pytestmark = pytest.mark.slow   # integration: trains a run and evaluates it with papermill (`make test-fast` leaves it out)
MODELS = {"graphmer", "random", "frequency", "text_only", "no_decay"}
PRIOR = {"graphmer+prior", "text_only+prior", "no_decay+prior"}       # the name-scoring models again, with the prior fitted on validation files

def papermill(out, *params, timeout=1200):
    args = [sys.executable, "-m", "papermill", str(ROOT / "nbs" / "evaluate.ipynb"), str(out), "--cwd", str(ROOT), "--no-progress-bar"]
    for k, v in params: args += ["-p", k, str(v)]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)

@pytest.fixture(scope="module")
def evaluated(trained_run, tmp_path_factory):
    run, r = trained_run
    assert r.returncode == 0, r.stderr[-3000:]
    kge = "transe,nodepiece," if __import__("importlib").util.find_spec("pykeen") else ""
    res = papermill(tmp_path_factory.mktemp("eval") / "evaluate.ipynb", ("run_dir", run), ("max_queries", 40), ("heldout_windows", 64),
                    ("baselines", f"random,frequency,{kge}text_only,no_decay"), ("kge_epochs", 2), ("k", 3), ("progress", "text"),
                    ("parse_files", 8))   # fill-and-parse of a few files: enough to show it runs for every model
    assert res.returncode == 0, (res.stdout + res.stderr)[-4000:]
    return run, json.loads((run / "eval.json").read_text()), bool(kge)

def test_eval_json_has_every_model_and_metric(evaluated):
    run, ev, kge = evaluated
    assert set(ev) >= {"inductive", "transductive", "meta"}
    assert set(ev["inductive"]) == MODELS | PRIOR | ({"nodepiece"} if kge else set())   # of the KG embeddings only the inductive one scores unseen entities
    assert set(ev["transductive"]) == MODELS | PRIOR | ({"transe"} if kge else set())
    if kge: assert ev["meta"]["kge"]["nodepiece"]["epochs"] == 2 and ev["meta"]["kge"]["transe"]["epochs"] == 2
    assert len(ev["meta"]["prior"]) == 3 and all(p["n"] > 0 for p in ev["meta"]["prior"].values())   # the run and both ablations, fitted
    for v in ev["meta"]["verdict"]:                                         # the run's rows against the best baseline, ablations + prior included
        assert v["model"] in ("graphmer", "graphmer+prior") and v["best_baseline"] in (MODELS | PRIOR | {"transe", "nodepiece"}) - {"graphmer", "graphmer+prior"}
        assert v["ci_low"] - 1e-9 <= v["difference"] <= v["ci_high"] + 1e-9
    for split in ("inductive", "transductive"):
        for model, m in ev[split].items():
            assert m["n"] == ev["meta"]["queries"][split]["queries"] > 0, (split, model)
            for key in ("mrr", "hits@1", "hits@3", "hits@10"):
                assert 0 <= m[key] <= 1, (split, model, key)
                assert 0 <= m["copyable"][key] <= 1 or m["copyable"]["n"] == 0
            assert m["hits@1"] <= m["hits@3"] <= m["hits@10"]
            assert m["copyable"]["n"] + m["non_copyable"]["n"] == m["n"]
            assert sum(v["n"] for v in m["per_relation"].values()) == m["n"]
            assert set(m["by_candidates"]) == {"range", "all"}
            assert m["by_candidates"]["all"]["mrr"] <= m["by_candidates"]["range"]["mrr"] + 1e-9   # more candidates never help
    assert 0 <= ev["inductive"]["graphmer"]["extraction"]["top1"]["precision"] <= 1
    assert ev["inductive"]["graphmer"]["heldout"]["mlm_ppl"] > 1
    assert ev["inductive"]["text_only"]["heldout"]["mnm_acc"] is None or np.isnan(ev["inductive"]["text_only"]["heldout"]["mnm_acc"])
    for name, chk in ev["meta"]["checkpoint_checks"].items(): assert chk["abs_diff"] < 1e-3, name

def test_ablations_were_trained_with_the_same_parameters(evaluated):
    run, ev, _ = evaluated
    main = json.loads((run / "config.json").read_text())
    for v in ("text_only", "no_decay"):
        adirs = list((run / "ablations").glob(f"tiny-*-{v}-*"))            # runs/<main>/ablations/<its run_id>
        assert len(adirs) == 1, adirs
        cfg = json.loads((adirs[0] / "config.json").read_text())
        assert cfg["run"]["variant"] == v
        same = {k: x for k, x in cfg["parameters"].items() if k not in ("variant", "run_dir", "progress", "resume")}
        assert same == {k: x for k, x in main["parameters"].items() if k in same}
        assert cfg["model"]["use_hgat"] == (v != "text_only") and cfg["model"]["use_decay"] == (v != "no_decay")
        assert cfg["data"]["data_dir"] == main["data"]["data_dir"]        # the same split and windows

def test_random_baseline_is_near_the_middle(evaluated):
    run, ev, _ = evaluated
    import pandas as pd
    r = pd.read_parquet(run / "eval_ranks.parquet")
    assert set(r["model"]) >= MODELS and (r["rank"] >= 1).all()
    freq, rnd = ev["transductive"]["frequency"]["mrr"], ev["transductive"]["random"]["mrr"]
    assert freq > rnd                                                      # a real signal beats chance on real triples

def test_a_changed_checkpoint_is_refused(evaluated, tmp_path):
    from graphmer.evaluate import check_val_loss
    from graphmer.runs import load_run
    from graphmer.core import DamagedFileError
    from safetensors.torch import load_file, save_file
    run, _, _ = evaluated
    bad = tmp_path / "run"; shutil.copytree(run, bad, ignore=shutil.ignore_patterns("checkpoints", "ablations"))
    w = load_file(str(bad / "model.safetensors")); k = next(k for k in w if k.endswith("lm_bias"))
    w[k] = w[k] + torch.randn(w[k].shape, generator=torch.Generator().manual_seed(0)); save_file(w, str(bad / "model.safetensors"), metadata={"format": "pt"})
    with pytest.raises(ValueError, match="does not reproduce"): check_val_loss(load_run(bad))
    w.pop(k); save_file(w, str(bad / "model.safetensors"), metadata={"format": "pt"})
    with pytest.raises(DamagedFileError, match="lm_bias: file absent"): load_run(bad)  # strict: a missing weight is an error naming it

def test_bad_evaluate_parameter_fails_before_work(trained_run, tmp_path):
    "A bad parameter stops the notebook before the run's eval.json is touched (tests/test_bad_params.py tries the other bad values)."
    run, _ = trained_run
    r = papermill(tmp_path / "out.ipynb", ("run_dir", run), ("split", "sideways"), timeout=300)
    assert r.returncode != 0 and "split='sideways'" in r.stdout + r.stderr
    assert not (run / "eval.json").exists() or (run / "eval.json").stat().st_mtime < (tmp_path / "out.ipynb").stat().st_mtime

def test_evaluate_refuses_a_directory_that_is_not_a_run(tmp_path):
    from graphmer.runs import EvalConfig
    with pytest.raises(ValueError, match="is not a finished training run"): EvalConfig(run_dir=str(tmp_path))
