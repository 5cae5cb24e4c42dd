#!/usr/bin/python3
"""`crmpi generate --personas`: the personas are clusters that k-means finds in order histories.

A file of 20000 customers is generated at 1, 2 and 3 ranks (identical datasets and /truth
attributes, tests/e2e/h5compare.py), and once more at 1 rank with `personas = true` in the
[generate] table of a config file instead of the flag (identical too). `crmpi validate` accepts
the file and `crmpi run` on it writes /rfm and /clv.
From its /orders, /items and /products alone, numpy computes per customer the features of
docs/generate.md ("Personas"): log(1 + monetary), log(frequency), recency and tenure in days,
average order value, number of distinct categories bought, and the share of orders on each
order channel. After standardising them (z-scores), sklearn's KMeans (n_init=10,
random_state=0) at the planted number of personas must agree with /truth/customer_group with an
adjusted Rand index >= 0.9, and over k = 3..8 the mean silhouette (5000 customers sampled,
random_state=0) must be largest at the planted k. Calinski-Harabasz and Davies-Bouldin are
printed alongside for comparison. /truth must also say that personas were used and carry no
population-level BG/NBD or Gamma-Gamma attributes.

usage: personas_e2e.py CRMPI_BINARY   (env MPIEXEC; exit 0 pass, 1 fail, 77 skipped)"""
import os
import subprocess
import sys
import tempfile

try:
    import h5py
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import (adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score,
                                 silhouette_score)
except ImportError as e:  # needs python3-h5py, python3-numpy, python3-sklearn (scripts/setup-deps.sh)
    print(f"personas_e2e: {'FAILED' if os.environ.get('CI') == 'true' else 'SKIPPED'}: {e}")
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")
HERE = os.path.dirname(os.path.abspath(__file__))
CUSTOMERS, SEED = 20000, 11
K_RANGE = range(3, 9)
MIN_ARI = 0.9
FEATURES = ["log1p_monetary", "log_frequency", "recency_days", "tenure_days", "avg_order_value",
            "distinct_categories", "share_web", "share_app", "share_marketplace", "share_store"]


