#!/usr/bin/env python3
"""Fits the rational erf of samediff-graphs' FastErf: erf(x) ~ x P(x^2) / Q(x^2) on |x| <= 3.9 (beyond it the float
erf is +-1), P of degree 6 and Q of degree 4 in x^2 with Q(0) = 1. Sanathanan-Koerner iterations of a linear
least-squares fit, Q's coefficients kept >= 0 so that Q has no pole on the interval, then Lawson reweighting toward
the minimax fit. Prints the coefficients and the largest error in exact arithmetic and as FastErf evaluates it
(float32 with fused multiply-adds). Run: python3 test-fixtures/fit_erf.py"""
import numpy as np
from scipy.optimize import lsq_linear
from scipy.special import erf

XM, NP, NQ = 3.9, 7, 5


def fit():
    x = np.unique(np.concatenate([XM * (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, 20001))), np.linspace(0, XM, 20001)]))
    t, y = x * x, erf(x)
    a = np.concatenate([x[:, None] * t[:, None] ** np.arange(NP), -(y[:, None] * t[:, None] ** np.arange(1, NQ))], 1)
    lower = np.concatenate([np.full(NP, -np.inf), np.zeros(NQ - 1)])
    w, lawson = np.ones_like(x), np.ones_like(x)
    for it in range(200):
        ww = w * lawson
        c = lsq_linear(a * ww[:, None], y * ww, bounds=(lower, np.inf), lsmr_tol="auto", tol=1e-14).x
        p, q = c[:NP], np.concatenate([[1.0], c[NP:]])
        qt = np.polyval(q[::-1], t)
        err = x * np.polyval(p[::-1], t) / qt - y
        w = 1 / np.abs(qt)
        if it >= 20:
            lawson *= (np.abs(err) / np.abs(err).max() + 1e-3) ** 0.3
            lawson /= lawson.mean()
    return p, q, np.abs(err).max()


def as_fasterf(p, q, x):
    """FastErf's float32 evaluation: clamp, Horner with fused multiply-adds, divide, clamp to [-1, 1]."""
    def fma(a, b, c):
        return (a.astype(np.float64) * b.astype(np.float64) + np.float64(np.float32(c))).astype(np.float32)
    xc = np.clip(x, np.float32(-XM), np.float32(XM))
    t = xc * xc
    pt = np.full_like(t, np.float32(p[-1]))
    for c in p[-2::-1]:
        pt = fma(pt, t, c)
    qt = np.full_like(t, np.float32(q[-1]))
    for c in q[-2::-1]:
        qt = fma(qt, t, c)
    return np.clip((xc * pt) / qt, -1, 1).astype(np.float32)


def main():
    p, q, exact = fit()
    x = np.linspace(-6, 6, 4000001).astype(np.float32)
    floats = np.abs(as_fasterf(p, q, x).astype(np.float64) - erf(x.astype(np.float64))).max()
    print(f"max |error|: {exact:.2e} in exact arithmetic, {floats:.2e} evaluated in float32")
    print("P =", ", ".join(f"{v:.17g}" for v in p))
    print("Q =", ", ".join(f"{v:.17g}" for v in q))


if __name__ == "__main__":
    main()
