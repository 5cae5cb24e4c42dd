"""The report's rules sections, from /rules of results.h5 (docs/rules.md, docs/report.md): the top rules
by lift over all baskets, and the rules within segments beside their overall lift."""
from report_util import attr, go, np, num, pct, plot, sattr, strings


class Items:
    def __init__(self, r):
        self.level = sattr(r, "level", "product")
        ids = r["item_id"][()].tolist()
        names = strings(r["item_name"]) if "item_name" in r else [""] * len(ids)
        self.names = {i: n for i, n in zip(ids, names)}

    def name(self, i):
        n = self.names.get(int(i), "")
        return n.strip() or f"{self.level} {int(i)}"

    def join(self, ids):
        return " + ".join(self.name(i) for i in ids)


def rule_rows(g, picks, items):
    """Antecedents and consequents of the rules at rows `picks` of group g (reads only what it needs)."""
    ao, co = g["antecedent_offset"], g["consequent_offset"]
    out = []
    for i in picks:
        a0, a1 = (int(v) for v in ao[i:i + 2])
        c0, c1 = (int(v) for v in co[i:i + 2])
        out.append((items.join(g["antecedent"][a0:a1]), items.join(g["consequent"][c0:c1])))
    return out


def top_by_lift(lift, conf, count, n):
    order = np.lexsort((-count, -conf, -lift))  # lift, then confidence, then count, descending
    return order[:n].tolist()


def section_rules(f):
    r = f["rules"]
    g = r["rules"]
    items = Items(r)
    n = g["lift"].shape[0]
    basket = sattr(r, "basket", "order")
    baskets = int(attr(r, "baskets", 0))
    title = "Products bought together: top rules"
    cond = (f"support ≥ {float(attr(r, 'min_support')):g} ({num(int(attr(r, 'min_count')))} {basket}s), "
            f"confidence ≥ {float(attr(r, 'min_confidence')):g}")
    if int(attr(r, "rules_derived", 1)) == 0:
        return dict(anchor="rules", title=title,
                    absent=f"rules not derived (--itemsets-only): {num(r['itemsets/count'].shape[0])} frequent itemsets "
                           f"over {num(baskets)} {basket}s at support ≥ {float(attr(r, 'min_support')):g}, "
                           "in csv/itemsets.csv and /rules/itemsets")
    if n == 0:
        return dict(anchor="rules", title=title,
                    absent=f"no rule over {num(baskets)} {basket}s at {cond}: lower --min-support or --min-confidence")
    lift, conf, count, sup = g["lift"][()], g["confidence"][()], g["count"][()], g["support"][()]
    picks = top_by_lift(lift, conf, count, 15)
    ac = rule_rows(g, picks, items)
    labels = [f"{a} → {c}" for a, c in ac]
    fig = go.Figure(go.Bar(x=[float(lift[i]) for i in picks][::-1], y=labels[::-1], orientation="h",
                           text=[f"conf {conf[i]:.0%}" for i in picks][::-1], textposition="auto"))
    fig.update_xaxes(title="lift (× more often together than by chance)")
    fig.update_layout(height=max(300, 30 * len(picks) + 120), margin=dict(l=320, r=30, t=30, b=60))
    i0 = picks[0]
    reading = (f"{num(n)} rules over {num(baskets)} {basket}s; the strongest: {ac[0][0]} → {ac[0][1]}, bought together "
               f"{lift[i0]:.1f}× more often than by chance, in {pct(conf[i0])} of the {basket}s with {ac[0][0]}.")
    table = dict(id="rules-top", head=["if bought", "then also", "baskets", "support", "confidence", "lift"],
                 rows=[dict(attrs={"lift": repr(float(lift[i])), "confidence": repr(float(conf[i]))},
                            cells=[a, c, num(int(count[i])), pct(sup[i], 2), pct(conf[i]), num(float(lift[i]), 2)])
                       for i, (a, c) in zip(picks, ac)])
    return dict(anchor="rules", title=title, reading=reading, plots=[plot("rules-top", fig)], tables=[table],
                notes=[f"Items: {items.level}s; a basket is one {basket}; rules at {cond}."])


