#!/usr/bin/python3
"""The generator's planted association rules recovered by `crmpi rules` (issue 14; docs/rules.md).

Usage: truth_e2e.py --crmpi BIN --mpiexec MPIEXEC --workdir DIR
Exit 0 = pass, anything else = failure (no external data: it never skips).

Where the expected values come from: the generator's process, not crmpi's output.
- /truth/rules lists each planted rule: antecedent_1, antecedent_2 (0xFFFFFFFF for a one-product
  antecedent), consequent, probability p (jobs/generate/generate_command.cpp, the end of
  write_truth).
- How a rule acts on a basket, kernels/generate/customer.cpp lines 102-112 (draw_basket): the
  basket's products are drawn first (lines 93-101, distinct); then, for each drawn product that
  is a rule's first antecedent, when the rule's second antecedent (if any) is also drawn, the
  consequent is appended with probability p (one uniform draw, `rng.uniform() < p`) unless it was
  drawn already. kernels/generate/catalog.hpp lines 16-18: the products of different rules are
  distinct and no consequent is an antecedent, so an antecedent is in a basket only when drawn,
  each rule fires at most once per basket, and rules never chain.
- Hence, with A the antecedent and c the consequent, and q_A = P(c drawn | A in the basket) (the
  rate at which c appears anyway in baskets holding A):
      confidence(A -> c) = P(c in basket | A in basket) = q_A + (1 - q_A) p = p + (1 - p) q_A.
  The planted probability is recovered exactly only when q_A = 0; c is drawn from below the top
  popularity ranks (catalog.cpp lines 79-115), so q_A is small but not zero, and it is not the
  rate of c in all baskets (baskets holding A are larger, and groups favour categories), so it is
  measured: a control file is generated with the same seed and parameters but
  --rule-probability 0. Nothing else in the process depends on p (the uniform is drawn whether or
  not the rule fires), so the control's baskets come from the same drawing process with nothing
  injected, and q_A is estimated there as (control baskets holding A and c) / (control baskets
  holding A). (The control's baskets are not the same baskets: an injected item draws its
  quantity from the same random stream, so the streams diverge after the first injection; q_A's
  estimate is a different sample of the same process.)
- Tolerance: 4 standard errors of the difference between the observed confidence (binomial:
  e (1 - e) / n_A, e the expected confidence, n_A the baskets holding A) and the expected value
  (whose error is (1 - p) times the binomial error of q_A's estimate, q (1 - q) / m_A, with q at
  least 1 / m_A so that an estimate of 0 still has an error). A basket is an order (crmpi rules'
  default), and every generated order is on or before the as-of day (customer.cpp, draw_order_days
  caps the day), so crmpi counts every basket the generator drew.
- Also exact: crmpi's count and confidence of each planted rule equal the counts of its baskets
  made here from /orders/item_offset and /items/product_id.
"""
import argparse
import math
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import launch  # noqa: E402  (tests/e2e/launch.py: how crmpi is started and checked)

NONE = 0xFFFFFFFF
CUSTOMERS, SEED = 20000, 7          # ~193k orders; a few seconds
MIN_SUPPORT, MIN_CONFIDENCE = 0.001, 0.3
Z = 4.0
args = None


def crmpi(np_, *cmd):
    return launch.crmpi(args.mpiexec, args.crmpi, np_, *cmd, timeout=500)


def path(name):
    return os.path.join(args.workdir, name)


def load(h5):
    """Baskets as a membership test: for each product, the sorted indices of the orders holding it;
    and the planted rules."""
    with h5py.File(h5) as f:
        off = f["orders/item_offset"][()].astype(np.int64)
        prod = f["items/product_id"][()].astype(np.int64)
        t = f["truth/rules"]
        rules = list(zip(t["antecedent_1"][()].tolist(), t["antecedent_2"][()].tolist(),
                         t["consequent"][()].tolist(), t["probability"][()].tolist()))
    n = len(off) - 1
    order_of = np.repeat(np.arange(n), np.diff(off))
    return n, order_of, prod, rules


def holding(order_of, prod, products):
    """The set of orders (as a sorted array) holding every product in `products`."""
    sets = [np.unique(order_of[prod == p]) for p in products]
    out = sets[0]
    for s in sets[1:]:
        out = np.intersect1d(out, s, assume_unique=True)
    return out


