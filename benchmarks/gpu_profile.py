"""Where the compiled GraphMER-SE training step spends its GPU time, beside HF BERT at the same shape, on one GPU.

    python benchmarks/gpu_profile.py --data data/kg/<kg>/prep-v12000-s0-f0.02-t0.05file-x0.01 --out $OUT [--size base --batch 256]

The batches are real collated training batches of the standard-library samples, padded as compiled training pads them;
only those of the most common shape are kept, so each variant compiles once. For each variant, one Trainer (compiled,
bf16, fused AdamW, sync-free) is warmed up, then:
  * phases: `--steps` steps run as `Trainer.train_step` runs them, with CUDA events between the phases (window +
    forward, loss, backward, clipping + optimizer); the median of each phase, and of the whole step;
  * kernels: `torch.profiler` over `--prof-steps` steps; every CUDA kernel's time, summed per kernel and per category
    (matmul, fused attention, Triton (Inductor's fused kernels), eager element-wise, indexing, optimizer, copies), and
    the share of the step's wall time the GPU was busy.
Variants (`--variants`): `model` (as trained), `no_decay` (use_decay=False: the same eager attention without the decay
multiply), `sdpa` (no decay, and attention through F.scaled_dot_product_attention with the boolean mask: what a fused
kernel would gain), `no_hgat` (use_hgat=False), `flex` (attn_impl='flex' inside the compiled model). `no_decay`, `sdpa` and
`no_hgat` change the model: they are measurements of where time goes, not models to train. BERT: HF BertForMaskedLM
(SDPA) at the same hidden/layers/heads/FFN, batch and positions, profiled the same way. Writes gpu_profile.json.
"""
import argparse, collections, json, platform, statistics, sys, time
from datetime import date
from pathlib import Path
import torch, torch.nn.functional as F
sys.path.insert(0, str(Path(__file__).parent))
from gpu_throughput import batches, bert_step, sync, timed, SIZES
import graphmer.models as gm
from graphmer.models import GraphMER, graphmer_loss
from graphmer.ontology import relation_vocab
from graphmer.pretrain import objective, apply_window
from graphmer.tokenizer import CodeTokenizer
from graphmer.trainers import Trainer, TrainConfig, resolve_config, _autocast, _scalars, piecewise

CATEGORIES = [   # (category, substrings of a kernel's name), first match wins
    ("fused attention", ("flash", "fmha", "efficient_attention", "attention_kernel", "flex")),
    ("optimizer", ("multi_tensor", "fused_adam", "FusedAdam", "_fused_adamw")),
    ("matmul", ("gemm", "cutlass", "nvjet", "xmma", "cublas", "sm90_", "sm80_", "Kernel2", "splitK")),
    ("triton (inductor)", ("triton",)),
    ("indexing", ("index", "scatter", "gather", "embedding")),
    ("softmax / loss", ("softmax", "cross_entropy", "nll_loss", "log_softmax")),
    ("copies", ("memcpy", "Memcpy", "memset", "Memset", "copy_kernel")),
    ("reductions", ("reduce_kernel", "reduce")),
    ("eager element-wise", ("elementwise", "vectorized", "unrolled")),
]

def category(name: str) -> str:
    return next((c for c, keys in CATEGORIES if any(k in name for k in keys)), "other")

def kernel_profile(step, n: int, wall_s: float) -> dict:
    "CUDA kernel time of `n` calls of `step()`, per kernel and per category, in ms per step."
    from torch.profiler import profile, ProfilerActivity
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if torch.cuda.is_available() else [])
    with profile(activities=acts) as prof:
        for _ in range(n): step()
        sync()
    per, count = collections.Counter(), collections.Counter()
    for e in prof.events():
        if getattr(e, "device_type", None) is not None and str(e.device_type).endswith("CUDA") and e.device_time_total:
            per[e.name] += e.device_time_total / 1e3 / n; count[e.name] += 1
    if not per:   # the CPU (a script check): self CPU time of the operators
        for e in prof.key_averages(): per[e.key] += e.self_cpu_time_total / 1e3 / n; count[e.key] += e.count
    cats = collections.Counter()
    for k, v in per.items(): cats[category(k)] += v
    busy = sum(per.values())
    host = sorted(((e.key, e.self_cpu_time_total / 1e3 / n, e.count / n) for e in prof.key_averages()), key=lambda x: -x[1])[:25]
    return dict(host_ops=[dict(name=k[:120], self_cpu_ms=round(ms, 3), calls_per_step=round(c, 1)) for k, ms, c in host],
                busy_ms=round(busy, 2), busy_share_of_step=round(busy / (wall_s * 1e3), 3), kernels_per_step=round(sum(count.values()) / n, 1),
                categories_ms={k: round(v, 2) for k, v in cats.most_common()},
                top_kernels=[dict(name=k[:160], ms=round(v, 3), calls_per_step=round(count[k] / n, 1), category=category(k)) for k, v in per.most_common(25)])

