"""GPU training throughput: GraphMER-SE's own training step against Hugging Face BertForMaskedLM, in one process, on one GPU.

Every GraphMER-SE row times `Trainer.train_step` (forward, backward, clipping, fused AdamW; bf16 autocast) on real collated
batches of the standard-library samples; every BERT row times the same kind of step of `BertForMaskedLM` (SDPA attention)
at the same hidden size, layers, heads and FFN, the same batch size, and as many positions as the median GraphMER-SE batch
of that layout. Collation is done before the clock starts (its own rate is measured separately: `loader_*` fields).

    python benchmarks/gpu_throughput.py --data data/kg/<kg>/prep-v12000-s0-f0.02-t0.05file-x0.01 --out $OUT [--steps 15]

FLOPs of a step (both models, the same formula): 6 × (parameters outside the embeddings) × positions
+ 12 × layers × N² × hidden × batch (attention scores and values) + 6 × vocab × hidden × (positions the LM head runs at:
the masked ones for GraphMER-SE, every position for BERT). MFU = FLOPs / step time / --peak (default 790e12, the figure
the issue's table used for an H200's dense bf16). Writes gpu_throughput.json (and prints a Markdown table).
"""
import argparse, json, platform, statistics, time
from datetime import date
from pathlib import Path
import torch
from graphmer.batch import ROOT_SLOT
from graphmer.data import Collator, LeafyChainDataset
from graphmer.models import GraphMER, GraphMERConfig
from graphmer.ontology import relation_vocab
from graphmer.pretrain import objective, static_shapes
from graphmer.tokenizer import CodeTokenizer
from graphmer.trainers import Trainer, TrainConfig, resolve_config

SIZES = dict(tiny=GraphMERConfig.tiny, base=GraphMERConfig.base)

def batches(samples_dir, vocab, bs, layout, n, seed=0, static=False, group=0):
    "n real training batches of `bs` samples (masked as in training; `static`: padded as compiled training pads them; `group`: length-grouped batches, `RunConfig.group_batches`), collated on the host, pinned."
    ds = LeafyChainDataset(samples_dir, "train", shuffle=True, seed=seed, group_batches=group, batch_size=bs); ds.set_epoch(0)
    coll = Collator(vocab, layout, seed=seed, **(static_shapes(group) if static else dict(index_multiple=64)))
    it, out = iter(ds), []
    t = time.perf_counter()
    for _ in range(n): out.append(coll([next(it) for _ in range(bs)]))
    rate = n * bs / (time.perf_counter() - t)
    return ([{k: v.pin_memory() for k, v in b.items()} for b in out] if torch.cuda.is_available() else out), rate

def flops(layers, hidden, vocab, nonemb_params, B, N, lm_positions):
    return 6 * nonemb_params * B * N + 12 * layers * N * N * hidden * B + 6 * vocab * hidden * lm_positions

def sync():
    if torch.cuda.is_available(): torch.cuda.synchronize()

def timed(step, n_warm, n_steps):
    "Median and all step times (s) of `step(i)`, after `n_warm` steps (their time, compilation included, is `timed.warm_s`)."
    t0 = time.perf_counter()
    for i in range(n_warm): step(i)
    sync(); times = []; timed.warm_s = time.perf_counter() - t0
    for i in range(n_steps):
        t = time.perf_counter(); step(n_warm + i); sync(); times.append(time.perf_counter() - t)
    return statistics.median(times), times

