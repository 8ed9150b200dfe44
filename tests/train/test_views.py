"""Batched views: the laws of the random parameters, the geometry of crops and flips, colour formulas
against the standard library's ``colorsys``, ranges, identity and determinism."""

from __future__ import annotations

import colorsys
import math

import numpy as np
import pytest
import torch
from scipy import stats

from train import views as V


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _rate_ok(k: int, n: int, p: float) -> bool:
    se = math.sqrt(p * (1 - p) / n)
    return abs(k / n - p) < 5 * se


def test_crop_boxes_law():
    n = 4000
    b = V.sample_crop_boxes(n, 32, 32, _gen(1))
    top, left, h, w = b.unbind(1)
    area = (h * w).numpy()
    ratio = (w / h).numpy()
    assert area.min() >= 0.2 - 1e-12 and area.max() <= 1 + 1e-12
    assert ratio.min() >= 3 / 4 - 1e-12 and ratio.max() <= 4 / 3 + 1e-12
    assert float(top.min()) >= 0 and float((top + h).max()) <= 1 + 1e-12
    assert float(left.min()) >= 0 and float((left + w).max()) <= 1 + 1e-12
    # on a square image every proposal with area <= 3/4 fits (max side sqrt(4/3 * area) <= 1): the kept
    # area is uniform on [0.2, 0.75] conditionally on being there
    low = area[area <= 0.75]
    assert stats.kstest((low - 0.2) / 0.55, "uniform").pvalue > 1e-3
    # and log ratio uniform on [log 3/4, log 4/3] for those
    lr = np.log(ratio[area <= 0.75])
    assert stats.kstest((lr - math.log(3 / 4)) / (2 * math.log(4 / 3)), "uniform").pvalue > 1e-3


def test_crop_fallback_on_thin_images():
    # a 4 x 64 image: no proposal of area >= 0.2 with ratio <= 4/3 fits the height, so the fallback
    # (height-limited centred crop with ratio 4/3) is taken
    b = V.sample_crop_boxes(50, 4, 64, _gen(2))
    assert torch.allclose(b[:, 2], torch.ones(50, dtype=torch.float64))
    assert torch.allclose(b[:, 3], torch.full((50,), 4 * 4 / 3 / 64, dtype=torch.float64))


def test_crop_geometry_on_a_ramp():
    """Bilinear resampling of a linear ramp is exact: the output reveals the crop box (and the flip)."""
    n, H, W = 64, 16, 20
    jj = torch.arange(W, dtype=torch.float64).view(1, 1, 1, W).expand(n, 1, H, W)
    ii = torch.arange(H, dtype=torch.float64).view(1, 1, H, 1).expand(n, 1, H, W)
    x = torch.cat([jj, ii, torch.zeros_like(jj)], dim=1).contiguous()
    params = V.ImageViewParams(jitter_p=0.0, gray_p=0.0, flip_p=0.5)
    out, p = V.augment_images(x, _gen(3), params, return_params=True)
    top, left, h, w = p.boxes.unbind(1)
    k = torch.arange(W, dtype=torch.float64)
    r = torch.arange(H, dtype=torch.float64)
    for s in range(n):
        col = (left[s] + w[s] * (k + 0.5) / W) * W - 0.5  # align_corners=False pixel coordinate
        row = (top[s] + h[s] * (r + 0.5) / H) * H - 0.5
        exp_col = col.clamp(0, W - 1)
        if p.flip[s]:
            exp_col = exp_col.flip(0)
        exp_row = row.clamp(0, H - 1)
        assert torch.allclose(out[s, 0], exp_col.view(1, W).expand(H, W), atol=1e-9)
        assert torch.allclose(out[s, 1], exp_row.view(H, 1).expand(H, W), atol=1e-9)


def test_flip_rate_and_exact_flip():
    n = 4000
    x = torch.rand(n, 3, 4, 5, generator=_gen(4))
    params = V.ImageViewParams(crop=False, jitter_p=0.0, gray_p=0.0)
    out, p = V.augment_images(x, _gen(5), params, return_params=True)
    assert _rate_ok(int(p.flip.sum()), n, 0.5)
    assert torch.equal(out[p.flip], x[p.flip].flip(-1))
    assert torch.equal(out[~p.flip], x[~p.flip])


