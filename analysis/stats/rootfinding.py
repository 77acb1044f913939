"""Brent's root finder in the exact variant R's ``uniroot`` runs, for reproducing R output.

metafor finds the Q-profile bounds of tau² with ``uniroot(tol = .Machine$double.eps^0.25)``,
a tolerance of about 1.2e-4 on tau²; its printed I² bounds carry that error. Running the
same algorithm with the same bracket and tolerance reproduces them; the project's default
(:func:`analysis.stats.tau2.solve_generalised_q`) solves to machine precision instead.
"""
from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["R_UNIROOT_TOL", "brent_zeroin"]

#: R's default ``uniroot`` tolerance, ``.Machine$double.eps^0.25`` = 2^-13.
R_UNIROOT_TOL = sys.float_info.epsilon**0.25

_EPS = sys.float_info.epsilon


def brent_zeroin(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    *,
    tol: float = R_UNIROOT_TOL,
    max_iterations: int = 1000,
) -> float:
    """A root of ``f`` in [lower, upper], where f(lower) and f(upper) differ in sign.

    Algorithm: Brent's method (bisection with linear or inverse quadratic interpolation),
    stopping when half the bracketing interval is within 2 eps |b| + tol / 2.
    Source: Forsythe, Malcolm & Moler 1977, Computer Methods for Mathematical Computations,
    procedure ZEROIN, in the form of R's ``R_zeroin2`` (src/library/stats/src/zeroin.c),
    which ``uniroot`` calls.
    """
    a, b = float(lower), float(upper)
    fa, fb = f(a), f(b)
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    if (fa > 0) == (fb > 0):
        raise ValueError(
            f"f(lower) and f(upper) must have opposite signs, but got f({a})={fa} and f({b})={fb}"
        )
    c, fc = a, fa
    for _ in range(max_iterations + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * _EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p, q = cb * t1, 1.0 - t1
            else:
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    raise ArithmeticError(f"Brent's method did not converge in {max_iterations} iterations")
