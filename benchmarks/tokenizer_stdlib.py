"""Train the code tokenizer on the whole standard library and measure it on held-out files.

Run: .venv/bin/python benchmarks/tokenizer_stdlib.py [--vocab 12000] [--heldout 0.05] [--seed 0] [--also-vocab 50000]
Trains on every readable stdlib file except a seeded 5% held out by file, then reports training wall time, the
vocabulary size reached, tokens per line, characters per token, the unknown-token rate and round-trip errors on the
held-out files. `--also-vocab` trains once more at another size (default 50k) on the same split, to show how far the
vocabulary gets. Writes benchmarks/results/tokenizer_stdlib.json.
"""
import argparse, json, os, platform, time
from pathlib import Path
from graphmer.core import atomic_write_json, default_corpus
from graphmer.tokenizer import CodeTokenizer, corpus_files, read_code, split_files, tokenizer_stats

def texts_of(files): return [t for f in files if (t := read_code(f)) is not None]

def timed_train(texts, vocab):
    t = time.perf_counter(); tok = CodeTokenizer.train(texts, vocab_size=vocab); return tok, time.perf_counter() - t

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab", type=int, default=12_000); ap.add_argument("--heldout", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=0); ap.add_argument("--also-vocab", type=int, default=50_000)
    ap.add_argument("--save", default="", help="also write the trained tokenizer.json here")
    a = ap.parse_args()
    t0 = time.perf_counter()
    files = corpus_files(default_corpus()); train_f, held_f = split_files(files, a.heldout, a.seed)
    train, held = texts_of(train_f), texts_of(held_f); read_s = time.perf_counter() - t0
    tok, train_s = timed_train(train, a.vocab)
    t = time.perf_counter(); stats = tokenizer_stats(tok, held); measure_s = time.perf_counter() - t
    res = dict(machine=f"{platform.node()} {os.cpu_count()} cores", python=platform.python_version(), seed=a.seed,
               files=len(files), train_files=len(train), heldout_files=len(held), skipped_files=len(files) - len(train) - len(held),
               train_chars=sum(map(len, train)), read_s=read_s, vocab_size_requested=a.vocab, vocab_size=tok.vocab_size,
               train_s=train_s, end_to_end_s=read_s + train_s, heldout=stats, measure_s=measure_s)
    if a.also_vocab:
        tok2, s2 = timed_train(train, a.also_vocab)
        res["also"] = dict(vocab_size_requested=a.also_vocab, vocab_size=tok2.vocab_size, train_s=s2, heldout=tokenizer_stats(tok2, held))
    if a.save: tok.save(a.save)
    atomic_write_json(Path(__file__).with_name("results") / "tokenizer_stdlib.json", res)
    print(json.dumps(res, indent=2))

if __name__ == "__main__": main()
