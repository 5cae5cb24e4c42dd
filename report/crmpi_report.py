#!/usr/bin/python3
"""The HTML report of a crmpi run: one self-contained page for a marketer, read from results.h5.

Usage: crmpi_report.py --results DIR/results.h5 [--out FILE] [--migration M]   (default FILE: DIR/report.html;
       default M: DIR/migration.h5 when it is the migration to this run)

Runs under /usr/bin/python3 with Debian's python3-h5py, python3-numpy, python3-plotly and
python3-jinja2. What each section shows and how to read it: docs/report.md. The page is a
function of results.h5 and its path (no clock, no random ids): the same file gives the same bytes.

Per-customer columns can hold hundreds of millions of rows: they are only ever read in chunks of
CHUNK rows and binned (numpy), everything else comes from the small per-segment tables.

Exit codes (sysexits, as crmpi's): 0 ok, 64 usage, 65 not a crmpi results file or a malformed
one, 66 results file missing or unreadable, 69 a Python package missing, 70 internal error,
74 the report cannot be written.
"""
import argparse
import os
import re
import sys
import tempfile

STAGES = ("rfm", "clv", "kmeans", "rules", "insights")
STAGE_TITLES = {"rfm": "RFM", "clv": "CLV", "kmeans": "k-means segmentation", "rules": "association rules",
                "insights": "insights"}
TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

import report_util  # noqa: E402 (the helpers; their import of h5py, plotly ... exits 69 when one is missing)
from report_util import (EX_DATAERR, EX_IOERR, EX_NOINPUT, EX_SOFTWARE, EX_USAGE, ReportError, attr,  # noqa: E402
                         go, h5py, jinja2, np, num, pct, plot, plotly, sattr, strings)
import sections_clv  # noqa: E402
import sections_insights  # noqa: E402
import sections_kmeans  # noqa: E402
import sections_migration  # noqa: E402
import sections_rules  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Sections. Each returns a dict for the template: title, anchor, reading, plots, tables, notes;
# or a dict with "absent": why the section has nothing to show. The RFM section and the KPIs are
# here; the other stages' sections are in sections_<stage>.py (STAGE_SECTIONS lists them in order).


def skip_reasons(f):
    """Why each stage of a `crmpi run` is missing: {stage: reason}."""
    reasons = {}
    raw = sattr(f, "stages_skipped")
    # '; '-separated, and a reason may hold '; ' itself: a reason starts with its stage's name.
    for r in filter(None, (s.strip() for s in re.split(f"; (?=(?:{'|'.join(STAGES)}): )", raw))):
        stage = r.split(":", 1)[0].strip()
        reasons[stage if stage in STAGES else f"other{len(reasons)}"] = r
    return reasons


def absent_reason(f, stage, reasons):
    if stage in f:
        return None
    if stage in reasons:
        return f"skipped by the run: {reasons[stage]}"
    command = sattr(f, "command", "?")
    if command == "run":
        return "the run did not write it"
    return f"not part of `crmpi {command}`"


