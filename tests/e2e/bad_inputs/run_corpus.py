#!/usr/bin/python3
"""Runs the bad-input corpus (cases.py): for each case crmpi must exit with the case's sysexits
code, print a message matching its pattern (what and where), not crash (no internal error, no
signal, no sanitizer report), and leave the previous good output at --out byte-identical, with no
temporary file behind. Then a few controls: the good inputs still pass, an error on one rank
alone ends the whole job promptly.

usage: run_corpus.py CRMPI [--jobs N] [--markdown FILE] [--only REGEX]
--markdown FILE writes the table of every case and what happened; given docs/RELIABILITY.md it
replaces the table there ("Bad inputs")."""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402

CRASH = re.compile(r"internal error|AddressSanitizer|runtime error:|Segmentation fault|terminate called|"
                   r"exited on signal|core dumped|Traceback")
MPIEXEC = os.environ.get("MPIEXEC", "mpiexec")


def crmpi(binary, args, ranks=1, env=None, timeout=120):
    cmd = [MPIEXEC, "-n", str(ranks), "--oversubscribe", binary] + args
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout,
                           env={**os.environ, **(env or {})})
        return p.returncode, p.stdout + p.stderr, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        return -1, f"timed out after {timeout}s\n{e.stdout or ''}{e.stderr or ''}", time.monotonic() - t0


def digest_tree(path):
    """sha256 of every file under path (or of path itself), by relative name."""
    if os.path.isfile(path):
        return {"": hashlib.sha256(open(path, "rb").read()).hexdigest()}
    out = {}
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            out[os.path.relpath(p, path)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out


class Ctx:
    def __init__(self, work, good, out):
        self.work, self.good, self.out = work, good, out

    def path(self, name):
        return os.path.join(self.work, name)


def run_case(binary, root, base, k, case):
    work = os.path.join(root, f"case{k:02d}")
    os.makedirs(work)
    out = os.path.join(work, "out.h5" if case.out == "ingest" else "out")
    if case.out == "results":
        shutil.copytree(base["results"], out)
    elif case.out == "ingest":
        shutil.copy(base["ingest"], out)
    before = digest_tree(out) if case.out else None
    args = case.make(Ctx(work, base["good"], out))
    rc, log, secs = crmpi(binary, args, ranks=case.ranks)
    problems = []
    if rc != case.code:
        problems.append(f"exit {rc}, want {case.code}")
    if not re.search(case.pattern, log):
        problems.append(f"message does not match /{case.pattern}/")
    if CRASH.search(log):
        problems.append("crash marker in the output: " + CRASH.search(log).group(0))
    if case.out and digest_tree(out) != before:
        problems.append("the previous output was changed")
    left = [os.path.join(d, f) for d in (work, out) if os.path.isdir(d) for f in os.listdir(d) if ".tmp-" in f]
    if left:
        problems.append(f"temporaries left: {left}")
    return {"case": case, "rc": rc, "log": log, "secs": secs, "problems": problems, "work": work}


def first_error(log, work):
    """The error line, with the first indented line under it when it ends in ':' (the first bad
    line or invalid value), the case's temporary folder left out."""
    lines = log.splitlines()
    at = next((k for k, l in enumerate(lines) if "error" in l.lower()), None)
    if at is None:
        return lines[0] if lines else ""
    line = lines[at]
    if line.endswith(":") and at + 1 < len(lines) and lines[at + 1].startswith("  "):
        line += " " + lines[at + 1].strip()
    line = line.replace(work + "/", "").replace(work, ".")
    line = re.sub(r"/tmp/crmpi_corpus_\w+/", "", line)
    return (line[:157] + "...") if len(line) > 160 else line


BEGIN, END = "<!-- corpus table: begin -->\n", "<!-- corpus table: end -->\n"


def write_markdown(path, results):
    """The table of every case and what happened; in a file holding the BEGIN/END markers
    (docs/RELIABILITY.md) it replaces what lies between them, else it is the whole file."""
    rows = ["| # | kind | malformed input | exit | message (first error line) |\n", "|---|---|---|---|---|\n"]
    for k, r in enumerate(results):
        msg = first_error(r["log"], r["work"]).replace("|", "\\|").replace("`", "'")  # inside a code span
        rows.append(f"| {k + 1} | {r['case'].kind} | {r['case'].name} | {r['rc']} | `{msg}` |\n")
    table = "".join(rows)
    text = open(path).read() if os.path.exists(path) else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN) + len(BEGIN)] + table + text[text.index(END):]
    else:
        text = table
    with open(path, "w") as fh:
        fh.write(text)


