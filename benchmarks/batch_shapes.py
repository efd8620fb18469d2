"""How many distinct batch shapes (N and the three index-field lengths) training batches take, and the padding each
padding scheme costs: what `torch.compile` recompiles for, against what it wastes; with and without length-grouped
batches (`RunConfig.group_batches`: windows sorted by length within groups of that many batches).

    .venv/bin/python benchmarks/batch_shapes.py --data data/kg/<kg>/prep-v12000-s0-f0.02-t0.05file-x0.01 [--batches 150 --batch 64]

Writes benchmarks/results/batch_shapes.json. CPU only: it collates real training batches of the samples.
"""
import argparse, json, statistics
from pathlib import Path
from graphmer.data import Collator, LeafyChainDataset
from graphmer.pretrain import GROUPED_SHAPES, STATIC_SHAPES
from graphmer.tokenizer import CodeTokenizer

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True); ap.add_argument("--batches", type=int, default=150); ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "batch_shapes.json"))
    ap.add_argument("--group", type=int, default=50, help="the length-grouped rows' group_batches")
    a = ap.parse_args()
    def batches(group):
        ds = LeafyChainDataset(Path(a.data) / "samples", "train", shuffle=True, seed=0, group_batches=group, batch_size=a.batch); ds.set_epoch(0)
        it = iter(ds); return [[next(it) for _ in range(a.batch)] for _ in range(a.batches)]
    vocab, rows, streams = CodeTokenizer.load(Path(a.data) / "tokenizer.json").vocab_size, [], {}
    st, gr = tuple(STATIC_SHAPES.values()), tuple(GROUPED_SHAPES.values())
    for pm, im, group in [(16, 64, 0), (32, 128, 0), (*st, 0), (64, 512, 0), (*st, a.group), (16, 256, a.group), (*gr, a.group)]:
        if group not in streams: streams[group] = batches(group)
        coll = Collator(vocab, "compact", seed=0, pad_multiple=pm, index_multiple=im)
        shapes, pad, lm_pad = set(), [], []
        for s in streams[group]:
            b = coll(s)
            shapes.add((b["input_ids"].shape[1], len(b["pred_index"]), len(b["hgat_index"]), len(b["sbo_index"])))
            pad.append(1 - b["valid"].sum().item() / b["valid"].numel()); lm_pad.append(1 - b["pred_ok"].sum().item() / len(b["pred_ok"]))
        rows.append(dict(pad_multiple=pm, index_multiple=im, group_batches=group, distinct_shapes=len(shapes), positions_padding=round(statistics.mean(pad), 4),
                         lm_head_rows_padding=round(statistics.mean(lm_pad), 4), n_values=sorted({x[0] for x in shapes}), static_shapes=(pm, im) == (gr if group else st)))
        print(rows[-1])
    Path(a.out).write_text(json.dumps(dict(data=str(a.data), batches=a.batches, batch=a.batch, rows=rows), indent=2))

if __name__ == "__main__":
    main()