def kpis(f):
    out = []
    currency = ""
    if "rfm" in f:
        s = f["rfm/summary"]
        customers = int(np.sum(s["customers"][()], dtype=np.uint64))
        revenue_cents = int(np.sum(s["revenue_cents"][()], dtype=np.int64))
        currency = sattr(f["rfm"], "currency")
        buyers = int(attr(f["rfm"], "buyers"))
        out += [
            dict(id="customers", label="customers", value=customers, shown=num(customers)),
            dict(id="buyers", label=f"buyers (an order by {sattr(f['rfm'], 'as_of')})", value=buyers, shown=num(buyers)),
            dict(id="revenue", label=f"revenue ({currency})", value=revenue_cents / 100.0,
                 shown=num(revenue_cents / 100.0)),
        ]
    if "clv" in f:
        c = f["clv"]
        lc = f["clv/lifecycle"]
        stage = strings(lc["stage"])
        cust = lc["customers"][()].astype(np.float64)
        clv_sum = lc["clv_sum"][()]
        ep = lc["expected_purchases"][()]
        horizon = int(attr(c, "horizon_months"))
        currency = sattr(c, "currency") or currency
        ok = np.isfinite(clv_sum) & (cust > 0)
        mean_clv = float(np.sum(clv_sum[ok]) / np.sum(cust[ok])) if np.any(ok) else float("nan")
        expected = float(np.sum(ep[np.isfinite(ep)]))
        total = float(np.sum(cust))
        at_risk = float(cust[stage.index("at_risk")] / total) if "at_risk" in stage and total > 0 else float("nan")
        th = dict(zip(sattr(c, "lifecycle_thresholds_names").split(","), attr(c, "lifecycle_thresholds", [])))
        out += [
            dict(id="mean-clv", label=f"mean CLV, {horizon} months ({currency}, customers in calibration)",
                 value=mean_clv, shown=num(mean_clv, 2)),
            dict(id="expected-purchases", label=f"expected purchases, next {horizon} months", value=expected,
                 shown=num(expected)),
            dict(id="at-risk", label=f"at risk (P(alive) {th.get('churned_below', 0.2):g}–{th.get('at_risk_below', 0.5):g})",
                 value=at_risk, shown=pct(at_risk)),
        ]
    for k in out:
        k["value_attr"] = repr(float(k["value"])) if isinstance(k["value"], float) else str(k["value"])
    return out


def section_rfm(f):
    s = f["rfm/summary"]
    names = strings(f["rfm/segment_names"])
    cust = s["customers"][()]
    cshare = s["customer_share"][()]
    rshare = s["revenue_share"][()]
    rev = s["revenue_cents"][()] / 100.0
    currency = sattr(f["rfm"], "currency")
    rows = [i for i in range(len(names)) if cust[i] > 0]
    fig = go.Figure([
        go.Bar(name="share of customers", x=[names[i] for i in rows], y=[float(cshare[i]) for i in rows]),
        go.Bar(name="share of revenue", x=[names[i] for i in rows], y=[float(rshare[i]) for i in rows]),
    ])
    fig.update_layout(barmode="group", yaxis=dict(tickformat=".0%", title="share"),
                      legend=dict(orientation="h", y=1.1))
    top = max(rows, key=lambda i: (rshare[i], -i))
    reading = f"{names[top]} are {pct(cshare[top])} of customers and {pct(rshare[top])} of revenue."
    if len(rows) > 1:
        lead = sorted(rows, key=lambda i: (-rshare[i], i))[:3]
        reading += (f" The top three segments by revenue ({', '.join(names[i] for i in lead)}) hold "
                    f"{pct(float(sum(rshare[i] for i in lead)))} of it with {pct(float(sum(cshare[i] for i in lead)))} "
                    f"of the customers.")
    table = dict(
        id="rfm-segments",
        head=["segment", "customers", "share of customers", f"revenue ({currency})", "share of revenue",
              "mean recency (days)", "mean orders", f"mean spend ({currency})"],
        rows=[dict(attrs={"segment": names[i], "customers": int(cust[i]), "customer-share": repr(float(cshare[i])),
                          "revenue-share": repr(float(rshare[i]))},
                   cells=[names[i], num(int(cust[i])), pct(cshare[i]), num(rev[i]), pct(rshare[i]),
                          num(s["mean_recency_days"][i], 0), num(s["mean_frequency"][i], 1),
                          num(s["mean_monetary"][i], 0)]) for i in rows])
    return dict(anchor="rfm", title="RFM segments: size and value", reading=reading,
                plots=[plot("rfm-segments", fig)], tables=[table],
                notes=[f"As of {sattr(f['rfm'], 'as_of')}; segments from the (R, F, M) quintile scores (docs/rfm.md)."])


STAGE_SECTIONS = [
    ("rfm", [section_rfm]),
    ("clv", [sections_clv.section_lifecycle, sections_clv.section_clv_distribution, sections_clv.section_p_alive,
             sections_clv.section_holdout]),
    ("kmeans", [sections_kmeans.section_kselection, sections_kmeans.section_profiles]),
    ("rules", [sections_rules.section_rules, sections_rules.section_segment_rules]),
    ("insights", sections_insights.SECTIONS),
]


