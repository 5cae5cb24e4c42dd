#!/usr/bin/python3
"""End-to-end tests of the kmeans stage (`crmpi segment`, `crmpi run`; docs/kmeans.md).

Usage: kmeans_e2e.py CASE --crmpi BIN --mpiexec MPIEXEC --workdir DIR
Cases: rank_invariance, sklearn, features, bad_config, uci.
Exit 0 = pass, 77 = skipped (real data absent), anything else = failure. Under CI=true absent
data is a failure (the rule of tests/unit/shared_data.hpp).

Where expected values come from: scikit-learn 1.x KMeans (lloyd, n_init=1) fed the standardized
features recomputed here from /rfm with docs/kmeans.md's transforms and the initial centroids
crmpi wrote; numpy for means, standard deviations, category counts, channel shares and NPS
computed from the input file alone; and crmpi itself at 1 rank for the rank-count comparisons.
"""
import argparse
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import launch  # noqa: E402  (tests/e2e/launch.py: how crmpi is started and checked)

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
H5COMPARE = os.path.join(HERE, "..", "h5compare.py")
args = None


def crmpi(np_, *cmd, expect=0):
    return launch.crmpi(args.mpiexec, args.crmpi, np_, *cmd, expect=expect, timeout=500)


def h5compare(a, b, *groups):
    r = subprocess.run([sys.executable, H5COMPARE, a, b, *groups], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        raise AssertionError(f"{a} and {b} differ in {groups or 'any group'}")


def same_csv(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        assert fa.read() == fb.read(), f"{a} and {b} differ"


def generate(name, customers, seed=7, *extra):
    path = os.path.join(args.workdir, name)
    crmpi(2, "generate", "--customers", str(customers), "--seed", str(seed), "--out", path, *extra)
    return path


def out(name):
    d = os.path.join(args.workdir, name)
    shutil.rmtree(d, ignore_errors=True)
    return d


def strings(ds):
    return [s.decode() if isinstance(s, bytes) else s for s in ds[()]]


def check_consistency(res):
    """Facts every /kmeans must satisfy, from the file alone."""
    with h5py.File(res) as f:
        k = int(f["kmeans"].attrs["k"])
        seg = f["kmeans/segment"][()]
        dist = f["kmeans/distance"][()]
        freq = f["rfm/frequency"][()]
        names = strings(f["kmeans/segment_names"])
        assert len(names) == k + 1 and names[0] == "No orders", names
        assert len(set(names)) == len(names), f"names not unique: {names}"
        assert seg.shape == freq.shape
        assert np.all((seg == 0) == (freq == 0)), "segment 0 must be exactly the customers without orders"
        assert np.all(np.isnan(dist[freq == 0])) and np.all(dist[freq > 0] >= 0)
        assert seg.max() <= k
        counts = np.bincount(seg, minlength=k + 1)
        assert np.array_equal(counts, f["kmeans/profile/customers"][()]), "profile sizes"
        assert int(f["kmeans"].attrs["customers_clustered"]) == int((freq > 0).sum())
        sel_k = list(f["kmeans/selection/k"][()])
        sil = f["kmeans/selection/silhouette"][()]
        if len(sel_k) > 1:  # the rule: highest silhouette, ties to the smaller k
            assert k == sel_k[int(np.nanargmax(sil))], f"k={k} but silhouettes {dict(zip(sel_k, sil))}"
        # Distances: from the written centroids (standardized) and the labels' inertia.
        assert abs(float(np.sum(dist[freq > 0] ** 2)) - float(f["kmeans"].attrs["inertia"])) <= \
            1e-5 * max(1.0, float(f["kmeans"].attrs["inertia"]))
    return k, names


def case_rank_invariance():
    data = generate("g.h5", 3000)
    for n in (1, 2, 3, 4):
        crmpi(n, "segment", "--input", data, "--out", out(f"seg{n}"), "--k-range", "3:5", "--n-init", "2",
              "--chunk-rows", "2000", "--log-level", "warn")
    k, names = check_consistency(os.path.join(args.workdir, "seg1", "results.h5"))
    print(f"segment: k={k}, names {names[1:]}")
    for n in (2, 3, 4):
        h5compare(os.path.join(args.workdir, "seg1", "results.h5"), os.path.join(args.workdir, f"seg{n}", "results.h5"),
                  "/kmeans", "/rfm")
        for c in ("kmeans_centroids.csv", "kmeans_k_selection.csv", "kmeans_profiles.csv"):
            same_csv(os.path.join(args.workdir, "seg1", "csv", c), os.path.join(args.workdir, f"seg{n}", "csv", c))
    print("PASS: segment at 1, 2, 3, 4 ranks: identical /kmeans, /rfm and kmeans_*.csv")
    # `crmpi run`: kmeans after clv, on the CLV features too; identical at every rank count, and
    # /rfm and /clv exactly those of the rfm and clv jobs (the new stage changes neither).
    for n in (1, 2, 3, 4):
        crmpi(n, "run", "--input", data, "--out", out(f"run{n}"), "--no-report", "--log-level", "warn")
    run1 = os.path.join(args.workdir, "run1", "results.h5")
    with h5py.File(run1) as f:
        stages = f.attrs["stages_run"]
        stages = stages.decode() if isinstance(stages, bytes) else stages
        assert stages == "rfm,clv,kmeans,rules,insights", stages
        feats = f["kmeans"].attrs["features"]
        feats = feats.decode() if isinstance(feats, bytes) else feats
        assert feats == "recency,frequency,monetary,tenure,aov,p_alive,clv", feats
        assert not np.all(np.isnan(f["kmeans/profile/mean_p_alive"][1:]))
    check_consistency(run1)
    for n in (2, 3, 4):
        h5compare(run1, os.path.join(args.workdir, f"run{n}", "results.h5"))
    crmpi(1, "rfm", "--input", data, "--out", out("rfm"), "--log-level", "warn")
    crmpi(1, "clv", "--input", data, "--out", out("clv"), "--log-level", "warn")
    h5compare(os.path.join(args.workdir, "rfm", "results.h5"), run1, "/rfm")
    h5compare(os.path.join(args.workdir, "clv", "results.h5"), run1, "/clv")
    h5compare(os.path.join(args.workdir, "rfm", "results.h5"), os.path.join(args.workdir, "seg1", "results.h5"), "/rfm")
    print("PASS: run at 1, 2, 3, 4 ranks: identical; /rfm and /clv equal the rfm and clv jobs'")


def rfm_features(f):
    """docs/kmeans.md's transforms of the RFM features, for the customers with orders."""
    freq = f["rfm/frequency"][()].astype(np.float64)
    buyers = freq > 0
    cols = {
        "recency": f["rfm/recency_days"][()].astype(np.float64),
        "frequency": np.log(np.where(buyers, freq, 1)),
        "monetary": np.log1p(f["rfm/monetary_cents"][()] / 100.0),
        "tenure": f["rfm/tenure_days"][()].astype(np.float64),
        "aov": np.log1p(f["rfm/avg_order_cents"][()] / 100.0),
    }
    return buyers, cols


def case_sklearn():
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    import sklearn
    data = generate("g.h5", 4000, 5)
    feats = ["recency", "frequency", "monetary", "tenure", "aov"]
    for init, ranks in (("kmeans_parallel", 2), ("kmeanspp", 3)):
        d = out(f"seg_{init}")
        crmpi(ranks, "segment", "--input", data, "--out", d, "--k", "6", "--features", ",".join(feats), "--tol", "0",
              "--max-iter", "300", "--init", init, "--log-level", "warn")
        with h5py.File(os.path.join(d, "results.h5")) as f:
            buyers, cols = rfm_features(f)
            raw = np.column_stack([cols[c][buyers] for c in feats])
            mean, std = f["kmeans"].attrs["feature_mean"], f["kmeans"].attrs["feature_std"]
            # The exact (ExactSum) mean and std against numpy's (population std, as StandardScaler).
            assert np.allclose(mean, raw.mean(axis=0), rtol=1e-9, atol=1e-9), (mean, raw.mean(axis=0))
            assert np.allclose(std, raw.std(axis=0), rtol=1e-9), (std, raw.std(axis=0))
            z = ((raw - mean) / std).astype(np.float32)
            k = int(f["kmeans"].attrs["k"])
            init_c = f["kmeans/init_centroids"][()].reshape(k, len(feats)).astype(np.float32)
            ours = float(f["kmeans"].attrs["inertia"])
            labels = f["kmeans/segment"][()][buyers] - 1
            iters = int(f["kmeans"].attrs["iterations"])
            bpi = int(f["kmeans"].attrs["bytes_per_iteration"])
        km = KMeans(n_clusters=k, init=init_c, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(z)
        rel = abs(ours - km.inertia_) / km.inertia_
        ari = adjusted_rand_score(km.labels_, labels)
        print(f"{init} at {ranks} ranks: inertia {ours:.6f}, sklearn {sklearn.__version__} {km.inertia_:.6f} "
              f"(rel {rel:.2e}), ARI {ari:.6f}, iterations {iters} (sklearn {km.n_iter_}), {bpi} bytes/iteration")
        assert rel <= 1e-3, f"inertia {ours} vs sklearn {km.inertia_}"
    print("PASS: inertia within 0.1% of scikit-learn from the same features and initial centroids")


def case_features():
    data = generate("g.h5", 2500, 3)
    feats = "recency,frequency,categories,channel_shares"
    for n in (1, 3):
        crmpi(n, "segment", "--input", data, "--out", out(f"f{n}"), "--k", "4", "--features", feats,
              "--chunk-rows", "1500", "--log-level", "warn")
    r1 = os.path.join(args.workdir, "f1", "results.h5")
    h5compare(r1, os.path.join(args.workdir, "f3", "results.h5"), "/kmeans")
    check_consistency(r1)
    with h5py.File(data) as g, h5py.File(r1) as f:
        names = f["kmeans"].attrs["features"]
        names = (names.decode() if isinstance(names, bytes) else names).split(",")
        channels = strings(g["dictionaries/order_channel"])
        assert names == ["recency", "frequency", "categories"] + [f"channel_share:{c}" for c in channels], names
        as_of = int(f["rfm"].attrs["as_of_day"])
        off, day, ch = g["customers/order_offset"][()], g["orders/day"][()], g["orders/channel"][()]
        ioff, prod, cat = g["orders/item_offset"][()], g["items/product_id"][()], g["products/category"][()]
        n = len(off) - 1
        ncat, shares = [], []
        for c in range(n):
            o = np.arange(int(off[c]), int(off[c + 1]))
            o = o[day[o] <= as_of]
            if len(o) == 0:
                continue
            items = np.concatenate([np.arange(int(ioff[j]), int(ioff[j + 1])) for j in o])
            ncat.append(len(np.unique(cat[prod[items]])))
            shares.append(np.bincount(ch[o], minlength=len(channels)) / len(o))
        mean = f["kmeans"].attrs["feature_mean"]
        assert abs(mean[2] - np.mean(ncat)) <= 1e-9 * np.mean(ncat), (mean[2], np.mean(ncat))
        # ExactSum rounds each value to 2^-24 before its exact sum: the mean is within 2^-25 of numpy's.
        assert np.allclose(mean[3:], np.mean(shares, axis=0), rtol=0, atol=2.0**-24), (mean[3:], np.mean(shares, axis=0))
        # NPS per segment: latest survey score by as_of of each customer (ties: the later row).
        seg, ids = f["kmeans/segment"][()], f["rfm/customer_id"][()]
        if "surveys" in g:
            sid, sday, score = g["surveys/customer_id"][()], g["surveys/day"][()], g["surveys/score"][()]
            latest = {}
            for i in range(len(sid)):
                if sday[i] <= as_of and (sid[i] not in latest or sday[i] >= latest[sid[i]][0]):
                    latest[sid[i]] = (sday[i], int(score[i]))
            pos = {v: i for i, v in enumerate(ids)}
            k = int(f["kmeans"].attrs["k"])
            prom, det, tot = np.zeros(k + 1), np.zeros(k + 1), np.zeros(k + 1)
            for cid, (_, s) in latest.items():
                sg = seg[pos[cid]]
                tot[sg] += 1
                prom[sg] += s >= 9
                det[sg] += s <= 6
            with np.errstate(invalid="ignore", divide="ignore"):
                nps = 100 * (prom - det) / tot
            assert np.allclose(f["kmeans/profile/nps"][()], nps, equal_nan=True), (f["kmeans/profile/nps"][()], nps)
            assert np.array_equal(f["kmeans/profile/surveyed"][()], tot)
            print(f"NPS per segment: {np.round(nps, 1)}")
    print("PASS: categories and channel shares as numpy computes them, identical at 1 and 3 ranks; NPS checked")
    # The [kmeans] table of a config file.
    cfg = os.path.join(args.workdir, "c.toml")
    with open(cfg, "w") as fh:
        fh.write('[kmeans]\nk = 3\nseed = 5\nstep = "naive"\ninit = "kmeanspp"\n')
    crmpi(2, "segment", "--input", data, "--out", out("cfg"), "--config", cfg, "--log-level", "warn")
    with h5py.File(os.path.join(args.workdir, "cfg", "results.h5")) as f:
        a = f["kmeans"].attrs
        assert int(a["k"]) == 3 and int(a["seed"]) == 5
        assert (a["step"].decode() if isinstance(a["step"], bytes) else a["step"]) == "naive"
    print("PASS: [kmeans] table of --config")


def case_bad_config():
    data = generate("small.h5", 60)
    cfg = os.path.join(args.workdir, "bad.toml")
    cases = [
        (["--k", "0"], "--k must be in 1..1024, got 0"),
        (["--k", "2000"], "--k must be in 1..1024, got 2000"),
        (["--k", "500"], "kmeans: k = 500 exceeds the"),
        (["--k-range", "5:3"], "--k-range must be LO:HI"),
        (["--k-range", "abc"], "--k-range must be LO:HI"),
        (["--k-range", "0:4"], "--k-range must be LO:HI"),
        (["--k", "3", "--k-range", "3:4"], "--k and --k-range exclude each other"),
        (["--features", "recency,bogus"], "--features: unknown feature 'bogus'"),
        (["--features", "recency,recency"], "listed twice"),
        (["--features", "recency,p_alive"], "features p_alive and clv need `crmpi run`"),
        (["--step", "fast"], "--step must be hamerly or naive"),
        (["--init", "random"], "--init must be kmeans_parallel or kmeanspp"),
        (["--n-init", "0"], "--n-init must be in 1..100"),
        (["--tol", "-1"], "--tol must be a number >= 0"),
        (["--k-range", "2:4", "--silhouette-sample", "0"], "--silhouette-sample must be >= 2"),
        (["--config", cfg], "kmeans"),
    ]
    with open(cfg, "w") as fh:
        fh.write("[kmeans]\nclusters = 4\n")  # an unknown key
    for extra, msg in cases:
        o = crmpi(2, "segment", "--input", data, "--out", out("bad"), *extra, expect=78)
        assert msg in o, f"{extra}: '{msg}' not in:\n{o}"
        assert not os.path.exists(os.path.join(args.workdir, "bad", "results.h5")), "a failed job wrote results"
    # `crmpi run` reads the same table: a bad value there is 78 too.
    o = crmpi(1, "run", "--input", data, "--out", out("bad"), "--k-range", "9:2", expect=78)
    assert "--k-range must be LO:HI" in o
    print(f"PASS: {len(cases) + 1} bad configurations exit 78 with their message")


def case_uci():
    root = os.environ.get("CRMPI_SHARED_DATA", "")
    src = os.path.join(root, "online-retail", "online_retail_2010_2011.csv.gz")
    if not root or not os.path.exists(src):
        if os.environ.get("CI") == "true":
            print(f"FAIL: {src} not found; CI=true needs the real data sets (CRMPI_SHARED_DATA)")
            return 1
        print(f"SKIP: {src} not found (set CRMPI_SHARED_DATA to ../shared/data)")
        return SKIP
    h5 = os.path.join(args.workdir, "uci.h5")
    crmpi(2, "ingest", "--out", h5, src, "--log-level", "warn")
    for n in (1, 3):
        crmpi(n, "segment", "--input", h5, "--out", out(f"uci{n}"), "--k-range", "3:8", "--log-level", "warn")
    r1 = os.path.join(args.workdir, "uci1", "results.h5")
    h5compare(r1, os.path.join(args.workdir, "uci3", "results.h5"), "/kmeans", "/rfm")
    k, names = check_consistency(r1)
    with h5py.File(r1) as f:
        # 4334 customers with orders: the ingest case_uci's count (tests/e2e/ingest/ingest_e2e.py).
        assert int(f["kmeans"].attrs["customers_clustered"]) == 4334
        sel = {int(a): (float(b), float(c)) for a, b, c in
               zip(f["kmeans/selection/k"][()], f["kmeans/selection/silhouette"][()], f["kmeans/selection/inertia"][()])}
        share = f["kmeans/profile/revenue_share"][()]
        print(f"UCI: k={k} chosen; silhouette/inertia by k {sel}")
        for s in range(1, k + 1):
            print(f"  {names[s]:<40} {int(f['kmeans/profile/customers'][s]):>5} customers {100 * share[s]:5.1f}% revenue")
        inertia = [sel[x][1] for x in sorted(sel)]
        assert all(a >= b * 0.98 for a, b in zip(inertia, inertia[1:])), f"inertia should fall with k: {inertia}"
    print("PASS: UCI Online Retail segmented, identical at 1 and 3 ranks")


def case_personas():
    """`crmpi generate --personas` plants 5 groups that differ in what k-means sees (docs/generate.md,
    "Personas"). Expected: the selection rule over k = 3..8 picks the planted 5, and the segments
    recover /truth/customer_group with an adjusted Rand index >= 0.9 (issue 13's bar), computed here
    by scikit-learn's adjusted_rand_score, independent of crmpi's own ARI."""
    from sklearn.metrics import adjusted_rand_score
    data = generate("personas.h5", 20000, 11, "--personas")
    feats = "recency,frequency,monetary,tenure,aov,categories,channel_shares"
    d = out("personas")
    crmpi(2, "segment", "--input", data, "--out", d, "--k-range", "3:8", "--features", feats, "--log-level", "warn")
    with h5py.File(data) as g, h5py.File(os.path.join(d, "results.h5")) as f:
        planted = int(g["truth"].attrs["n_groups"])
        truth = dict(zip(g["customers/customer_id"][()], g["truth/customer_group"][()]))
        ids, seg = f["rfm/customer_id"][()], f["kmeans/segment"][()]
        k = int(f["kmeans"].attrs["k"])
    clustered = seg > 0  # segment 0: customers without orders, not clustered (docs/kmeans.md)
    ari = adjusted_rand_score([truth[i] for i in ids[clustered]], seg[clustered])
    print(f"personas: planted k={planted}, chosen k={k}, ARI {ari:.4f} over {int(clustered.sum())} customers")
    assert k == planted, f"the selection rule chose k={k}, the planted k is {planted}"
    assert ari >= 0.9, f"ARI {ari:.4f} < 0.9"
    print("PASS: the personas are recovered at the planted k")


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("case")
    p.add_argument("--crmpi", required=True)
    p.add_argument("--mpiexec", default="mpiexec")
    p.add_argument("--workdir", required=True)
    args = p.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    cases = {"rank_invariance": case_rank_invariance, "sklearn": case_sklearn, "features": case_features,
             "bad_config": case_bad_config, "uci": case_uci,
             "personas": case_personas}
    rc = cases[args.case]() or 0
    if rc == 0:
        shutil.rmtree(args.workdir, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