def sdpa_attention_fn(root_idx, slot, valid, decay=None, bias: bool = False):
    "`eager_attention_fn`'s stand-in: attend(q, k, v) through F.scaled_dot_product_attention with the boolean mask, no decay (the variant turns it off); padding rows see themselves (no NaN)."
    N = slot.shape[1]
    mask = (gm.attention_mask(slot, valid) | torch.eye(N, dtype=torch.bool, device=slot.device))[:, None]
    return lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask)

def variant_config(name, cfg):
    if name in ("no_decay", "sdpa"): cfg.use_decay = False
    if name == "no_hgat": cfg.use_hgat = False
    if name == "flex": cfg.attn_impl = "flex"
    if name in ("fused", "fused_whole"): cfg.attn_impl = "fused"
    return cfg

def graphmer_variant(name, size, bs, bl, vocab, n_rel, a, work):
    torch._dynamo.reset(); torch.manual_seed(0)
    if torch.cuda.is_available(): torch.cuda.reset_peak_memory_stats()
    gm.eager_attention_fn = sdpa_attention_fn if name == "sdpa" else EAGER_FN
    cfg = variant_config(name, SIZES[size](vocab, num_relations=n_rel, attn_impl="eager"))
    model = GraphMER(cfg)
    tc, _ = resolve_config(TrainConfig(steps=10**6, batch_size=bs, warmup=10, device=a.device, bf16=True, compile=a.compile_mode if a.device != "cpu" else False, eval_every=10**6,
                                       save_every=10**6, save_every_minutes=0), 10**6)
    loss_fn = objective
    if name == "fused_whole":   # one compiled function for window + model + loss (the model is not compiled on its own)
        tc.compile = False
        core = torch.compile(lambda m, b, R, w: graphmer_loss(m(bw := apply_window(b, R)), bw, mnm_weight=w), mode=a.compile_mode)
        loss_fn = lambda m, b, step, cfg: core(m, b, int(piecewise(cfg.window, step, linear=False)), piecewise(cfg.mnm_weight, step))
    tr = Trainer(model, loss_fn, lambda e: [], lambda b: [], tc, work / name, progress=False)
    i = iter(range(10**9))
    def step(): tr.train_step([bl[next(i) % len(bl)]])
    wall, _ = timed(lambda j: step(), a.warmup, a.steps); warm = timed.warm_s
    phases, host_phases = phase_times(tr, bl, a.steps) if name != "fused_whole" else (None, None)   # fused_whole: its phases are inside one compiled function
    valid = statistics.mean(int(b["valid"].sum()) for b in bl)
    r = dict(model="GraphMER-SE", variant=name, size=size, batch=bs, positions=bl[0]["input_ids"].shape[1], warmup_s=round(warm, 1),
             step_ms=round(wall * 1e3, 2), tokens_per_s=round(valid / wall), phases_ms=phases, host_phases_ms=host_phases, compile_mode=a.compile_mode,
             peak_mem_mb=round(torch.cuda.max_memory_allocated() / 2**20) if torch.cuda.is_available() else None)
    r["kernels"] = kernel_profile(step, a.prof_steps, wall)
    gm.eager_attention_fn = EAGER_FN
    return r

def phase_times(tr, bl, n):
    "Median ms of each phase of the training step (as Trainer.train_step runs it): on the device, from CUDA events (no waits inside the step), and on the host, the time it took to issue the phase."
    cuda = torch.cuda.is_available()
    host = collections.defaultdict(list)
    def mark():
        marks.append(time.perf_counter())
        if not cuda: return marks[-1]
        e = torch.cuda.Event(enable_timing=True); e.record(); return e
    def ms(a, b): return a.elapsed_time(b) if cuda else (b - a) * 1e3
    rows = collections.defaultdict(list)
    for j in range(n):
        b = bl[j % len(bl)]; marks = []
        tr.raw.train(); tr.opt.zero_grad(set_to_none=True)
        t0 = mark()
        if cuda: tr.raw.check_inputs(b)
        b = {k: (v.to(tr.device, non_blocking=True) if torch.is_tensor(v) else v) for k, v in b.items()}
        t1 = mark()
        with _autocast(tr.device, tr.cfg):
            bw = apply_window(b, int(piecewise(tr.cfg.window, tr.state["step"], linear=False)))
            out = tr.model(bw); t2 = mark()
            loss = graphmer_loss(out, bw, mnm_weight=piecewise(tr.cfg.mnm_weight, tr.state["step"])); t3 = mark()
        loss["loss"].backward(); t4 = mark()
        sc = _scalars(loss)
        g = torch.nn.utils.clip_grad_norm_(tr.model.parameters(), tr.cfg.clip or float("inf"))
        if tr.sync_free: tr.opt.found_inf = (~torch.isfinite(torch.stack([sc["loss"], g.double()])).all()).float()
        tr.opt.step(); tr.sched.step(); t5 = mark()
        if cuda: torch.cuda.synchronize()
        for k, (x, y) in dict(copy_in=(t0, t1), forward=(t1, t2), loss=(t2, t3), backward=(t3, t4), optimizer=(t4, t5), step=(t0, t5)).items():
            rows[k].append(ms(x, y))
        for k, (x, y) in dict(copy_in=(0, 1), forward=(1, 2), loss=(2, 3), backward=(3, 4), optimizer=(4, 5), step=(0, 5)).items():
            host[k].append((marks[y] - marks[x]) * 1e3)    # the host's time to issue the phase (no waits inside the step)
    med = lambda d: {k: round(statistics.median(v), 2) for k, v in d.items()}
    return med(rows), med(host)

