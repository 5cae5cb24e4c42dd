#!/usr/bin/python3
"""CLV benchmark: `crmpi clv` (collapse + fits + scoring) at 1 and 2 ranks, side by side
with the per-customer numpy/scipy reference of bench/clv_reference.py (no collapsing), on data
from `crmpi generate`.

  /usr/bin/python3 bench/clv_bench.py --crmpi build/jobs/crmpi --customers 1000000 [--ranks 1,2]

crmpi's stage times come from its hidden `--timings FILE` option (JSON written by rank 0):
summary pass, collapse (+ gather/merge), each fit (rank 0, broadcast), each model's scoring on
rank 0 (P(alive), expected purchases over the horizon, CLV and holdout in one fused pass). Then
bench_clv_kernel (bench/clv_kernel_bench.cpp, found next to crmpi in the build tree or given by
--kernel-bench) times the kernels alone on one core on the same customers: collapse, index, one
log-likelihood + gradient evaluation, the fits, and fused scoring (first pass fills the (x, T)
numerator table; warm = best of 5 passes with it filled). The reference reads the same per-customer (x, t_x, T)
from crmpi's results.h5, fits BG/NBD with scipy L-BFGS-B (finite-difference gradients) on the
per-customer log-likelihood of clv_reference.py, times one Pareto/NBD log-likelihood evaluation
(textbook hyp2f1 form; a full fit takes minutes at 1M), and scores P(alive) + E[Y(t)] with
scipy's hyp2f1. Prints a Markdown table (docs/PERFORMANCE.md, section CLV) and --json FILE.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import h5py
import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clv_reference  # noqa: E402


def run(cmd, env=None):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def reference(x, t_x, T, horizon, fit=True):
    out = {}
    ll = clv_reference.bgnbd_ll
    t0 = time.perf_counter()
    ll([0.5, 5.0, 1.0, 5.0], x, t_x, T).sum()
    out["ref_bgnbd_eval_s"] = time.perf_counter() - t0

    def nll(theta):
        v = -np.sum(ll(np.exp(theta), x, t_x, T)) / len(x)
        return v if np.isfinite(v) else 1e300

    if fit:
        t0 = time.perf_counter()
        res = minimize(nll, np.zeros(4), method="L-BFGS-B", options={"maxiter": 500, "gtol": 1e-9})
        out["ref_bgnbd_fit_s"] = time.perf_counter() - t0
        out["ref_bgnbd_fit_evals"] = int(res.nfev)
        r, alpha, a, b = np.exp(res.x)
        out["ref_bgnbd_params"] = [float(v) for v in (r, alpha, a, b)]
    else:  # score at crmpi's published-style values; the fit alone would take many minutes
        r, alpha, a, b = 1.0, 3.3, 1.2, 9.8
        out["ref_bgnbd_fit_s"] = float("nan")
    t0 = time.perf_counter()
    clv_reference.pnbd_ll([0.5, 5.0, 1.0, 20.0], x, t_x, T).sum()
    out["ref_pareto_eval_s"] = time.perf_counter() - t0
    # Scoring: P(alive) and E[Y(horizon) | x, t_x, T] (FHL 2005 eq. 10), per customer.
    t0 = time.perf_counter()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
        p_alive = 1.0 / (1.0 + odds)
        z = horizon / (alpha + T + horizon)
        num = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + horizon)) ** (r + x)
                                           * hyp2f1(r + x, b + x, a + b + x - 1, z))
        expected = num * p_alive
    out["ref_score_s"] = time.perf_counter() - t0
    out["ref_expected_total"] = float(np.nansum(expected))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--crmpi", required=True)
    ap.add_argument("--customers", default="1000000", help="comma-separated sizes")
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--models", default="bgnbd,pareto,gg", help="crmpi --models")
    ap.add_argument("--kernel-bench", default="", help="path of bench_clv_kernel (one-core kernel stages); "
                    "default: next to crmpi in the build tree")
    ap.add_argument("--work", default="/tmp/crmpi-clv-bench")
    ap.add_argument("--mpiexec", default="mpirun")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--reference-fit-max", type=int, default=2000000,
                    help="above this many customers the reference times its evaluations and scoring but not "
                         "its BG/NBD fit (~70 per-customer evaluations: minutes)")
    ap.add_argument("--json")
    args = ap.parse_args()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1",
               # ranks waiting in the fit's broadcast yield their core instead of spinning
               OMPI_MCA_mpi_yield_when_idle=os.environ.get("OMPI_MCA_mpi_yield_when_idle", "1"))
    os.makedirs(args.work, exist_ok=True)
    rows = []
    for n in [int(v) for v in args.customers.split(",")]:
        data = f"{args.work}/gen_{n}.h5"
        if not os.path.exists(data):
            run([args.crmpi, "generate", "--customers", str(n), "--seed", "42", "--out", data, "--log-level", "warn"], env)
        for ranks in [int(v) for v in args.ranks.split(",")]:
            out = f"{args.work}/out_{n}_{ranks}"
            tf = f"{args.work}/timings_{n}_{ranks}.json"
            wall = run([args.mpiexec, "-n", str(ranks), "--oversubscribe", args.crmpi, "clv", "--input", data,
                        "--out", out, "--models", args.models, "--log-level", "warn", "--timings", tf], env)
            t = json.load(open(tf))
            t.update(wall_s=wall)
            rows.append(t)
        kb = args.kernel_bench or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.crmpi))),
                                               "bench", "bench_clv_kernel")
        if os.path.exists(kb):
            with h5py.File(f"{args.work}/out_{n}_{args.ranks.split(',')[0]}/results.h5", "r") as f:
                ok = f["/clv/in_calibration"][()] == 1
                np.stack([f[f"/clv/{k}"][()][ok] for k in ("x", "t_x", "T")], axis=1).astype("<f8").tofile(
                    f"{args.work}/triples_{n}.bin")
            out = subprocess.run([kb, f"{args.work}/triples_{n}.bin", "--pareto"], check=True, capture_output=True,
                                 text=True).stdout
            k = json.loads(out)
            k["kernel"] = True
            rows.append(k)
        if not args.no_reference:
            with h5py.File(f"{args.work}/out_{n}_{args.ranks.split(',')[0]}/results.h5", "r") as f:
                ok = f["/clv/in_calibration"][()] == 1
                x, t_x, T = (f[f"/clv/{k}"][()][ok] for k in ("x", "t_x", "T"))
                horizon = float(f["/clv"].attrs["horizon_units"])
                est = f["/clv/bgnbd/parameters/estimate"][()] if "bgnbd" in f["/clv"] else None
            ref = reference(x, t_x, T, horizon, fit=n <= args.reference_fit_max)
            ref.update(customers=n, crmpi_bgnbd_params=None if est is None else [float(v) for v in est])
            rows.append(ref)

    refs = {t["customers"]: t for t in rows if "ref_bgnbd_eval_s" in t}
    nan = float("nan")

    def ratio(a, b):
        return a / b if a and b and a == a and b == b else nan

    print("| customers | ranks | distinct (x,t_x,T) | summary s | collapse s | BG/NBD fit s | Pareto/NBD fit s | GG fit s | "
          "BG/NBD score s (rank 0) | customers/s per rank | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for t in rows:
        if "ranks" not in t:
            continue
        sc = t.get("score_bgnbd_s", nan)
        print(f"| {t['customers']:,} | {t['ranks']} | {t['triples']:,} | {t['summary_s']:.2f} | {t['collapse_s']:.2f} | "
              f"{t.get('fit_bgnbd_s', nan):.2f} | {t.get('fit_pareto_nbd_s', nan):.2f} | {t['fit_gamma_gamma_s'] + t.get('spread_gamma_gamma_s', 0):.2f} | "
              f"{sc:.3f} | {t['rank0_customers'] / sc / 1e6:.1f}M | {t['wall_s']:.1f} |")
    print("\nOne core, kernels alone (bench_clv_kernel, same customers), against the reference in the same run:")
    print("| customers | collapse s | index s | BG/NBD LL eval s (ref: value; crmpi: value + gradient) | BG/NBD fit s incl. collapse (ref / crmpi) | "
          "Pareto/NBD LL eval s (ref / crmpi) | Pareto/NBD fit s (default start) | scoring M customers/s: fill+score, warm (ref; crmpi/ref) |")
    print("|---|---|---|---|---|---|---|---|")
    for k in rows:
        if not k.get("kernel"):
            continue
        r = refs.get(k["customers"], {})
        fit = k.get("bgnbd_collapse_fit_s", k["collapse_s"] + k["bgnbd_fit_s"])
        ref_rate = k["customers"] / r["ref_score_s"] / 1e6 if r else nan
        cold, warm = k["score_cold_customers_per_s"] / 1e6, k["score_warm_customers_per_s"] / 1e6
        print(f"| {k['customers']:,} | {k['collapse_s']:.3f} | {k['index_s']:.3f} | "
              f"{r.get('ref_bgnbd_eval_s', nan):.3f} / {k['bgnbd_eval_s']:.4f} (x{ratio(r.get('ref_bgnbd_eval_s'), k['bgnbd_eval_s']):.0f}) | "
              f"{r.get('ref_bgnbd_fit_s', nan):.1f} / {fit:.3f}, CPU {k.get('bgnbd_collapse_fit_cpu_s', nan):.3f} "
              f"(x{ratio(r.get('ref_bgnbd_fit_s'), fit):.0f}) | "
              f"{r.get('ref_pareto_eval_s', nan):.2f} / {k.get('pareto_eval_s', nan):.3f} (x{ratio(r.get('ref_pareto_eval_s'), k.get('pareto_eval_s')):.0f}) | "
              f"{k.get('pareto_fit_default_start_s', nan):.2f} | "
              f"{cold:.1f}, {warm:.1f} ({ref_rate:.2f}; x{cold / ref_rate:.0f}, x{warm / ref_rate:.0f}) |")
    for t in rows:
        if "ref_bgnbd_fit_s" in t:
            print(f"\nreference (numpy/scipy, per customer, {t['customers']:,} customers): BG/NBD LL eval "
                  f"{t['ref_bgnbd_eval_s']:.3f}s, fit {t['ref_bgnbd_fit_s']:.1f}s ({t.get('ref_bgnbd_fit_evals', 0)} evals), "
                  f"Pareto/NBD LL eval {t['ref_pareto_eval_s']:.2f}s, scoring {t['ref_score_s']:.2f}s "
                  f"({t['customers'] / t['ref_score_s'] / 1e6:.2f}M customers/s)")
            if "ref_bgnbd_params" in t:
                print(f"  BG/NBD estimates: reference {np.round(t['ref_bgnbd_params'], 4).tolist()}, "
                      f"crmpi {np.round(t['crmpi_bgnbd_params'], 4).tolist()}")
    if args.json:
        json.dump(rows, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
