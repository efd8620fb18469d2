"Leafy chain data: mention placement and injection, file split, shard streaming, and the masking statistics of the collator."
from collections import Counter
import numpy as np, pytest, torch
from graphmer.batch import CLS_ID, GRAPH_SLOT, IGNORE, MASK_ID, PAD_ID, PAD_SLOT, ROOT_SLOT, SEP_ID, SPECIAL_TOKENS, hops
from graphmer.data import (Collator, LeafyChainDataset, covering_tokens, load_split, mention_char_spans, prepare_samples,
                           render_sample, sample_root_spans, span_length_probs, split_by_file)
from graphmer.extract import build_kg
from graphmer.tokenizer import CodeTokenizer

# ---- mentions -> tokens -------------------------------------------------------------------------------------------
def test_byte_columns_become_character_offsets():
    text = "a = 'ü'; b = Käse()\nüber = 1\n"
    line2 = "über = 1"
    # byte columns of 'Käse' on line 1: "a = 'ü'; b = " is 14 bytes (ü takes two)
    s, e = mention_char_spans(text, [1, 2], [14, 0], [19, 5])
    assert text[s[0]:e[0]] == "Käse" and text[s[1]:e[1]] == "über" and line2.startswith("über")

def test_covering_tokens():
    starts, ends = np.array([0, 2, 5]), np.array([2, 5, 6])
    f, l = covering_tokens(starts, ends, [1, 0, 6], [5, 6, 7])
    assert f.tolist() == [0, 0, -1] and l.tolist() == [1, 2, -1]

# ---- preparing samples from a small KG ---------------------------------------------------------------------------
SRC = {
    "pkg/__init__.py": "",
    "pkg/base.py": '''"""Base classes."""
class Base:
    def run(self):
        raise ValueError("base")

def a_really_long_helper_name_with_many_many_pieces_inside_it():
    return Base()

class Child(Base):
    def run(self):
        x = "héllo wörld"; y = Base(); return a_really_long_helper_name_with_many_many_pieces_inside_it()
''',
    "pkg/use.py": '''from pkg.base import Base, Child
def make():
    s = "ünïcode"; c = Child(); return c.run()
class Grand(Child):
    def run(self):
        try:
            return make()
        except ValueError:
            return Base()
''',
}

@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("data"); src = d / "src"
    for p, t in SRC.items(): (src / p).parent.mkdir(parents=True, exist_ok=True); (src / p).write_text(t, encoding="utf-8")
    build_kg([src], out_dir=d / "kg", workers=1, progress=False)
    tok = CodeTokenizer.train(list(SRC.values()) * 20, vocab_size=400)
    stats = prepare_samples(d / "kg", tok, d / "samples", R=24, L=3, val_frac=0.34, seed=0, shard_size=4)
    return d, tok, stats

def all_samples(d, split):
    return list(LeafyChainDataset(d / "samples", split, shuffle=False))

def test_injections_sit_on_the_head_and_hold_the_tail(small):
    d, tok, stats = small
    import pandas as pd
    ents = pd.read_parquet(d / "samples" / "entities.parquet")
    n = 0
    for s in all_samples(d, "train") + all_samples(d, "val"):
        assert s["root_ids"][0] == CLS_ID and SEP_ID in s["root_ids"].tolist()
        inj = np.flatnonzero(s["leaf_rel"])
        assert len(set(s["head_entity"][inj].tolist())) == len(inj)          # one triple per head per window
        for i in inj:
            tl, m = s["tail_len"][i], s["head_len"][i]
            assert 1 <= tl <= 3 and m >= 1
            assert s["leaf_ids"][i, :tl].tolist() == tok.encode_name(ents.name[s["tail_entity"][i]])
            assert (s["leaf_ids"][i, tl:] == PAD_ID).all()
            assert ents.name[s["head_entity"][i]] in tok.decode(s["root_ids"][i:i + m].tolist())
            n += 1
        assert (s["leaf_ids"][s["leaf_rel"] == 0] == PAD_ID).all()
    assert n == stats["all"]["injected"] and n > 5

def test_stats_count_too_long_tails_and_copyable(small):
    d, tok, stats = small
    a = stats["all"]
    assert a["too_long"] > 0 and 0 < a["too_long_share"] < 1                 # the long helper name does not fit L=3
    assert sum(a["per_window"].values()) == a["windows"] and sum(a["per_relation"].values()) == a["injected"]
    assert 0 <= a["copyable"] <= a["injected"] and a["copyable"] > 0
    assert (d / "samples" / "stats.json").exists()

def test_split_is_by_file_seeded_and_saved(small):
    d, _, stats = small
    sp = load_split(d / "samples")
    assert sp["val"] and not set(sp["train"]) & set(sp["val"])
    for part in ("train", "val"):
        assert {sp["files"][int(s["file_id"])] for s in all_samples(d, part)} <= set(sp[part])
    assert split_by_file(sp["files"], 0.34, 0)["val"] == sp["val"]

