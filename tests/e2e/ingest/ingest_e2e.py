#!/usr/bin/python3
"""End-to-end tests of `crmpi ingest` (see tests/e2e/ingest/CMakeLists.txt and docs/ingest.md).

Usage: ingest_e2e.py CASE --crmpi BIN --mpiexec MPIEXEC --np N --workdir DIR
Exit 0 = pass, 77 = skipped (data absent), anything else = failure. Under CI=true absent data
is a failure: CI must run the real data checks (same rule as tests/unit/shared_data.hpp).
"""
import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import launch  # noqa: E402  (tests/e2e/launch.py: how crmpi is started and checked)

SKIP = 77
args = None


def data(*parts):
    root = os.environ.get("CRMPI_SHARED_DATA", "")
    p = os.path.join(root, *parts)
    if not root or not os.path.exists(p):
        if os.environ.get("CI") == "true":
            print(f"FAIL: {p} not found; CI=true needs the real data sets (CRMPI_SHARED_DATA)")
            sys.exit(1)
        print(f"SKIP: {p} not found (set CRMPI_SHARED_DATA to ../shared/data)")
        sys.exit(SKIP)
    return p


def crmpi(np_, *cmd, expect=0, extra_env=None):
    return launch.crmpi(args.mpiexec, args.crmpi, np_, *cmd, expect=expect, timeout=280, extra_env=extra_env)


def counts(log):
    c = {m.group(1): int(m.group(2)) for m in re.finditer(r"ingest: count (\w+)\s+(\d+)", log)}
    m = re.search(r"input: (\d+) lines, (\d+) distinct customer ids, (\d+) distinct invoices", log)
    if m:
        c["input_lines"], c["input_customers"], c["input_invoices"] = map(int, m.groups())
    return c


def ingest(np_, out, *inputs_and_flags, expect=0, extra_env=None):
    log = crmpi(np_, "ingest", "--out", out, *inputs_and_flags, expect=expect, extra_env=extra_env)
    if expect == 0:
        crmpi(1, "validate", "--input", out)
    return log


def assert_eq(name, got, want):
    assert got == want, f"{name}: got {got}, want {want}"


def same_file(a, b, attrs=True):
    """Every dataset equal in dtype, shape and bytes; same root attributes (unless attrs=False)."""
    with h5py.File(a) as fa, h5py.File(b) as fb:
        names_a, names_b = [], []
        fa.visit(lambda n: names_a.append(n) if isinstance(fa[n], h5py.Dataset) else None)
        fb.visit(lambda n: names_b.append(n) if isinstance(fb[n], h5py.Dataset) else None)
        assert_eq("datasets", sorted(names_a), sorted(names_b))
        for n in names_a:
            x, y = fa[n][()], fb[n][()]
            assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes(), f"{n} differs"
        if attrs:
            assert_eq("root attrs", dict(fa.attrs), dict(fb.attrs))


# --------------------------------------------------------------------------------------------
def case_uci():
    src = data("online-retail", "online_retail_2010_2011.csv.gz")
    out = os.path.join(args.workdir, "uci.h5")
    log = ingest(args.np, out, src)
    c = counts(log)
    print("\n".join(l for l in log.splitlines() if "ingest:" in l))
    # Expected values: shared/data/README.md (lines, customers, invoices) and an independent pandas
    # + decimal computation of docs/ingest.md's rules, `/usr/bin/python3
    # tests/unit/io_text/uci_reference_counts.py ../shared/data` ("case_uci": the classes,
    # duplicate 5187, kept 391150, customers 4334, orders 18402, first/last customer 12346/18287,
    # as_of_day 15317).
    assert_eq("lines", c["input_lines"], 541909)
    assert_eq("customers", c["input_customers"], 4372)
    assert_eq("invoices", c["input_invoices"], 25900)
    want = dict(lines=541909, bad=0, adjustment=3, missing_customer=135077, cancellation=8905, non_product=1554,
                non_positive_price=33, duplicate=5187, kept=391150)
    for k, v in want.items():
        assert_eq(k, c[k], v)
    assert sum(want[k] for k in want if k != "lines") == 541909
    with h5py.File(out) as f:
        assert_eq("customers", f["customers/customer_id"].shape[0], 4334)
        assert_eq("orders", f["orders/day"].shape[0], 18402)
        assert_eq("as_of", int(f.attrs["as_of_day"]), 15317)  # 2011-12-09: (date(2011,12,9) - date(1970,1,1)).days
        assert_eq("currency", f.attrs["currency"].decode() if isinstance(f.attrs["currency"], bytes) else f.attrs["currency"], "USD")
        assert f["customers/customer_id"][0] == 12346 and f["customers/customer_id"][-1] == 18287
        assert int(f["orders/amount_cents"][:].sum()) > 0
    rfm = os.path.join(args.workdir, "rfm")
    shutil.rmtree(rfm, ignore_errors=True)
    crmpi(args.np, "rfm", "--input", out, "--out", rfm)
    with h5py.File(os.path.join(rfm, "results.h5")) as r:
        assert_eq("rfm customers", r["rfm/customer_id"].shape[0], 4334)


