#!/usr/bin/env python3
"""Plain numpy/scipy reference for the BG/NBD, MBG/NBD and Pareto/NBD log-likelihoods.

Evaluated per customer (no collapsing to distinct triples) and fitted with
scipy.optimize.minimize on log-parameters, so the C++ kernels in kernels/clv/
can be compared side by side with an independent implementation.

Input: a CSV with a header containing at least the columns x, t_x, T (other
columns, e.g. ID and zbar, are ignored). Output: fitted parameters and the
log-likelihood per model, one line each, or JSON with --json.

Formulas:
  BG/NBD     Fader, Hardie & Lee (2005), "Counting your customers the easy way", eq. 6.
  MBG/NBD    Batislam, Denizel & Filiztekin (2007), as lifetimes' ModifiedBetaGeoFitter.
  Pareto/NBD Fader & Hardie (2005), "A note on deriving the Pareto/NBD model",
             eq. 22, with scipy.special.hyp2f1 (no log-space tricks on purpose:
             this is the textbook form the C++ stable form must agree with).
"""
import argparse
import csv
import json
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1


def read_table(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    x = np.array([float(r["x"]) for r in rows])
    t_x = np.array([float(r["t_x"]) for r in rows])
    T = np.array([float(r["T"]) for r in rows])
    return x, t_x, T


def bgnbd_ll(params, x, t_x, T):
    """Per-customer BG/NBD log-likelihood (array)."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                      - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def mbgnbd_ll(params, x, t_x, T):
    """Per-customer MBG/NBD log-likelihood (array): every customer, x = 0 included, may have
    dropped out after the last purchase."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return a1 + a2 + a3 + np.logaddexp(a4, 0)


def pnbd_ll(params, x, t_x, T):
    """Per-customer Pareto/NBD log-likelihood (array), textbook form."""
    r, alpha, s, beta = params
    rsx = r + s + x
    if alpha >= beta:
        m, b2 = alpha, s + 1
        f1 = hyp2f1(rsx, b2, rsx + 1, (alpha - beta) / (alpha + t_x))
        f2 = hyp2f1(rsx, b2, rsx + 1, (alpha - beta) / (alpha + T))
    else:
        m, b2 = beta, r + x
        f1 = hyp2f1(rsx, b2, rsx + 1, (beta - alpha) / (beta + t_x))
        f2 = hyp2f1(rsx, b2, rsx + 1, (beta - alpha) / (beta + T))
    a0 = f1 / (m + t_x) ** rsx - f2 / (m + T) ** rsx
    lead = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    l1 = 1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s)
    return lead + np.log(l1 + s / rsx * a0)


MODELS = {
    "bgnbd": (bgnbd_ll, ["r", "alpha", "a", "b"], [1.0, 1.0, 1.0, 1.0]),
    "mbgnbd": (mbgnbd_ll, ["r", "alpha", "a", "b"], [1.0, 1.0, 1.0, 1.0]),
    "pnbd": (pnbd_ll, ["r", "alpha", "s", "beta"], [1.0, 1.0, 1.0, 1.0]),
}


def fit(model, x, t_x, T):
    ll_fn, names, start = MODELS[model]

    def nll(theta):
        v = -np.sum(ll_fn(np.exp(theta), x, t_x, T))
        return v if np.isfinite(v) else 1e300

    res = minimize(nll, np.log(start), method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 40000})
    res = minimize(nll, res.x, method="BFGS", options={"gtol": 1e-8})
    est = dict(zip(names, np.exp(res.x).tolist()))
    return {"model": model, "params": est, "log_likelihood": -float(res.fun),
            "n": int(len(x)), "converged": bool(res.success), "message": str(res.message)}


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Reference BG/NBD, MBG/NBD and Pareto/NBD fits (per-customer likelihood, scipy).")
    ap.add_argument("csv", help="CSV with header columns x,t_x,T (e.g. cdnow_summary_39w.csv)")
    ap.add_argument("--model", choices=["bgnbd", "mbgnbd", "pnbd", "both"], default="both",
                    help="both = bgnbd and pnbd")
    ap.add_argument("--eval", metavar="P1,P2,P3,P4",
                    help="only evaluate the summed log-likelihood at these natural parameters")
    ap.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = ap.parse_args(argv)

    x, t_x, T = read_table(args.csv)
    models = ["bgnbd", "pnbd"] if args.model == "both" else [args.model]
    out = []
    for m in models:
        if args.eval:
            p = [float(v) for v in args.eval.split(",")]
            out.append({"model": m, "params": p,
                        "log_likelihood": float(np.sum(MODELS[m][0](p, x, t_x, T)))})
        else:
            out.append(fit(m, x, t_x, T))
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        print()
    else:
        for o in out:
            print(o["model"], json.dumps(o["params"]), "LL=%.6f" % o["log_likelihood"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
