"""The report's k-means sections, from /kmeans of results.h5 (docs/kmeans.md, docs/report.md): the
model-selection table and the segment profiles with their names."""
import math

from report_util import attr, finite_or_none, go, make_subplots, money, np, num, pct, plot, sattr, strings


def section_kselection(f):
    k = f["kmeans"]
    sel = k["selection"]
    ks = sel["k"][()].astype(int).tolist()
    chosen = int(attr(k, "k"))
    title = "Choosing the number of segments"
    if len(ks) < 2:
        return dict(anchor="k-selection", title=title,
                    absent=f"k was given (k = {chosen}), not chosen over a range: there is no selection curve "
                           f"(--k-range LO:HI compares k)")
    series = [("inertia", "inertia (lower: tighter)"), ("calinski_harabasz", "Calinski–Harabasz (higher: better)"),
              ("davies_bouldin", "Davies–Bouldin (lower: better)"), ("silhouette", "silhouette (higher: better; decides)")]
    fig = make_subplots(rows=2, cols=2, subplot_titles=[s[1] for s in series], horizontal_spacing=0.12,
                        vertical_spacing=0.18)
    values = {}
    for n, (name, _) in enumerate(series):
        v = finite_or_none(sel[name][()].tolist())
        values[name] = v
        r, cc = n // 2 + 1, n % 2 + 1
        fig.add_trace(go.Scatter(x=ks, y=v, mode="lines+markers", name=name, showlegend=False), row=r, col=cc)
        if chosen in ks and v[ks.index(chosen)] is not None:
            fig.add_trace(go.Scatter(x=[chosen], y=[v[ks.index(chosen)]], mode="markers", showlegend=False,
                                     marker=dict(size=14, color="crimson", symbol="circle-open", line=dict(width=3)),
                                     name=f"chosen k = {chosen}"), row=r, col=cc)
        fig.update_xaxes(title_text="k", dtick=1, row=r, col=cc)
    fig.update_layout(height=560)

    def best(name, better):
        pts = [(v, kk) for v, kk in zip(values[name], ks) if v is not None]
        return better(pts, key=lambda t: (t[0], -t[1]) if better is max else (t[0], t[1]))[1] if pts else None

    sil = values["silhouette"][ks.index(chosen)] if chosen in ks else None
    reading = f"k = {chosen} was chosen" + (f" (highest silhouette, {sil:.3f})" if sil is not None else "")
    ch, db = best("calinski_harabasz", max), best("davies_bouldin", min)
    agree = [n for n, kk in (("Calinski–Harabasz", ch), ("Davies–Bouldin", db)) if kk == chosen]
    if len(agree) == 2:
        reading += "; Calinski–Harabasz and Davies–Bouldin agree."
    else:
        reading += f"; Calinski–Harabasz is best at k = {ch} and Davies–Bouldin at k = {db}."
    return dict(anchor="k-selection", title=title, reading=reading, plots=[plot("k-selection", fig)], tables=[],
                notes=[f"Rule: {sattr(k, 'selection_rule')}; silhouette on a sample of "
                       f"{num(int(attr(sel, 'silhouette_sample', 0)))} customers."])


def section_profiles(f):
    k = f["kmeans"]
    p = k["profile"]
    names = strings(k["segment_names"])
    cust = p["customers"][()]
    currency = sattr(f["clv"], "currency") if "clv" in f else (sattr(f["rfm"], "currency") if "rfm" in f else "")
    cols = [("customer_share", "customers", lambda v: pct(v)), ("revenue_share", "revenue", lambda v: pct(v)),
            ("mean_recency_days", "recency (days)", lambda v: num(v)), ("mean_frequency", "orders", lambda v: num(v, 1)),
            ("mean_monetary", f"spend ({currency})", lambda v: num(v)),
            ("mean_p_alive", "P(alive)", lambda v: num(v, 2)), ("mean_clv", f"CLV ({currency})", lambda v: num(v))]
    surveyed = p["surveyed"][()]
    if surveyed.sum() > 0:
        cols.append(("nps", "NPS", lambda v: num(v)))
    rows = [i for i in range(len(names)) if cust[i] > 0 and i > 0]  # row 0: No orders, not clustered
    data = {c: p[c][()] for c, _, _ in cols}
    cols = [c for c in cols if any(math.isfinite(data[c[0]][i]) for i in rows)]
    z, ann = [], []
    for i in rows:
        zr, ar = [], []
        for c, _, fmt in cols:
            col = np.array([data[c][r] for r in rows], dtype=float)
            v = data[c][i]
            lo, hi = np.nanmin(col), np.nanmax(col)
            zr.append(float((v - lo) / (hi - lo)) if math.isfinite(v) and hi > lo else 0.5)
            ar.append(fmt(float(v)))
        z.append(zr)
        ann.append(ar)
    # plotly.js 2.6 (Debian's) has no heatmap texttemplate: the values go in as annotations, as
    # plotly.figure_factory.create_annotated_heatmap does (not imported: it pulls in scipy and pandas, 2 s).
    xs, ys = [c[1] for c in cols], [names[i] for i in rows]
    fig = go.Figure(go.Heatmap(z=z, x=xs, y=ys, colorscale="Blues", showscale=False, hoverinfo="skip", zmin=0, zmax=1))
    fig.update_layout(annotations=[dict(x=xs[c], y=ys[r], text=ann[r][c], showarrow=False,
                                        font=dict(color="white" if z[r][c] > 0.6 else "black"))
                                   for r in range(len(ys)) for c in range(len(xs))])
    fig.update_xaxes(side="top")
    fig.update_layout(height=max(260, 70 * len(rows) + 120), margin=dict(l=280, r=30, t=60, b=30))
    fig.update_yaxes(autorange="reversed")
    rshare = p["revenue_share"][()]
    cshare = p["customer_share"][()]
    top = max(rows, key=lambda i: (rshare[i], -i))
    reading = f"“{names[top]}” bring {pct(rshare[top])} of revenue from {pct(cshare[top])} of customers"
    clv = p["mean_clv"][()]
    if math.isfinite(clv[top]):
        reading += f", mean CLV {money(float(clv[top]), currency)}"
    reading += "."
    notes = ["Colour: each column from its lowest (light) to its highest (dark) segment value; the numbers are the "
             "segment means and shares."]
    if cust[0] > 0:
        notes.append(f"{num(int(cust[0]))} customers without orders are not clustered (segment “No orders”).")
    return dict(anchor="profiles", title=f"k-means segments ({int(attr(k, 'k'))}): profiles", reading=reading,
                plots=[plot("profiles", fig)], tables=[], notes=notes)