def case_uci_two_years():
    i = data("online-retail", "online_retail_2010_2011.csv.gz")
    ii = data("online-retail", "online_retail_II_2009_2010.csv.gz")
    w = args.workdir
    c2 = counts(ingest(args.np, f"{w}/ii.h5", ii))
    # README (525,461 lines) and uci_reference_counts.py ("II" and "both": the classes, duplicate,
    # kept, and 5852 customers for the two files together).
    assert_eq("II lines", c2["input_lines"], 525461)
    want = dict(bad=0, adjustment=3, missing_customer=107924, cancellation=9839, non_product=1370,
                non_positive_price=28, duplicate=6743, kept=399554)
    for k, v in want.items():
        assert_eq(f"II {k}", c2[k], v)
    assert sum(want.values()) == 525461
    c1 = counts(ingest(args.np, f"{w}/i.h5", i))
    cb = counts(ingest(args.np, f"{w}/both.h5", ii, i))
    assert_eq("both lines", cb["lines"], 525461 + 541909)
    # The overlap 2010-12-01..09 is in both files: its lines come back as exact duplicates, so
    # the combined file holds each overlap order once, exactly as either file alone.
    def window(f):
        with h5py.File(f) as h:
            d = h["orders/day"][:]
            o = h["orders/order_id"][:]
            sel = (d >= 14944) & (d <= 14952)  # 2010-12-01..09 as days since 1970-01-01
            return sorted(o[sel].tolist())
    assert window(f"{w}/both.h5") == window(f"{w}/i.h5") == window(f"{w}/ii.h5"), "overlap orders differ"
    kept_overlap = cb["kept"] - c1["kept"] - c2["kept"]
    assert kept_overlap < 0 and cb["duplicate"] - c1["duplicate"] - c2["duplicate"] == -kept_overlap
    print(f"two years: {cb['kept']} kept lines, {-kept_overlap} overlap lines dropped as duplicates")
    with h5py.File(f"{w}/both.h5") as h:
        assert_eq("customers (two years)", h["customers/customer_id"].shape[0], 5852)


def case_cdnow():
    w = args.workdir
    c = counts(ingest(args.np, f"{w}/cdnow.h5", data("cdnow", "CDNOW_master.txt"), "--format", "whitespace"))
    # shared/data/README.md, cdnow/: 69,659 purchase lines, 23,570 customers, 80 lines of $0.00.
    assert_eq("lines", c["lines"], 69659)
    assert_eq("customers in input", c["input_customers"], 23570)
    # $0.00 lines come from an amount column: free purchases, kept and counted (docs/ingest.md).
    assert_eq("zero dollar lines", c["zero_amount"], 80)
    assert_eq("non-positive", c["non_positive_price"], 0)
    assert_eq("kept", c["kept"], 69659)  # identical lines stay separate orders (no order column)
    with h5py.File(f"{w}/cdnow.h5") as h:
        assert_eq("orders", h["orders/day"].shape[0], 69659)
        assert_eq("customers", h["customers/customer_id"].shape[0], 23570)
        assert_eq("as_of", int(h.attrs["as_of_day"]), 10407)  # 1998-06-30: (date(1998,6,30) - date(1970,1,1)).days
        days = h["orders/day"][:]
        cust = h["orders/customer_id"][:]
        same_day = np.sum((cust[1:] == cust[:-1]) & (days[1:] == days[:-1]))
        assert same_day > 0, "several lines per customer-day must stay separate orders"
    c = counts(ingest(args.np, f"{w}/sample.h5", data("cdnow", "CDNOW_sample.txt"), "--format", "whitespace",
                      "--no-header", "--customer-col", "1", "--date-col", "3", "--quantity-col", "4",
                      "--amount-col", "5"))
    assert_eq("sample lines", c["lines"], 6919)  # README: 6,919 lines, 2,357 customers
    assert_eq("sample customers", c["input_customers"], 2357)
    # Issue 17's trap, as a new user ran it: the default --header took line 1 (data) for the
    # header and "2" matched its field "2" (a CD count) by name: 26 customers. Now refused.
    log = ingest(args.np, f"{w}/trap.h5", data("cdnow", "CDNOW_sample.txt"), "--format", "whitespace",
                 "--customer-col", "2", "--date-col", "3", "--quantity-col", "4", "--amount-col", "5", expect=65)
    assert "CDNOW_sample.txt' line 1 looks like data" in log and "--no-header" in log, log
    assert not os.path.exists(f"{w}/trap.h5")


