"""The search evaluation's measures (kg eval search), on ranked lists whose answers are known."""

import numpy as np

from kg.evaluate import _rank_scores, _ranked


def test_the_evaluation_scores_ranks_as_defined():
    """hit@k, MRR and nDCG@10 on lists whose ranks are known: a returned provision inside a gold one
    counts, and two paragraphs of one gold article reach it once."""
    gold = ["x/art2", "y/art5/1"]
    first = _ranked(["x/art1", "x/art2/1", "x/art2/3", "y/art5/1/a"], gold)
    assert first.first == 2 and first.gains == [0, 1, 0, 1] and first.ideal == 2
    missed = _ranked(["x/art20", "y/art5"], gold)  # art20 is not inside art2, nor art5 inside art5(1)
    assert missed.first is None
    scores = _rank_scores([first, missed])
    assert scores["hit@1"] == 0.0 and scores["hit@5"] == 0.5 and scores["mrr"] == 0.25
    ideal = 1 + 1 / np.log2(3)
    assert scores["ndcg@10"] == round((1 / np.log2(3) + 1 / np.log2(5)) / ideal / 2, 3)
