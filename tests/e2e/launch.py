"""How the e2e scripts start crmpi and check its exit status.

Under mpiexec with --oversubscribe (the suite runs up to 4 ranks on a 2-core machine) and Open
MPI's consent to run as root (CI runs as root); np_ = 0 starts the binary alone, as a user would
without mpiexec. stdout and stderr come back together; a run that exits other than `expect`
prints them and fails the test with the command line. extra_env is set for the run and exported
to every rank (`-x`).
"""
import os
import subprocess

AS_ROOT = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def crmpi(mpiexec, binary, np_, *cmd, expect=0, timeout=300, extra_env=None):
    extra_env = extra_env or {}
    env = dict(os.environ, **AS_ROOT, **extra_env)
    if np_:
        exports = [a for k in extra_env for a in ("-x", k)]
        full = [mpiexec, "-n", str(np_), "--oversubscribe", *exports, binary, *cmd]
    else:
        full = [binary, *cmd]
    r = subprocess.run(full, capture_output=True, text=True, env=env, timeout=timeout)
    out = r.stdout + r.stderr
    if r.returncode != expect:
        print(out)
        raise AssertionError(f"{' '.join(full)}: exit {r.returncode}, expected {expect}")
    return out
