"""What the SMPI table scripts (clv_table.py, kmeans_table.py, rules_table.py) share: the RESULT
lines a run script collected, the check that every run of the same global input gave the same
hash, the ms and MB formats, and the simulated-vs-real communication table."""
import sys


def ms(x):
    return f"{float(x) * 1e3:.2f}"


def mb(x, decimals=2):
    return f"{int(x) / 1e6:.{decimals}f}"


def engine_match(real_row, smpi, key):
    """Whether the SMPI runs of a real run's input size gave its hash: yes, no SMPI run, or **NO**."""
    sims = {x[key] for x in smpi if x["customers"] == real_row["customers"]}
    return "yes" if sims == {real_row[key]} else ("no SMPI run" if not sims else "**NO**")


def print_comm_comparison(smpi, real, phases, probe, mb_decimals=2):
    """Per phase, for each real run that has a strong SMPI run of the same size and rank count: calls,
    MB, ms in MPI and the phase's ms under both engines; then the `probe` (e.g. "one fit reduction
    alone") in µs; MB with mb_decimals decimals (k-means moves kilobytes)."""
    pairs = []
    for r in real:
        for s in smpi:
            if s["customers"] == r["customers"] and s["ranks"] == r["ranks"] and s["mode"] == "strong":
                pairs.append((s, r))
                break
    if not pairs:
        return
    print("\nCommunication, simulated vs real, same customers and rank count (ms in MPI calls, mean over "
          "ranks; calls per rank; MB sent, all ranks):\n")
    print("| ranks | customers | phase | calls SMPI / real | MB SMPI / real | comm SMPI | comm real "
          "| phase SMPI | phase real |")
    print("|---:|---:|---|---|---|---:|---:|---:|---:|")
    for s, r in pairs:
        for ph in phases:
            print(f"| {s['ranks']} | {int(s['customers']):,} | {ph} | {float(s[ph + '_calls']):g} / "
                  f"{float(r[ph + '_calls']):g} | {mb(s[ph + '_bytes'], mb_decimals)} / {mb(r[ph + '_bytes'], mb_decimals)} | "
                  f"{ms(s[ph + '_comm'])} | {ms(r[ph + '_comm'])} | {ms(s[ph])} | {ms(r[ph])} |")
        print(f"| {s['ranks']} | {int(s['customers']):,} | {probe} (µs) | | | "
              f"{float(s['reduce_us']):.1f} µs | {float(r['reduce_us']):.1f} µs | | |")


def read_results(path):
    """One dict per line: the key=value fields after the line's first word (RESULT)."""
    return [dict(kv.split("=", 1) for kv in line.split()[1:]) for line in open(path)]


def same_hash_everywhere(rows, key, unit):
    """(ok, {input size: the values of `key` its rows carry}): ok when each input size ("customers"
    field) has one value; prints each mismatch to stderr, e.g. "MISMATCH: 2000000 customers gave
    hashes [...]"."""
    by_total = {}
    for r in rows:
        by_total.setdefault(r["customers"], set()).add(r[key])
    for total, values in by_total.items():
        if len(values) != 1:
            print(f"MISMATCH: {total} {unit} gave {'estimates' if key == 'estimates' else 'hashes'} "
                  f"{sorted(values)}", file=sys.stderr)
    return all(len(v) == 1 for v in by_total.values()), by_total
