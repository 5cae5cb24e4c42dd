#!/usr/bin/python3
"""Independent high-precision reference values for tests/unit/clv (mpmath, 40 digits).

Written from the published formulas, not from the C++ kernels:
  Pareto/NBD  Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related
              expressions": the likelihood (eq. 22 in its alpha >= beta / alpha < beta forms),
              P(alive) = first term of the likelihood's bracket over the whole bracket, and
              E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive).
  BG/NBD      Fader, Hardie & Lee (2005), "Counting your customers the easy way", eq. 10 (E[Y(t)]),
              and P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
  digamma     mpmath.digamma.

Run: /usr/bin/python3 tests/unit/clv/mpmath_references.py
Each line prints the inputs and the reference values with 17 significant digits, which the C++
tests (test_likelihoods.cpp, test_scoring.cpp) copy as literals.
"""
import mpmath as mp

mp.mp.dps = 40
N = 17  # significant digits printed (a double round-trips with 17)


def pareto_terms(r, alpha, s, beta, x, t_x, T):
    r, alpha, s, beta, x, t_x, T = map(mp.mpf, (r, alpha, s, beta, x, t_x, T))
    rsx = r + s + x
    if alpha >= beta:
        m, b2 = alpha, s + 1
        f1 = mp.hyp2f1(rsx, b2, rsx + 1, (alpha - beta) / (alpha + t_x))
        f2 = mp.hyp2f1(rsx, b2, rsx + 1, (alpha - beta) / (alpha + T))
    else:
        m, b2 = beta, r + x
        f1 = mp.hyp2f1(rsx, b2, rsx + 1, (beta - alpha) / (beta + t_x))
        f2 = mp.hyp2f1(rsx, b2, rsx + 1, (beta - alpha) / (beta + T))
    a0 = f1 / (m + t_x) ** rsx - f2 / (m + T) ** rsx
    lead = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(alpha) + s * mp.log(beta)
    alive_term = 1 / ((alpha + T) ** (r + x) * (beta + T) ** s)
    dead_term = s / rsx * a0
    return lead, alive_term, dead_term


def pareto_ll_palive(p, x, t_x, T):
    lead, alive, dead = pareto_terms(*p, x, t_x, T)
    return lead + mp.log(alive + dead), alive / (alive + dead)


def pareto_expected(p, t, x, t_x, T):
    r, alpha, s, beta = map(mp.mpf, p)
    _, pa = pareto_ll_palive(p, x, t_x, T)
    x, T, t = mp.mpf(x), mp.mpf(T), mp.mpf(t)
    return (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) * pa


def bgnbd_expected_palive(p, t, x, t_x, T):
    r, alpha, a, b = map(mp.mpf, p)
    x, t_x, T, t = map(mp.mpf, (x, t_x, T, t))
    odds = a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x) if x > 0 else mp.mpf(0)
    pa = 1 / (1 + odds)
    z = t / (alpha + T + t)
    ey = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) *
                                      mp.hyp2f1(r + x, b + x, a + b + x - 1, z)) * pa
    return ey, pa


def show(label, *values):
    print(label, " ".join(mp.nstr(v, N, min_fixed=-5, max_fixed=5) for v in values))


if __name__ == "__main__":
    print("# test_likelihoods.cpp ClvSpecial.DigammaKnownValues: x -> digamma(x)")
    for x in ("1", "0.5", "10", "1e-3"):
        show(f"digamma({x})", mp.digamma(mp.mpf(x)))

    print("# test_likelihoods.cpp ClvParetoNbd.MatchesHighPrecisionReference: params, x, t_x, T -> log L, P(alive)")
    cd = (0.55, 10.58, 0.61, 11.67)
    for p, x, t_x, T in [(cd, 2, 30.43, 38.86), (cd, 0, 0, 38.86), (cd, 300, 480, 500),
                         ((2.0, 3.0, 0.5, 30.0), 5, 10, 60), ((0.3, 40, 1.5, 2.0), 7, 20, 52),
                         ((1.2, 5, 0.8, 5), 3, 12, 30), (cd, 50, 499.5, 500)]:
        show(f"pareto {p} x={x} t_x={t_x} T={T}:", *pareto_ll_palive(p, x, t_x, T))

    print("# test_scoring.cpp ClvScoring.BgNbdMatchesHighPrecisionReference: params, x, t_x, T, t -> E[Y(t)], P(alive)")
    bg = (0.2426, 4.4137, 0.7930, 2.4262)
    for p, x, t_x, T, t in [(bg, 2, 30.43, 38.86, 39), (bg, 0, 0, 38.86, 52), (bg, 20, 35, 38.86, 100),
                            ((1.5, 10, 2.5, 4), 3, 20, 40, 12)]:
        show(f"bgnbd {p} x={x} t_x={t_x} T={T} t={t}:", *bgnbd_expected_palive(p, t, x, t_x, T))
    show("pareto E[Y(39)] (0.55, 10.58, 0.61, 11.67) x=2 t_x=30.43 T=38.86:",
         pareto_expected(cd, 39, 2, 30.43, 38.86))