def bert_profile(size, bs, N, vocab, a):
    step, _ = bert_step(size, bs, N, vocab)
    wall, _ = timed(lambda j: step(), a.warmup, a.steps)
    return dict(model="HF BertForMaskedLM (SDPA)", size=size, batch=bs, positions=N, step_ms=round(wall * 1e3, 2), tokens_per_s=round(bs * N / wall),
                peak_mem_mb=round(torch.cuda.max_memory_allocated() / 2**20), kernels=kernel_profile(step, a.prof_steps, wall))

EAGER_FN = gm.eager_attention_fn

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="a prepared-data directory (tokenizer.json and samples/)")
    ap.add_argument("--out", required=True); ap.add_argument("--size", default="base", choices=sorted(SIZES)); ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=15); ap.add_argument("--warmup", type=int, default=8); ap.add_argument("--prof-steps", type=int, default=5)
    ap.add_argument("--variants", default="model,no_decay,sdpa,no_hgat,flex", help="comma-separated: model, no_decay, sdpa, no_hgat, flex, fused (attn_impl='fused')")
    ap.add_argument("--compile-mode", default="default", help="torch.compile mode of the GraphMER-SE variants (graphmer.trainers.COMPILE_MODES)")
    ap.add_argument("--bert", type=int, default=1, help="1: profile HF BERT at the same shape too")
    ap.add_argument("--device", default="cuda", help="'cuda' (what the figures mean); 'cpu' only checks that the script runs")
    a = ap.parse_args()
    data = Path(a.data); out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    vocab = CodeTokenizer.load(data / "tokenizer.json").vocab_size; n_rel = len(relation_vocab()) + 1
    torch.backends.cuda.matmul.allow_tf32 = True
    bl, _ = batches(data / "samples", vocab, a.batch, "compact", 16, static=True)
    shape = collections.Counter(b["input_ids"].shape for b in bl).most_common(1)[0][0]
    shapes = collections.Counter(tuple(v.shape for v in b.values()) for b in bl if b["input_ids"].shape == shape)
    keep = shapes.most_common(1)[0][0]
    bl = [b for b in bl if tuple(v.shape for v in b.values()) == keep]
    meta = dict(gpu=torch.cuda.get_device_name(0) if a.device.startswith("cuda") else "cpu", torch=torch.__version__, python=platform.python_version(),
                date=str(date.today()), command="python benchmarks/gpu_profile.py --data <prep dir> --out $OUT", size=a.size, batch=a.batch,
                positions=shape[1], batches_of_that_shape=len(bl), steps=a.steps, warmup=a.warmup, prof_steps=a.prof_steps)
    rows = []
    def save(): (out / "gpu_profile.json").write_text(json.dumps(dict(meta=meta, rows=rows), indent=2))
    if a.bert and torch.cuda.is_available():
        rows.append(bert_profile(a.size, a.batch, shape[1], vocab, a)); print(json.dumps(rows[-1])[:1500], flush=True); save()
    for name in a.variants.split(","):
        try: rows.append(graphmer_variant(name, a.size, a.batch, bl, vocab, n_rel, a, out / "work"))
        except Exception as e: rows.append(dict(model="GraphMER-SE", variant=name, error=f"{type(e).__name__}: {str(e)[:500]}"))
        print(json.dumps(rows[-1])[:1500], flush=True); save()
    for r in rows:
        if "error" in r: print(f"{r['variant']}: {r['error']}"); continue
        print(f"\n## {r['model']} {r.get('variant', '')}: {r['step_ms']} ms/step, {r['tokens_per_s']:,} tokens/s, GPU busy {r['kernels']['busy_ms']} ms "
              f"({r['kernels']['busy_share_of_step']:.0%}), {r['kernels']['kernels_per_step']} kernels/step; phases {r.get('phases_ms')}, host {r.get('host_phases_ms')}")
        for k, v in r["kernels"]["categories_ms"].items(): print(f"  {k:22s} {v:8.2f} ms")
        for t in r["kernels"]["top_kernels"][:12]: print(f"    {t['ms']:8.3f} ms  x{t['calls_per_step']:<6} {t['category']:18s} {t['name'][:100]}")
        print("  host (self CPU time per step):")
        for t in r["kernels"]["host_ops"][:25]: print(f"    {t['self_cpu_ms']:8.3f} ms  x{t['calls_per_step']:<6} {t['name'][:100]}")

if __name__ == "__main__":
    main()