def test_jitter_and_grayscale_rates_and_factor_laws():
    n = 4000
    x = torch.rand(n, 3, 4, 4, generator=_gen(6))
    out, p = V.augment_images(x, _gen(7), V.SIMCLR, return_params=True)
    assert _rate_ok(int(p.jitter.sum()), n, 0.8)
    assert _rate_ok(int(p.gray.sum()), n, 0.2)
    # grayscale samples have three equal channels; others (almost surely) do not
    same = (out[:, 0] == out[:, 1]).all(dim=(1, 2)) & (out[:, 1] == out[:, 2]).all(dim=(1, 2))
    assert torch.equal(same[p.gray], torch.ones(int(p.gray.sum()), dtype=torch.bool))
    assert not bool(same[~p.gray & ~p.jitter].any())
    f = p.factors.numpy()
    for j, (lo, hi) in enumerate([(0.2, 1.8), (0.2, 1.8), (0.2, 1.8), (-0.2, 0.2)]):
        assert f[:, j].min() >= lo and f[:, j].max() <= hi
        assert stats.kstest((f[:, j] - lo) / (hi - lo), "uniform").pvalue > 1e-3
    # the order is a permutation; each operation comes first a quarter of the time
    assert torch.equal(p.order.sort(dim=1).values, torch.arange(4).expand(n, 4))
    for op in range(4):
        assert _rate_ok(int((p.order[:, 0] == op).sum()), n, 0.25)


def test_non_jittered_samples_are_only_cropped():
    n = 200
    x = torch.rand(n, 3, 8, 8, generator=_gen(8))
    params = V.ImageViewParams(gray_p=0.0)
    out, p = V.augment_images(x, _gen(9), params, return_params=True)
    ref = V._crop_flip(x, p.boxes, p.flip)
    keep = ~p.jitter
    assert torch.equal(out[keep], ref[keep])
    assert not torch.allclose(out[p.jitter], ref[p.jitter])


def test_identity_when_all_probabilities_zero():
    x = torch.rand(10, 3, 6, 7, generator=_gen(10))
    none = V.ImageViewParams(crop=False, flip_p=0.0, jitter_p=0.0, gray_p=0.0)
    assert torch.equal(V.augment_images(x, _gen(0), none), x)
    # the whole-image crop resamples at the pixel centres: identity to rounding
    whole = V.ImageViewParams(scale=(1.0, 1.0), ratio=(7 / 6, 7 / 6), flip_p=0.0, jitter_p=0.0, gray_p=0.0)
    assert torch.allclose(V.augment_images(x, _gen(0), whole), x, atol=1e-6)
    x1 = torch.randn(5, 30, generator=_gen(11), dtype=torch.float64)
    still = V.SignalViewParams(max_shift=0.0, scale=(1.0, 1.0), noise_sd=0.0)
    assert torch.allclose(V.augment_signals(x1, _gen(0), still), x1, atol=1e-12)


def test_output_ranges_and_dtype():
    for dtype in (torch.float32, torch.float64):
        x = torch.rand(64, 3, 16, 16, generator=_gen(12), dtype=dtype)
        out = V.augment_images(x, _gen(13))
        assert out.dtype == dtype and out.shape == x.shape
        assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    g1 = torch.rand(32, 1, 8, 8, generator=_gen(14))
    out = V.augment_images(g1, _gen(15), V.ImageViewParams(gray_p=0.5))
    assert out.shape == g1.shape and float(out.min()) >= 0 and float(out.max()) <= 1


def test_determinism_under_a_seed():
    x = torch.rand(16, 3, 12, 12, generator=_gen(16))
    a = V.ImageViews()(x, _gen(42))
    b = V.ImageViews()(x, _gen(42))
    c = V.ImageViews()(x, _gen(43))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])
    assert not torch.equal(a[0], a[1])  # the two views are independent draws
    s = torch.randn(8, 40, generator=_gen(17))
    assert torch.equal(V.SignalViews()(s, _gen(1))[0], V.SignalViews()(s, _gen(1))[0])