def case_cdnow_clv():
    """Acceptance: CDNOW_sample.txt through `crmpi ingest`, then `crmpi clv` gives the published
    BG/NBD and Gamma-Gamma estimates (Fader, Hardie & Lee 2005)."""
    import csv
    w = args.workdir
    out = f"{w}/sample.h5"
    c = counts(ingest(args.np, out, data("cdnow", "CDNOW_sample.txt"), "--format", "whitespace", "--no-header",
                      "--customer-col", "1", "--date-col", "3", "--quantity-col", "4", "--amount-col", "5"))
    assert_eq("sample kept", c["kept"], 6919)  # README: every line of the sample, 2,357 customers
    with h5py.File(out) as h:
        assert_eq("sample customers", h["customers/customer_id"].shape[0], 2357)
    clv = f"{w}/clv"
    crmpi(args.np, "clv", "--input", out, "--out", clv, "--calibration-end", "1997-09-30", "--time-unit", "week",
          "--models", "bgnbd,gg")
    with open(f"{clv}/csv/clv_models.csv") as f:
        est = {(r["model"], r["parameter"]): float(r["estimate"]) for r in csv.DictReader(f)}
    with open(f"{clv}/csv/clv_fit.csv") as f:
        ll = {r["model"]: float(r["log_likelihood"]) for r in csv.DictReader(f)}
    bad = []
    def check(model, want, rel):
        for k, v in want.items():
            got = est[(model, k)]
            ok = abs(got - v) <= rel * abs(v)
            print(f"  {model:11s} {k:5s} {got:9.4f}  published {v:8.4f}  {'ok' if ok else 'MISMATCH'}")
            if not ok:
                bad.append(f"{model} {k} = {got}, published {v}")
    # Published: Fader, Hardie & Lee (2005) BG/NBD and Fader & Hardie (2013) Gamma-Gamma estimates
    # on this sample, as quoted in shared/data/README.md.
    check("bgnbd", {"r": 0.2426, "alpha": 4.4137, "a": 0.7930, "b": 2.4262}, 1e-3)
    check("gamma_gamma", {"p": 6.25, "q": 3.74, "gamma": 15.44}, 1e-2)
    print(f"  bgnbd LL {ll['bgnbd']:.2f} (published -9582.43)")
    if abs(ll["bgnbd"] + 9582.43) / 9582.43 > 1e-4:
        bad.append(f"bgnbd LL {ll['bgnbd']}, published -9582.43")
    assert not bad, "; ".join(bad)


def case_baskets():
    w = args.workdir
    ingest(args.np, f"{w}/groceries.h5", data("baskets", "groceries.csv"), "--format", "basket-csv",
           "--as-of", "2020-01-01")
    # Basket and item counts: shared/data/README.md, baskets/ (groceries 9,835 baskets, 169 items;
    # retail.dat 88,162 baskets, 16,470 items); retail.dat's item lines are counted below.
    with h5py.File(f"{w}/groceries.h5") as h:
        assert_eq("baskets", h["orders/day"].shape[0], 9835)
        assert_eq("items", h["dictionaries/product_key"].shape[0], 169)
        assert (h["orders/day"][:] == 18262).all()  # --as-of 2020-01-01 = day 18262 since 1970-01-01
        assert_eq("customers", h["customers/customer_id"].shape[0], 9835)
    ingest(args.np, f"{w}/retail.h5", data("baskets", "retail.dat"), "--format", "fimi")
    with h5py.File(f"{w}/retail.h5") as h:
        assert_eq("baskets", h["orders/day"].shape[0], 88162)
        keys = [int(k) for k in h["dictionaries/product_key"][:]]
        assert keys == sorted(keys) and len(keys) == 16470
        n_items = h["items/product_id"].shape[0]
    with open(data("baskets", "retail.dat")) as f:
        want = sum(len(set(l.split())) for l in f if l.strip())
    assert_eq("retail items", n_items, want)


def write_sample(path, n=3000, gz=False, bom=True, crlf=True):
    """Orders with string customer ids, quoted fields, commas in names, BOM, CRLF."""
    rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"]
    for i in range(n):
        cust = f"cust-{(i * 7919) % 211:04d}" if i % 13 else ""
        inv = f"{'C' if i % 17 == 0 else ''}INV{i // 3:05d}"
        desc = f'"MUG, ""BIG"" {i % 5}"' if i % 4 == 0 else f"PLATE {i % 9}"
        qty = -(1 + i % 3) if i % 29 == 0 else 1 + i % 7
        price = f"{(i % 11) * 0.25:.2f}"
        day = 1 + (i * 31) % 28
        rows.append(f"{inv},{'POST' if i % 37 == 0 else f'P{i % 23}'},{desc},{qty},2011-02-{day:02d} 10:{i % 60:02d},{price},{cust},"
                    f"{['France', 'Spain', 'United Kingdom'][i % 3]}")
        if i % 101 == 0:
            rows.append(rows[-1])  # exact duplicate
    text = ("\r\n" if crlf else "\n").join(rows) + "\n"
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    with (gzip.open(path, "wb") if gz else open(path, "wb")) as f:
        f.write(raw)


