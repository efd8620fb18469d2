"""Adapting a pretrained run to PyPI projects: LoRA against full fine-tuning and training from scratch, on the target's held-out files.

    .venv/bin/python benchmarks/adapt_pypi.py --base runs/gpu/ref-s0 --kg data/kg/pypi-requests-2.32.3 --kg data/kg/pypi-flask-3.0.3 --steps 300

For each target KG (build it from the unpacked sdist root: benchmarks/fetch_pypi.sh, then `graphmer build-kg`), each
variant runs in its own process (so its peak memory is its own): `lora` is the recipe of nbs/adapt.ipynb
(`graphmer.adapt.Adaptation`); `full` fine-tunes every weight of the base; `scratch` trains the same model from random
initialisation on the target alone. All three see the same windows (made with the base's tokenizer), the same split,
steps and schedule, and are scored on the same held-out test files of the target with the trainer's metrics, beside
the base itself (no training), and on link prediction over the facts of those files (SPEC §7's inductive protocol inside
the target; `--queries` of them, the same for every model) beside the target's own frequency and copy baselines.
Relations the base never trained on get rows of their own in the LoRA variant (`new_relations='auto'`). Step time is
the median over the trainer's logged intervals (10 steps each). Writes benchmarks/results/adapt_pypi.json (`--json`).
"""
import argparse, json, math, platform, resource, statistics, subprocess, sys, time
from pathlib import Path

VARIANTS = ("lora", "full", "scratch")

def one(a) -> dict:
    "Train one variant on one target in this process; returns its figures."
    import torch
    from graphmer.adapt import AdaptConfig, Adaptation, HeldoutLinks, base_only, trainable_share
    from graphmer.models import GraphMER
    from graphmer.pretrain import objective
    from graphmer.trainers import Trainer, evaluate_batches
    out = Path(a.out) / f"{Path(a.kg).name}-{a.variant}"
    cfg = AdaptConfig(base_run=a.base, kg_dir=a.kg, steps=a.steps, eval_every=a.steps, save_every=a.steps, save_every_minutes=0, run_dir=str(out),
                      device=a.device, progress=False, seed=a.seed, lr=a.lr if a.variant == "lora" else a.full_lr)
    ad = Adaptation(cfg); split = ad.prepare(); ad.build_model()
    links = HeldoutLinks(a.kg, ad.data_dir, ad.base.tokenizer, ad.base.model.config.leaf_slots, a.queries, a.seed, ad.device) if a.queries else None
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    bs = ad.train_cfg.eval_batch_size
    test = ad.val_batches(bs, "test")
    def metrics(model):
        m = evaluate_batches(model, objective, test, ad.train_cfg, device=ad.device, prefix="")
        return dict(loss=m["loss"], mlm_acc=m["mlm_acc"], mnm_acc=m.get("mnm_acc"), mlm_perplexity=math.exp(m["mlm_loss"]))
    res = dict(target=Path(a.kg).name, variant=a.variant, windows=split, test_windows=sum(int(b["input_ids"].shape[0]) for b in test), device=str(ad.device))
    if a.variant == "lora":
        ad.model.to(ad.device)
        with base_only(ad.model):
            res["base"] = metrics(ad.model.eval())
            if links: res["base_links"] = links.model(ad.model)
        if links: res |= dict(baselines=links.baselines(), link_queries=links.q.stats)
        res["new_relations"] = ad.new_relations
        model = ad.model
    else:
        from graphmer.runs import load_run
        model = load_run(a.base).model              # a fresh copy: build_model put adapters into ad.base.model
        if a.variant == "scratch":
            torch.manual_seed(a.seed); model = GraphMER(ad.base.model.config)
        for p in model.parameters(): p.requires_grad_(True)
    share = trainable_share(model)
    t0 = time.perf_counter()
    trainer = Trainer(model, objective, ad.train_batches, lambda b: ad.val_batches(b), ad.train_cfg, out, progress=False)
    trainer.fit()
    wall = time.perf_counter() - t0
    rows = [json.loads(l) for l in (out / "metrics.jsonl").read_text().splitlines() if l.strip()]
    rates = [r["tokens_per_s"] for r in rows if r.get("tokens_per_s") and "loss" in r]
    step_s = [r.get("step_s") for r in rows if r.get("step_s")]
    if links: res["adapted_links"] = links.model(model.eval())
    res |= dict(adapted=metrics(model.eval()), trainable=share["trainable"], total=share["total"], trainable_share=share["share"], wall_s=round(wall, 1),
                median_tokens_per_s=statistics.median(rates) if rates else None, peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                rss_before_training_mb=rss0 / 1024,
                peak_gpu_mb=torch.cuda.max_memory_allocated() / 2**20 if ad.device.type == "cuda" else None)
    if a.variant == "lora":
        from graphmer.adapt import save_adapter, base_identity
        adir = save_adapter(model, out / "adapter", base_identity(model, ad.base.name))
        from graphmer.adapt import ROWS_FILE
        res["adapter_bytes"] = (adir / "adapter_model.safetensors").stat().st_size
        res["relation_rows_bytes"] = (adir / ROWS_FILE).stat().st_size if (adir / ROWS_FILE).exists() else 0
    else:
        from safetensors.torch import save
        res["model_bytes"] = len(save({k: v.contiguous() for k, v in model.state_dict().items()}))
    return res

