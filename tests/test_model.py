"GraphMER model (nbs/12_model.ipynb): H-GAT, distance decay, masks, layouts, eager vs flex, loss, checkpoints, sizes."
import dataclasses, json
from unittest import mock
from pathlib import Path
import pytest
import torch
import torch.nn.functional as F
from graphmer.core import DamagedFileError
from graphmer.batch import GRAPH_SLOT, PAD_SLOT, ROOT_SLOT, hops
from graphmer.models import (GraphMERConfig, GraphMER, HGAT, synthetic_batch, graphmer_loss, decay_index, decay_table,
                             attention_mask, eager_attention, layout_position, check_flex_agreement, overfit, tail_exact_match)

V, R, L = 100, 16, 7

def small(**kw): return GraphMERConfig.tiny(V, max_roots=R, **kw)

@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return GraphMER(small()).eval()

@pytest.fixture(scope="module")
def full(): return synthetic_batch(small(), B=2, R=R, layout="full", seed=0)

@pytest.fixture(scope="module")
def compact(): return synthetic_batch(small(), B=2, R=R, layout="compact", seed=0)

# ---- configuration and sizes --------------------------------------------------------------------------------------
def test_config_json_roundtrip():
    cfg = GraphMERConfig.base(12_000, use_decay=False)
    assert GraphMERConfig.from_json(cfg.to_json()) == cfg
    assert (cfg.hidden, cfg.layers, cfg.heads, cfg.ffn) == (512, 12, 8, 2048)
    assert (small().hidden, small().layers, small().heads, small().ffn) == (256, 4, 4, 1024)

def test_config_rejects_unknown_keys():
    with pytest.raises(ValueError, match="use_hgta.*zzz"):
        GraphMERConfig.from_dict({**small().to_dict(), "use_hgta": False, "zzz": 1})
    with pytest.raises(ValueError, match="divisible"): GraphMERConfig(V, hidden=100, heads=3)

def count(cfg):
    with torch.device("meta"): return GraphMER(cfg).num_parameters()

def test_parameter_counts():
    # pinned so that an architecture change is a conscious one (the notebook explains the numbers)
    assert count(GraphMERConfig.tiny(12_000)) == 7_582_405
    assert count(GraphMERConfig.base(12_000)) == 49_272_777
    assert count(GraphMERConfig.tiny(12_000, use_hgat=False)) == 7_582_405 - 15 * (256 * 256 + 512)

# ---- distances and decay ------------------------------------------------------------------------------------------
def test_decay_index_is_the_hop_count():
    # every pair of roots and leaves gets its hop count (`hops`, checked against a BFS in tests/test_batch.py), every pair
    # with the graph token or padding the graph column
    nodes = [(0, GRAPH_SLOT)] + [(i, ROOT_SLOT) for i in range(6)] + [(i, k) for i in range(6) for k in range(4)] + [(2, PAD_SLOT)]
    r = torch.tensor([n[0] for n in nodes]); s = torch.tensor([n[1] for n in nodes])
    got, sp = decay_index(r[:, None], s[:, None], r[None], s[None], graph_index=-7), hops(r[:, None], s[:, None], r[None], s[None])
    assert torch.equal(got[1:-1, 1:-1], sp[1:-1, 1:-1]) and (sp[1:-1, 1:-1] >= 0).all()
    assert (got[[0, -1]] == -7).all() and (got[:, [0, -1]] == -7).all()
    assert got[1, 1 + 6 + 2 * 4 + 3].item() == 3                              # root 0 to leaf 3 of root 2: two roots along, one down
    assert decay_index(torch.tensor(3), torch.tensor(0), torch.tensor(0), torch.tensor(-2), graph_index=-7) == -7

def test_decay_table_values():
    tab = decay_table(torch.tensor([1.0, 2.0]), torch.tensor(4.0), 0.6, 8)
    d = torch.tensor([float(i) for i in range(10)] + [4.0])
    want = 0.6 ** F.gelu(d.sqrt()[None] - torch.tensor([[1.0], [2.0]]))
    assert torch.allclose(tab, want) and torch.allclose(tab[:, -1], tab[:, 4])

