"""PCG_ENCODER_REUSE_SHARE: how much of a corpus may be new to an adapted encoder that is reused."""

from __future__ import annotations

import pytest

from kg.errors import UsageError
from kg.search.adaptation import REUSE_UNSEEN_SHARE, reuse_candidate, reuse_share_setting

TRAINED = {"old": frozenset({"a", "b"})}


def test_the_default_share_is_a_quarter(monkeypatch):
    monkeypatch.delenv("PCG_ENCODER_REUSE_SHARE", raising=False)
    assert reuse_share_setting() == REUSE_UNSEEN_SHARE == 0.25


def test_the_setting_moves_the_threshold(monkeypatch):
    digests = ["a", "b", "c", "d"]  # half of them new to the encoder
    monkeypatch.setenv("PCG_ENCODER_REUSE_SHARE", "0.5")
    assert reuse_candidate(digests, TRAINED, threshold=reuse_share_setting()) == ("old", 2)
    monkeypatch.setenv("PCG_ENCODER_REUSE_SHARE", "0.4")
    assert reuse_candidate(digests, TRAINED, threshold=reuse_share_setting()) is None


@pytest.mark.parametrize("value", ["lots", "1.5", "-0.1"])
def test_a_share_outside_zero_to_one_is_refused(monkeypatch, value):
    monkeypatch.setenv("PCG_ENCODER_REUSE_SHARE", value)
    with pytest.raises(UsageError, match="PCG_ENCODER_REUSE_SHARE must be a share between 0 and 1"):
        reuse_share_setting()