def test_hue_saturation_value_against_colorsys():
    x = torch.rand(3, 3, 5, 4, generator=_gen(18), dtype=torch.float64)
    hsv = V.rgb_to_hsv(x)
    shift = torch.tensor([0.13, -0.2, 0.5], dtype=torch.float64)
    out = V.adjust_hue(x, shift)
    for s in range(3):
        for i in range(5):
            for j in range(4):
                r, g, b = x[s, :, i, j].tolist()
                h, sat, val = colorsys.rgb_to_hsv(r, g, b)
                assert np.allclose(hsv[s, :, i, j].numpy(), [h, sat, val], atol=1e-12)
                expected = colorsys.hsv_to_rgb((h + float(shift[s])) % 1.0, sat, val)
                assert np.allclose(out[s, :, i, j].numpy(), expected, atol=1e-12)
    red = torch.zeros(1, 3, 1, 1, dtype=torch.float64)
    red[0, 0] = 1.0
    assert torch.allclose(
        V.adjust_hue(red, 1 / 3).flatten(), torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
    )


def test_brightness_contrast_saturation_formulas():
    x = torch.rand(2, 3, 4, 4, generator=_gen(19), dtype=torch.float64)
    xn = x.numpy()
    luma = 0.299 * xn[:, 0] + 0.587 * xn[:, 1] + 0.114 * xn[:, 2]
    c = np.array([0.5, 1.7])
    ref_b = np.clip(xn * c[:, None, None, None], 0, 1)
    ref_c = np.clip(
        c[:, None, None, None] * xn
        + (1 - c[:, None, None, None]) * luma.mean(axis=(1, 2))[:, None, None, None],
        0,
        1,
    )
    ref_s = np.clip(c[:, None, None, None] * xn + (1 - c[:, None, None, None]) * luma[:, None], 0, 1)
    ct = torch.tensor(c)
    assert np.allclose(V.adjust_brightness(x, ct).numpy(), ref_b, atol=1e-14)
    assert np.allclose(V.adjust_contrast(x, ct).numpy(), ref_c, atol=1e-14)
    assert np.allclose(V.adjust_saturation(x, ct).numpy(), ref_s, atol=1e-14)


def test_signal_views_shift_scale_and_noise():
    n, L = 3000, 50
    x = torch.zeros(n, L, dtype=torch.float64)
    out = V.augment_signals(x, _gen(20), V.SignalViewParams(max_shift=0.0, scale=(1.0, 1.0), noise_sd=0.3))
    sd = float(out.std())
    assert abs(sd - 0.3) < 5 * 0.3 / math.sqrt(2 * n * L)
    # a ramp t -> t: the view is a t + b exactly (interior points), with a, b in their ranges
    t = (torch.arange(L, dtype=torch.float64) + 0.5) / L * 2 - 1
    ramp = t.expand(200, L).contiguous()
    params = V.SignalViewParams(max_shift=0.1, scale=(0.9, 1.1), noise_sd=0.0)
    out = V.augment_signals(ramp.unsqueeze(1), _gen(21), params).squeeze(1)
    inner = slice(10, 40)
    slope = (out[:, inner][:, -1] - out[:, inner][:, 0]) / (t[inner][-1] - t[inner][0])
    icpt = out[:, inner][:, 0] - slope * t[inner][0]
    assert float(slope.min()) >= 0.9 - 1e-9 and float(slope.max()) <= 1.1 + 1e-9
    assert float(icpt.abs().max()) <= 0.1 + 1e-9
    fit = slope.view(-1, 1) * t[inner] + icpt.view(-1, 1)
    assert torch.allclose(out[:, inner], fit, atol=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="scale"):
        V.ImageViewParams(scale=(0.0, 1.0))
    with pytest.raises(ValueError, match="flip_p"):
        V.ImageViewParams(flip_p=1.5)
    with pytest.raises(ValueError, match=r"\(n, C, H, W\)"):
        V.augment_images(torch.rand(3, 4, 4), _gen())
    with pytest.raises(TypeError, match="generator"):
        V.augment_images(torch.rand(3, 3, 4, 4), 0)
    with pytest.raises(TypeError, match="floating"):
        V.augment_images(torch.zeros(3, 3, 4, 4, dtype=torch.uint8), _gen())
    with pytest.raises(ValueError, match="RGB"):
        V.adjust_hue(torch.rand(2, 1, 3, 3), 0.1)
