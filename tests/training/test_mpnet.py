"""Check the numpy MPNet's pieces that can be checked without its 438 MB of weights."""

from __future__ import annotations

import math

import numpy as np

from training.mpnet import _erf, position_buckets


def test_mpnet_buckets_relative_positions_as_t5_does() -> None:
    buckets = position_buckets(300)
    # buckets[query, key]: keys before the query take 0-15, keys after it 16-31.
    assert buckets[10, 10] == 0
    assert buckets[10, 9] == 1
    assert buckets[9, 10] == 17
    assert buckets[20, 12] == 8  # the first logarithmic bucket
    assert buckets[250, 0] == 15  # far away: the last bucket
    assert buckets[0, 250] == 31


def test_mpnet_erf_matches_the_standard_library() -> None:
    xs = np.linspace(-4, 4, 161)
    assert np.max(np.abs(_erf(xs) - np.array([math.erf(x) for x in xs]))) < 2e-7
