#!/usr/bin/python3
"""End-to-end tests of the HTML report (`crmpi run` writing DIR/report.html, `crmpi report`;
docs/report.md).

Usage: report_e2e.py CASE --crmpi BIN --mpiexec MPIEXEC --workdir DIR [--shared DIR]
Cases:
  setup     generate 3,000 customers and `crmpi run` them at 2 ranks with a CLV holdout and a k range,
            into --shared (the ctest fixture the next two cases read)
  numbers   the numbers the page shows equal those computed here from results.h5's per-customer
            columns (not the summary tables the report reads); the insights sections' numbers
            equal /insights (check_insights_sections; tests/e2e/insights recomputes /insights from
            the input); without a previous quarter the migration section says how to add one; the
            report read in chunks of 1,000 rows gives the same page. check_insights_sections and
            migration_cells serve tests/e2e/migrate too
  chromium  headless Chromium, networking off, loads the page: no console message, no network
            request, every plot rendered by plotly (DOM), and not blank (screenshot, numpy)
  skipped   a run whose clv and rules stages are skipped: the page names each and gives the reason
            of /@stages_skipped instead of their plots; --no-report writes none
  errors    `crmpi report` exit codes (66 no file, 65 not a results file, 69 no Python), and a run
            whose report fails still exits 0, says so, and removes the report of an earlier run
Exit 0 = pass, 77 = skipped (Chromium absent; a failure under CI=true), anything else = failure.

Where expected values come from: numpy over the per-customer columns of results.h5 (/rfm,
/clv, /clv/holdout) and the skip reasons stored by crmpi in /@stages_skipped; the input's own order
days for the calibration end that leaves fewer than 10 customers (docs/clv.md).
"""
import argparse
import html.parser
import json
import math
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


def crmpi(np_, *cmd, expect=0):
    return launch.crmpi(args.mpiexec, args.crmpi, np_, *cmd, expect=expect, timeout=300)


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def strings(ds):
    return [s.decode() for s in ds[()]]


class Page(html.parser.HTMLParser):
    """What the tests read back from a report page: elements by id with their attributes and text,
    table rows' data- attributes, readings, absent-stage notes and the plot specs."""

    def __init__(self, text):
        super().__init__()
        self.by_id, self.rows, self.readings, self.absent, self.plots = {}, {}, [], {}, {}
        self.absent_sections = {}
        self._open = []  # (tag, id-or-kind, text parts)
        self._table = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id")
            self.rows[self._table] = []
        if tag == "tr" and self._table and any(k.startswith("data-") for k in a):
            self.rows[self._table].append({k[5:]: v for k, v in a.items() if k.startswith("data-")})
        key = None
        if "id" in a:
            key = ("id", a["id"])
            self.by_id[a["id"]] = dict(attrs=a, text="")
        if tag == "p" and "reading" in a.get("class", ""):
            key = ("reading", a.get("data-plot", ""))
        if "data-absent-stage" in a:
            key = ("absent", a["data-absent-stage"])
        if "data-absent-section" in a:
            key = ("absent-section", a["data-absent-section"])
        if tag == "script":
            key = ("script", None)
        self._open.append((tag, key, []))

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        while self._open:
            t, key, parts = self._open.pop()
            text = "".join(parts)
            if self._open:
                self._open[-1][2].append(text)
            if key and key[0] == "id":
                self.by_id[key[1]]["text"] = text
            elif key and key[0] == "reading":
                self.readings.append(text.strip())
            elif key and key[0] == "absent":
                self.absent[key[1]] = text.strip()
            elif key and key[0] == "absent-section":
                self.absent_sections[key[1]] = text.strip()
            elif key and key[0] == "script":
                m = re.match(r'\s*Plotly\.newPlot\("([^"]+)", (.*)\);\s*$', text, re.S)
                if m:
                    self.plots[m.group(1)] = json.loads(m.group(2))
            if t == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def close(a, b, rel=1e-9, what=""):
    assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-12), f"{what}: {a} != {b}"


# ---------------------------------------------------------------------------------------------