def case_rank_invariance():
    w = args.workdir
    plain, gz = f"{w}/small.csv", f"{w}/small.csv.gz"
    write_sample(plain)
    write_sample(gz, n=2000, gz=True, bom=False, crlf=False)
    ref = None
    for np_ in (1, 2, 3, 4):
        out = f"{w}/small_np{np_}.h5"
        log = ingest(np_, out, plain, gz, "--currency", "EUR")
        if ref is None:
            ref, ref_counts = out, counts(log)
            with h5py.File(out) as h:
                assert "dictionaries/customer_key" in h, "string customer ids need the customer_key dictionary"
                keys = [k.decode() for k in h["dictionaries/customer_key"][:]]
                assert keys == sorted(keys)
                assert_eq("currency", h.attrs["currency"].decode() if isinstance(h.attrs["currency"], bytes) else h.attrs["currency"], "EUR")
        else:
            same_file(ref, out)
            assert_eq(f"counts at {np_} ranks", counts(log), ref_counts)
            # The shuffle in many rounds (97 lines each, uneven per destination), the pages of
            # sent lines released after each: still the same file.
            rounds = f"{w}/small_np{np_}_rounds.h5"
            ingest(np_, rounds, plain, gz, "--currency", "EUR", extra_env={"CRMPI_INGEST_ROUND_LINES": "97"})
            same_file(ref, rounds)
        print(f"{np_} rank(s): identical")
    # Several gzip files: spread over the ranks (1-3 ranks: each file read by one rank; 4 ranks:
    # the largest file by two). Same output at every rank count, and the same datasets as the
    # lines in one plain file.
    whole = f"{w}/whole.csv"
    write_sample(whole, n=2400, bom=False, crlf=False)
    with open(whole) as f:
        header, *rows = f.read().splitlines()
    rows.insert(1500, "INV99999,P1,PLATE 1,1,not-a-date,1.00,cust-0001,France")  # a bad line in part 1
    with open(whole, "w") as f:
        f.write("\n".join([header] + rows) + "\n")
    parts, at = [], 0
    for k, n in enumerate((1300, 700, len(rows) - 2000)):
        parts.append(f"{w}/part{k}.csv.gz")
        with gzip.open(parts[-1], "wt") as f:
            f.write("\n".join([header] + rows[at:at + n]) + "\n")
        at += n
    assert at == len(rows)
    ingest(1, f"{w}/whole.h5", whole, "--rejects", f"{w}/whole.rejects.csv")
    for np_ in (1, 2, 3, 4):
        out = f"{w}/parts_np{np_}.h5"
        ingest(np_, out, *parts, "--rejects", f"{w}/parts_np{np_}.rejects.csv")
        same_file(f"{w}/whole.h5", out, attrs=False)
        with open(f"{w}/parts_np{np_}.rejects.csv") as f:
            rejected = f.read()
        assert "part1.csv.gz" in rejected and "not-a-date" in rejected, rejected
        if np_ > 1:
            same_file(f"{w}/parts_np1.h5", out)
            with open(f"{w}/parts_np1.rejects.csv") as f:
                assert_eq(f"rejects at {np_} ranks", rejected, f.read())
        print(f"{np_} rank(s), 3 gzip files: identical")
    # UCI at 1..4 ranks would be too slow for the suite; the basket path once at 1 and 3.
    for np_ in (1, 3):
        fimi = f"{w}/fimi.dat"
        with open(fimi, "w") as f:
            for i in range(500):
                f.write(" ".join(str((i * k) % 97) for k in range(1, 2 + i % 9)) + " \n")
        ingest(np_, f"{w}/fimi_np{np_}.h5", fimi, "--format", "fimi")
    same_file(f"{w}/fimi_np1.h5", f"{w}/fimi_np3.h5")


BAD_CASES = [
    # (name, line text, expected reason fragment)
    ("wrong column count", "536999,85123A,THING,6,2010-12-01 08:26:00,2.55,17850", "number of columns"),
    ("unparsable date", "536999,85123A,THING,6,2010-13-01 08:26:00,2.55,17850,France", "unparsable date"),
    ("unparsable number", "536999,85123A,THING,six,2010-12-01 08:26:00,2.55,17850,France", "unparsable quantity"),
    ("NaN price", "536999,85123A,THING,6,2010-12-01 08:26:00,NaN,17850,France", "unparsable price"),
    ("inf price", "536999,85123A,THING,6,2010-12-01 08:26:00,inf,17850,France", "unparsable price"),
    ("unterminated quote", '536999,85123A,"THING,6,2010-12-01 08:26:00,2.55,17850,France', "quote"),
]
GOOD = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"] + [
    f"5{i:05d},P{i % 7},NAME {i},{1 + i % 4},2010-12-{1 + i % 20:02d} 09:00:00,1.{i % 100:02d},{17000 + i % 50},France"
    for i in range(400)]


def write_good(w):
    good = f"{w}/good.csv"
    with open(good, "w") as f:
        f.write("\n".join(GOOD) + "\n")
    return good


