"""The running-lines smoother of ACE: one sorted column, window moments by cumulative sums."""

from __future__ import annotations

import numpy as np

_SPANS = (0.05, 0.2, 0.5, 1.0)


class _Column:
    """One variable, sorted once: the order, tie groups, and whether it is smoothed by group means."""

    def __init__(self, values: np.ndarray, categorical: bool):
        self.values = values
        self.order = np.argsort(values, kind="stable")
        xs = values[self.order]
        starts = np.flatnonzero(np.r_[True, xs[1:] != xs[:-1]])  # distinct values of the sorted data
        self.knots = xs[starts]
        counts = np.diff(np.r_[starts, xs.size])
        self.group_sorted = np.repeat(np.arange(self.knots.size), counts)  # group of each sorted point
        self.group = np.empty(values.size, dtype=np.intp)
        self.group[self.order] = self.group_sorted
        self.counts = counts.astype(np.float64)
        self.categorical = bool(categorical) or self.knots.size == 1
        self.has_ties = self.knots.size < values.size
        # standardised sorted values for the running lines (precision of the cumulative sums)
        sd = xs.std()
        self.xs = (xs - xs.mean()) / (sd if sd > 0 else 1.0)
        self._windows: dict[float, tuple] = {}

    def _window(self, span: float) -> tuple:
        """Window moments for one span: (w, a, mx, slope weight, 1/(1 - leverage)), cached."""
        if span in self._windows:
            return self._windows[span]
        n = self.xs.size
        w = int(min(n, max(5, round(span * n))))
        a = w // 2  # points before the first full window share window 0; likewise at the end
        if not self._windows:
            self._cs = np.concatenate([[0.0], np.cumsum(self.xs)])
            self._css = np.concatenate([[0.0], np.cumsum(self.xs**2)])
        cs, css = self._cs, self._css
        mx = _expand((cs[w:] - cs[:-w])[:, None], a, n)[:, 0] / w
        vx = np.maximum(_expand((css[w:] - css[:-w])[:, None], a, n)[:, 0] / w - mx**2, 0.0)
        dx = self.xs - mx
        ok = vx > 1e-10
        slope_w = np.where(ok, dx / np.where(ok, vx, 1.0), 0.0)
        lev = np.minimum(1.0 / w + slope_w * dx / w, 0.99)
        self._windows[span] = (w, a, mx, slope_w, 1.0 / (1.0 - lev))
        return self._windows[span]

    def group_means(self, R: np.ndarray) -> np.ndarray:
        """Exact E[R | group] per group, shape (n_groups, k)."""
        k = R.shape[1]
        out = np.empty((self.knots.size, k))
        for c in range(k):
            out[:, c] = np.bincount(self.group, weights=R[:, c], minlength=self.knots.size)
        return out / self.counts[:, None]

    def smooth(self, R: np.ndarray, span) -> tuple[np.ndarray, tuple]:
        """Smooth the columns of R (shape (n, k), data order) against this variable.

        ``span`` is ``"cv"`` (choose per column), a float, or a tuple of per-column floats. Returns the
        fitted values in data order, shape (n, k), and the span used for each column.
        """
        k = R.shape[1]
        if self.categorical:
            return self.group_means(R)[self.group], (0.0,) * k
        Rs = R[self.order]
        n = Rs.shape[0]
        z = np.zeros((1, k))
        cr = np.concatenate([z, np.cumsum(Rs, axis=0)])
        cxr = np.concatenate([z, np.cumsum(self.xs[:, None] * Rs, axis=0)])
        if span == "cv":
            spans = _SPANS
        elif isinstance(span, tuple):
            spans = tuple(dict.fromkeys(span))
        else:
            spans = (span,)
        fits, errs, ses = [], [], []
        for s in spans:
            w, a, mx, slope_w, inv1mlev = self._window(s)
            mr = cr[w:] - cr[:-w]
            mr *= 1.0 / w
            mr = _expand(mr, a, n)
            cov = cxr[w:] - cxr[:-w]
            cov *= 1.0 / w
            cov = _expand(cov, a, n)
            cov -= mx[:, None] * mr
            cov *= slope_w[:, None]
            cov += mr  # the local-line fit
            fits.append(cov)
            if span == "cv":  # leave-one-out squared residuals, per column
                e = Rs - cov
                e *= inv1mlev[:, None]
                e *= e
                m1 = e.mean(axis=0)
                errs.append(m1)
                ses.append(np.sqrt(np.maximum(np.einsum("ij,ij->j", e, e) / n - m1 * m1, 0.0) / n))
        if span == "cv":
            # one-standard-error rule, per column: the largest span whose leave-one-out error is within
            # one standard error of the smallest (a bass-like preference for smooth transforms)
            E, S = np.array(errs), np.array(ses)  # (n_spans, k)
            cols = np.arange(k)
            imin = np.argmin(E, axis=0)
            ok = E <= (E[imin, cols] + S[imin, cols])[None, :]
            pick = len(spans) - 1 - np.argmax(ok[::-1], axis=0)
            chosen = tuple(spans[i] for i in pick)
        elif isinstance(span, tuple):
            chosen = span
            pick = [spans.index(s) for s in span]
        else:
            chosen, pick = (span,) * k, [0] * k
        best = np.empty_like(fits[0])
        for c in range(k):
            best[:, c] = fits[pick[c]][:, c]
        if self.has_ties:  # tied x get one value: the mean of their fits
            gm = np.empty((self.knots.size, k))
            for c in range(k):
                gm[:, c] = np.bincount(self.group_sorted, weights=best[:, c], minlength=self.knots.size)
            gm /= self.counts[:, None]
            return gm[self.group], chosen
        out = np.empty_like(best)
        out[self.order] = best
        return out, chosen


def _expand(D: np.ndarray, a: int, n: int) -> np.ndarray:
    """Window sums D (one row per full window, n - w + 1 rows) to one row per point.

    Point i uses the window starting at clip(i - a, 0, n - w): the first ``a`` points share window 0
    and the last points share the last window (the span stays ``w`` points at the boundaries).
    """
    m = D.shape[0]
    tail = n - a - m
    return np.concatenate(
        [np.broadcast_to(D[:1], (a, D.shape[1])), D, np.broadcast_to(D[-1:], (tail, D.shape[1]))]
    )