def antecedent(a1, a2):
    return [a1] if a2 == NONE else [a1, a2]


def crmpi_rules(out):
    """{(antecedent frozenset, consequent frozenset): (count, confidence)} from /rules/rules."""
    with h5py.File(os.path.join(out, "results.h5")) as f:
        g = f["rules/rules"]
        ao, a, co, c = (g[k][()] for k in ("antecedent_offset", "antecedent", "consequent_offset", "consequent"))
        cnt, conf = g["count"][()], g["confidence"][()]
        n = int(f["rules"].attrs["baskets"])
    res = {}
    for r in range(len(cnt)):
        res[(frozenset(int(x) for x in a[ao[r]:ao[r + 1]]), frozenset(int(x) for x in c[co[r]:co[r + 1]]))] = \
            (int(cnt[r]), float(conf[r]))
    return n, res


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--crmpi", required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)

    data, control = path("planted.h5"), path("control.h5")
    common = ["--customers", str(CUSTOMERS), "--seed", str(SEED), "--log-level", "warn"]
    crmpi(2, "generate", *common, "--out", data)
    crmpi(2, "generate", *common, "--rule-probability", "0", "--out", control)
    out = path("rules")
    crmpi(2, "rules", "--input", data, "--out", out, "--min-support", str(MIN_SUPPORT), "--min-confidence",
          str(MIN_CONFIDENCE), "--log-level", "warn")

    n, order_of, prod, rules = load(data)
    n_c, order_of_c, prod_c, rules_c = load(control)
    assert [r[:3] for r in rules] == [r[:3] for r in rules_c], "the control file plants other rules"
    assert all(r[3] == 0.0 for r in rules_c), "the control file injects consequents"
    assert len(rules) >= 1, "no planted rule: the test would say nothing"
    n_rules_out, found = crmpi_rules(out)
    assert n_rules_out == n, f"/rules@baskets {n_rules_out}, the input has {n} orders"
    min_count = math.ceil(MIN_SUPPORT * n)

    failures = []
    for i, (a1, a2, c, p) in enumerate(rules):
        ante = antecedent(a1, a2)
        with_a = holding(order_of, prod, ante)
        with_ac = np.intersect1d(with_a, holding(order_of, prod, [c]), assume_unique=True)
        n_a, n_ac = len(with_a), len(with_ac)
        assert n_ac >= min_count, (f"rule {i}: {n_ac} baskets hold it, under the min count {min_count}: lower "
                                   f"MIN_SUPPORT, or the test cannot see the rule")
        key = (frozenset(ante), frozenset([c]))
        if key not in found:
            failures.append(f"rule {i} {ante} -> {c}: not among crmpi's {len(found)} rules")
            continue
        count, conf = found[key]
        # Exact: crmpi's count and confidence are the counts of the baskets.
        if count != n_ac or conf != n_ac / n_a:
            failures.append(f"rule {i}: crmpi count {count}, confidence {conf!r}; the baskets give {n_ac} / {n_a}")
        # Statistical: about p + (1 - p) q_A.
        m_a = len(holding(order_of_c, prod_c, ante))
        m_ac = len(np.intersect1d(holding(order_of_c, prod_c, ante), holding(order_of_c, prod_c, [c]), assume_unique=True))
        assert m_a > 0, f"rule {i}: no control basket holds the antecedent"
        q = m_ac / m_a
        expected = p + (1 - p) * q
        q_for_se = max(q, 1.0 / m_a)
        se = math.sqrt(expected * (1 - expected) / n_a + (1 - p) ** 2 * q_for_se * (1 - q_for_se) / m_a)
        ok = abs(conf - expected) <= Z * se
        print(f"rule {i}: {ante} -> {c}: p {p}, q_A {q:.4f} ({m_ac}/{m_a}), expected confidence {expected:.4f}, "
              f"crmpi {conf:.4f} ({n_ac}/{n_a}), z {(conf - expected) / se:+.2f}: {'ok' if ok else 'OFF'}")
        if not ok:
            failures.append(f"rule {i}: confidence {conf:.4f}, expected {expected:.4f} +- {Z * se:.4f}")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print(f"PASS: all {len(rules)} planted rules found, with confidence p + (1 - p) q_A within {Z} standard errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