def case_bad_lines():
    # Each bad line goes after GOOD[:200] (the header + 199 records): physical line 201; the 400
    # GOOD records are kept. The truncated case appends after all 401 lines: line 402.
    w = args.workdir
    for k, (name, line, reason) in enumerate(BAD_CASES):
        path = f"{w}/bad{k}.csv"
        with open(path, "w") as f:
            f.write("\n".join(GOOD[:200] + [line] + GOOD[200:]) + "\n")
        out = f"{w}/bad{k}.h5"
        log = ingest(args.np, out, path, expect=65)
        assert f"{path}:201:" in log and reason in log, f"{name}: message must name file, line 201 and reason:\n{log}"
        assert not os.path.exists(out), f"{name}: a failed run must leave no output"
        rej = f"{w}/bad{k}.rejects.csv"
        c = counts(ingest(args.np, out, path, "--rejects", rej))
        assert_eq(f"{name}: bad", c["bad"], 1)
        assert_eq(f"{name}: kept", c["kept"], 400)
        with open(rej) as f:
            rows = f.read().splitlines()
        assert rows[0].startswith("file,line") and len(rows) == 2 and ",201," in rows[1], rows
        print(f"{name}: fails naming line 201; with --rejects: 1 line set aside")
    # Truncated last line (no newline, columns missing).
    path = f"{w}/trunc.csv"
    with open(path, "w") as f:
        f.write("\n".join(GOOD) + "\n536999,85123A,THI")
    log = ingest(args.np, f"{w}/trunc.h5", path, expect=65)
    assert f"{path}:402:" in log, log


