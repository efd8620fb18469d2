"""Training for tests/test_ddp.py: one process with `--accum N`, or N processes under torchrun with accumulation 1 (the
same global batch); `--until` stops early (a run cut short, to resume with another number of processes)."""
import argparse, json, sys
from pathlib import Path
import torch
from graphmer.models import GraphMER, GraphMERConfig, synthetic_batch
from graphmer.pretrain import objective
from graphmer.trainers import Trainer, TrainConfig, resolve_config

ap = argparse.ArgumentParser()
ap.add_argument("run"); ap.add_argument("--accum", type=int, default=1); ap.add_argument("--steps", type=int, default=6)
ap.add_argument("--until", type=int, default=0); ap.add_argument("--resume", action="store_true")
a = ap.parse_args()
torch.set_num_threads(1)
cfg, _ = resolve_config(TrainConfig(steps=a.steps, grad_accum=a.accum, warmup=1, eval_every=3, save_every=3, log_every=1,
                                    batch_size=2, phase="small", device="cpu", save_every_minutes=0), 100)
mcfg = GraphMERConfig.tiny(64, hidden=32, heads=2, ffn=64, layers=2, num_relations=4, dropout=0.0, relation_dropout=0.0)
batches = [synthetic_batch(mcfg, B=2, R=8, seed=i) for i in range(12)]
torch.manual_seed(0)
t = Trainer(GraphMER(mcfg), objective, lambda e: batches, lambda bs: batches[:2], cfg, Path(a.run), progress=False)
res = t.fit(resume=a.resume, until=a.until or None)
if t.rank == 0: print(json.dumps(dict(step=res["step"], world=t.world, tokens=res["tokens"], samples=res["samples"])))
