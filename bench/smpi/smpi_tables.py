"""What the SMPI table scripts (clv_table.py, kmeans_table.py, rules_table.py) share: the RESULT
lines a run script collected, the check that every run of the same global input gave the same
hash, and the millisecond format."""
import sys


def ms(x):
    return f"{float(x) * 1e3:.2f}"


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
