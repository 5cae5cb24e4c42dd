#!/usr/bin/env python3
"""Tables of run_scaling_rules.sh's results (RESULT lines of rules_scaling + engine, wall).

Checks that every run of the same global baskets gave the same hash (F-list, itemsets, counts;
exit 1 if not) and prints the SMPI scaling table with the shuffle volume beside the model's bound,
then the Open MPI runs."""
import sys

from smpi_tables import ms, read_results, same_hash_everywhere

PHASES = ["count", "shuffle", "mine", "gather"]


def main(path, coll):
    rows = read_results(path)
    ok, by_total = same_hash_everywhere(rows, "hash", "baskets")
    smpi = [r for r in rows if r["engine"] == "smpi"]
    print(f"SMPI (SimGrid 3.32, coll-selector {coll}, privatization no), bench/smpi/cluster.xml; phases: the "
          "stage's Stopwatch (simulated ms), max over ranks; total: the whole call between barriers; comm: ms in "
          "MPI, mean over ranks; shuffle: item ranks sent (4 B each), all ranks and the largest rank; model: the "
          "bound sum min(L min(L, P), L (L + 1) / 2) over the baskets.\n")
    print("| mode | ranks | baskets | per rank | itemsets | count | shuffle | mine | gather | total | efficiency "
          "| comm | shuffled ranks (largest rank) | model bound | measured / bound | work imbalance | hash "
          "| same everywhere | sim. wall s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    base = {}
    first_strong = next((x["customers"] for x in smpi if x["mode"] == "strong"), None)
    for r in smpi:
        if r["mode"] == "strong" and r["customers"] != first_strong:
            continue
        p, t = int(r["ranks"]), float(r["total"])
        base.setdefault(r["mode"], (p, t))
        p1, t1 = base[r["mode"]]
        eff = t1 / t if r["mode"] == "weak" else (t1 * p1) / (t * p)
        same = "yes" if len(by_total[r["customers"]]) == 1 else "**NO**"
        print(f"| {r['mode']} | {p:,} | {int(r['customers']):,} | {int(r['per_rank']):,} | {int(r['itemsets']):,} | "
              + " | ".join(ms(r[ph]) for ph in PHASES)
              + f" | {ms(r['total'])} | {eff:.3f} | {ms(r['comm'])} | {int(r['sent_items']):,} "
              f"({int(r['sent_max']):,}) | {int(r['model_p']):,} | {int(r['sent_items']) / max(1, int(r['model_p'])):.3f} | "
              f"{float(r['work_imbalance']):.3f} | `{r['hash']}` | {same} | {float(r['wall']):.1f} |")
    real = [r for r in rows if r["engine"] == "openmpi"]
    if real:
        print("\nOpen MPI (real, this machine) on the same global baskets; wall ms, max over ranks:\n")
        print("| ranks | baskets | count | shuffle | mine | gather | total | comm | calls | MB | shuffled ranks "
              "| hash | matches SMPI (hash; calls, bytes, shuffle at the same ranks) |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for r in real:
            sims = [x for x in smpi if x["customers"] == r["customers"]]
            match = "yes" if {x["hash"] for x in sims} == {r["hash"]} else ("no SMPI run" if not sims else "**NO**")
            same_p = [x for x in sims if x["ranks"] == r["ranks"]]
            if same_p:
                s = same_p[0]
                agree = all(s[k] == r[k] for k in ("calls", "bytes", "sent_items"))
                match += "; " + ("same" if agree else f"**differ** (SMPI {s['calls']} calls, {s['bytes']} B, {s['sent_items']})")
            print(f"| {r['ranks']} | {int(r['customers']):,} | " + " | ".join(ms(r[ph]) for ph in PHASES)
                  + f" | {ms(r['total'])} | {ms(r['comm'])} | {float(r['calls']):g} | {int(r['bytes']) / 1e6:.2f} | "
                  f"{int(r['sent_items']):,} | `{r['hash']}` | {match} |")
    print("\nhashes: " + ("all runs of the same global baskets agree" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "ompi"))
