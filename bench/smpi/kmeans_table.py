#!/usr/bin/env python3
"""Tables of run_scaling_kmeans.sh's results (RESULT lines of kmeans_scaling + engine, wall).

Checks that every run of the same global customers gave the same hash (centroids, labels, scores;
exit 1 if not) and prints: the SMPI scaling table, the Open MPI runs, and the 1-/2-rank
communication check (the same customers under both engines, phase by phase)."""
import sys

from smpi_tables import engine_match, ms, print_comm_comparison, read_results, same_hash_everywhere

PHASES = ["init", "lloyd", "score"]


def steps(r):
    # lloyd holds the iterations and the final assignment (one more step + allreduce).
    return int(r["iterations"]) + 1


def main(path, coll):
    rows = read_results(path)
    ok, by_total = same_hash_everywhere(rows, "hash", "customers")

    smpi = [r for r in rows if r["engine"] == "smpi"]
    print(f"SMPI (SimGrid 3.32, coll-selector {coll}, privatization no), bench/smpi/cluster.xml; times are "
          "simulated ms, phases max over ranks, comm (ms in MPI) mean over ranks; Lloyd per step = lloyd / "
          "(iterations + 1), the final assignment included.\n")
    print("| mode | ranks | customers | per rank | init | lloyd | iterations | Lloyd per step | comm per step "
          "| score | total | efficiency (total) | efficiency (Lloyd step) | bytes per step per rank | reduce µs "
          "| hash | same everywhere | sim. wall s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    base = {}
    first_strong = next((x["customers"] for x in smpi if x["mode"] == "strong"), None)
    for r in smpi:
        if r["mode"] == "strong" and r["customers"] != first_strong:
            continue
        p, t, step = int(r["ranks"]), float(r["total"]), float(r["lloyd"]) / steps(r)
        base.setdefault(r["mode"], (p, t, step))
        p1, t1, s1 = base[r["mode"]]
        if r["mode"] == "weak":
            eff, eff_step = t1 / t, s1 / step
        else:
            eff, eff_step = (t1 * p1) / (t * p), (s1 * p1) / (step * p)
        same = "yes" if len(by_total[r["customers"]]) == 1 else "**NO**"
        print(f"| {r['mode']} | {p:,} | {int(r['customers']):,} | {int(r['per_rank']):,} | {ms(r['init'])} | "
              f"{ms(r['lloyd'])} | {r['iterations']} | {step * 1e3:.3f} | "
              f"{float(r['lloyd_comm']) / steps(r) * 1e3:.3f} | {ms(r['score'])} | {ms(r['total'])} | {eff:.3f} | "
              f"{eff_step:.3f} | {int(r['bytes_per_iteration']):,} | {float(r['reduce_us']):.1f} | `{r['hash']}` | "
              f"{same} | {float(r['wall']):.1f} |")

    real = [r for r in rows if r["engine"] == "openmpi"]
    if real:
        print("\nOpen MPI (real, this machine) on the same global customers; wall ms, phases max over ranks, "
              "comm mean over ranks:\n")
        print("| ranks | customers | init | lloyd | Lloyd per step | score | total | comm | reduce µs | hash "
              "| matches SMPI |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for r in real:
            match = engine_match(r, smpi, "hash")
            print(f"| {r['ranks']} | {int(r['customers']):,} | {ms(r['init'])} | {ms(r['lloyd'])} | "
                  f"{float(r['lloyd']) / steps(r) * 1e3:.3f} | {ms(r['score'])} | {ms(r['total'])} | "
                  f"{ms(r['comm_total'])} | {float(r['reduce_us']):.1f} | `{r['hash']}` | {match} |")

        # Same customers, same rank count, both engines: communication phase by phase.
        print_comm_comparison(smpi, real, PHASES, "one Lloyd allreduce alone", mb_decimals=3)
    print("\nhashes: " + ("all runs of the same global customers agree" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "ompi"))