def controls(binary, root, base):
    """Not malformed inputs: what must still work beside them, and a failure on one rank alone."""
    failures = []
    rc, log, _ = crmpi(binary, ["validate", base["good"]], ranks=2)
    if rc != 0 or "valid (schema 1" not in log:
        failures.append(f"validate FILE on the good file: exit {rc}\n{log[-1500:]}")
    # A valid file as h5py writes strings (variable-length UTF-8): crmpi once refused its currency
    # attribute, since HDF5 converts no variable-length string between ASCII and UTF-8.
    utf8 = os.path.join(root, "utf8.h5")
    shutil.copy(base["good"], utf8)
    with h5py.File(utf8, "r+") as f:
        f.attrs["currency"] = "EUR"
        names = [x.decode() if isinstance(x, bytes) else x for x in f["/dictionaries/region"][()]]
        del f["/dictionaries/region"]
        f.create_dataset("/dictionaries/region", data=np.array(names, dtype=object), dtype=h5py.string_dtype())
    rc, log, _ = crmpi(binary, ["validate", utf8])
    if rc != 0 or "currency EUR" not in log:
        failures.append(f"validate on a file with UTF-8 strings (h5py's default): exit {rc}\n{log[-1500:]}")
    cfg = os.path.join(root, "other_tables.toml")
    with open(cfg, "w") as fh:
        fh.write('[clv]\nmodels = ["bgnbd"]\n[ingest]\nformat = "csv"\n')
    rc, log, _ = crmpi(binary, ["rfm", "--input", base["good"], "--out", os.path.join(root, "other"), "--config", cfg,
                                "--log-level", "warn"])
    if rc != 0:
        failures.append(f"config tables of other jobs must be skipped: exit {rc}\n{log[-1500:]}")
    out = os.path.join(root, "fault_out")
    shutil.copytree(base["results"], out)
    before = digest_tree(out)
    rc, log, secs = crmpi(binary, ["rfm", "--input", base["good"], "--out", out], ranks=3,
                          env={"CRMPI_FAULT_RANK": "1", "CRMPI_FAULT_STAGE": "rfm"})
    if rc != 74 or "rank 1 of 3" not in log or "injected fault" not in log or digest_tree(out) != before or secs > 60:
        failures.append(f"a fault on rank 1 of 3 alone: exit {rc} after {secs:.0f}s, want 74 promptly, output kept\n"
                        f"{log[-1500:]}")
    rc, log, _ = crmpi(binary, ["rfm", "--input", base["good"], "--out", out, "--log-level", "warn"], ranks=2)
    if rc != 0:
        failures.append(f"the good input into the same directory afterwards: exit {rc}\n{log[-1500:]}")
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("crmpi")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--markdown")
    ap.add_argument("--only")
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="crmpi_corpus_")
    t0 = time.monotonic()
    base = {"good": os.path.join(root, "good.h5"), "results": os.path.join(root, "results"),
            "ingest": os.path.join(root, "good_ingest.h5")}
    for args in (["generate", "--customers", "3000", "--seed", "5", "--out", base["good"]],
                 ["rfm", "--input", base["good"], "--out", base["results"]]):
        rc, log, _ = crmpi(a.crmpi, args + ["--log-level", "warn"])
        assert rc == 0, log
    with open(os.path.join(root, "good.csv"), "w") as fh:
        fh.write(cases.csv_with())
    rc, log, _ = crmpi(a.crmpi, ["ingest", "--out", base["ingest"], os.path.join(root, "good.csv"), "--log-level", "warn"])
    assert rc == 0, log

    chosen = [c for c in cases.ALL if not a.only or re.search(a.only, c.name)]
    names = [c.name for c in cases.ALL]
    assert len(set(names)) == len(names), "case names must be distinct"
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(lambda kc: run_case(a.crmpi, root, base, *kc), enumerate(chosen)))
    failures = []
    for r in results:
        c = r["case"]
        status = "FAIL" if r["problems"] else "PASS"
        print(f"{status}: [{c.kind}] {c.name}: exit {r['rc']} ({r['secs']:.1f}s, {c.ranks} rank(s)); "
              f"{first_error(r['log'], r['work'])}")
        if r["problems"]:
            failures.append(f"{c.name}: " + "; ".join(r["problems"]) + "\n--- output ---\n" + r["log"][-2000:])
    if not a.only:
        failures += controls(a.crmpi, root, base)
    if a.markdown:
        write_markdown(a.markdown, results)
    for f in failures:
        print("\n" + f)
    kinds = {k: sum(r["case"].kind == k for r in results) for k in ("hdf5", "csv", "config", "cli")}
    print(f"bad-input corpus: {len(results)} cases ({kinds}), {len(failures)} failure(s), "
          f"{time.monotonic() - t0:.0f}s")
    if not failures:
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