# ---- streaming ----------------------------------------------------------------------------------------------------
def test_dataset_with_two_workers_yields_every_sample_once(small):
    d, tok, _ = small
    want = Counter((int(s["file_id"]), int(s["window"])) for s in all_samples(d, "train"))
    ds = LeafyChainDataset(d / "samples", "train", buffer_size=3, seed=1)
    assert len(ds.shards) >= 2
    dl = torch.utils.data.DataLoader(ds, batch_size=2, num_workers=2, collate_fn=lambda b: b)
    got = Counter((int(s["file_id"]), int(s["window"])) for batch in dl for s in batch)
    assert got == want
    mine = [ds.my_shards(w, 2) for w in range(2)]
    assert not set(mine[0]) & set(mine[1]) and len(mine[0]) + len(mine[1]) == len(ds.shards)

def test_collator_in_workers_batches_samples(small):
    d, tok, _ = small
    dl = torch.utils.data.DataLoader(LeafyChainDataset(d / "samples", "train", seed=0), batch_size=3, num_workers=2,
                                     collate_fn=Collator(tok.vocab_size, seed=0))
    bs = list(dl)
    assert sum(len(b["input_ids"]) for b in bs) == len(LeafyChainDataset(d / "samples", "train"))
    assert all(b["input_ids"].shape[1] % 16 == 0 for b in bs)

def test_render_sample(small):
    d, tok, _ = small
    ss = all_samples(d, "train"); s = max(ss, key=lambda s: (s["leaf_rel"] > 0).sum())
    b = Collator(tok.vocab_size, "full", mlm_prob=0.3, mnm_prob=1.0, seed=0)([s])
    fig = render_sample(s, tok, b, row=0, roots=(0, 24))
    colors = fig.data[1].marker.color
    assert "crimson" in colors and len(fig.data[1].x) == 24 + int(s["tail_len"].sum())

# ---- masking statistics --------------------------------------------------------------------------------------------
R, L, V = 128, 7, 1000

def synthetic_samples(n, seed=0, word_p=0.6):
    rng, out = np.random.default_rng(seed), []
    for _ in range(n):
        k = rng.integers(60, R - 2 + 1)                       # code tokens in the window
        rid = np.zeros(R, np.int32); rid[0], rid[1:k + 1], rid[k + 1] = CLS_ID, rng.integers(6, V, k), SEP_ID
        ws = np.zeros(R, bool); ws[1:k + 1] = rng.random(k) < word_p; ws[[0, 1, k + 1]] = True
        tl = np.where(rng.random(R) < 0.1, rng.integers(1, L + 1, R), 0).astype(np.int8); tl[[0]] = 0; tl[k + 1:] = 0
        leaf = np.where(np.arange(L)[None] < tl[:, None], rng.integers(6, V, (R, L)), PAD_ID).astype(np.int32)
        out.append(dict(root_ids=rid, root_word_start=ws, leaf_ids=leaf, leaf_rel=np.where(tl > 0, rng.integers(1, 15, R), 0).astype(np.int16),
                        head_len=np.where(tl > 0, 1, 0).astype(np.int16), tail_len=tl, copyable=(tl > 0) & (rng.random(R) < 0.3),
                        tail_entity=np.where(tl > 0, 7, -1).astype(np.int32), head_entity=np.where(tl > 0, 3, -1).astype(np.int32)))
    return out

@pytest.fixture(scope="module")
def draws():
    "400 full-layout batches of the same 16 samples, and the samples."
    ss = synthetic_samples(16); c = Collator(V, "full", seed=0)
    return ss, [c(ss) for _ in range(400)]

def test_mlm_masked_share_is_about_15_percent(draws):
    ss, bs = draws
    code = sum(int(np.isin(s["root_ids"], [PAD_ID, CLS_ID, SEP_ID], invert=True).sum()) for s in ss)
    share = sum(int(b["is_mlm"].sum()) for b in bs) / (code * len(bs))
    assert abs(share - 0.15) < 0.005, share
    for b in bs[:20]:                                    # only code tokens are ever MLM targets
        roots = b["labels"][:, 1:R + 1]
        assert not torch.isin(roots[roots != IGNORE], torch.tensor([PAD_ID, CLS_ID, SEP_ID])).any()

def test_span_lengths_follow_truncated_geometric():
    rng, probs = np.random.default_rng(0), span_length_probs(0.2, 7)
    ws = np.ones(R, bool); lens = []
    for _ in range(5000): lens += [e - s + 1 for s, e in sample_root_spans(ws, 126, rng, 0.15, probs)]
    obs = np.bincount(lens, minlength=8)[1:]; exp = probs * len(lens)
    chi2 = ((obs - exp) ** 2 / exp).sum()
    assert chi2 < 22.46, (chi2, obs, exp)                # chi-square, 6 degrees of freedom, p = 0.001
    assert abs(np.mean(lens) - (np.arange(1, 8) @ probs)) < 0.05