def graphmer_row(size, layout, impl, compile_, bs, data, vocab, n_rel, a, work, group=0):
    torch._dynamo.reset(); torch.manual_seed(0)
    if torch.cuda.is_available(): torch.cuda.reset_peak_memory_stats()
    cfg = SIZES[size](vocab, num_relations=n_rel, attn_impl=impl)
    model = GraphMER(cfg)
    tc, _ = resolve_config(TrainConfig(steps=10**6, batch_size=bs, warmup=10, device=a.device, bf16=True, compile=compile_, eval_every=10**6,
                                       save_every=10**6, save_every_minutes=0), 10**6)
    tr = Trainer(model, objective, lambda e: [], lambda b: [], tc, work / f"{size}-{layout}-{impl}-{compile_}-{bs}-{group}", progress=False)
    bl, loader_rate = data
    step_s, times = timed(lambda i: tr.train_step([bl[i % len(bl)]]), a.warmup + (2 * len(bl) if compile_ == "reduce-overhead" else 10 if compile_ or impl == "flex" else 0), a.steps)   # CUDA graphs: each shape is recorded on its second run
    Ns = [b["input_ids"].shape[1] for b in bl]
    shapes = len({tuple(v.shape for v in b.values()) for b in bl})
    valid = statistics.mean(int(b["valid"].sum()) for b in bl)
    roots = statistics.mean(int((b["valid"] & (b["slot"] == ROOT_SLOT)).sum()) for b in bl)
    lm = statistics.mean(int(b["pred_ok"].sum()) for b in bl)
    N = statistics.mean(Ns)
    emb = model.tok_emb.weight.numel() + (model.pos_emb.weight.numel() if model.pos_emb is not None else 0)
    f = flops(cfg.layers, cfg.hidden, vocab, model.num_parameters() - emb, bs, N, lm)
    return dict(model="GraphMER-SE", size=size, layout=layout, attention=impl, compiled=compile_, batch=bs, group_batches=group, positions_mean=round(N, 1),
                padding_share=round(1 - valid / (bs * N), 3), step_ms=round(step_s * 1e3, 2), tokens_per_s=round(valid / step_s),
                root_tokens_per_s=round(roots / step_s), positions_per_s=round(bs * N / step_s), mfu=round(f / step_s / a.peak, 4),
                peak_mem_mb=round(torch.cuda.max_memory_allocated() / 2**20) if torch.cuda.is_available() else None, loader_samples_per_s=round(loader_rate),
                warmup_s=round(timed.warm_s, 1), distinct_batch_shapes=shapes, step_ms_all=[round(t * 1e3, 2) for t in times])

