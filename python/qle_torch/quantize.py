"""The quantizer and the scheduler's bound (qle SPEC sections 1 and 6), in torch.

Exact for binary grids (eta and base powers of two; the reference: eta=1, base=2): then d*Q and
k/Q are exact, and round mode is k = floor(y) + (y - floor(y) >= 0.5), never floor(y + 0.5), which
rounds 0.49999999999999994 up.
"""
import math

import torch


def resolution(p, eta=1, base=2):
    """Q_p = eta * base^p (SPEC eq. 1)."""
    return float(eta * base ** p) if p >= 0 else eta / float(base ** -p)


def quantize(d, p, mode="round", eta=1, base=2):
    """Q_p(d): floor(Q d)/Q (floor) or round-half-up (round), componentwise (SPEC eq. 1)."""
    Q = resolution(p, eta, base)
    y = d * Q
    k = torch.floor(y)
    if mode == "round":
        k = k + (y - k >= 0.5).to(d.dtype)
    else:
        # Q < 1 can underflow a tiny negative d to -0; its floor is -1, not 0.
        k = torch.where((y == 0) & (d < 0), torch.full_like(k, -1.0), k)
    return k / Q


def p_inf(t, kappa=64 / 24, C=1e-6, beta=20.0, eta=1, base=2):
    """SPEC eqs. 11-12: T(t) = b^(2 beta/(t+2)) C / ln(t+2); p_inf = 1/2 log_b(kappa / (eta^2 T))."""
    T = base ** (2 * beta / (t + 2)) * (C / math.log(t + 2))
    return 0.5 * math.log(kappa / (eta * eta * T)) / math.log(base)
