"The batch format (nbs/10a_batch.ipynb): hop distances against a breadth-first search, and the fields every batch builder fills."
from collections import defaultdict, deque
import numpy as np, pytest, torch
from graphmer.batch import BATCH_FIELDS, GRAPH_SLOT, IGNORE, INPUT_FIELDS, PAD_ID, PAD_SLOT, ROOT_SLOT, hops, pad_fields

# ---- the fixed graph --------------------------------------------------------------------------------------------
def explicit_graph(R, L):
    "Adjacency of the leafy chain graph, built edge by edge: roots chain, root-leaf, leaf k - leaf k+1."
    adj = defaultdict(set)
    def edge(a, b): adj[a].add(b); adj[b].add(a)
    for i in range(R):
        adj[(i, -1)]
        if i + 1 < R: edge((i, -1), (i + 1, -1))
        for k in range(L):
            edge((i, -1), (i, k))
            if k + 1 < L: edge((i, k), (i, k + 1))
    return adj

def bfs(adj, src):
    dist, q = {src: 0}, deque([src])
    while q:
        u = q.popleft()
        for v in adj[u]:
            if v not in dist: dist[v] = dist[u] + 1; q.append(v)
    return dist

@pytest.mark.parametrize("R,L", [(1, 1), (1, 7), (2, 1), (3, 2), (4, 3), (6, 4), (6, 7), (12, 4)])
def test_hops_closed_form_matches_bfs(R, L):
    adj = explicit_graph(R, L); nodes = sorted(adj)
    a = np.array([n for n in nodes for _ in nodes]); b = np.array([m for _ in nodes for m in nodes])
    want = np.array([bfs(adj, n)[m] for n in nodes for m in nodes])
    np.testing.assert_array_equal(hops(a[:, 0], a[:, 1], b[:, 0], b[:, 1]), want)
    ta, tb = torch.tensor(a), torch.tensor(b)
    assert torch.equal(hops(ta[:, 0], ta[:, 1], tb[:, 0], tb[:, 1]), torch.tensor(want))

def test_hops_broadcasts_and_marks_graph_token():
    r, s = torch.arange(5)[:, None], torch.tensor([-1, 0, 3])[None, :]
    assert hops(r, s, 0, -1).shape == (5, 3) and hops(r, s, 0, -1)[4, 1].item() == 5   # broadcasts; ints mix with tensors
    assert hops(0, GRAPH_SLOT, 2, 1) == -1 and hops(1, PAD_SLOT, 1, ROOT_SLOT) == -1
    assert hops(3, 0, 3, 6) == 2 and hops(3, 2, 3, 3) == 1 and hops(0, -1, 5, 0) == 6

# ---- the fields -------------------------------------------------------------------------------------------------
def test_pad_fields_hold_the_padding_values():
    p = pad_fields((3, 4))
    assert list(p) == list(BATCH_FIELDS) and set(INPUT_FIELDS) <= set(p)
    for k, v in BATCH_FIELDS.items():
        assert p[k].dtype == (bool if isinstance(v, bool) else np.int64) and (p[k] == v).all(), k
    assert p["input_ids"][0, 0] == PAD_ID and p["labels"][0, 0] == IGNORE and p["slot"][0, 0] == PAD_SLOT

def test_every_batch_builder_fills_the_documented_fields():
    from graphmer.data import Collator, empty_sample, unmasked_batch
    from graphmer.models import GraphMERConfig, synthetic_batch
    rng = np.random.default_rng(0)
    samples = []
    for n in (10, 6):                                                   # two windows, the second one padded
        s = empty_sample(12, 3); s["root_ids"][:n] = rng.integers(6, 50, n); s["root_word_start"][:n] = True
        s["leaf_ids"][2, :2], s["tail_len"][2], s["leaf_rel"][2], s["head_len"][2] = [7, 8], 2, 1, 1
        samples.append(s)
    cfg = GraphMERConfig.tiny(50, max_roots=16)
    batches = dict(collator_compact=Collator(50, "compact", seed=1)(samples), unmasked=unmasked_batch(samples),
                   synthetic_compact=synthetic_batch(cfg, B=2, R=16, layout="compact"),
                   collator_full=Collator(50, "full", seed=1)(samples), synthetic_full=synthetic_batch(cfg, B=2, R=16, layout="full"))
    for name, b in batches.items():
        assert list(b) == list(BATCH_FIELDS), name
        for k, v in b.items():
            assert v.dtype == (torch.bool if isinstance(BATCH_FIELDS[k], bool) else torch.int64), (name, k)
        assert (b["slot"][:, 0] == GRAPH_SLOT).all() and b["valid"][:, 0].all(), name
        pad = b["slot"] == PAD_SLOT
        assert pad.any() or name.endswith("full"), name                      # the compact layout pads N to a multiple of 16
        for k, v in BATCH_FIELDS.items():                                    # padding holds the documented values
            if k != "root_idx": assert (b[k][pad] == v).all(), (name, k)       # (synthetic padding roots keep their index)