# ---- H-GAT --------------------------------------------------------------------------------------------------------
def hgat_reference(hg, x, batch):
    out = x.clone()
    for b, n in (batch["valid"] & (batch["slot"] >= 0) & (batch["rel"] > 0)).nonzero().tolist():
        r, i, m = batch["rel"][b, n], batch["root_idx"][b, n], int(batch["head_len"][b, n])
        W, a, t = hg.W[r], hg.a[r], x[b, n]
        hs = [x[b, 1 + i + j] for j in range(min(m, hg.max_span))]
        e = torch.stack([F.leaky_relu(a @ torch.cat([W @ t, W @ h]), 0.01) for h in hs])
        out[b, n] = t + sum(al * (W @ h) for al, h in zip(e.softmax(0), hs))
    return out

def test_hgat_matches_formula_and_weights_sum_to_one(full):
    torch.manual_seed(1)
    hg = HGAT(32, 15).eval()
    x = torch.randn(*full["input_ids"].shape, 32)
    with torch.no_grad(): y, info = hg(x, full, return_attn=True); ref = hgat_reference(hg, x, full)
    assert torch.allclose(y, ref, atol=1e-5)
    assert torch.allclose(info["alpha"].sum(-1), torch.ones(len(info["b"])), atol=1e-6)
    assert torch.equal((info["alpha"] > 0).sum(-1), full["head_len"][info["b"], info["n"]])
    assert (full["head_len"][info["b"], info["n"]] >= 2).any()

def test_relation_parameter_dropout_only_in_training(full):
    hg = HGAT(32, 15, param_dropout=0.3)
    x = torch.randn(*full["input_ids"].shape, 32)
    hg.eval(); assert torch.equal(hg(x, full), hg(x, full))
    hg.train(); torch.manual_seed(0); a = hg(x, full); torch.manual_seed(1); b = hg(x, full)
    assert not torch.equal(a, b)

def test_relation_parameters_receive_gradient(full):
    torch.manual_seed(0)
    m = GraphMER(small()).train()
    graphmer_loss(m(full), full)["loss"].backward()
    present = full["rel"][full["valid"] & (full["slot"] >= 0)].unique()
    assert (m.hgat.W.grad[present].flatten(1).abs().sum(1) > 0).all()
    assert (m.hgat.a.grad[present].abs().sum(1) > 0).all()
    assert m.p_head.grad.abs().sum() > 0
    assert m.graph_dist_raw.grad == 0        # nothing with a loss attends to the graph token (see the notebook)

# ---- masks, padding, layouts -------------------------------------------------------------------------------------
def test_graph_token_and_padding_mask():
    slot = torch.tensor([[-2, -1, -1, 0, -3]]); valid = torch.tensor([[True, True, True, True, False]])
    m = attention_mask(slot, valid)[0]
    assert m[0, :4].all() and not m[1:, 0].any() and not m[4].any() and not m[:, 4].any()
    q, k, v = (torch.randn(1, 2, 5, 4, requires_grad=True) for _ in range(3))
    o = eager_attention(q, k, v, m[None], decay=torch.rand(1, 2, 5, 5))
    assert torch.equal(o[0, :, 4].detach(), torch.zeros(2, 4))
    o.sum().backward()
    assert all(torch.isfinite(t.grad).all() for t in (q, k, v))

def test_invariant_to_garbage_in_padding(model, full):
    g = dict(full)
    g["input_ids"] = full["input_ids"].clone()
    g["input_ids"][~full["valid"]] = torch.randint(0, 10**6, (int((~full["valid"]).sum()),))
    with torch.no_grad(): a, b = model(full)["hidden"], model(g)["hidden"]
    assert torch.allclose(a[full["valid"]], b[full["valid"]], atol=1e-6)

