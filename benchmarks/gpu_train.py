"""GPU training path: the Trainer on CUDA with bf16 autocast, eager vs FlexAttention, tiny and base, compact layout.

Run on a GPU machine from the repo root, with prepared samples (nbs/train.ipynb or `make report` writes them):
    python benchmarks/gpu_train.py --data data/kg/stdlib/prep-v12000-s0-f0.02-t0.05file-x0.01 --out /tmp/gpu [--runs tiny:eager,base:eager]
Prints a Markdown table and writes gpu_train.json into --out.
"""
import argparse, json, statistics, time, platform
from pathlib import Path
import torch
from graphmer.tokenizer import CodeTokenizer
from graphmer.models import GraphMER, GraphMERConfig
from graphmer.ontology import relation_vocab
from graphmer.pretrain import batch_streams, objective, frequency_baseline
from graphmer.trainers import Trainer, TrainConfig, resolve_config

def run(data, out, size, impl, steps, bs, tb):
    tok = CodeTokenizer.load(Path(data) / "tokenizer.json")
    cfg, _ = resolve_config(TrainConfig(steps=steps, batch_size=bs, lr=5e-4, warmup=min(100, steps // 5), eval_every=steps, log_every=10,
                                        save_every=steps, device="cuda", bf16=True, tensorboard=tb), 10**5)
    tr, val = batch_streams(Path(data) / "samples", tok.vocab_size, bs, seed=0, mlm_prob=cfg.mlm_prob)
    vb = val(64)
    torch.manual_seed(0)
    mk = GraphMERConfig.tiny if size == "tiny" else GraphMERConfig.base
    model = GraphMER(mk(tok.vocab_size, num_relations=len(relation_vocab()) + 1, attn_impl=impl))
    run_dir = Path(out) / f"{size}-{impl}"
    t = time.perf_counter()
    res = Trainer(model, objective, tr, lambda b: vb, cfg, run_dir, progress=False).fit()
    wall = time.perf_counter() - t
    rows = [json.loads(l) for l in (run_dir / "metrics.jsonl").read_text().splitlines()]
    tps = [r["tokens_per_s"] for r in rows if r.get("tokens_per_s")][1:]  # the first window includes compilation
    base = frequency_baseline(Path(data) / "samples", tok.vocab_size, vb)
    return dict(size=size, impl=impl, steps=steps, batch=bs, wall_s=round(wall, 1), tokens_per_s_median=round(statistics.median(tps)) if tps else None,
                val_loss=res.get("val_loss"),
                val_mlm_acc=res.get("val_mlm_acc"), val_mnm_acc=res.get("val_mnm_acc"), peak_mem_mb=rows[-1]["peak_mem_mb"], **{k: v for k, v in base.items() if k.endswith("acc")})

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--data", required=True); ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=300); ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--runs", default="tiny:eager,tiny:flex,base:flex", help="comma-separated size:attention pairs")
    a = ap.parse_args()
    pairs = [tuple(x.split(":")) for x in a.runs.split(",")]
    res = [run(a.data, a.out, s, i, a.steps, a.batch, tb=(s == "tiny" and i == "flex")) for s, i in pairs]
    meta = dict(gpu=torch.cuda.get_device_name(0), torch=torch.__version__, python=platform.python_version())
    Path(a.out).mkdir(parents=True, exist_ok=True); (Path(a.out) / "gpu_train.json").write_text(json.dumps(dict(meta=meta, runs=res), indent=2))
    print(meta)
    print("| model | attention | steps × batch | wall s | tokens/s (median) | val MLM acc | val MNM acc | baseline MLM/MNM | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in res: print(f"| {r['size']} | {r['impl']} | {r['steps']} × {r['batch']} | {r['wall_s']} | {r['tokens_per_s_median']} | {r['val_mlm_acc']:.3f} | {r['val_mnm_acc']:.3f} | {r['baseline_mlm_acc']:.3f}/{r['baseline_mnm_acc']:.3f} | {r['peak_mem_mb']:.0f} |")
