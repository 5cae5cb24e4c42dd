#!/usr/bin/env python3
"""Tables of run_scaling_clv.sh's results (RESULT lines of clv_scaling + engine, wall).

Checks that every run of the same global customers gave the same estimates hash (exit 1 if not)
and prints: the SMPI scaling table, the Open MPI runs, and the 1-/2-rank communication check
(the same customers under both engines, phase by phase)."""
import sys

from smpi_tables import engine_match, ms, print_comm_comparison, read_results, same_hash_everywhere

PHASES = ["summary", "spread", "bgnbd", "pareto", "gg_spread", "gg_fit"]
FITS = ["bgnbd", "pareto", "gg_fit"]


def main(path, coll):
    rows = read_results(path)
    ok, by_total = same_hash_everywhere(rows, "estimates", "customers")

    print(f"SMPI (SimGrid 3.32, coll-selector {coll}, privatization no), bench/smpi/cluster.xml; "
          "times are simulated ms, phases max over ranks, comm (ms in MPI) mean over ranks.\n")
    print("| mode | ranks | customers | per rank | table rows (largest rank) | summary | spread | BG/NBD | Pareto/NBD "
          "| GG spread | GG fit | total | efficiency | comm | fit allreduces | reduce µs | estimates | same everywhere | sim. wall s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    base = {}
    smpi = [r for r in rows if r["engine"] == "smpi"]
    for r in smpi:
        p, t = int(r["ranks"]), float(r["total"])
        if r["mode"] == "strong" and r["customers"] != next(x["customers"] for x in smpi if x["mode"] == "strong"):
            continue
        base.setdefault(r["mode"], (p, t))
        p1, t1 = base[r["mode"]]
        eff = t1 / t if r["mode"] == "weak" else (t1 * p1) / (t * p)
        fit_calls = round(sum(float(r[f + "_calls"]) for f in FITS))
        same = "yes" if len(by_total[r["customers"]]) == 1 else "**NO**"
        print(f"| {r['mode']} | {p:,} | {int(r['customers']):,} | {int(r['per_rank']):,} | "
              f"{int(r['triples']):,} ({int(r['max_rank_rows']):,}) | "
              + " | ".join(ms(r[ph]) for ph in PHASES)
              + f" | {ms(r['total'])} | {eff:.3f} | {ms(r['comm_total'])} | {fit_calls} | {float(r['reduce_us']):.1f} | "
              f"`{r['estimates']}` | {same} | {float(r['wall']):.1f} |")

    real = [r for r in rows if r["engine"] == "openmpi"]
    if real:
        print("\nOpen MPI (real, this machine) on the same global customers; wall ms, phases max over ranks, comm mean over ranks:\n")
        print("| ranks | customers | summary | spread | BG/NBD | Pareto/NBD | GG spread | GG fit | total | comm "
              "| reduce µs | estimates | matches SMPI |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for r in real:
            match = engine_match(r, smpi, "estimates")
            print(f"| {r['ranks']} | {int(r['customers']):,} | " + " | ".join(ms(r[ph]) for ph in PHASES)
                  + f" | {ms(r['total'])} | {ms(r['comm_total'])} | {float(r['reduce_us']):.1f} | "
                  f"`{r['estimates']}` | {match} |")

        # Same customers, same rank count, both engines: communication phase by phase.
        print_comm_comparison(smpi, real, PHASES[1:], "one fit reduction alone")
    print("\nestimates: " + ("all runs of the same global customers agree" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "ompi"))