def write(a, rows):
    import torch
    gpu = torch.cuda.get_device_name(0) if a.device.startswith("cuda") and torch.cuda.is_available() else None
    Path(a.json).write_text(json.dumps(dict(machine=dict(platform=platform.platform(), python=platform.python_version(), torch=torch.__version__, gpu=gpu),
                                            base=a.base, steps=a.steps, seed=a.seed, queries=a.queries, device=a.device, date=time.strftime("%Y-%m-%d"),
                                            lr=a.lr, full_lr=a.full_lr, rows=rows), indent=1) + "\n")

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", required=True); ap.add_argument("--kg", action="append", required=True)
    ap.add_argument("--steps", type=int, default=300); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=1e-3, help="LoRA learning rate"); ap.add_argument("--full-lr", type=float, default=2e-4, help="full fine-tuning and scratch")
    ap.add_argument("--out", default="/tmp/adapt_pypi"); ap.add_argument("--variant", default="")
    ap.add_argument("--queries", type=int, default=300, help="link-prediction queries per target (0: none)"); ap.add_argument("--device", default="cpu")
    ap.add_argument("--json", default=str(Path(__file__).parent / "results" / "adapt_pypi.json"))
    a = ap.parse_args()
    if a.variant:   # a child: one variant, one target
        a.kg = a.kg[0]; print(json.dumps(one(a))); return
    rows = []
    for kg in a.kg:
        for v in VARIANTS:
            cmd = [sys.executable, __file__, "--base", a.base, "--kg", kg, "--steps", str(a.steps), "--seed", str(a.seed), "--lr", str(a.lr),
                   "--full-lr", str(a.full_lr), "--out", a.out, "--variant", v, "--queries", str(a.queries), "--device", a.device]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode: raise SystemExit(f"{v} on {kg} failed:\n{p.stderr[-3000:]}")
            rows.append(json.loads(p.stdout.strip().splitlines()[-1])); r = rows[-1]
            write(a, rows)                                   # after every row: a run cut short keeps what it measured
            print(f"{r['target']:28s} {v:8s} held-out MLM acc {r['adapted']['mlm_acc']:.3f} MNM acc {r['adapted']['mnm_acc']:.3f} "
                  f"MRR {r.get('adapted_links', {}).get('mrr', float('nan')):.3f} "
                  f"ppl {r['adapted']['mlm_perplexity']:.1f}  trainable {r['trainable_share']:.2%}  {r['wall_s']} s  peak {r['peak_rss_mb']:.0f} MB", flush=True)


if __name__ == "__main__": main()