def case_setup():
    d = fresh(args.shared)
    data = os.path.join(d, "in.h5")
    crmpi(None, "generate", "--customers", "3000", "--seed", "3", "--out", data, "--log-level", "warn")
    with h5py.File(data) as f:
        as_of = int(f.attrs["as_of_day"])
    cal = str(np.datetime64(as_of - 91, "D"))  # a 13-week holdout up to as_of
    out = crmpi(2, "run", "--input", data, "--out", os.path.join(d, "run"), "--calibration-end", cal,
                "--holdout-end", str(np.datetime64(as_of, "D")), "--k-range", "3:5", "--log-level", "warn")
    assert f"report:  {d}/run/report.html" in out, out
    assert os.path.exists(os.path.join(d, "run", "report.html"))
    print(f"PASS: crmpi run wrote {d}/run/report.html")


def case_numbers():
    run = os.path.join(args.shared, "run")
    with open(os.path.join(run, "report.html"), encoding="utf-8") as fh:
        page = Page(fh.read())
    with h5py.File(os.path.join(run, "results.h5")) as f:
        freq = f["rfm/frequency"][()]
        money = f["rfm/monetary_cents"][()]
        seg = f["rfm/segment"][()]
        seg_names = strings(f["rfm/segment_names"])
        prim = f["clv"].attrs["primary_model"].decode()
        inc = f["clv/in_calibration"][()] == 1
        clv = f[f"clv/{prim}/clv"][()]
        ep = f[f"clv/{prim}/expected_purchases"][()]
        stage = f["clv/lifecycle_stage"][()]
        stage_names = strings(f["clv/lifecycle_stage_names"])
        actual = f["clv/holdout/actual_purchases"][()]
        lift = f["rules/rules/lift"][()]
        sel_k = f["kmeans/selection/k"][()]
        sil = f["kmeans/selection/silhouette"][()]
        chosen = int(f["kmeans"].attrs["k"])
        n = freq.size
        expect = {
            "customers": n,
            "buyers": int(np.sum(freq > 0)),
            "revenue": int(np.sum(money)) / 100.0,
            "mean-clv": float(np.mean(clv[inc])),
            "expected-purchases": float(np.sum(ep[np.isfinite(ep)])),
            "at-risk": float(np.mean(stage == stage_names.index("at_risk"))),
        }
    for k, v in expect.items():
        el = page.by_id.get(f"kpi-{k}")
        assert el, f"no KPI kpi-{k} on the page"
        # ExactSum rounds each value to 2^-24 before adding (docs/clv.md): 1e-9 relative covers it.
        close(float(el["attrs"]["data-value"]), float(v), 1e-9, f"KPI {k}")
        shown = el["text"].strip().split("\n")[0]
        value = re.match(r"[\d,.]+%?", shown.replace(" ", "")).group(0)
        shown_v = float(value.rstrip("%").replace(",", "")) / (100 if value.endswith("%") else 1)
        digits = len(value.rstrip("%").split(".")[1]) if "." in value else 0
        tol = 0.5 * 10 ** -digits / (100 if value.endswith("%") else 1)
        assert abs(shown_v - v) <= tol + 1e-12, f"KPI {k} shows {shown}, expected {v}"
    # RFM segment shares, each against a count over /rfm/segment and /rfm/monetary_cents.
    rows = {r["segment"]: r for r in page.rows["table-rfm-segments"]}
    total = float(np.sum(money))
    for c, name in enumerate(seg_names):
        m = seg == c
        if not m.any():
            assert name not in rows, f"empty segment {name} listed"
            continue
        r = rows[name]
        assert int(r["customers"]) == int(m.sum()), name
        close(float(r["customer-share"]), m.sum() / n, 1e-12, f"{name} customer share")
        close(float(r["revenue-share"]), float(np.sum(money[m])) / total, 1e-12, f"{name} revenue share")
    # The RFM reading names the segment with the largest revenue share, with both shares.
    share = {name: float(np.sum(money[seg == c])) / total for c, name in enumerate(seg_names)}
    top = max(share, key=share.get)
    cs = float(np.mean(seg == seg_names.index(top)))
    want = f"{top} are {100 * cs:.1f}% of customers and {100 * share[top]:.1f}% of revenue."
    assert any(r.startswith(want) for r in page.readings), (want, page.readings)
    # Holdout reading: the calibration customers' actual holdout purchases.
    want = f"customers in calibration made {int(np.sum(actual[inc])):,} purchases"
    assert any(want in r for r in page.readings), (want, page.readings)
    # CLV reading: how many customers have a CLV.
    want = f"Half of the {int(np.sum(np.isfinite(clv))):,} customers in calibration"
    assert any(r.startswith(want) for r in page.readings), (want, page.readings)
    # The strongest rule first in the table; the chosen k and its silhouette in the reading.
    top_rows = page.rows["table-rules-top"]
    close(float(top_rows[0]["lift"]), float(np.max(lift)), 1e-15, "top rule lift")
    assert [float(r["lift"]) for r in top_rows] == sorted((float(r["lift"]) for r in top_rows), reverse=True)
    want = f"k = {chosen} was chosen (highest silhouette, {sil[list(sel_k).index(chosen)]:.3f})"
    assert any(r.startswith(want) for r in page.readings), (want, page.readings)
    # Every plot has a reading next to it, and the page fetches nothing.
    assert len(page.plots) >= 10, sorted(page.plots)
    assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', open(os.path.join(run, "report.html")).read())
    # Read in chunks of 1,000 rows: the same page (plotted sums to rounding).
    again = os.path.join(args.workdir, "chunked.html")
    os.makedirs(args.workdir, exist_ok=True)
    script = os.path.join(os.path.dirname(os.path.dirname(args.crmpi)), "share", "crmpi", "report", "crmpi_report.py")
    subprocess.run(["/usr/bin/python3", script, "--results", os.path.join(run, "results.h5"), "--out", again,
                    "--chunk-rows", "1000", "--quiet"], check=True)
    with open(again, encoding="utf-8") as fh:
        page2 = Page(fh.read())
    assert page2.readings == page.readings and page2.rows == page.rows
    assert sorted(page2.plots) == sorted(page.plots)
    for pid in page.plots:
        same_json(page.plots[pid], page2.plots[pid], pid)
    insights = check_insights_sections(page, os.path.join(run, "results.h5"))
    assert "migration" in page.absent_sections and "--before" in page.absent_sections["migration"]
    print(f"PASS: {len(expect)} KPIs, {len(rows)} RFM segments, {insights} insights figures, readings and rules "
          f"match results.h5; "
          f"{len(page.plots)} plots; chunked reads give the same page")


