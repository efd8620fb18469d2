#!/usr/bin/env python
"""Gradient checkpointing (`GraphMERConfig.grad_checkpoint`, `AdaptConfig.grad_checkpoint`): the memory it saves and the
time it costs, for full fine-tuning and LoRA (peft, rank 8 on qkv/out/ffn), `tiny` and `base`, on this CPU.

Each configuration runs in its own process: build the model (and the adapters), AdamW, then 1 + `--steps` training
steps (forward, backward, optimizer) on one synthetic compact batch of `--batch` windows of 128 roots. `peak_rss_mb` is
the process's high-water mark (weights, optimizer state, the allocator's pools and one step's activations: the figure
that decides whether a laptop runs out of memory); `step_s` the median time of the `--steps` timed steps. On a GPU the
activations' peak is `torch.cuda.max_memory_allocated` after the first step, reported when CUDA is present.
Usage: `.venv/bin/python benchmarks/grad_checkpoint.py [--batch 16] [--steps 3]` -> benchmarks/results/grad_checkpoint.json
"""
from __future__ import annotations
import argparse, json, os, platform, resource, statistics, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def one(size: str, lora: bool, ckpt: bool, batch: int, steps: int, device: str) -> dict:
    import torch
    from graphmer.models import GraphMER, synthetic_batch, graphmer_loss
    from graphmer.runs import MODEL_SIZES
    from graphmer.adapt import LoraSettings, add_lora
    torch.manual_seed(0)
    cfg = MODEL_SIZES[size](12000, num_relations=15, dropout=0.1); cfg.grad_checkpoint = ckpt
    model = GraphMER(cfg).to(device).train()
    if lora: model = add_lora(model, LoraSettings())
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    b = {k: v.to(device) if hasattr(v, "to") else v for k, v in synthetic_batch(cfg, B=batch, R=128, layout="compact", seed=1).items()}
    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device == "cuda"):   # as the trainer does on a GPU
            loss = graphmer_loss(model(b), b)["loss"]
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    step()                                                   # first step: the optimizer's state and the allocator's pools exist after it
    if device == "cuda": torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats(); base_gpu = torch.cuda.memory_allocated()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(steps):
        t = time.perf_counter(); step()
        if device == "cuda": torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    r = dict(size=size, lora=lora, grad_checkpoint=ckpt, batch=batch, step_s=round(statistics.median(times), 3),
             peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), rss_after_first_step_mb=round(before / 1024, 1))
    if device == "cuda":
        r["gpu_peak_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)                        # weights, optimizer state, gradients and activations
        r["activation_peak_gpu_mb"] = round((torch.cuda.max_memory_allocated() - base_gpu) / 2**20, 1)   # above what stays allocated between steps
    return r

def _gpu():
    import torch
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--batch", type=int, default=16); ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--sizes", default="tiny,base"); ap.add_argument("--device", default="cpu"); ap.add_argument("--one", default="")
    ap.add_argument("--out", default=str(ROOT / "benchmarks/results/grad_checkpoint.json")); a = ap.parse_args()
    if a.one:
        size, lora, ckpt = a.one.split(":"); print(json.dumps(one(size, lora == "1", ckpt == "1", a.batch, a.steps, a.device))); return
    rows = []
    for size in a.sizes.split(","):
        for lora in ("0", "1"):
            for ckpt in ("0", "1"):
                p = subprocess.run([sys.executable, __file__, "--one", f"{size}:{lora}:{ckpt}", "--batch", str(a.batch), "--steps", str(a.steps), "--device", a.device],
                                   capture_output=True, text=True, cwd=ROOT, env=os.environ | dict(PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))))
                if p.returncode: print(p.stderr[-2000:]); continue
                rows.append(json.loads(p.stdout.strip().splitlines()[-1])); print(rows[-1], flush=True)
    Path(a.out).write_text(json.dumps(dict(command="python benchmarks/grad_checkpoint.py " + " ".join(sys.argv[1:]), date=time.strftime("%Y-%m-%d"),
                                           machine=dict(python=platform.python_version(), cpus=os.cpu_count(), device=a.device, gpu=_gpu()), rows=rows), indent=1))

if __name__ == "__main__": main()