def test_full_and_compact_layouts_agree(model, full, compact):
    assert compact["input_ids"].shape[1] < full["input_ids"].shape[1] and compact["input_ids"].shape[1] % 16 == 0
    with torch.no_grad(): hf, hc = model(full)["hidden"], model(compact)["hidden"]
    pc = layout_position(compact, R, L)
    for b in range(2):
        v = compact["valid"][b]
        assert torch.allclose(hf[b][pc[b][v]], hc[b][v], atol=1e-5)
    with torch.no_grad():
        lf, lc = graphmer_loss(model(full), full), graphmer_loss(model(compact), compact)
    assert torch.allclose(lf["loss"], lc["loss"], atol=1e-5)

def test_slot_embeddings_break_leaf_reversal_symmetry():
    cfg = small(layers=1, slot_embeddings=False)
    mb = synthetic_batch(cfg, B=1, R=R, seed=5)
    two = ((mb["slot"] == 1) & mb["is_mnm"]).nonzero()[:, 1]
    first = 1 + R + mb["root_idx"][0, two] * L
    last = first + torch.tensor([int(((mb["tail_group"][0] == g) & mb["valid"][0]).sum()) for g in mb["tail_group"][0, first]]) - 1
    for flag in (False, True):
        torch.manual_seed(0); m = GraphMER(dataclasses.replace(cfg, slot_embeddings=flag)).eval()
        with torch.no_grad(): h = m(mb)["hidden"][0]
        assert torch.allclose(h[first], h[last], atol=1e-5) == (not flag)

# ---- the element-wise decay against the table it replaced ----------------------------------------------------------
@pytest.mark.parametrize("kw", [{}, {"decay_mode": "bias", "decay_head_share": 0.5}])
@pytest.mark.parametrize("bf16", [False, True])
def test_elementwise_decay_matches_the_indexed_table(kw, bf16):
    "The eager path's decay computed element by element (`GraphMER.decay_at`) gives the outputs and gradients of the path it replaced, which indexed `decay()` with `decay_index` (fp32: to float rounding; bf16 autocast: within bf16 tolerance)."
    cfg = small(layers=2, **kw)
    b = synthetic_batch(cfg, B=2, R=R, layout="compact")
    def indexed(self, d): return self.decay()[:, torch.where(d < 0, cfg.max_roots + 2, d)].transpose(0, 1)   # the table, gathered
    res = []
    for decay_at in (GraphMER.decay_at, indexed):
        torch.manual_seed(0); m = GraphMER(cfg).train()
        with mock.patch.object(GraphMER, "decay_at", decay_at), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            torch.manual_seed(1); out = m(b); loss = graphmer_loss(out, b)["loss"]
        loss.backward()
        res.append((out["hidden"].float(), loss.detach(), {k: p.grad.clone() for k, p in m.named_parameters() if p.grad is not None}))
    (h1, l1, g1), (h2, l2, g2) = res
    tol = 2e-2 if bf16 else 1e-5
    assert torch.allclose(h1, h2, atol=tol) and torch.allclose(l1, l2, atol=tol)
    assert set(g1) == set(g2) and {"p_head", "graph_dist_raw"} <= set(g1)
    for k in g1: assert torch.allclose(g1[k], g2[k], atol=tol, rtol=tol), k

# ---- eager vs flex ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", ["full", "compact"])
def test_flex_forward_matches_eager(layout):
    cfg = small(layers=1)
    check_flex_agreement(cfg, synthetic_batch(cfg, B=2, R=R, layout=layout), grads=False)

@pytest.mark.skipif(not torch.cuda.is_available(), reason="FlexAttention has no CPU backward: eager-vs-flex gradients need CUDA")
@pytest.mark.parametrize("kw", [{}, {"use_decay": False}, {"learned_positions": True}])
def test_flex_gradients_match_eager(kw):
    cfg = small(layers=2, **kw)
    for layout in ("full", "compact"):
        res = check_flex_agreement(cfg, synthetic_batch(cfg, B=2, R=R, layout=layout), device="cuda", grads=True, atol=1e-3)
        assert ("grad_p_head" in res and "grad_graph_dist_raw" in res) == cfg.use_decay and "grad_hgat.W" in res