def build(results_path, migration=None):
    try:
        f = h5py.File(results_path, "r")
    except FileNotFoundError:
        raise ReportError(EX_NOINPUT, f"{results_path}: no such file")
    except OSError as e:
        code = EX_NOINPUT if not os.access(results_path, os.R_OK) else EX_DATAERR
        raise ReportError(code, f"{results_path}: cannot open as HDF5: {e}")
    with f:
        if "command" not in f.attrs or not any(s in f for s in STAGES):
            raise ReportError(EX_DATAERR, f"{results_path}: not a crmpi results file (no /@command or no stage group)")
        reasons = skip_reasons(f)
        sections, absent = [], []
        for stage, makers in STAGE_SECTIONS:
            why = absent_reason(f, stage, reasons)
            if why:
                absent.append(dict(stage=stage, title=STAGE_TITLES[stage], why=why))
                sections.append(dict(anchor=stage, stage=stage, title=f"{STAGE_TITLES[stage]}: not in this run",
                                     absent=why))
                continue
            for make in makers:
                try:
                    sections.append(make(f))
                except (KeyError, ValueError, IndexError) as e:
                    raise ReportError(EX_DATAERR, f"{results_path}: {stage}: malformed or missing object ({e})")
        try:
            sections.append(sections_migration.section_migration(results_path, f, migration))
        except (KeyError, ValueError, IndexError) as e:
            raise ReportError(EX_DATAERR, f"{migration or 'migration.h5'}: malformed or missing object ({e})")
        known = {a["stage"] for a in absent}
        other = [r for s, r in reasons.items() if s not in STAGES or s not in known]
        stages_run = sattr(f, "stages_run") or ",".join(s for s in STAGES if s in f)
        meta = dict(command=sattr(f, "command"), version=sattr(f, "crmpi_version"), input=sattr(f, "input_path"),
                    ranks=int(attr(f, "ranks", 0)), start=sattr(f, "start_time"), end=sattr(f, "end_time"),
                    stages_run=stages_run.replace(",", ", "),
                    as_of=sattr(f["rfm"], "as_of") if "rfm" in f else "",
                    results=os.path.abspath(results_path))
        return dict(meta=meta, kpis=kpis(f), sections=sections, absent=absent, other_skips=other)


def render(page):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=jinja2.select_autoescape(["j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(
        plotly_js=plotly.offline.get_plotlyjs(), plotly_version=plotly.offline.get_plotlyjs_version(), **page)


def write_atomically(path, content):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(path) + ".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"crmpi report: error: {message}", file=sys.stderr)
        sys.exit(EX_USAGE)


def main(argv=None):
    ap = Parser(description="Write the HTML report of a crmpi results file (docs/report.md).")
    ap.add_argument("--results", required=True, help="DIR/results.h5 of a crmpi run")
    ap.add_argument("--out", help="the HTML file to write (default: report.html next to the results)")
    ap.add_argument("--migration", help="DIR/migration.h5 whose after run is --results (default: migration.h5 next to "
                                        "the results, when it is of this run)")
    ap.add_argument("--quiet", action="store_true", help="print nothing on success (crmpi prints the outcome)")
    ap.add_argument("--chunk-rows", type=int, default=report_util.CHUNK,
                    help=f"rows of a per-customer column read at a time (default {report_util.CHUNK}; bounds memory)")
    a = ap.parse_args(argv)
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.results)), "report.html")
    if a.chunk_rows < 1:
        ap.error("--chunk-rows must be at least 1")
    report_util.CHUNK = a.chunk_rows
    try:
        html = render(build(a.results, a.migration))
    except ReportError as e:
        print(f"crmpi report: error: {e}", file=sys.stderr)
        return e.code
    try:
        write_atomically(out, html)
    except OSError as e:
        print(f"crmpi report: error: cannot write {out}: {e}", file=sys.stderr)
        return EX_IOERR
    if not a.quiet:
        print(f"crmpi report: {out} ({len(html.encode('utf-8')) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception as e:  # a bug: say so, with the trace, and exit 70
        import traceback
        traceback.print_exc()
        print(f"crmpi report: internal error: {e}", file=sys.stderr)
        sys.exit(EX_SOFTWARE)
