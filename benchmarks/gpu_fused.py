"""The fused attention kernels (graphmer.fused) against the eager attention they replace, on one GPU: agreement and speed of one attention call, forward and backward.

    python benchmarks/gpu_fused.py --out $OUT [--batch 256 --roots 74]

Inputs: a synthetic compact batch (`graphmer.models.synthetic_batch`: padding, the graph token, leaves; --roots 74 gives
192 positions, the padded length of the real `base` batches at batch 256) and random q, k, v of the `base` model's
heads (8 × 64), bf16. Agreement: the output and the gradients to q, k, v, p_h and the graph distance of the fused path
and of the eager path, both under bf16 autocast, against the eager path in fp32, as the largest error relative to the
largest value. Speed: the median of --steps calls of forward + backward of one attention (q, k, v sliced from one
(B, N, 3, heads, d_h) tensor, as the layers do), for the eager path compiled with torch.compile, for SDPA without the
decay (the fused kernel's floor: FlashAttention-class kernels, boolean mask), and for the fused kernels with each
launch configuration of --configs (block:fwd_warps:fwd_stages:bwd_warps:bwd_stages). Writes gpu_fused.json.
"""
import argparse, json, platform, statistics, time
from datetime import date
from pathlib import Path
import torch, torch.nn.functional as F
import graphmer.fused as gf
from graphmer.models import GraphMERConfig, decay_matrix, eager_attention_fn, synthetic_batch

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True); ap.add_argument("--batch", type=int, default=256); ap.add_argument("--roots", type=int, default=74)
    ap.add_argument("--heads", type=int, default=8); ap.add_argument("--head-dim", type=int, default=64); ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--decay-mode", default="multiply", choices=["multiply", "bias"])
    ap.add_argument("--configs", default="64:4:3:4:2,64:4:2:8:2,128:8:3:8:2,32:4:3:4:2,64:8:3:4:3")
    a = ap.parse_args()
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    H, DH = a.heads, a.head_dim
    cfg = GraphMERConfig(vocab_size=1000, hidden=H * DH, heads=H, layers=1, max_roots=max(128, a.roots))
    b = {k: v.to(dev) for k, v in synthetic_batch(cfg, B=a.batch, R=a.roots, layout="compact", seed=0).items()}
    B, N = b["slot"].shape
    p = torch.linspace(0.5, 2.0, H, device=dev).requires_grad_(); graw = torch.tensor(0.5413, device=dev, requires_grad=True)
    bias = a.decay_mode == "bias"
    def eager(q, k, v):
        gd = F.softplus(graw)
        return eager_attention_fn(b["root_idx"], b["slot"], b["valid"], lambda d: decay_matrix(d, p, gd, 0.6), bias=bias)(q, k, v)
    def fused(q, k, v):
        return gf.fused_attention_fn(b["root_idx"], b["slot"], b["valid"], p, F.softplus(graw), 0.6, a.decay_mode, H)(q, k, v)
    def sdpa(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=(b["valid"][:, :, None] & b["valid"][:, None, :])[:, None])
    res = dict(date=str(date.today()), gpu=torch.cuda.get_device_name() if dev == "cuda" else platform.processor(), torch=torch.__version__,
               triton=__import__("triton").__version__, shape=dict(B=B, heads=H, N=N, head_dim=DH), decay_mode=a.decay_mode, steps=a.steps)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    def save(): (out / "gpu_fused.json").write_text(json.dumps(res, indent=1))

    # agreement with the fp32 eager path
    g = torch.Generator(device=dev).manual_seed(0)
    x32 = torch.randn(B, N, 3, H, DH, device=dev, generator=g); w = torch.randn(B, H, N, DH, device=dev, generator=g)
    def run(fn, bf16):
        x = x32.to(torch.bfloat16 if bf16 else torch.float32).detach().clone().requires_grad_(); p.grad = graw.grad = None   # bf16 q, k, v: as the layers' autocast Linear gives them
        with torch.autocast(dev, dtype=torch.bfloat16, enabled=bf16):
            o = fn(*x.permute(2, 0, 3, 1, 4))
        (o.float() * w).sum().backward()
        return dict(out=o.float().detach(), qkv=x.grad.float(), p_head=p.grad.clone(), graph_dist=graw.grad.clone())
    ref = run(eager, False)
    for name, fn, bf16 in [("eager_bf16", eager, True), ("fused_bf16", fused, True), ("fused_fp32", fused, False)]:
        got = run(fn, bf16)
        res["error_" + name] = {k: ((got[k] - r).abs().max() / r.abs().max().clamp(min=1e-12)).item() for k, r in ref.items()}
        print(name, res["error_" + name], flush=True)
    save()

    def bench(fn):
        x = torch.randn(B, N, 3, H, DH, device=dev, dtype=torch.bfloat16, requires_grad=True)
        def step():
            with torch.autocast(dev, dtype=torch.bfloat16):
                o = fn(*x.permute(2, 0, 3, 1, 4))
            o.float().sum().backward()
        for _ in range(3): step()
        ts = []
        for _ in range(a.steps):
            if dev == "cuda": torch.cuda.synchronize()
            t = time.perf_counter(); step()
            if dev == "cuda": torch.cuda.synchronize()
            ts.append(time.perf_counter() - t)
        return round(statistics.median(ts) * 1e3, 3)
    res["ms"] = {}
    for name, fn in [("eager_compiled", torch.compile(eager)), ("sdpa_no_decay", sdpa)]:
        res["ms"][name] = bench(fn); print(name, res["ms"][name], "ms", flush=True); save()
    default = dict(gf.FUSED_CONFIG)
    for spec in a.configs.split(","):
        blk, fw, fs, bw, bs = map(int, spec.split(":"))
        gf.FUSED_CONFIG.update(block=blk, fwd_warps=fw, fwd_stages=fs, bwd_warps=bw, bwd_stages=bs)
        try: res["ms"]["fused_" + spec] = bench(fused)
        except Exception as e: res["ms"]["fused_" + spec] = repr(e)[:300]
        print("fused", spec, res["ms"]["fused_" + spec], flush=True); save()
    gf.FUSED_CONFIG.update(default)
    ok = {k: v for k, v in res["ms"].items() if k.startswith("fused_") and isinstance(v, float)}
    res["best_config"] = min(ok, key=ok.get)[len("fused_"):] if ok else None
    save(); print(json.dumps(res["ms"]), "best", res["best_config"])

if __name__ == "__main__":
    main()