def test_flex_refuses_to_train_on_cpu(full):
    m = GraphMER(small(layers=1, attn_impl="flex")).train()
    with pytest.raises(RuntimeError, match="eager"): m(full)

# ---- fused Triton kernels (graphmer.fused) against the eager path ---------------------------------------------------
FUSED_CASES = {"multiply": {}, "bias, half the heads free": {"decay_mode": "bias", "decay_head_share": 0.5},
               "no decay": {"use_decay": False}, "multiply, half the heads free": {"decay_head_share": 0.5}}
FUSED_SCRIPT = r"""
import json, sys, torch
from graphmer.models import GraphMER, GraphMERConfig, synthetic_batch, graphmer_loss
def run(cfg, b, impl, bf16):
    torch.manual_seed(0); m = GraphMER(cfg).train(); m.config.attn_impl = impl
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        torch.manual_seed(1); out = m(b); loss = graphmer_loss(out, b)["loss"]
    loss.backward()
    return dict(hidden=out["hidden"].float(), loss=loss.detach().reshape(1), **{k: p.grad.clone() for k, p in m.named_parameters() if p.grad is not None})
def err(a, ref): return {k: ((a[k] - ref[k]).abs().max() / ref[k].abs().max().clamp(min=1e-12)).item() for k in ref} if sorted(a) == sorted(ref) else None
cases, res = json.loads(sys.argv[1]), {}
for name, kw in cases.items():
    cfg = GraphMERConfig.tiny(100, max_roots=16, layers=2, **kw)
    b = synthetic_batch(cfg, B=2, R=16, layout="compact")
    ref = run(cfg, b, "eager", False)
    res[name] = dict(fused_fp32=err(run(cfg, b, "fused", False), ref), eager_bf16=err(run(cfg, b, "eager", True), ref),
                     fused_bf16=err(run(cfg, b, "fused", True), ref), decay_grads=sorted(k for k in ref if k in ("p_head", "graph_dist_raw")))
print(json.dumps(res))
"""

