"""Pinned values of :mod:`theory.sphere` that mutation testing showed unchecked.

Each test compares against an independent value (a closed form typed here, mpmath, or the sampler's
algorithm written out with the same generator), never against the function itself.
"""

import warnings

import mpmath as mp
import numpy as np
import pytest

from theory.sphere import crossing_radii, log_density_ratio, project, projection_logpdf, sample_uniform


@pytest.mark.parametrize(("d", "k"), [(5, 1), (12, 3)])
def test_log_density_ratio_at_zero_is_the_normalising_constant(d, k):
    # s = 0 is a valid squared radius: L(0) = log[Gamma(d/2) (2/d)^{k/2} / Gamma((d-k)/2)]
    with mp.workdps(30):
        c = (
            mp.loggamma(mp.mpf(d) / 2)
            - mp.loggamma(mp.mpf(d - k) / 2)
            + mp.mpf(k) / 2 * mp.log(mp.mpf(2) / d)
        )
    out = log_density_ratio([0.0], d, k)
    assert out[0] == pytest.approx(float(c), rel=1e-13)
    with pytest.raises(ValueError, match="s must hold squared radii >= 0"):
        log_density_ratio([-1e-300], d, k)


def test_crossing_radii_tuple_use_warns():
    cr = crossing_radii(10, 1)
    assert len(cr) == 2
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        s_lo, s_hi = cr
        first = cr[0]
    assert (s_lo, s_hi) == (cr.s_lo, cr.s_hi) and first == cr.s_lo
    assert len(rec) == 2
    for w in rec:
        assert w.category is DeprecationWarning
        assert str(w.message) == (
            "crossing_radii(...) returns a CrossingRadii; unpacking or indexing it like the old tuple is "
            "deprecated: use .s_lo and .s_hi"
        )


def test_sample_uniform_is_normalised_gaussian_rows_and_accepts_the_smallest_sizes():
    # the algorithm written out: one draw of standard normals, each row divided by its norm
    g = np.random.default_rng(7).standard_normal((6, 1))
    assert np.array_equal(sample_uniform(6, 1, seed=7), g / np.abs(g))  # d = 1: random signs
    g = np.random.default_rng(3).standard_normal((1, 4))
    np.testing.assert_allclose(sample_uniform(1, 4, seed=3), g / np.linalg.norm(g), rtol=0, atol=1e-15)


def test_project_rows_and_the_zero_row():
    z = np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0], [0.0, -2.0, 0.0]])
    expected = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, -1.0, 0.0]])  # zero row -> e_1
    np.testing.assert_allclose(project(z), expected, rtol=0, atol=1e-15)
    c0 = np.array([0.0, 0.0, 1.0])
    np.testing.assert_allclose(project(z, c0=c0)[0], c0, rtol=0, atol=0)
    tiny = np.finfo(np.float64).tiny
    np.testing.assert_allclose(project([[4 * tiny, 0.0, 0.0]]), [[1.0, 0.0, 0.0]], rtol=1e-15)


def test_dir_lists_the_moved_names():
    import theory.sphere

    names = dir(theory.sphere)
    assert names == sorted(names)
    assert {"plot_tv_vs_d", "tv_vs_d_table", "projection_tv", "sample_uniform"} <= set(names)


@pytest.mark.parametrize(("d", "k"), [(5, 3), (5, 4), (10, 9)])
def test_log_density_ratio_is_minus_inf_from_s_equal_d(d, k):
    # the support of the projection is the open ball s < d: L = -inf at s = d exactly (as documented),
    # also for k >= d - 2, where the density itself does not vanish at the boundary
    out = log_density_ratio([float(d), 2.0 * d], d, k)
    assert out.tolist() == [-np.inf, -np.inf]


def test_projection_logpdf_names_the_type_of_a_non_bool_scaled():
    with pytest.raises(TypeError, match=r"^scaled must be a bool; got int 1$"):
        projection_logpdf(np.zeros((1, 1)), 5, scaled=1)
