"Cross-check of graphmer.rank against PyKEEN: the same filtered optimistic / pessimistic / realistic ranks and metrics."
import numpy as np, pytest, torch
from graphmer.rank import filtered_ranks, rank_metrics

pytest.importorskip("pykeen")
from pykeen.evaluation import RankBasedEvaluator
from pykeen.evaluation.evaluator import filter_scores_
from pykeen.evaluation.ranks import Ranks
from pykeen.metrics.ranking import ArithmeticMeanRank, HitsAtK, InverseHarmonicMeanRank

KS = (1, 3, 10)

def make_case(seed, Q=200, C=60, levels=6):
    "Integer-valued scores (many ties), some NaN competitors, a random sparse filter and a random candidate mask."
    g = np.random.default_rng(seed)
    S = g.integers(0, levels, (Q, C)).astype(np.float32)
    S[g.random(S.shape) < 0.03] = np.nan
    t = g.integers(0, C, Q)
    S[np.arange(Q), t] = g.integers(0, levels, Q)             # true scores are never NaN
    known = [g.choice(C, g.integers(0, 8), replace=False) for _ in range(Q)]
    known[0] = np.append(known[0], t[0])                      # the true column listed in its own filter stays
    allowed = g.random((Q, C)) < 0.6
    allowed[1] = False                                        # a query with no competitor left: rank 1
    return S, t, known, allowed

def pykeen_ranks(S, t, known, allowed):
    "PyKEEN's filtered ranking, as in pykeen.evaluation.evaluator._evaluate_batch: filtered entries become NaN, then the true score is written back."
    s = torch.from_numpy(S.copy()); rows = torch.arange(len(t)); tt = torch.from_numpy(t)
    true = s[rows, tt].clone()
    pairs = [(i, int(c)) for i, k in enumerate(known) for c in k] + [(int(i), int(c)) for i, c in zip(*np.nonzero(~allowed))]
    s = filter_scores_(scores=s, filter_batch=torch.tensor(pairs, dtype=torch.long))
    s[rows, tt] = true
    return s, true[:, None]

@pytest.mark.parametrize("seed", range(5))
def test_ranks_equal_pykeen(seed):
    S, t, known, allowed = make_case(seed)
    s, true = pykeen_ranks(S, t, known, allowed)
    theirs = Ranks.from_scores(true_score=true, all_scores=s)
    dense = np.zeros(S.shape, bool)
    for i, k in enumerate(known): dense[i, k] = True
    for kn in (known, dense):                                 # sparse and dense filter forms
        ours = filtered_ranks(S, t, known=kn, allowed=allowed)
        for rt in ("optimistic", "pessimistic", "realistic"):
            np.testing.assert_array_equal(ours[rt], getattr(theirs, rt).numpy().astype(np.float64), err_msg=rt)
    # the case is informative: ties change the rank (an optimistic count would fail), and filtering changes it
    assert (ours["realistic"] != ours["optimistic"]).mean() > 0.3
    assert (filtered_ranks(S, t, allowed=allowed)["realistic"] != ours["realistic"]).any()
    assert ours["realistic"][1] == 1.0

def test_restricted_candidates_equal_pykeen():
    "A candidate set shared by all queries: PyKEEN keeps only those columns (restrict_entities_to); we mask the others."
    S, t, known, _ = make_case(7)
    cols = np.sort(np.unique(np.r_[t, np.random.default_rng(1).choice(S.shape[1], 30, replace=False)]))
    allowed = np.zeros(S.shape, bool); allowed[:, cols] = True
    s, true = pykeen_ranks(S, t, known, np.ones(S.shape, bool))
    theirs = Ranks.from_scores(true_score=true, all_scores=s[:, torch.from_numpy(cols)])
    ours = filtered_ranks(S, t, known=known, allowed=allowed)
    for rt in ("optimistic", "pessimistic", "realistic"):
        np.testing.assert_array_equal(ours[rt], getattr(theirs, rt).numpy().astype(np.float64), err_msg=rt)

def test_metrics_equal_pykeen():
    S, t, known, allowed = make_case(3)
    ours = filtered_ranks(S, t, known=known, allowed=allowed)
    for rt in ("optimistic", "pessimistic", "realistic"):
        m, r = rank_metrics(ours[rt], KS), ours[rt]
        assert m["n"] == len(t)
        assert m["mrr"] == pytest.approx(InverseHarmonicMeanRank()(ranks=r), rel=1e-12)
        assert m["mean_rank"] == pytest.approx(ArithmeticMeanRank()(ranks=r), rel=1e-12)
        for k in KS: assert m[f"hits@{k}"] == HitsAtK(k=k)(ranks=r)
    # the whole evaluator, fed the filtered scores; it computes realistic ranks and their MRR in float32
    ev = RankBasedEvaluator(filtered=True, metrics=["inverse_harmonic_mean_rank", "arithmetic_mean_rank"] + ["hits_at_k"] * len(KS),
                            metrics_kwargs=[None, None] + [dict(k=k) for k in KS], add_defaults=False)
    s, true = pykeen_ranks(S, t, known, allowed)
    ev.process_scores_(hrt_batch=torch.zeros(len(t), 3, dtype=torch.long), target="tail", scores=s, true_scores=true)
    res = ev.finalize()
    for rt in ("optimistic", "pessimistic", "realistic"):
        m = rank_metrics(ours[rt], KS)
        assert m["mrr"] == pytest.approx(res.get_metric(f"tail.{rt}.inverse_harmonic_mean_rank"), rel=1e-6)
        assert m["mean_rank"] == pytest.approx(res.get_metric(f"tail.{rt}.arithmetic_mean_rank"), rel=1e-6)
        for k in KS: assert m[f"hits@{k}"] == res.get_metric(f"tail.{rt}.hits_at_{k}")