def test_fused_kernels_match_eager_attention():
    "attn_impl='fused' (the Triton kernels, run by Triton's CPU interpreter) against the eager path in fp32, on the hidden states, the loss and every parameter's gradient: fused fp32 equal to float rounding; fused under bf16 autocast no further from it than eager under bf16 autocast is (twice its error, or 2%). For each decay mode, with free heads and without decay."
    pytest.importorskip("triton")
    import os, subprocess, sys
    out = subprocess.run([sys.executable, "-c", FUSED_SCRIPT, json.dumps(FUSED_CASES)], env={**os.environ, "TRITON_INTERPRET": "1"},
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert sorted(res) == sorted(FUSED_CASES)
    for case, r in res.items():
        assert r["fused_fp32"] and r["fused_bf16"], (case, "the fused path gave gradients to other parameters")
        assert max(r["fused_fp32"].values()) < 2e-5, (case, r["fused_fp32"])
        worse = {k: (e, r["eager_bf16"][k]) for k, e in r["fused_bf16"].items() if e > max(2 * r["eager_bf16"][k], 2e-2)}
        assert not worse, (case, worse)
        assert r["decay_grads"] == ([] if case == "no decay" else ["graph_dist_raw", "p_head"]), case

def test_fused_refuses_the_cpu_without_the_interpreter(full):
    m = GraphMER(small(layers=1, attn_impl="fused")).train()
    with pytest.raises(RuntimeError, match="attn_impl='eager'"): m(full)

# ---- loss ---------------------------------------------------------------------------------------------------------
def test_tail_exact_match():
    n, ok = tail_exact_match(torch.tensor([True, True, False, True, True]), torch.tensor([7, 7, 9, 9, 3]))
    assert (int(n), int(ok)) == (3, 2)

def test_loss_parts(model, full):
    with torch.no_grad(): out = model(full); L_ = graphmer_loss(out, full)
    assert out["logits"].shape == (int((full["labels"] != -100).sum()), V)     # logits only where labelled
    assert torch.allclose(L_["loss"], L_["mlm_mnm_loss"] + L_["sbo_loss"])
    n = L_["n_mlm"] + L_["n_mnm"]
    assert n == int((full["labels"] != -100).sum()) and L_["n_sbo"] == L_["n_mlm"]
    assert torch.allclose(L_["mlm_mnm_loss"] * n, L_["mlm_loss"] * L_["n_mlm"] + L_["mnm_loss"] * L_["n_mnm"], atol=1e-3)
    assert L_["n_tails"] == len(full["tail_group"][full["is_mnm"]].unique())

def test_tiny_overfits():
    cfg = small()
    b = synthetic_batch(cfg, B=4, R=R, layout="compact", seed=3)
    losses, final, _ = overfit(cfg, b, steps=60, lr=1e-3)
    assert losses[-1] < losses[0] / 20
    assert final["loss"] < 0.1 and final["mlm_acc"] == 1 and final["mnm_tail_acc"] == 1

# ---- checkpoints --------------------------------------------------------------------------------------------------
def test_save_load_roundtrip(model, full, tmp_path):
    model.save_pretrained(tmp_path, extra_files={"tokenizer.json": "{}", "x.bin": b"\x00"})
    assert {p.name for p in tmp_path.iterdir()} == {"config.json", "model.safetensors", "tokenizer.json", "x.bin"}
    assert json.loads((tmp_path / "config.json").read_text()) == model.config.to_dict()
    m2 = GraphMER.from_pretrained(tmp_path)
    with torch.no_grad(): a, b = model(full), m2(full)
    assert torch.equal(a["hidden"], b["hidden"]) and torch.equal(a["logits"], b["logits"]) and torch.equal(a["sbo_logits"], b["sbo_logits"])
    m2.tok_emb.weight.data.zero_()                                  # tying survived: both heads read the embedding
    with torch.no_grad(): assert torch.equal(m2(full)["logits"], m2.lm_bias.expand_as(a["logits"]))
    assert GraphMER.from_pretrained(tmp_path, attn_impl="auto").config.attn_impl == "auto"

def tamper(path, edit):
    from safetensors.torch import load_file, save_file
    f = Path(path) / "model.safetensors"
    state = load_file(f); edit(state); save_file(state, f)

@pytest.mark.parametrize("edit,msg", [(lambda s: s.pop("hgat.W"), "hgat.W"),
                                      (lambda s: s.__setitem__("extra.weight", torch.zeros(1)), "extra.weight"),
                                      (lambda s: s.__setitem__("p_head", torch.zeros(3)), "p_head")])
def test_strict_load_rejects_tampered_weights(model, tmp_path, edit, msg):
    model.save_pretrained(tmp_path)
    tamper(tmp_path, edit)
    with pytest.raises(DamagedFileError, match=f"model.safetensors holds weights for another model.*{msg}"): GraphMER.from_pretrained(tmp_path)   # strict, and it says which

def test_load_rejects_bad_config(model, tmp_path):
    model.save_pretrained(tmp_path)
    cfg = model.config.to_dict()
    (tmp_path / "config.json").write_text(json.dumps(cfg | {"bogus": 1}))
    with pytest.raises(ValueError, match="bogus"): GraphMER.from_pretrained(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps(cfg | {"use_hgat": False}))
    with pytest.raises(DamagedFileError, match="hgat"): GraphMER.from_pretrained(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match="overridden"): GraphMER.from_pretrained(tmp_path, layers=2)
    with pytest.raises(ValueError, match="bad extra file"): model.save_pretrained(tmp_path, extra_files={"../x": "y"})


def test_mnm_weight_curriculum_and_run_config(tmp_path):
    "mnm_weight=1 is the plain mean; 0 leaves only MLM (+SBO); a run's nested config.json loads back the model."
    import json, torch
    from graphmer.models import GraphMER, GraphMERConfig, graphmer_loss, synthetic_batch
    cfg = GraphMERConfig.tiny(200, hidden=32, heads=2, ffn=64, layers=1)
    torch.manual_seed(0); m = GraphMER(cfg).eval(); b = synthetic_batch(cfg, B=2, R=16)
    out = m(b)
    one, zero = graphmer_loss(out, b), graphmer_loss(out, b, mnm_weight=0.0)
    assert torch.allclose(one["loss"], one["mlm_mnm_loss"] + one["sbo_loss"])
    assert torch.allclose(zero["loss"], zero["mlm_loss"] + zero["sbo_loss"])
    m.save_pretrained(tmp_path, run_config={"train": {"steps": 3}})
    assert json.loads((tmp_path / "config.json").read_text())["train"] == {"steps": 3}
    m2 = GraphMER.from_pretrained(tmp_path)
    assert torch.equal(m2(b)["hidden"], out["hidden"])

# ---- the sync-free step (issue 13): index fields, relation products, no host waits -----------------------------------
def test_relation_matvec_matches_a_loop():
    from graphmer.models import relation_matvec
    torch.manual_seed(0); W, x, r = torch.randn(5, 8, 8), torch.randn(30, 8), torch.randint(0, 5, (30,))
    torch.testing.assert_close(relation_matvec(x, W, r), torch.stack([W[r[k]] @ x[k] for k in range(30)]))

@pytest.mark.parametrize("window", [R, 6])
def test_index_fields_give_the_same_step(window):
    "A batch with the collator's index fields trains exactly like one without (forward, loss, metrics, gradients), windowed or not."
    from graphmer.data import index_fields
    from graphmer.pretrain import apply_window
    cfg = small(dropout=0.0, relation_dropout=0.0)
    b = synthetic_batch(cfg, B=3, R=R, layout="compact", seed=4)
    got = []
    for batch in (b, index_fields(b, multiple=16)):
        torch.manual_seed(0); m = GraphMER(cfg).train()
        batch = apply_window(batch, window)
        L_ = graphmer_loss(m(batch), batch, mnm_weight=0.5); L_["loss"].backward()
        got.append(({k: float(v) for k, v in L_.items()}, {k: p.grad for k, p in m.named_parameters() if p.grad is not None}))
    (la, ga), (lb, gb) = got
    assert la["n_mlm"] > 0 and la["n_mnm"] > 0 and la["n_tails"] > 0
    assert la.keys() == lb.keys() and all(abs(la[k] - lb[k]) < 1e-5 for k in la), (la, lb)
    assert ga.keys() == gb.keys() and "hgat.W" in ga
    for k in ga: torch.testing.assert_close(ga[k], gb[k], atol=1e-6, rtol=1e-5)

@pytest.mark.skipif(not torch.cuda.is_available(), reason="host-device synchronisation exists only with a GPU")
def test_training_step_never_waits_for_the_gpu():
    "Forward, loss and backward of a batch with index fields run under torch.cuda.set_sync_debug_mode('error')."
    from graphmer.data import index_fields
    cfg = small()
    b = {k: v.cuda() for k, v in index_fields(synthetic_batch(cfg, B=3, R=R, layout="compact", seed=4)).items()}
    m = GraphMER(cfg).cuda().train()
    torch.cuda.set_sync_debug_mode("error")
    try:
        with torch.autocast("cuda", dtype=torch.bfloat16): L_ = graphmer_loss(m(b), b)
        L_["loss"].backward()
    finally: torch.cuda.set_sync_debug_mode(0)
    assert torch.isfinite(L_["loss"])
