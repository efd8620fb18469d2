"""Prepare leafy-chain samples for the whole standard-library KG and report their statistics.

Run: .venv/bin/python benchmarks/data_stdlib.py [--kg /tmp/kg1] [--tokenizer PATH] [--vocab 12000] [--R 128] [--L 7]
Uses the KG at --kg (built with `graphmer build-kg`; default: built into a temporary directory when missing) and the
tokenizer at --tokenizer (default: trained on the standard library at --vocab with a seeded 5% of files held out).
Reports windows, triples injected per window, per relation, the share of candidate triples skipped as too long,
copyable vs non-copyable tails, the preparation time, the on-disk size, and the streaming and collating throughput.
Writes benchmarks/results/data_stdlib.json.
"""
import argparse, json, os, platform, tempfile, time
from pathlib import Path
import torch
from graphmer.core import atomic_write_json
from graphmer.data import Collator, LeafyChainDataset, prepare_samples
from graphmer.tokenizer import CodeTokenizer, train_on_corpus

def get_kg(path):
    if (Path(path) / "manifest.json").exists(): return Path(path), 0.0
    from graphmer.extract import build_kg
    t = time.perf_counter(); build_kg(out_dir=path, workers=os.cpu_count(), progress=False); return Path(path), time.perf_counter() - t

def get_tokenizer(path, vocab):
    if path: return CodeTokenizer.load(path), 0.0
    t = time.perf_counter(); tok, _ = train_on_corpus(vocab_size=vocab, heldout=0.05, seed=0); return tok, time.perf_counter() - t

def throughput(out, vocab_size, batches=200, batch_size=32):
    "Samples per second streamed from the shards, and collated (compact layout)."
    ds = LeafyChainDataset(out, "train", buffer_size=4096, seed=0)
    t = time.perf_counter(); n = sum(1 for _ in ds); stream_s = time.perf_counter() - t
    dl = torch.utils.data.DataLoader(ds, batch_size=batch_size, collate_fn=Collator(vocab_size, "compact", seed=0))
    t, k, lens = time.perf_counter(), 0, []
    for b in dl:
        lens.append(b["input_ids"].shape[1]); k += 1
        if k == batches: break
    collate_s = time.perf_counter() - t
    return dict(stream_samples_per_s=n / stream_s, collate_samples_per_s=k * batch_size / collate_s,
                compact_N_mean=sum(lens) / len(lens), full_N=1 + ds.R + ds.R * ds.L)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kg", default="/tmp/kg1"); ap.add_argument("--tokenizer", default="")
    ap.add_argument("--vocab", type=int, default=12_000); ap.add_argument("--R", type=int, default=128)
    ap.add_argument("--L", type=int, default=7); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="", help="sample directory (default: a temporary one)")
    a = ap.parse_args()
    kg, kg_s = get_kg(a.kg)
    tok, tok_s = get_tokenizer(a.tokenizer, a.vocab)
    out = Path(a.out or tempfile.mkdtemp(prefix="graphmer_samples_"))
    stats = prepare_samples(kg, tok, out, R=a.R, L=a.L, seed=a.seed)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    res = dict(machine=f"{platform.node()} {os.cpu_count()} cores", python=platform.python_version(), kg=str(kg),
               kg_build_s=kg_s, tokenizer_vocab_size=tok.vocab_size, tokenizer_train_s=tok_s, out=str(out),
               disk_mb=size / 2**20, **stats, throughput=throughput(out, tok.vocab_size))
    atomic_write_json(Path(__file__).with_name("results") / "data_stdlib.json", res)
    s = stats["all"]
    print(json.dumps({k: v for k, v in s.items() if not isinstance(v, dict)}, indent=1))
    print("per window:", s["per_window"]); print("per relation:", s["per_relation"])
    print(f"prepare {stats['prepare_s']} s, disk {size / 2**20:.0f} MB, throughput {res['throughput']}")

if __name__ == "__main__": main()
