"""Link-prediction scoring throughput of a trained run on the CPU: queries per second, median of several repeats.

Run: .venv/bin/python benchmarks/eval_throughput.py --run runs/tiny-500-s0 [--queries 200] [--repeats 3] [--split transductive] [--out FILE]
Builds the run's queries exactly as nbs/evaluate.ipynb does, then times `rank_queries` with the GraphMER scorer (one batched
forward pass per (head, relation), every candidate scored, filtered realistic ranks over both candidate sets) and, for
comparison, the frequency baseline. Like the evaluation (`graphmer.runs.Evaluation`), it keeps freed memory blocks in the
process (`graphmer.core.keep_freed_memory`) unless --no-keep-memory is given. Writes --out (default
benchmarks/results/eval_throughput.json).
"""
import argparse, json, os, platform, statistics, time
from pathlib import Path
import pandas as pd, torch
from graphmer.core import atomic_write_json, keep_freed_memory, project_path
from graphmer.extract import load_kg
from graphmer.evaluate import tail_table, known_tails, split_queries, ModelScorer, FrequencyScorer, rank_queries
from graphmer.runs import load_run
from graphmer.data import training_triples

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="runs/tiny-500-s0"); ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3); ap.add_argument("--split", default="transductive", choices=["inductive", "transductive"])
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "eval_throughput.json"))
    ap.add_argument("--no-keep-memory", action="store_true", help="leave glibc's malloc settings as they are")
    a = ap.parse_args()
    kept = False if a.no_keep_memory else keep_freed_memory()
    run = load_run(project_path(a.run)); kg = load_kg(run.config["data"]["kg_dir"])
    split = json.loads((run.path / "split.json").read_text()); held = pd.read_parquet(run.path / "test_triples.parquet")
    tails = tail_table(kg.entities, run.tokenizer, run.model.config.leaf_slots); known = known_tails(kg.triples, tails.ids)
    q = split_queries(run, kg, tails, a.split, a.queries)
    res = {}
    for name, sc in [("graphmer", ModelScorer(run, tails, q)), ("frequency", FrequencyScorer(training_triples(kg.triples, kg.entities, split["test"], held), tails, q))]:
        times = []
        for _ in range(a.repeats):
            t = time.perf_counter(); rank_queries(sc, q, tails, known); times.append(time.perf_counter() - t)
        res[name] = dict(seconds=[round(x, 2) for x in times], median_s=round(statistics.median(times), 2),
                         queries_per_s=round(len(q) / statistics.median(times), 1))
    out = dict(machine=f"{platform.node()} {os.cpu_count()} cores, torch {torch.__version__} ({torch.get_num_threads()} threads)",
               python=platform.python_version(), keep_freed_memory=kept, run=str(run.path), split=a.split, queries=len(q),
               distinct_head_relation=int(len({(int(h), int(r)) for h, r in zip(q.head, q.rel)})), results=res)
    atomic_write_json(Path(a.out), out)
    print(json.dumps(out, indent=2))

if __name__ == "__main__": main()