def test_spans_cover_whole_words(draws):
    ss, bs = draws
    for b in bs[:50]:
        m = b["is_mlm"][:, 1:R + 1].numpy()
        for s, row in zip(ss, m):
            idx = np.flatnonzero(row)
            if not len(idx): continue
            starts = idx[np.r_[True, np.diff(idx) > 1]]; ends = idx[np.r_[np.diff(idx) > 1, True]]
            assert s["root_word_start"][starts].all() and s["root_word_start"][ends + 1].all()

def test_sbo_targets_point_just_outside_the_span(draws):
    ss, bs = draws
    b = bs[0]
    for r in range(len(ss)):
        pos = torch.nonzero(b["is_mlm"][r]).flatten()
        for p in pos.tolist():
            lft, rgt, k = b["sbo_left"][r, p].item(), b["sbo_right"][r, p].item(), b["sbo_pos"][r, p].item()
            assert lft < p < rgt and p - lft == k and not b["is_mlm"][r, lft] and not b["is_mlm"][r, rgt]
            assert b["slot"][r, lft] == ROOT_SLOT and b["slot"][r, rgt] == ROOT_SLOT
        assert (b["sbo_pos"][r][~b["is_mlm"][r]] == 0).all()

def test_replacement_is_80_10_10(draws):
    _, bs = draws
    kinds = Counter()
    for b in bs:
        t = b["labels"] != IGNORE; x, y = b["input_ids"][t], b["labels"][t]
        kinds.update(mask=int((x == MASK_ID).sum()), same=int(((x == y) & (x != MASK_ID)).sum()),
                     random=int(((x != y) & (x != MASK_ID)).sum()))
    n = sum(kinds.values())
    assert abs(kinds["mask"] / n - 0.8) < 0.01 and abs(kinds["random"] / n - 0.1) < 0.01 and abs(kinds["same"] / n - 0.1) < 0.01

def test_mnm_masks_whole_tails_with_probability_15_percent(draws):
    ss, bs = draws
    selected = total = 0
    for b in bs:
        g = b["tail_group"]
        assert ((g >= 0) == (b["slot"] >= 0) & b["valid"]).all()
        for gid in g[g >= 0].unique().tolist():
            m = b["is_mnm"][g == gid]
            assert m.all() or not m.any()                 # all or none of a tail's tokens
            selected += int(m.all()); total += 1
        assert not (b["is_mnm"] & (b["slot"] < 0)).any() and not (b["is_mlm"] & (b["slot"] >= 0)).any()
    assert total == len(bs) * sum(int((s["tail_len"] > 0).sum()) for s in ss)
    assert abs(selected / total - 0.15) < 0.01

def test_masks_are_fresh_for_every_batch(draws):
    _, bs = draws
    assert not torch.equal(bs[0]["labels"], bs[1]["labels"]) and not torch.equal(bs[0]["input_ids"], bs[1]["input_ids"])

def test_full_and_compact_layouts_agree():
    ss = synthetic_samples(8, seed=3)
    full, comp = Collator(V, "full", seed=5)(ss), Collator(V, "compact", seed=5)(ss)
    N = comp["input_ids"].shape[1]
    assert full["input_ids"].shape[1] == 1 + R + R * L and N % 16 == 0 and N < full["input_ids"].shape[1]
    real = comp["slot"] != PAD_SLOT
    fpos = torch.where(comp["slot"] >= 0, 1 + R + comp["root_idx"] * L + comp["slot"], torch.arange(N).expand_as(comp["slot"]))
    for k in full:
        assert full[k].dtype == comp[k].dtype, k
        assert torch.equal(torch.gather(full[k], 1, fpos)[real], comp[k][real]), k
    for k in ("valid", "is_mlm", "is_mnm"): assert full[k].sum() == comp[k].sum(), k
    assert (comp["slot"][:, 0] == GRAPH_SLOT).all() and (comp["slot"][:, 1:R + 1] == ROOT_SLOT).all()
    assert (comp["input_ids"][~real] == PAD_ID).all() and not comp["valid"][~real].any()
    # the model's distances depend only on (root_idx, slot): equal at corresponding positions
    hf = hops(full["root_idx"][:, :, None], full["slot"][:, :, None], full["root_idx"][:, None], full["slot"][:, None])
    hc = hops(comp["root_idx"][:, :, None], comp["slot"][:, :, None], comp["root_idx"][:, None], comp["slot"][:, None])
    r = 0; sel = torch.nonzero(real[r]).flatten()
    assert torch.equal(hf[r][fpos[r][sel]][:, fpos[r][sel]], hc[r][sel][:, sel])

def test_collator_rejects_unknown_layout():
    with pytest.raises(ValueError, match="layout"): Collator(V, "sparse")