def case_bad_files():
    w = args.workdir
    good, out = write_good(w), f"{w}/out.h5"
    # Empty input (65), header only (65), missing file (66).
    open(f"{w}/empty.csv", "w").close()
    assert "empty" in ingest(args.np, out, f"{w}/empty.csv", expect=65)
    with open(f"{w}/header.csv", "w") as f:
        f.write(GOOD[0] + "\n")
    ingest(args.np, out, f"{w}/header.csv", expect=65)
    ingest(args.np, out, f"{w}/missing.csv", expect=66)
    # A file without a customer column (65); a mapping naming an absent column (78).
    with open(f"{w}/nocust.csv", "w") as f:
        f.write("\n".join(",".join(l.split(",")[:6] + l.split(",")[7:]) for l in GOOD) + "\n")
    assert "customer" in ingest(args.np, out, f"{w}/nocust.csv", expect=65)
    assert "no such column" in ingest(args.np, out, good, "--region-col", "Continent", expect=78)
    ingest(args.np, out, good, "--customer-col", "12", expect=78)
    # Truncated gzip (65), naming the file.
    with open(good, "rb") as f:
        z = gzip.compress(f.read() * 20)
    with open(f"{w}/trunc.csv.gz", "wb") as f:
        f.write(z[: len(z) // 2])
    assert "trunc.csv.gz" in ingest(args.np, out, f"{w}/trunc.csv.gz", expect=65)
    assert not os.path.exists(out)
    # A config file holding the mapping.
    with open(f"{w}/c.toml", "w") as f:
        f.write('[ingest]\ncustomer-col = "7"\norder-col = "InvoiceNo"\ncurrency = "GBP"\n')
    ingest(args.np, out, "--config", f"{w}/c.toml", good)
    with h5py.File(out) as h:
        cur = h.attrs["currency"]
        assert_eq("currency", cur.decode() if isinstance(cur, bytes) else cur, "GBP")


def write_channel_orders(path, n=1200, channels=("web", "store", "phone")):
    """Numeric invoices of 3 lines with a Channel column; invoice 7's lines disagree (its earliest
    line, 09:00, says 'store'). Returns {invoice: expected channel}."""
    rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Channel"]
    want = {}
    for i in range(n):
        inv = 1000 + i // 3
        ch = channels[(inv * 7) % len(channels)]
        minute = 30 - i % 3  # the invoice's last line is its earliest
        if inv == 1007:
            ch = "store" if i % 3 == 2 else "web"
        if i % 3 == 2:
            want[inv] = ch
        rows.append(f'{inv},P{i % 13},"ITEM, {i % 13}",{1 + i % 4},2011-03-{1 + inv % 27:02d} 09:{minute:02d},1.50,'
                    f"{17000 + inv % 40},{ch}")
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")
    return want


def case_order_channel():
    w = args.workdir
    path = f"{w}/channel.csv"
    want = write_channel_orders(path)
    assert_eq("invoice 1007's earliest line", want[1007], "store")
    for np_ in (1, 3):
        ingest(np_, f"{w}/channel_np{np_}.h5", path, "--channel-col", "Channel")
    same_file(f"{w}/channel_np1.h5", f"{w}/channel_np3.h5")
    with h5py.File(f"{w}/channel_np1.h5") as h:
        names = [s.decode() for s in h["dictionaries/order_channel"][:]]
        assert_eq("channel dictionary", names, ["phone", "store", "web"])
        attr = h["orders/channel"].attrs["dictionary"]
        assert_eq("dictionary attribute", attr.decode() if isinstance(attr, bytes) else attr, "/dictionaries/order_channel")
        assert_eq("channel dtype", h["orders/channel"].dtype, np.uint8)
        got = {int(o): names[c] for o, c in zip(h["orders/order_id"][:], h["orders/channel"][:])}
    assert_eq("channel per order", got, want)
    print(f"{len(want)} orders, channels {names}: identical at 1 and 3 ranks, validated")
    # By 1-based index and from a config file; without the flag there is no /orders/channel.
    with open(f"{w}/c.toml", "w") as f:
        f.write('[ingest]\nchannel-col = "8"\n')
    ingest(2, f"{w}/channel_cfg.h5", "--config", f"{w}/c.toml", path)
    same_file(f"{w}/channel_np1.h5", f"{w}/channel_cfg.h5")
    ingest(1, f"{w}/no_channel.h5", path)
    with h5py.File(f"{w}/no_channel.h5") as h:
        assert "orders/channel" not in h and "dictionaries/order_channel" not in h
    # A mapping naming an absent column: 78 like the other columns; 256 channels: 65.
    assert "no such column" in ingest(2, f"{w}/x.h5", path, "--channel-col", "Medium", expect=78)
    many = f"{w}/many.csv"
    write_channel_orders(many, n=3 * 300, channels=tuple(f"ch{k:03d}" for k in range(300)))
    log = ingest(3, f"{w}/x.h5", many, "--channel-col", "Channel", expect=65)
    assert "more than 255 distinct order channels" in log, log
    assert not os.path.exists(f"{w}/x.h5")


def write_bench_like(path, n=40000):
    """The shape of bench/ingest_bench.sh's CSV: quoted names with commas, ISO timestamps."""
    rows = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"]
    countries = ["United Kingdom", "France", "Germany", "EIRE"]
    for i in range(n):
        inv, p = 500000 + i // 4, (i * 7919) % 4000
        canc = "C" if (i // 4) % 50 == 0 else ""
        cust = "" if (i // 4) % 5 == 0 else str(12346 + (i * 31) % 2000)
        q = (1 + i % 24) * (-1 if canc else 1)
        rows.append(f'{canc}{inv},{20000 + p}{"A" if p % 5 == 0 else ""},"PRODUCT {p}, BOXED",{q},'
                    f"2011-{1 + (i // 4) % 12:02d}-{1 + (i // 4) % 28:02d} {8 + i % 10:02d}:{(i // 4) % 60:02d}:00,"
                    f"{1 + p % 20}.{p % 100:02d},{cust},{countries[(i // 4) % 4]}")
        if i % 97 == 0:
            rows.append(rows[-1])
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")


def case_fast_path():
    """The single-pass splitter and the date cache against the general path
    (CRMPI_INGEST_GENERAL_PATH=1): the same file, byte for byte, on generated data."""
    w = args.workdir
    bench = f"{w}/bench_like.csv"
    write_bench_like(bench)
    sample = f"{w}/sample.csv"
    write_sample(sample)  # "" escapes, BOM, CRLF: lines the fast path hands back
    fast_equals_general([("bench", [bench], (1, 3)), ("sample", [sample], (2,))])


def case_fast_path_uci():
    """As case_fast_path, on the real UCI file (a case of its own: only it skips without the data)."""
    fast_equals_general([("uci", [data("online-retail", "online_retail_2010_2011.csv.gz")], (1, 2))])


def fast_equals_general(inputs):
    w = args.workdir
    for name, files, ranks in inputs:
        for np_ in ranks:
            fast, general = f"{w}/{name}_fast_np{np_}.h5", f"{w}/{name}_general_np{np_}.h5"
            log_fast = ingest(np_, fast, *files)
            log_general = ingest(np_, general, *files, extra_env={"CRMPI_INGEST_GENERAL_PATH": "1"})
            same_file(fast, general)
            assert_eq(f"{name} counts at {np_} ranks", counts(log_fast), counts(log_general))
            print(f"{name}, {np_} rank(s): fast path = general path")


def write_side_files(w, text_ids=False):
    """Customer attributes and surveys for the GOOD orders (customers 17000..17049) or, with
    text_ids, for write_sample's cust-NNNN ids; with unknown ids, a repeated row, empty fields."""
    ids = [f"cust-{k:04d}" for k in range(0, 211, 3)] if text_ids else [str(17000 + k) for k in range(50)]
    rows = ["customer_id,country,acquisition_channel,age_band,gender,signup_date"]
    for k, cid in enumerate(ids):
        if k % 10 == 7:
            continue  # some customers have no row
        country = "" if k % 9 == 4 else ["Norway", "Chile", "Japan"][k % 3]
        channel = ["web", "store", "partner", ""][k % 4]
        rows.append(f"{cid},{country},{channel},{['18-24', '25-34', '35-44'][k % 3]},{'fm'[k % 2]},"
                    f"{'2010-11-%02d' % (1 + k % 28) if k % 5 else ''}")
    rows.append(f"{ids[3]},Peru,web,65+,x,2010-01-01")  # a later row for a customer: ignored
    rows.append("99999,Peru,web,18-24,f,")                 # no such customer
    rows.append("abc,Peru,web,18-24,f,")                   # not an id of the (numeric) customers
    rows.append(f"{ids[17]},,,,,2011-12-31")               # signup after the first order
    surveys = ["customer_id,date,score"]
    for k in range(120):
        surveys.append(f"{ids[(k * 7) % len(ids)]},2011-0{1 + k % 9}-{1 + k % 28:02d},{k % 11}")
    surveys.append("99999,2011-01-01,5")
    cust, surv = f"{w}/customers.csv", f"{w}/surveys.csv"
    with open(cust, "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(surv, "w") as f:
        f.write("\n".join(surveys) + "\n")
    return cust, surv


def case_side_files():
    w = args.workdir
    good = write_good(w)
    cust, surv = write_side_files(w)
    ref = None
    for np_ in (1, 2, 3):
        out = f"{w}/side_np{np_}.h5"
        log = ingest(np_, out, good, "--customers-file", cust, "--surveys-file", surv)
        c = counts(log)
        if ref is None:
            ref, ref_counts = out, c
            print("\n".join(l for l in log.splitlines() if "count attr" in l or "count survey" in l))
        else:
            same_file(ref, out)
            assert_eq(f"counts at {np_} ranks", c, ref_counts)
    c = ref_counts
    # Hand count from write_side_files: 50 ids, k % 10 == 7 skipped (k = 7, 17, 27, 37, 47) -> 45
    # rows, + 4 extra rows = 49; unknown: 99999 and abc; duplicate: the later row of ids[3];
    # joined: the 45 + the extra row of ids[17] (which has no row of its own) = 46, its
    # 2011-12-31 signup is after its first order; surveys: 120 rows + 1 of customer 99999.
    assert_eq("attr_rows", c["attr_rows"], 45 + 4)
    assert_eq("attr_unknown", c["attr_unknown"], 2)
    assert_eq("attr_duplicate", c["attr_duplicate"], 1)
    assert_eq("attr_joined", c["attr_joined"], 46)
    assert_eq("attr_signup_later", c["attr_signup_later"], 1)
    assert_eq("survey_unknown", c["survey_unknown"], 1)
    assert_eq("survey_kept", c["survey_kept"], 120)
    assert "99999" in crmpi(1, "ingest", "--out", f"{w}/x.h5", good, "--customers-file", cust)
    with h5py.File(ref) as h:
        ids = h["customers/customer_id"][:]
        def names(d):
            return [x.decode() for x in h[f"dictionaries/{d}"][:]]
        region = dict(zip(ids, (names("region")[r] for r in h["customers/region"][:])))
        channel = dict(zip(ids, (names("acquisition_channel")[x] for x in h["customers/acquisition_channel"][:])))
        gender = dict(zip(ids, (names("gender")[x] for x in h["customers/gender"][:])))
        signup = dict(zip(ids, h["customers/signup_day"][:]))
        # By hand from write_side_files (k = id - 17000) and GOOD (every order in France):
        # k 0 Norway; k 4 empty country (k % 9 == 4); k 7 no row; channel k 2 partner, k 3 "";
        # gender k 3 'm' (the later 'x' row is ignored); signup k 1 2010-11-02 = day 14915;
        # customer 17017's first GOOD order is i = 67: 2010-12-08 = day 14951.
        assert_eq("region of 17000", region[17000], "Norway")
        assert_eq("region of 17004 (empty in the file: the orders' country)", region[17004], "France")
        assert_eq("region of 17007 (no row)", region[17007], "France")
        assert_eq("channel of 17002", channel[17002], "partner")
        assert_eq("channel of 17003 (empty)", channel[17003], "unknown")
        assert_eq("gender of 17003", gender[17003], "m")  # the first row wins
        assert_eq("channel of 17007 (no row)", channel[17007], "unknown")
        assert_eq("signup of 17001", int(signup[17001]), 14915)  # 2010-11-02, before its first order
        assert_eq("signup of 17017 (later than the first order)", int(signup[17017]), 14951)  # its first order
        sc, sd, ss = h["surveys/customer_id"][:], h["surveys/day"][:], h["surveys/score"][:]
        assert_eq("surveys", len(sc), 120)
        assert list(zip(sc, sd)) == sorted(zip(sc, sd)), "surveys sorted by customer then day"
        assert ss.max() == 10 and ss.min() == 0
    # Text customer ids (dense codes): the attributes follow the ids through customer_key.
    plain = f"{w}/small.csv"
    write_sample(plain)
    tcust, tsurv = write_side_files(w, text_ids=True)
    for np_ in (1, 3):
        ingest(np_, f"{w}/text_np{np_}.h5", plain, "--customers-file", tcust, "--surveys-file", tsurv)
    same_file(f"{w}/text_np1.h5", f"{w}/text_np3.h5")
    with h5py.File(f"{w}/text_np1.h5") as h:
        keys = [k.decode() for k in h["dictionaries/customer_key"][:]]
        ch = [x.decode() for x in h["dictionaries/acquisition_channel"][:]]
        chan = dict(zip(keys, (ch[x] for x in h["customers/acquisition_channel"][:])))
        # cust-0000 is ids[0] (k 0: web), cust-0003 is ids[1] (k 1: store).
        assert_eq("channel of cust-0000", chan["cust-0000"], "web")
        assert_eq("channel of cust-0003", chan["cust-0003"], "store")
        assert len(h["surveys/customer_id"]) > 0
    # Header-only side files: an empty surveys part, every customer "unknown".
    with open(f"{w}/s0.csv", "w") as f:
        f.write("customer_id,date,score\n")
    with open(f"{w}/c0.csv", "w") as f:
        f.write("customer_id,gender\n")
    ingest(3, f"{w}/empty_side.h5", good, "--surveys-file", f"{w}/s0.csv", "--customers-file", f"{w}/c0.csv")
    with h5py.File(f"{w}/empty_side.h5") as h:
        assert_eq("no surveys", h["surveys/score"].shape[0], 0)
        assert_eq("gender dictionary", [x.decode() for x in h["dictionaries/gender"][:]], ["unknown"])


def case_side_bad_lines():
    w = args.workdir
    good = write_good(w)
    cust, surv = write_side_files(w)
    with open(surv, "a") as f:
        f.write("17001,2011-02-30,7\n17001,2011-02-03,11\n")  # lines 123, 124
    log = ingest(args.np, f"{w}/o.h5", good, "--surveys-file", surv, expect=65)
    assert f"{surv}:123: unparsable survey date" in log and f"{surv}:124: NPS score" in log, log
    rej = f"{w}/rejects.csv"
    c = counts(ingest(args.np, f"{w}/o.h5", good, "--surveys-file", surv, "--customers-file", cust, "--rejects", rej))
    assert_eq("survey_bad", c["survey_bad"], 2)
    assert_eq("order bad", c["bad"], 0)
    with open(rej) as f:
        rows = f.read().splitlines()
    assert len(rows) == 3 and "surveys.csv,123," in rows[1] and "surveys.csv,124," in rows[2], rows
    # A customers file without attribute columns, a surveys file without a score column: 65.
    with open(f"{w}/nocols.csv", "w") as f:
        f.write("customer_id,favourite_colour\n17000,blue\n")
    assert "no attribute column" in ingest(args.np, f"{w}/o.h5", good, "--customers-file", f"{w}/nocols.csv", expect=65)
    assert "score" in ingest(args.np, f"{w}/o.h5", good, "--surveys-file", f"{w}/nocols.csv", expect=65)
    ingest(args.np, f"{w}/o.h5", good, "--surveys-file", f"{w}/missing.csv", expect=66)


def case_fault_read():
    """One rank failing alone while reading ends the whole job promptly, with its message once."""
    import time
    w = args.workdir
    good, out = write_good(w), f"{w}/out.h5"
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               CRMPI_FAULT_RANK="1", CRMPI_FAULT_STAGE="ingest-read")
    full = [args.mpiexec, "-n", str(args.np), "--oversubscribe", args.crmpi, "ingest", "--out", out, good]
    t0 = time.monotonic()
    r = subprocess.run(full, capture_output=True, text=True, env=env, timeout=120)
    took = time.monotonic() - t0
    log = r.stdout + r.stderr
    print(log)
    assert r.returncode != 0, "an injected fault must fail the run"
    assert "injected fault at stage 'ingest-read'" in log, "the failing rank's message must be shown"
    assert took < 60, f"the job must end promptly, took {took:.1f}s"
    assert not os.path.exists(out), "a failed run must leave no output"
    assert not [n for n in os.listdir(w) if ".tmp-" in n], "no temporary file may be left"
    print(f"fault on rank 1 of {args.np}: exit {r.returncode} after {took:.1f}s, no output")


def main():
    global args
    p = argparse.ArgumentParser()
    p.add_argument("case")
    p.add_argument("--crmpi", required=True)
    p.add_argument("--mpiexec", default="mpiexec")
    p.add_argument("--np", type=int, default=2)
    p.add_argument("--workdir", required=True)
    args = p.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    cases = {"uci_np1": case_uci, "uci_np2": case_uci, "uci_two_years": case_uci_two_years, "cdnow": case_cdnow,
             "cdnow_clv": case_cdnow_clv, "side_files": case_side_files, "side_bad_lines": case_side_bad_lines,
             "baskets": case_baskets, "rank_invariance": case_rank_invariance, "bad_lines": case_bad_lines,
             "bad_files": case_bad_files, "fault_read": case_fault_read,
             "order_channel": case_order_channel, "fast_path": case_fast_path,
             "fast_path_uci": case_fast_path_uci}
    cases[args.case]()
    print(f"PASS {args.case}")


if __name__ == "__main__":
    main()
