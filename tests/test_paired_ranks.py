"benchmarks/paired_ranks.py: several evaluations of the same queries, seed groups, and a refusal when the queries differ."
import json, subprocess, sys
from pathlib import Path
import numpy as np, pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "paired_ranks.py"

def frame(models: dict, n: int = 200, shift: int = 0) -> pd.DataFrame:
    "eval_ranks-style rows: one per (split, model, query), queries h0..h{n-1} of `calls` (rank arrays per model)."
    rows = [dict(split="transductive", model=m, head=f"h{i + shift}", relation="calls", tail=f"t{i}", rank=float(r[i]))
            for m, r in models.items() for i in range(n)]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0)          # row order must not matter

def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=ROOT)

def test_seed_groups_across_files(tmp_path):
    rng = np.random.default_rng(0); n = 200
    good = {f"m-s{k}": rng.choice([1, 2], n) for k in range(3)}        # MRR ~0.75
    bad = {"base": rng.choice([3, 4], n)}                               # MRR ~0.29
    frame(good).to_parquet(tmp_path / "a.parquet"); frame(bad).to_parquet(tmp_path / "b.parquet")
    out = tmp_path / "pairs.json"
    r = run(tmp_path / "a.parquet", tmp_path / "b.parquet", "--models", "m=m-s0/m-s1/m-s2,m-s0", "--against", "base", "--out", out)
    assert r.returncode == 0, r.stderr
    rows = {p["model"]: p for p in json.loads(out.read_text())["pairs"]}
    g = rows["m"]
    assert g["seeds"] == ["m-s0", "m-s1", "m-s2"] and len(g["mrr_per_seed"]) == 3 and g["verdict_per_seed"] == ["ahead"] * 3
    assert g["mrr"] == pytest.approx(np.mean(g["mrr_per_seed"])) and g["verdict"] == "ahead" and g["queries"] == n
    expect = np.mean([1 / good[f"m-s{k}"] for k in range(3)]) - np.mean(1 / bad["base"])
    assert g["difference"] == pytest.approx(expect)
    assert "seeds" not in rows["m-s0"]                                  # a single model: no per-seed fields

def test_refuses_different_queries(tmp_path):
    rng = np.random.default_rng(1)
    frame({"m": rng.choice([1, 2], 50)}, n=50).to_parquet(tmp_path / "a.parquet")
    frame({"base": rng.choice([1, 2], 50)}, n=50, shift=7).to_parquet(tmp_path / "b.parquet")
    r = run(tmp_path / "a.parquet", tmp_path / "b.parquet", "--models", "m", "--against", "base")
    assert r.returncode != 0 and "different queries" in r.stderr