def crmpi(binary, ranks, *args):
    cmd = [MPIEXEC, "-n", str(ranks), "--oversubscribe", binary, *args, "--log-level", "warn"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        sys.exit(f"personas_e2e: FAILED: {' '.join(cmd)} exited {p.returncode}\n{p.stdout}{p.stderr}")
    return p.stdout


def identical(a, b, what, failures):
    same = subprocess.run([sys.executable, os.path.join(HERE, "..", "h5compare.py"), a, b],
                          capture_output=True, text=True)
    print(f"{what}: {same.stdout.strip()}")
    if same.returncode != 0:
        failures.append(f"{what}: files differ")


def features(f):
    """One row per customer, columns FEATURES, from the input datasets only (no /truth)."""
    as_of = int(f.attrs["as_of_day"])
    order_off = f["/customers/order_offset"][()].astype(np.int64)
    n_orders = np.diff(order_off)
    assert (n_orders > 0).all(), "every generated customer has a first order"
    n_customers = len(n_orders)
    owner = np.repeat(np.arange(n_customers), n_orders)
    day = f["/orders/day"][()].astype(np.int64)
    amount = f["/orders/amount_cents"][()].astype(np.float64) / 100.0
    channel = f["/orders/channel"][()].astype(np.int64)
    monetary = np.bincount(owner, weights=amount, minlength=n_customers)
    first = day[order_off[:-1]]  # days are sorted within a customer
    last = day[order_off[1:] - 1]

    item_off = f["/orders/item_offset"][()].astype(np.int64)
    item_owner = np.repeat(owner, np.diff(item_off))
    category = f["/products/category"][()].astype(np.int64)[f["/items/product_id"][()]]
    n_categories = int(category.max()) + 1
    pairs = np.unique(item_owner * n_categories + category)
    distinct = np.bincount(pairs // n_categories, minlength=n_customers)

    channel_names = [s.decode() if isinstance(s, bytes) else s for s in f["/dictionaries/order_channel"][()]]
    assert channel_names == ["web", "app", "marketplace", "store"], channel_names
    shares = np.stack([np.bincount(owner, weights=(channel == c).astype(np.float64), minlength=n_customers)
                       for c in range(len(channel_names))], axis=1) / n_orders[:, None]
    return np.column_stack([np.log1p(monetary), np.log(n_orders), as_of - last, as_of - first,
                            monetary / n_orders, distinct, shares])


def text(v):
    """A fixed-length string attribute or dataset element (bytes in h5py) as str."""
    return v.decode() if isinstance(v, bytes) else str(v)


def standardise(x):
    sd = x.std(axis=0)
    assert (sd > 0).all(), "a constant feature"
    return (x - x.mean(axis=0)) / sd


def main():
    binary = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as work:
        one = os.path.join(work, "p1.h5")
        common = ["generate", "--customers", str(CUSTOMERS), "--seed", str(SEED)]
        crmpi(binary, 1, *common, "--personas", "--chunk-customers", "4096", "--out", one)
        for ranks, chunk in ((2, 1000), (3, 777)):
            other = os.path.join(work, f"p{ranks}.h5")
            crmpi(binary, ranks, *common, "--personas", "--chunk-customers", str(chunk), "--out", other)
            identical(one, other, f"--personas at 1 and {ranks} ranks", failures)
        config = os.path.join(work, "personas.toml")
        with open(config, "w") as c:
            c.write("[generate]\npersonas = true\n")
        from_config = os.path.join(work, "pc.h5")
        crmpi(binary, 1, *common, "--config", config, "--out", from_config)
        identical(one, from_config, "[generate] personas = true vs --personas", failures)

        # A population parameter next to --personas would be ignored: refused with EX_CONFIG (78,
        # sysexits.h), nothing written.
        refused = os.path.join(work, "refused.h5")
        for extra in (["--groups", "2"], ["--r", "0.5"], ["--spend-gamma", "20"]):
            cmd = [MPIEXEC, "-n", "1", "--oversubscribe", binary, *common, "--personas", *extra, "--out", refused]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            if p.returncode != 78 or "would be ignored" not in p.stdout + p.stderr or os.path.exists(refused):
                failures.append(f"--personas {' '.join(extra)}: exit {p.returncode}, want 78 and no file")
            else:
                print(f"--personas {' '.join(extra)}: refused (78)")

        print(crmpi(binary, 2, "validate", "--input", one).strip())
        crmpi(binary, 2, "run", "--input", one, "--out", os.path.join(work, "run"), "--no-report")
        with h5py.File(os.path.join(work, "run", "results.h5"), "r") as r:
            missing = {"rfm", "clv"} - set(r)
            if missing:
                failures.append(f"crmpi run on the personas file: results.h5 lacks {sorted(missing)}")
            else:
                print("crmpi run on the personas file: results.h5 has /rfm and /clv")

        with h5py.File(one, "r") as f:
            truth = f["/truth"]
            population = text(truth.attrs.get("population", b""))
            if population != "personas":
                failures.append(f"/truth@population is {population!r}, not 'personas'")
            leaked = sorted(a for a in truth.attrs if a.startswith(("bgnbd_", "gg_")))
            if leaked:
                failures.append(f"/truth has population-level attributes {leaked} under --personas")
            group = truth["customer_group"][()].astype(np.int64)
            names = [s.decode() if isinstance(s, bytes) else s for s in truth["group_names"][()]]
            k = len(names)
            if int(truth.attrs["n_groups"]) != k or len(truth["personas/weight"]) != k:
                failures.append("/truth: n_groups, group_names and personas/weight disagree on the persona count")
            x = standardise(features(f))

    sizes = np.bincount(group, minlength=k)
    print(f"personas (k = {k}): " + ", ".join(f"{n} {s}" for n, s in zip(names, sizes)))
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(x)
    ari = adjusted_rand_score(group, labels)
    print(f"k-means at the planted k = {k}: adjusted Rand index {ari:.4f} (need >= {MIN_ARI})")
    if not ari >= MIN_ARI:
        failures.append(f"ARI {ari:.4f} < {MIN_ARI}")

    print(" k  silhouette  Calinski-Harabasz  Davies-Bouldin")
    scores = {}
    for kk in K_RANGE:
        lab = labels if kk == k else KMeans(n_clusters=kk, n_init=10, random_state=0).fit_predict(x)
        scores[kk] = (silhouette_score(x, lab, sample_size=5000, random_state=0),
                      calinski_harabasz_score(x, lab), davies_bouldin_score(x, lab))
        print(f"{kk:2d}  {scores[kk][0]:10.4f}  {scores[kk][1]:17.1f}  {scores[kk][2]:14.4f}")
    best = {"silhouette": max(K_RANGE, key=lambda kk: scores[kk][0]),
            "Calinski-Harabasz": max(K_RANGE, key=lambda kk: scores[kk][1]),
            "Davies-Bouldin": min(K_RANGE, key=lambda kk: scores[kk][2])}
    print("best k: " + ", ".join(f"{name} {kk}" for name, kk in best.items()))
    if best["silhouette"] != k:
        failures.append(f"silhouette is largest at k = {best['silhouette']}, not at the planted k = {k}")

    for msg in failures:
        print(f"personas_e2e: FAILED: {msg}")
    if not failures:
        print("personas_e2e: PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
