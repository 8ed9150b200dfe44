"""``pytest.approx(x, rel=r)`` in this suite compares relatively and nothing else (see ``tests/conftest.py``).

pytest's own default adds an absolute tolerance of 1e-12 beside any ``rel``; the conftest removes it by
setting a class attribute of pytest's, which a later pytest could rename without an error. These checks
fail if that happens, instead of every tight tolerance in the suite quietly loosening again.
"""

import pytest


def test_rel_alone_is_relative_at_order_one():
    assert 1.0 + 1e-13 != pytest.approx(1.0, rel=1e-14)
    assert 1.0 + 1e-15 == pytest.approx(1.0, rel=1e-14)


def test_no_hidden_absolute_floor_at_zero():
    assert 1e-13 != pytest.approx(0.0)
    assert 1e-13 == pytest.approx(0.0, abs=1e-12)
