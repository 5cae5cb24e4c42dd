"""Helpers the report's sections share (report/crmpi_report.py, sections_insights.py,
sections_migration.py): reading results.h5, formatting numbers, making plotly figures."""
import json
import math
import sys

EX_USAGE, EX_DATAERR, EX_NOINPUT, EX_UNAVAILABLE, EX_SOFTWARE, EX_IOERR = 64, 65, 66, 69, 70, 74
CHUNK = 1 << 22  # rows per read of a per-customer column (32 MiB of float64); crmpi_report.py --chunk-rows sets it

try:
    import h5py
    import jinja2
    import numpy as np
    import plotly
    import plotly.graph_objects as go
    import plotly.io as pio
    import plotly.offline
    from plotly.subplots import make_subplots
except ImportError as e:  # pragma: no cover - the environment, not the code
    print(f"crmpi report: error: {e}: install Debian's python3-h5py python3-numpy python3-plotly python3-jinja2 "
          f"(scripts/setup-deps.sh) for {sys.executable}", file=sys.stderr)
    sys.exit(EX_UNAVAILABLE)


class ReportError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------
# Reading results.h5


def text(v):
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def attr(obj, name, default=None):
    return obj.attrs[name] if name in obj.attrs else default


def sattr(obj, name, default=""):
    return text(obj.attrs[name]) if name in obj.attrs else default


def strings(ds):
    return [text(s) for s in ds[()]]


def chunked(*datasets):
    """Aligned slices of equally long 1-D datasets, CHUNK rows at a time."""
    n = datasets[0].shape[0]
    for d in datasets:
        if d.shape[0] != n:
            raise ReportError(EX_DATAERR, f"{d.name} has {d.shape[0]} rows, {datasets[0].name} {n}")
    for start in range(0, n, CHUNK):
        yield [d[start:start + CHUNK] for d in datasets]


# ---------------------------------------------------------------------------------------------
# Formatting


def num(x, digits=0):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:,.{digits}f}"


def pct(x, digits=1):
    if x is None or not math.isfinite(x):
        return "–"
    return f"{100 * x:.{digits}f}%"


def money(x, currency, digits=0):
    return f"{num(x, digits)} {currency}".strip()


def edge_label(e):
    return f"{e:,.0f}" if e >= 1 or e == 0 else f"{e:g}"


# ---------------------------------------------------------------------------------------------
# Figures: plotly builds them; the page embeds plotly.js once and calls Plotly.newPlot per plot.

FIG_CONFIG = {"displaylogo": False, "responsive": True}
pio.templates.default = "plotly_white"  # set once: each figure copies its template when made
LAYOUT = dict(margin=dict(l=60, r=30, t=40, b=60), height=420,
              font=dict(family="Helvetica, Arial, sans-serif", size=13))


def plot(pid, fig):
    given = fig.layout.to_plotly_json()
    fig.update_layout(**{k: v for k, v in LAYOUT.items() if k not in given})
    spec = json.loads(pio.to_json(fig, validate=True))
    spec["config"] = FIG_CONFIG
    # JSON inside <script>: "</" must not close the element.
    return {"id": f"plot-{pid}", "json": json.dumps(spec, sort_keys=True, allow_nan=False).replace("</", "<\\/")}


def finite_or_none(values):
    return [float(v) if v is not None and math.isfinite(v) else None for v in values]