def section_segment_rules(f):
    r = f["rules"]
    title = "Rules within segments"
    if int(attr(r, "rules_derived", 1)) == 0:
        return dict(anchor="segment-rules", title=title, absent="rules not derived (--itemsets-only)")
    if "segments" not in r:
        return dict(anchor="segment-rules", title=title,
                    absent="the rules were not mined per segment (only `crmpi run` does, with --by-segment)")
    s = r["segments"]
    g = s["rules"]
    items = Items(r)
    seg_names = strings(s["name"])
    segm = strings(s["segmentation"])
    status = strings(s["status"])
    off = s["rule_offset"][()].astype(np.int64)
    per_seg, points, tables = 5, 25, []
    n_all = int(off[-1]) if off.size else 0
    if n_all == 0:
        return dict(anchor="segment-rules", title=title,
                    absent="no segment has a rule at the run's support and confidence")
    strong, best = 0, None
    fig = go.Figure()
    hi = 1.0
    for si in range(len(seg_names)):
        a, b = int(off[si]), int(off[si + 1])
        if b == a:
            continue
        lift = g["lift"][a:b]
        conf = g["confidence"][a:b]
        cnt = g["count"][a:b]
        olift = g["overall_lift"][a:b]
        ratio = lift / np.where(olift > 0, olift, np.nan)
        strong += int(np.sum(ratio >= 1.5))
        j = int(np.nanargmax(np.where(np.isfinite(ratio), ratio, -np.inf)))
        if np.isfinite(ratio[j]) and (best is None or ratio[j] > best[0]):
            best = (float(ratio[j]), si, a + j)
        picks = top_by_lift(lift, conf, cnt, points)
        ac = rule_rows(g, [a + i for i in picks], items)
        hi = max(hi, float(np.nanmax(lift[picks])), float(np.nanmax(olift[picks])))
        fig.add_trace(go.Scatter(x=[float(olift[i]) for i in picks], y=[float(lift[i]) for i in picks], mode="markers",
                                 name=f"{seg_names[si]} ({segm[si]})", text=[f"{x} → {y}" for x, y in ac],
                                 hovertemplate="%{text}<br>segment lift %{y:.2f}<br>overall lift %{x:.2f}<extra>"
                                               + seg_names[si].replace("<", "&lt;") + "</extra>"))
        rows = []
        for i, (x, y) in zip(picks[:per_seg], ac[:per_seg]):
            rows.append(dict(attrs={"lift": repr(float(lift[i])), "overall-lift": repr(float(olift[i]))},
                             cells=[x, y, num(int(cnt[i])), pct(conf[i]), num(float(lift[i]), 2),
                                    num(float(olift[i]), 2)]))
        tables.append(dict(id=f"segment-rules-{si}", caption=f"{seg_names[si]} ({segm[si]}, {num(int(s['baskets'][si]))} "
                                                            f"baskets, {num(b - a)} rules)",
                           head=["if bought", "then also", "baskets", "confidence", "segment lift", "overall lift"],
                           rows=rows))
    fig.add_trace(go.Scatter(x=[1, hi], y=[1, hi], mode="lines", line=dict(color="gray", dash="dot"),
                             name="as strong as overall", hoverinfo="skip"))
    fig.update_xaxes(title="lift over all baskets", type="log")
    fig.update_yaxes(title="lift within the segment", type="log")
    fig.update_layout(height=520)
    reading = (f"Of {num(n_all)} rules found within segments, {num(strong)} are at least 1.5× stronger in their "
               f"segment than over all baskets")
    if best is not None:
        ratio, si, row = best
        (x, y), = rule_rows(g, [row], items)
        reading += (f"; the most segment-specific: in {seg_names[si]}, {x} → {y} (lift {float(g['lift'][row]):.1f} "
                    f"there, {float(g['overall_lift'][row]):.1f} overall).")
    else:
        reading += "."
    notes = [f"Each segment's top {points} rules by lift are plotted; above the dotted line a rule is stronger in the "
             f"segment than overall. The tables give each segment's top {per_seg}."]
    other = [f"{seg_names[i]} ({segm[i]}): {status[i]}" for i in range(len(seg_names)) if status[i] != "mined"]
    if other:
        notes.append("Not mined: " + "; ".join(other) + ".")
    return dict(anchor="segment-rules", title=title, reading=reading, plots=[plot("segment-rules", fig)],
                tables=tables, notes=notes)
