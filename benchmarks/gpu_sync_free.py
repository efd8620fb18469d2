"""The training step with and without waiting for the device (`TrainConfig.sync_free`), on one GPU.

    python benchmarks/gpu_sync_free.py --data data/kg/<kg>/prep-v12000-s0-f0.02-t0.05file-x0.01 --out $OUT [--steps 200]

For each (size, compile, batch) one Trainer runs `--steps` steps of `Trainer.train_step` back to back on 12 real collated
batches (pinned, cycled) after a warm-up (compilation included), once waiting for the device in every step (the host reads
whether the loss and gradients are finite, then the metrics) and once without (`sync_free`: fused AdamW skips a
non-finite step on the device and the metrics stay there); the clock stops after one final synchronisation. The same
model and compiled graph serve both modes, alternated in two rounds (wait, free, wait, free) and the median taken, so
the difference is the waits alone. Writes gpu_sync_free.json.
"""
import argparse, json, platform, statistics, sys, time
from datetime import date
from pathlib import Path
import torch
sys.path.insert(0, str(Path(__file__).parent))
from gpu_throughput import batches, sync, SIZES
from graphmer.models import GraphMER
from graphmer.ontology import relation_vocab
from graphmer.pretrain import objective
from graphmer.tokenizer import CodeTokenizer
from graphmer.trainers import Trainer, TrainConfig, resolve_config

def row(size, compile_, bs, data, vocab, a, work):
    torch._dynamo.reset(); torch.manual_seed(0)
    model = GraphMER(SIZES[size](vocab, num_relations=len(relation_vocab()) + 1, attn_impl="eager"))
    tc, _ = resolve_config(TrainConfig(steps=10**6, batch_size=bs, warmup=10, device=a.device, bf16=True, compile=compile_, eval_every=10**6,
                                       save_every=10**6, save_every_minutes=0, sync_free=True), 10**6)
    tr = Trainer(model, objective, lambda e: [], lambda b: [], tc, work / f"{size}-{compile_}-{bs}", progress=False)
    bl = data
    t0 = time.perf_counter()
    for i in range(a.warmup): tr.train_step([bl[i % len(bl)]])
    sync(); warm = time.perf_counter() - t0
    out = {False: [], True: []}
    for rnd in range(2):
        for free in (False, True):
            tr.sync_free = free
            if not free and hasattr(tr.opt, "found_inf"): del tr.opt.found_inf   # the waiting step decides on the host
            sync(); t = time.perf_counter()
            for i in range(a.steps): tr.train_step([bl[i % len(bl)]])
            sync(); out[free].append((time.perf_counter() - t) / a.steps)
    tr._read_bad()
    w, f = statistics.median(out[False]), statistics.median(out[True])
    tok = statistics.mean(int(b["valid"].sum()) for b in bl)
    return dict(size=size, compiled=compile_, batch=bs, warmup_s=round(warm, 1), step_ms_wait=round(w * 1e3, 2), step_ms_sync_free=round(f * 1e3, 2),
                speedup=round(w / f, 3), tokens_per_s_wait=round(tok / w), tokens_per_s_sync_free=round(tok / f), bad_steps=tr.state["bad_steps"],
                rounds_ms={str(k): [round(x * 1e3, 2) for x in v] for k, v in out.items()})

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True); ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=200); ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--device", default="cuda", help="'cuda' (what the figures mean); 'cpu' only checks that the script runs")
    ap.add_argument("--runs", default="tiny:0:64,tiny:1:64,tiny:1:256", help="size:compile:batch, comma-separated")
    a = ap.parse_args()
    data, out = Path(a.data), Path(a.out); out.mkdir(parents=True, exist_ok=True)
    vocab = CodeTokenizer.load(data / "tokenizer.json").vocab_size
    meta = dict(gpu=torch.cuda.get_device_name(0) if a.device.startswith("cuda") else "cpu", torch=torch.__version__, python=platform.python_version(),
                date=str(date.today()), steps=a.steps, warmup=a.warmup, command="python benchmarks/gpu_sync_free.py --data <prep dir> --out $OUT")
    rows = []
    for spec in a.runs.split(","):
        size, comp, bs = spec.split(":"); bs = int(bs)
        bl, _ = batches(data / "samples", vocab, bs, "compact", 12, static=comp == "1")
        if a.device == "cpu": bl = [{k: v for k, v in b.items()} for b in bl]
        rows.append(row(size, comp == "1", bs, bl, vocab, a, out / "work")); print(rows[-1], flush=True)
        (out / "gpu_sync_free.json").write_text(json.dumps(dict(meta=meta, rows=rows), indent=2))

if __name__ == "__main__": main()
