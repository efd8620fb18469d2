"""Driver of tests/test_kills.py: train a small run uninterrupted, then once per kill point kill a run there (SIGKILL,
through `graphmer.core.kill_point`) and resume it, in forked children of this one process (torch is imported once), two kill points at a time.

Usage: python tests/kill_driver.py KG_DIR WORK_DIR POINTS_JSON OUT_JSON
POINTS_JSON: [[point, n], ...]; OUT_JSON gets, per point, how the killed child ended and whether the resumed run
matches the uninterrupted one (weights, summary, metric rows)."""
import json, os, signal, sys
from pathlib import Path
import torch
from graphmer.core import KILL_ENV, atomic_write_json
from graphmer.pretrain import prepare_data, batch_streams, objective
from graphmer.tokenizer import CodeTokenizer
from graphmer.models import GraphMER, GraphMERConfig
from graphmer.trainers import Trainer, TrainConfig, resolve_config
from graphmer.runs import save_run
from safetensors.torch import load_file

VOLATILE = ("wall_s", "tokens_per_s", "peak_mem_mb")   # time and memory: not part of what a run computes

def train(kg: Path, run: Path, resume: bool):
    "The run: 24 steps of a small model with evaluations, logs, periodic/best/last checkpoints, then the saved model and its summary."
    torch.set_num_threads(1)
    prep = prepare_data(kg, kg.parent / "prep", vocab_size=800, val_frac=0.2, seed=0, progress=False)
    tok = CodeTokenizer.load(kg.parent / "prep" / "tokenizer.json")
    cfg, _ = resolve_config(TrainConfig(steps=24, lr=5e-4, warmup=4, eval_every=8, save_every=4, log_every=4, batch_size=4), prep["n_train"])
    tr, val = batch_streams(kg.parent / "prep" / "samples", tok.vocab_size, cfg.batch_size, seed=0, mlm_prob=cfg.mlm_prob)
    vb = val(16)[:4]
    torch.manual_seed(0)
    model = GraphMER(GraphMERConfig.tiny(tok.vocab_size, hidden=64, heads=2, ffn=128, layers=2, dropout=cfg.dropout))
    res = Trainer(model, objective, tr, lambda bs: vb, cfg, run, progress=False).fit(resume=resume)
    summary = {k: v for k, v in res.items() if k.startswith("val_") or k in ("step", "tokens", "samples", "bad_steps", "best", "best_step")}
    save_run(run, model, {"tokenizer.json": (kg.parent / "prep" / "tokenizer.json").read_bytes()}, dict(train=cfg.__dict__), summary)

def start(kg, run, resume, env) -> int:
    "Fork a child that runs `train` with `env` added; its pid."
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.environ.update(env); train(kg, run, resume); code = 0
        except BaseException as e: print(f"child failed: {type(e).__name__}: {e}", file=sys.stderr)
        finally: os._exit(code)
    return pid

def code(status: int) -> int:
    "A child's wait status as an exit code (negative: the signal that ended it)."
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)

def child(kg, run, resume, env) -> int:
    "Run `train` in a forked child with `env` added and wait for it; its exit code (negative: the signal that ended it)."
    return code(os.waitpid(start(kg, run, resume, env), 0)[1])

def outcome(run: Path) -> dict:
    "What a finished run computed: its final weights, summary and metric rows (without time and memory)."
    w = load_file(str(run / "model.safetensors"))
    rows = [{k: v for k, v in json.loads(l).items() if k not in VOLATILE} for l in (run / "metrics.jsonl").read_text().splitlines()]
    return dict(weights={k: v for k, v in w.items()}, summary=json.loads((run / "summary.json").read_text()), rows=rows)

def same(a: dict, b: dict) -> list[str]:
    "What differs between two outcomes ([] when they are identical to the last bit)."
    bad = [f"weight {k}" for k in a["weights"] if k not in b["weights"] or not torch.equal(a["weights"][k], b["weights"][k])]
    if a["summary"] != b["summary"]: bad.append(f"summary {a['summary']} != {b['summary']}")
    if a["rows"] != b["rows"]: bad.append(f"metric rows differ ({len(a['rows'])} vs {len(b['rows'])})")
    return bad

PARALLEL = int(os.environ.get("GRAPHMER_KILL_PARALLEL", "2"))   # kill-and-resume sequences run at once (each child trains on one thread)

def main(kg, work, points, out):
    "The reference run, then each kill point's kill and resume, `PARALLEL` points at a time (a point's resume starts when its kill ended)."
    kg, work = Path(kg), Path(work)
    assert child(kg, work / "reference", False, {}) == 0, "the uninterrupted run failed"
    ref = outcome(work / "reference")
    results, todo, running, killed = [None] * len(points), list(enumerate(points)), {}, {}
    while todo or running:
        while todo and len(running) < PARALLEL:
            i, (point, n) = todo.pop(0)
            running[start(kg, work / f"cut{i}", False, {KILL_ENV: f"{point}:{n}"})] = (i, "kill")
        pid, status = os.wait()
        i, stage = running.pop(pid)
        run, (point, n) = work / f"cut{i}", points[i]
        if stage == "kill":
            killed[i] = (code(status), sorted(p.name for p in (run / "checkpoints").glob("*")) if (run / "checkpoints").exists() else [])
            running[start(kg, run, True, {})] = (i, "resume"); continue
        resumed, (exit_, left) = code(status), killed[i]
        got = outcome(run) if resumed == 0 else None
        diff = same(ref, got) if got else [f"resume exited {resumed}"]
        steps = [r["step"] for r in got["rows"]] if got else []
        results[i] = dict(point=point, n=n, killed=exit_ == -signal.SIGKILL, exit=exit_, checkpoints_left=left, resumed=resumed == 0,
                          identical=not diff, differences=diff[:5], duplicate_rows=len(steps) != len(set(steps)))
        print(json.dumps(results[i]), flush=True)
    atomic_write_json(out, results)

if __name__ == "__main__": main(sys.argv[1], sys.argv[2], json.loads(Path(sys.argv[3]).read_text()), sys.argv[4])
