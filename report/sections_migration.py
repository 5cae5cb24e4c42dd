"""The report's migration section, from DIR/migration.h5 (`crmpi migrate`, `crmpi run` with
[migrate] before, `crmpi report --before`; docs/migration.md): how customers and revenue moved
between segments since the previous quarter, RFM and k-means."""
import os

from report_util import EX_DATAERR, EX_NOINPUT, ReportError, go, h5py, money, np, num, pct, plot, sattr, strings

TITLE = "Segment migration since the previous quarter"
TOP_MOVES = 10


def open_migration(results_path, f, given):
    """(h5py file, None) or (None, why the section is absent). `given`: --migration, or None to look
    for migration.h5 next to the results."""
    path = given or os.path.join(os.path.dirname(os.path.abspath(results_path)), "migration.h5")
    if not os.path.exists(path):
        if given:
            raise ReportError(EX_NOINPUT, f"{given}: no such file (--migration)")
        return None, ("no previous quarter was given: `crmpi report --before OLD/results.h5`, or `[migrate] before` "
                      "in `crmpi run`'s config, adds this section")
    try:
        m = h5py.File(path, "r")
    except OSError as e:
        raise ReportError(EX_DATAERR, f"{path}: cannot open as HDF5: {e}")
    if "migration" not in m:
        m.close()
        raise ReportError(EX_DATAERR, f"{path}: not a crmpi migration file (no /migration)")
    g = m["migration"]
    mine, theirs = sattr(f, "end_time"), sattr(g, "after_end_time")
    # Which run it is about: the after run's end time and as-of day, and its file where that still
    # exists (a directory moved as a whole keeps the first two; two runs can end in one second).
    after_file = sattr(g, "after_results")
    other_file = os.path.exists(after_file) and not os.path.samefile(after_file, results_path)
    as_of = sattr(f["rfm"], "as_of") if "rfm" in f else ""
    their_as_of = sattr(g, "after_as_of")
    if mine != theirs or as_of != their_as_of or other_file:
        m.close()
        why = (f"{path} describes another run (its after run: {after_file}, as of {their_as_of}, ended {theirs}; "
               f"these results: as of {as_of}, ended {mine}): rebuild it with `crmpi report --before OLD/results.h5`")
        if given:
            raise ReportError(EX_DATAERR, why)
        return None, why
    return m, None


def order(names, lead_by=None):
    """Presentation order of a matrix side: segments (code order, or matched order), then new/lost (code 0)."""
    codes = list(range(1, len(names)))
    if lead_by is not None:  # after columns: each before row's match first, then the unmatched
        matched = [int(c) for c in lead_by[1:] if c > 0]
        codes = matched + [c for c in codes if c not in matched]
    return codes + [0]


def matrix_plot(pid, g, title_before, title_after, match=None):
    b, a = strings(g["before_name"]), strings(g["after_name"])
    cust = g["customers"][()].reshape(len(b), len(a))
    rev = g["revenue_cents"][()].reshape(len(b), len(a))
    rows = [r for r in order(b) if cust[r].sum() > 0]
    cols = [c for c in order(a, match) if cust[:, c].sum() > 0]
    tot = cust.sum(axis=1)
    z = [[float(cust[r, c] / tot[r]) for c in cols] for r in rows]
    counts = [[int(cust[r, c]) for c in cols] for r in rows]
    cents = [[int(rev[r, c]) for c in cols] for r in rows]
    xs, ys = [a[c] for c in cols], [b[r] for r in rows]
    fig = go.Figure(go.Heatmap(z=z, x=xs, y=ys, zmin=0, zmax=1, colorscale="Blues", customdata=counts,
                               colorbar=dict(title="of the row", tickformat=".0%"),
                               hovertemplate="%{y} → %{x}<br>%{customdata:,} customers<br>%{z:.1%} of the row"
                                             "<extra></extra>"))
    if len(rows) * len(cols) <= 300:
        fig.update_layout(annotations=[dict(x=xs[j], y=ys[i], text=num(counts[i][j]), showarrow=False,
                                            font=dict(size=11, color="white" if z[i][j] > 0.6 else "black"))
                                       for i in range(len(rows)) for j in range(len(cols)) if counts[i][j]])
    fig.update_xaxes(title=title_after, type="category", side="top")
    fig.update_yaxes(title=title_before, type="category", autorange="reversed")
    # Room for the names: k-means names are long, and the column names stand slanted above.
    left = min(420, 60 + 7 * max(len(y) for y in ys))
    top = min(320, 70 + 5 * max(len(x) for x in xs))
    fig.update_layout(height=max(360, 34 * len(rows) + top + 40), margin=dict(l=left, r=30, t=top, b=30))
    return plot(pid, fig), dict(b=b, a=a, cust=cust, rev=rev, rows=rows, cols=cols, cents=cents)