def same_json(a, b, where):
    if isinstance(a, float) or isinstance(b, float):
        close(float(a), float(b), 1e-12, where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same_json(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same_json(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def check_insights_sections(page, results):
    """The insights sections' numbers against /insights of results.h5 (what the stage wrote; its own
    e2e test recomputes those from the input): cohort sizes and month-1/3 retention, NPS per
    segment, the at-risk list's order, value and retention by acquisition channel. Returns how many
    numbers were compared."""
    checked = 0
    with h5py.File(results) as f:
        c = f["insights/cohorts"]
        months = strings(c["month"])
        n = len(months)
        cust = c["customers"][()].reshape(n, n)
        rows = {r["cohort"]: r for r in page.rows["table-cohorts"]}
        assert sorted(rows) == sorted(months[i] for i in range(n) if cust[i, 0] > 0), (sorted(rows), months)
        for i, m in enumerate(months):
            if cust[i, 0] == 0:
                continue
            assert int(rows[m]["customers"]) == int(cust[i, 0]), m
            for k in (1, 3):
                if i + k < n:
                    close(float(rows[m][f"month-{k}"]), cust[i, k] / cust[i, 0], 1e-15, f"cohort {m} month {k}")
                    checked += 1
                else:
                    assert rows[m][f"month-{k}"] == "", (m, k)
            checked += 1
        g = f["insights/groups"]
        grouping, name = strings(g["grouping"]), strings(g["name"])
        by = {(grouping[i], name[i]): i for i in range(len(name))}
        for r in page.rows.get("table-nps", []):
            i = by[(r["grouping"], r["group"])]
            close(float(r["nps"]), float(g["nps"][i]), 1e-15, f"NPS {r['group']}")
            assert int(r["responses"]) == int(g["nps_responses"][i])
            checked += 2
        want_nps = sum(1 for i in range(len(name)) if grouping[i] in ("rfm", "kmeans") and g["nps_responses"][i] > 0)
        assert len(page.rows.get("table-nps", [])) == want_nps, want_nps
        for r in page.rows.get("table-channels", []):
            i = by[("acquisition_channel", r["channel"])]
            assert int(r["customers"]) == int(g["customers"][i])
            for key, col in (("clv-mean", "clv_mean"), ("retention-90", "retention_90"),
                             ("retention-365", "retention_365")):
                a, b = float(r[key]), float(g[col][i])
                assert (math.isnan(a) and math.isnan(b)) or a == b, (r["channel"], key, a, b)
            checked += 4
        ids = f["insights/at_risk/customer_id"][()]
        shown = [int(r["customer-id"]) for r in page.rows["table-at-risk"]]
        assert shown == [int(x) for x in ids[:len(shown)]] and len(shown) == min(20, ids.size), shown
        for r, v in zip(page.rows["table-at-risk"], f["insights/at_risk/clv"][()]):
            close(float(r["clv"]), float(v), 1e-15, "at-risk CLV")
        checked += 2 * len(shown)
    return checked


def migration_cells(page, migration, kind):
    """Every cell of the page's migration heatmap of `kind` (rfm, kmeans) against migration.h5: the
    customers it shows (customdata) and the share of its row (z). Returns the cells compared."""
    spec = page.plots[f"plot-migration-{kind}"]["data"][0]
    with h5py.File(migration) as m:
        g = m[f"migration/{kind}"]
        b, a = strings(g["before_name"]), strings(g["after_name"])
        cust = g["customers"][()].reshape(len(b), len(a))
        revenue = g["revenue_cents"][()].reshape(len(b), len(a))
    for i, y in enumerate(spec["y"]):
        r = b.index(y)
        for j, x in enumerate(spec["x"]):
            c = a.index(x)
            assert spec["customdata"][i][j] == int(cust[r, c]), (kind, y, x)
            close(spec["z"][i][j], cust[r, c] / cust[r].sum(), 1e-15, f"{kind} {y} -> {x} share")
    shown = {b.index(y) for y in spec["y"]}, {a.index(x) for x in spec["x"]}
    # Every row and column with a customer is shown.
    assert shown[0] == {r for r in range(len(b)) if cust[r].sum()} and shown[1] == {c for c in range(len(a)) if cust[:, c].sum()}
    for t in page.rows[f"table-migration-{kind}"]:
        r, c = b.index(t["before"]), a.index(t["after"])
        assert int(t["customers"]) == int(cust[r, c]) and int(t["revenue-cents"]) == int(revenue[r, c])
    return len(spec["y"]) * len(spec["x"])


# ---------------------------------------------------------------------------------------------

# Appended to a copy of the page: after load, each plot's box (page pixels) into the DOM.
PROBE = """<script>window.addEventListener("load", function () { setTimeout(function () {
  document.querySelectorAll("div.plotly-graph-div").forEach(function (d) {
    var r = d.getBoundingClientRect();
    d.setAttribute("data-box", [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(","));
  });
}, 200); });</script>"""


def chromium(*extra, netlog):
    exe = shutil.which("chromium")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
           "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0", f"--log-net-log={netlog}",
           "--virtual-time-budget=10000", *extra]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def page_requests(netlog):
    """URLs the page asked for (requests whose isolation key is the file:// page), not Chromium's own."""
    with open(netlog) as fh:
        d = json.load(fh)
    start = d["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted({e["params"]["url"] for e in d["events"] if e["type"] == start and "url" in e.get("params", {})
                   and "file://" in e["params"].get("network_isolation_key", "")
                   and not e["params"]["url"].startswith("file:")})


class Dom(html.parser.HTMLParser):
    """Plot divs of the rendered DOM: their classes, boxes, and whether an svg was drawn inside."""

    def __init__(self, text):
        super().__init__()
        self.plots, self._stack = {}, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        pid = a.get("id", "")
        if tag == "div" and pid.startswith("plot-"):
            self.plots[pid] = dict(cls=a.get("class", ""), box=a.get("data-box"), svg=0)
            self._stack.append(pid)
        elif tag == "svg" and self._stack:
            self.plots[self._stack[0]]["svg"] += 1
        if tag == "div" and self._stack and pid not in self.plots:
            self._stack.append(None)

    def handle_endtag(self, tag):
        if tag == "div" and self._stack:
            self._stack.pop()


def case_chromium():
    if not shutil.which("chromium"):
        msg = "chromium is not installed (Debian: apt-get install chromium; scripts/setup-deps.sh)"
        if os.environ.get("CI") == "true":
            print(f"FAIL: {msg}; CI must run this test")
            return 1
        print(f"SKIP: {msg}")
        return SKIP
    import matplotlib.image  # reads the PNG screenshot into numpy
    w = fresh(args.workdir)
    src = os.path.join(args.shared, "run", "report.html")
    with open(src, encoding="utf-8") as fh:
        text = fh.read()
    declared = re.findall(r'<div id="(plot-[^"]+)" class="plot plotly-graph-div">', text)
    probe = os.path.join(w, "report.html")
    with open(probe, "w", encoding="utf-8") as fh:
        fh.write(text.replace("</body>", PROBE + "</body>"))
    url = "file://" + probe
    net = os.path.join(w, "net.json")
    png = os.path.join(w, "report.png")
    # One load: the DOM after rendering (stdout) and a screenshot of a window taller than the page.
    r = chromium("--window-size=1280,20000", "--dump-dom", f"--screenshot={png}", url, netlog=net)
    console = [line for line in r.stderr.splitlines() if ":CONSOLE" in line]
    assert not console, "console messages:\n" + "\n".join(console)
    asked = page_requests(net)
    assert not asked, f"the page asked the network for {asked}"
    dom = Dom(r.stdout)
    assert sorted(dom.plots) == sorted(declared) and declared, (sorted(dom.plots), declared)
    for pid, p in dom.plots.items():
        assert "js-plotly-plot" in p["cls"] and p["svg"] > 0, f"{pid} not rendered by plotly: {p}"
    img = matplotlib.image.imread(png)[:, :, :3]
    flat = img.reshape(-1, 3)
    assert np.unique(flat[:: max(1, flat.shape[0] // 200000)], axis=0).shape[0] > 50, "the page is blank"
    for pid, p in dom.plots.items():
        x, y, bw, bh = (int(v) for v in p["box"].split(","))
        assert y + bh <= img.shape[0], f"{pid} is below the screenshot ({y + bh} > {img.shape[0]}): widen the window"
        crop = img[y:y + bh, x:x + bw].reshape(-1, 3)
        colours = np.unique(crop, axis=0).shape[0]
        ink = np.mean(np.any(crop < 0.85, axis=1))  # share of pixels darker than a pale background
        assert colours > 20 and ink > 0.01, f"{pid} looks blank in the screenshot: {colours} colours, {ink:.3%} ink"
    print(f"PASS: Chromium rendered {len(dom.plots)} plots, no console message, no network request, "
          f"none blank in a {img.shape[1]}x{img.shape[0]} screenshot")


# ---------------------------------------------------------------------------------------------


def skip_input(w, customers=1500):
    """An input without /items (rules skipped), and the calibration end that leaves 5 customers
    (clv skipped: fewer than 10), from the input's own first-order days."""
    data = os.path.join(w, "in.h5")
    crmpi(None, "generate", "--customers", str(customers), "--seed", "5", "--out", data, "--log-level", "warn")
    with h5py.File(data, "a") as f:
        del f["items"]
        del f["orders/item_offset"]
        day = f["orders/day"][()]
        off = f["customers/order_offset"][()]
    first = np.sort(np.minimum.reduceat(day, off[:-1][np.diff(off) > 0].astype(np.int64)))
    return data, str(np.datetime64(int(first[4]), "D"))


def case_skipped():
    w = fresh(args.workdir)
    data, cal = skip_input(w)
    out = os.path.join(w, "run")
    crmpi(2, "run", "--input", data, "--out", out, "--calibration-end", cal, "--log-level", "warn")
    with h5py.File(os.path.join(out, "results.h5")) as f:
        # '; '-separated reasons, each starting with its stage's name (a reason may hold '; ' too).
        reasons = re.split(r"; (?=(?:rfm|clv|kmeans|rules): )", f.attrs["stages_skipped"].decode())
        assert "clv" not in f and "rules" not in f and "kmeans" in f, list(f)
    with open(os.path.join(out, "report.html"), encoding="utf-8") as fh:
        page = Page(fh.read())
    by_stage = {r.split(":", 1)[0]: r for r in reasons}
    assert sorted(by_stage) == ["clv", "rules"], reasons
    for stage, reason in by_stage.items():
        assert stage in page.absent, f"the page does not say that {stage} did not run: {page.absent}"
        assert reason in page.absent[stage], (page.absent[stage], reason)
    assert not any(p.startswith(("plot-lifecycle", "plot-clv", "plot-p-alive", "plot-holdout", "plot-rules",
                                 "plot-segment-rules")) for p in page.plots), sorted(page.plots)
    assert "kpi-mean-clv" not in page.by_id and "kpi-customers" in page.by_id
    assert "plot-rfm-segments" in page.plots and "plot-profiles" in page.plots
    # --no-report: no page.
    out2 = os.path.join(w, "run-noreport")
    o = crmpi(1, "run", "--input", data, "--out", out2, "--calibration-end", cal, "--no-report", "--log-level", "warn")
    assert not os.path.exists(os.path.join(out2, "report.html")) and "report:" not in o, o
    print(f"PASS: the page names the skipped stages with their reasons: {reasons}; --no-report writes none")


def case_errors():
    w = fresh(args.workdir)
    data, cal = skip_input(w, 600)
    out = os.path.join(w, "run")
    crmpi(1, "run", "--input", data, "--out", out, "--log-level", "warn")
    html_path = os.path.join(out, "report.html")
    assert os.path.exists(html_path)
    # A run whose report fails: exit 0, the failure said, the earlier run's page removed.
    o = crmpi(1, "run", "--input", data, "--out", out, "--python", os.path.join(w, "no-python"))
    assert "report: NOT written" in o and "no Python to run the report" in o and "removed" in o, o
    assert not os.path.exists(html_path) and os.path.exists(os.path.join(out, "results.h5"))
    o = crmpi(None, "report", "--results", os.path.join(w, "absent.h5"), expect=66)
    assert "no such file" in o, o
    o = crmpi(None, "report", "--results", data, expect=65)  # the input, not a results file
    assert "not a crmpi results file" in o, o
    o = crmpi(None, "report", "--results", os.path.join(out, "results.h5"), "--python", "/nonexistent/python3",
              expect=69)
    assert "/nonexistent/python3" in o, o
    o = crmpi(None, "report", "--results", os.path.join(out, "results.h5"), "--out", os.path.join(w, "r.html"))
    assert os.path.exists(os.path.join(w, "r.html")) and not [p for p in os.listdir(w) if ".tmp-" in p]
    print("PASS: report errors exit 66, 65, 69; a failed report leaves the run at exit 0 and removes the old page")


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["setup", "numbers", "chromium", "skipped", "errors"])
    ap.add_argument("--crmpi", required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--shared", required=True, help="the setup case's run, read by numbers and chromium")
    args = ap.parse_args()
    rc = globals()[f"case_{args.case}"]()
    return rc or 0


if __name__ == "__main__":
    sys.exit(main())