def bert_step(size, bs, N, vocab):
    "(step(), model): one training step of HF BertForMaskedLM (SDPA, bf16 autocast, fused AdamW) at `size`'s hidden/layers/heads/FFN on random ids, 15% of them labelled."
    from transformers import BertConfig, BertForMaskedLM
    torch._dynamo.reset(); torch.cuda.reset_peak_memory_stats(); torch.manual_seed(0)
    g = SIZES[size](vocab)
    m = BertForMaskedLM(BertConfig(vocab_size=vocab, hidden_size=g.hidden, num_hidden_layers=g.layers, num_attention_heads=g.heads,
                                   intermediate_size=g.ffn, max_position_embeddings=max(512, N), attn_implementation="sdpa")).cuda().train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, fused=True)
    gen = torch.Generator(device="cuda").manual_seed(0)
    ids = torch.randint(6, vocab, (bs, N), device="cuda", generator=gen)
    labels = torch.where(torch.rand(bs, N, device="cuda", generator=gen) < 0.15, ids, -100)
    mask = torch.ones_like(ids)
    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16): loss = m(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    return step, m

def bert_row(size, bs, N, vocab, a):
    step, m = bert_step(size, bs, N, vocab)
    g = SIZES[size](vocab)
    step_s, times = timed(lambda i: step(), a.warmup, a.steps)
    emb = sum(p.numel() for n, p in m.named_parameters() if "embeddings" in n)
    f = flops(g.layers, g.hidden, vocab, sum(p.numel() for p in m.parameters()) - emb, bs, N, bs * N)
    return dict(model="HF BertForMaskedLM (SDPA)", size=size, layout="-", attention="sdpa", compiled=False, batch=bs, positions_mean=N,
                padding_share=0.0, step_ms=round(step_s * 1e3, 2), tokens_per_s=round(bs * N / step_s), root_tokens_per_s=round(bs * N / step_s),
                positions_per_s=round(bs * N / step_s), mfu=round(f / step_s / a.peak, 4), peak_mem_mb=round(torch.cuda.max_memory_allocated() / 2**20),
                step_ms_all=[round(t * 1e3, 2) for t in times])

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="a prepared-data directory (tokenizer.json and samples/)")
    ap.add_argument("--out", required=True); ap.add_argument("--steps", type=int, default=15); ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--device", default="cuda", help="'cuda' (what the figures mean); 'cpu' only checks that the script runs")
    ap.add_argument("--peak", type=float, default=790e12, help="peak bf16 FLOP/s for the MFU")
    ap.add_argument("--runs", default="tiny:compact:eager:0:64,tiny:compact:eager:0:256,tiny:compact:eager:1:64,tiny:compact:eager:1:256,"
                    "tiny:full:eager:0:64,tiny:full:flex:0:64,base:compact:eager:0:64,base:compact:eager:0:256,base:compact:eager:1:64,"
                    "base:compact:eager:1:256,base:full:flex:0:64", help="size:layout:attention:compile:batch[:group], comma-separated (compile: 0, 1, or ro: reduce-overhead, CUDA graphs too; group: length-grouped batches, "
                    "sorted within groups of this many batches; RunConfig.group_batches)")
    ap.add_argument("--bert", default="tiny:64,tiny:256,base:64,base:256", help="size:batch of the BERT rows (positions: the median compact N)")
    ap.add_argument("--fused-config", default="", help="block:fwd_warps:fwd_stages:bwd_warps:bwd_stages of the fused kernels (graphmer.fused.FUSED_CONFIG; default: its own)")
    a = ap.parse_args()
    if a.fused_config:
        import graphmer.fused as gf
        gf.FUSED_CONFIG.update(zip(("block", "fwd_warps", "fwd_stages", "bwd_warps", "bwd_stages"), map(int, a.fused_config.split(":"))))
    data = Path(a.data); out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    vocab = CodeTokenizer.load(data / "tokenizer.json").vocab_size; n_rel = len(relation_vocab()) + 1
    torch.backends.cuda.matmul.allow_tf32 = True
    meta = dict(gpu=torch.cuda.get_device_name(0) if a.device.startswith("cuda") else "cpu", torch=torch.__version__, python=platform.python_version(), date=str(date.today()),
                command="python benchmarks/gpu_throughput.py --data <prep dir> --out $OUT", peak_flops=a.peak, steps=a.steps, warmup=a.warmup)
    if a.fused_config: meta["fused_config"] = a.fused_config
    try:
        import transformers; meta["transformers"] = transformers.__version__
    except ImportError: pass
    cache, rows = {}, []
    def save():   # after every row: a run cut off keeps what it measured
        for r in rows:
            h = next((x for x in rows if x["model"] != "GraphMER-SE" and x["size"] == r["size"] and x["batch"] == r["batch"]), None)
            if h and r["model"] == "GraphMER-SE" and r["layout"] == "compact": r["ratio_to_bert_tokens"] = round(r["tokens_per_s"] / h["tokens_per_s"], 3)
        (out / "gpu_throughput.json").write_text(json.dumps(dict(meta=meta, rows=rows), indent=2))
    for spec in filter(None, a.bert.split(",")):
        size, bs = spec.split(":"); bs = int(bs)
        if ("compact", bs, False, 0) not in cache: cache["compact", bs, False, 0] = batches(data / "samples", vocab, bs, "compact", 12)
        N = int(statistics.median(b["input_ids"].shape[1] for b in cache["compact", bs, False, 0][0]))
        rows.append(bert_row(size, bs, N, vocab, a)); print(rows[-1], flush=True); save()
    for spec in a.runs.split(","):
        size, layout, impl, comp, bs, *g = spec.split(":"); bs, g = int(bs), int(g[0]) if g else 0
        mode = {"0": False, "1": True, "ro": "reduce-overhead"}[comp]   # compile: no, yes, with CUDA graphs
        key = (layout, bs, bool(mode), g)
        if key not in cache: cache[key] = batches(data / "samples", vocab, bs, layout, 12, static=bool(mode), group=g)
        rows.append(graphmer_row(size, layout, impl, mode, bs, cache[key], vocab, n_rel, a, out / "work", g)); print(rows[-1], flush=True); save()
    save()
    print("| model | size | layout | attention | compiled | batch | grouped | N | step ms | tokens/s | root tokens/s | MFU | peak MB | × BERT |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['size']} | {r['layout']} | {r['attention']} | {r['compiled'] if isinstance(r['compiled'], str) else 'yes' if r['compiled'] else 'no'} | {r['batch']} | {r.get('group_batches') or '-'} | {r['positions_mean']:.0f} | "
              f"{r['step_ms']} | {r['tokens_per_s']:,} | {r['root_tokens_per_s']:,} | {r['mfu']:.1%} | {r['peak_mem_mb'] or '-'} | {r.get('ratio_to_bert_tokens', '')} |")

if __name__ == "__main__":
    main()