def moves_table(tid, m, cur, same):
    """The largest moves out of a segment (not staying, not new), by customers."""
    cells = [(int(m["cust"][r, c]), r, c) for r in range(1, len(m["b"])) for c in range(len(m["a"]))
             if m["cust"][r, c] > 0 and not same(r, c)]
    cells.sort(key=lambda t: (-t[0], t[1], t[2]))
    return dict(id=tid, caption="The largest moves between segments",
                head=["from", "to", "customers", "share of the from segment", f"revenue ({cur})"],
                rows=[dict(attrs={"before": m["b"][r], "after": m["a"][c], "customers": n,
                                  "revenue-cents": int(m["rev"][r, c])},
                           cells=[m["b"][r], m["a"][c], num(n), pct(n / m["cust"][r].sum()),
                                  num(int(m["rev"][r, c]) / 100.0)]) for n, r, c in cells[:TOP_MOVES]])


def reading_for(m, before, after, same, what):
    cust = m["cust"]
    buyers = int(cust[1:].sum())
    stayed = sum(int(cust[r, c]) for r in range(1, len(m["b"])) for c in range(1, len(m["a"])) if same(r, c))
    new = int(cust[0, 1:].sum())
    text = (f"Of the {num(buyers)} buyers of {before}, {pct(stayed / buyers if buyers else float('nan'))} are in the "
            f"same {what} segment on {after}")
    moves = [(int(cust[r, c]), r, c) for r in range(1, len(m["b"])) for c in range(len(m["a"]))
             if cust[r, c] > 0 and not same(r, c)]
    if moves:
        n, r, c = max(moves, key=lambda t: (t[0], -t[1], -t[2]))
        text += f"; the largest move: {m['b'][r]} → {m['a'][c]} ({num(n)} customers)"
    if new:
        c = max(range(1, len(m["a"])), key=lambda c: (cust[0, c], -c))
        text += f"; {num(new)} new buyers, most of them into {m['a'][c]} ({num(int(cust[0, c]))})"
    return text + "."


def section_migration(results_path, f, given):
    m, why = open_migration(results_path, f, given)
    if m is None:
        return dict(anchor="migration", title=TITLE, absent=why)
    with m:
        g = m["migration"]
        before, after = sattr(g, "before_as_of"), sattr(g, "after_as_of")
        cur = sattr(f["rfm"], "currency") if "rfm" in f else ""
        rfm = g["rfm"]
        p1, mr = matrix_plot("migration-rfm", rfm, f"RFM, {before}", f"RFM segment on {after}")
        same_rfm = lambda r, c: r > 0 and c > 0 and mr["b"][r] == mr["a"][c]  # noqa: E731
        reading = reading_for(mr, before, after, same_rfm, "RFM")
        rev = mr["rev"]
        total = int(rev[:, 1:].sum())
        if total > 0:
            reading = reading[:-1] + (f". New buyers bring {pct(int(rev[0, 1:].sum()) / total)} of the "
                                      f"{money(total / 100.0, cur)} the buyers of {after} have spent.")
        tables = [moves_table("migration-rfm", mr, cur, same_rfm)]
        extra, notes = [], [
            f"Rows: the segment on {before} ((new): no order by then); columns: the segment on {after} ((lost): no "
            f"order by then, or gone from the data). Colour: share of the row; numbers: customers. Revenue is each "
            f"customer's spend up to {after} (up to {before} in (lost)). From {sattr(g, 'before_results')}."]
        k = g["kmeans"]
        status = sattr(k, "status")
        if status == "matched":
            match = k["match"][()]
            p2, mk = matrix_plot("migration-kmeans", k, f"k-means, {before}", f"k-means segment on {after}", match)
            same_k = lambda r, c: r > 0 and c > 0 and int(match[r]) == c  # noqa: E731
            extra.append(dict(reading=reading_for(mk, before, after, same_k, "(matched) k-means"), plot=p2))
            tables.append(moves_table("migration-kmeans", mk, cur, same_k))
            dist = k["match_distance"][()]
            pairs = [f"{mk['b'][r]} ↔ {mk['a'][int(match[r])]} ({dist[r]:.2f})" for r in range(1, len(mk["b"]))
                     if match[r] > 0]
            unmatched = [mk["b"][r] for r in range(1, len(mk["b"])) if match[r] == 0]
            unmatched += [mk["a"][c] for c in range(1, len(mk["a"])) if c not in set(int(x) for x in match)]
            notes.append("k-means segments matched by centroid (distance in standardized units): " + "; ".join(pairs)
                         + (f". Unmatched: {', '.join(unmatched)}." if unmatched else "."))
        else:
            notes.append(f"No k-means matrix: {status}.")
        return dict(anchor="migration", title=TITLE, reading=reading, plots=[p1], extra=extra, tables=tables,
                    notes=notes)
