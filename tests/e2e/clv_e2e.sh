#!/usr/bin/env bash
# End-to-end test of `crmpi clv` (docs/clv.md):
#  1. `crmpi generate` writes customers with a planted BG/NBD + Gamma-Gamma truth (/truth attrs);
#  2. `crmpi clv` at 1, 2, 3 and 4 ranks (calibration to 2026-06-30, 13-week holdout): every
#     dataset under /clv and every CSV must be identical across rank counts (bit for bit);
#  3. the planted BG/NBD and Gamma-Gamma parameters are recovered within 3 standard errors;
#  4. `crmpi run` writes the same /clv into its results.h5;
#  5. impossible options end with exit code 78 (configuration error).
# Usage: clv_e2e.sh PATH/TO/crmpi   (env: MPIEXEC, PYTHON, KEEP_WORK=1 keeps the work directory)
set -euo pipefail
CRMPI=${1:?usage: clv_e2e.sh PATH/TO/crmpi}
MPIEXEC=${MPIEXEC:-mpiexec}
PY=${PYTHON:-/usr/bin/python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crmpi-clv-e2e.XXXXXX")
[[ ${KEEP_WORK:-0} == 1 ]] || trap 'rm -rf "$WORK"' EXIT
echo "clv_e2e: work directory $WORK"

# Moderate purchase rates (mean 0.1/week): a population other than the default one (the default's
# recovery at 1M customers is tests/e2e/clv/truth_recovery.py).
"$CRMPI" generate --customers 30000 --seed 3 --r 0.8 --alpha 8 --a 1.5 --b 6 --out "$WORK/in.h5" --log-level warn

CLV_OPTS=(--calibration-end 2026-06-30 --holdout-end 2026-09-30 --time-unit week --models bgnbd,mbgnbd,pareto,gg)
for n in 1 2 3 4; do
  "$MPIEXEC" -n "$n" --oversubscribe "$CRMPI" clv --input "$WORK/in.h5" --out "$WORK/out$n" "${CLV_OPTS[@]}" \
    --log-level warn
done
"$MPIEXEC" -n 2 --oversubscribe "$CRMPI" run --input "$WORK/in.h5" --out "$WORK/run2" "${CLV_OPTS[@]}" \
  --no-report --log-level warn > /dev/null

"$PY" - "$WORK" <<'EOF'
import sys, filecmp, h5py, numpy as np
work = sys.argv[1]

def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f["/clv"].visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out

def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f":
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a.view(np.uint64 if a.itemsize == 8 else np.uint32), b.view(np.uint64 if b.itemsize == 8 else np.uint32))
    return a.shape == b.shape and np.array_equal(a, b)

fail = []
ref = datasets(f"{work}/out1/results.h5")
assert len(ref) > 30, f"only {len(ref)} datasets under /clv"  # a floor against an empty /clv, not a count
for n in (2, 3, 4):
    got = datasets(f"{work}/out{n}/results.h5")
    if set(got) != set(ref):
        fail.append(f"{n} ranks: dataset names differ: {sorted(set(got) ^ set(ref))}")
    for k in ref:
        if k in got and not same(ref[k], got[k]):
            fail.append(f"{n} ranks: /clv/{k} differs from 1 rank")
    for csv in ("clv_models.csv", "clv_fit.csv", "clv_lifecycle.csv", "clv_holdout.csv", "clv_weekly.csv"):
        if not filecmp.cmp(f"{work}/out1/csv/{csv}", f"{work}/out{n}/csv/{csv}", shallow=False):
            fail.append(f"{n} ranks: csv/{csv} differs from 1 rank")
print(f"clv_e2e: {len(ref)} datasets under /clv compared at 1, 2, 3, 4 ranks")

run = datasets(f"{work}/run2/results.h5")
for k in ref:
    if k not in run or not same(ref[k], run[k]):
        fail.append(f"crmpi run: /clv/{k} differs from crmpi clv")

with h5py.File(f"{work}/in.h5", "r") as f:
    truth = dict(f["/truth"].attrs)
with h5py.File(f"{work}/out1/results.h5", "r") as f:
    for model, keys in (("bgnbd", ("r", "alpha", "a", "b")), ("gamma_gamma", ("p", "q", "gamma"))):
        g = f[f"/clv/{model}"]
        names = [s.decode() if isinstance(s, bytes) else s for s in g["parameters/name"][()]]
        est, se = g["parameters/estimate"][()], g["parameters/std_error"][()]
        if not g.attrs["converged"]:
            fail.append(f"{model}: not converged")
        for key in keys:
            t = float(truth[("bgnbd_" if model == "bgnbd" else "gg_") + key])
            i = names.index(key)
            z = (est[i] - t) / se[i]
            print(f"  {model:11s} {key:5s} truth {t:8.4f}  estimate {est[i]:8.4f}  se {se[i]:.4f}  z {z:+.2f}")
            if not abs(z) <= 3:
                fail.append(f"{model} {key}: estimate {est[i]:.4f} is {z:+.2f} standard errors from the truth {t}")
    # MBG/NBD on the same data: fitted, its x = 0 customers not surely alive (unlike BG/NBD's).
    if not f["/clv/mbgnbd"].attrs["converged"]:
        fail.append("mbgnbd: not converged")
    x0 = f["/clv/x"][()] == 0
    pa_m, pa_b = f["/clv/mbgnbd/p_alive"][()][x0], f["/clv/bgnbd/p_alive"][()][x0]
    pa_m, pa_b = pa_m[np.isfinite(pa_m)], pa_b[np.isfinite(pa_b)]
    if not (pa_m.size > 0 and np.all((pa_m > 0) & (pa_m < 1)) and np.all(pa_b == 1)):
        fail.append("P(alive) of x = 0 customers: want < 1 under mbgnbd, 1 under bgnbd")
    stages = f["/clv/lifecycle/customers"][()]
    if stages.sum() != f["/clv"].attrs["customers"]:
        fail.append("lifecycle stage counts do not add up to the customers")
    w = f["/clv/holdout/weekly/actual_cumulative"][()]
    e = f["/clv/holdout/weekly/expected_cumulative_bgnbd"][()]
    if not (0.85 < e[-1] / w[-1] < 1.15):
        fail.append(f"holdout: expected {e[-1]:.0f} vs actual {w[-1]} cumulative purchases")
    print(f"  holdout: actual {w[-1]} vs expected {e[-1]:.1f} (bgnbd) purchases over {len(w)} weeks")
if fail:
    print("clv_e2e: FAILED\n  " + "\n  ".join(fail))
    sys.exit(1)
EOF

# Pareto/NBD alone (kernel's default start, no BG/NBD estimates to start from) must finish: from
# that start the line search can step to extreme parameters; without the fit's guards it reaches
# NaN and the hypergeometric series then run to their term cap on every row (an apparent hang).
SECONDS=0
timeout 300 "$CRMPI" clv --input "$WORK/in.h5" --out "$WORK/pareto_only" --models pareto --log-level warn
"$PY" - "$WORK/pareto_only/results.h5" <<'EOF'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    g = f["/clv/pareto_nbd"]
    assert g.attrs["converged"], g.attrs["message"]
    assert np.all(np.isfinite(g["parameters/estimate"][()])), "non-finite Pareto/NBD estimates"
    pa = g["p_alive"][()]
    pa = pa[np.isfinite(pa)]
    assert pa.size > 0 and np.all((pa >= 0) & (pa <= 1)), "P(alive) outside [0, 1]"
EOF
echo "  --models pareto alone: converged in ${SECONDS}s"

# Impossible options: configuration errors (78 = EX_CONFIG of <sysexits.h>) before any work.
expect78() {
  set +e
  "$CRMPI" clv --input "$WORK/in.h5" --out "$WORK/bad" "$@" > "$WORK/bad.log" 2>&1
  local rc=$?
  set -e
  if [[ $rc != 78 ]]; then
    echo "clv_e2e: FAILED: crmpi clv $* exited $rc, expected 78"; cat "$WORK/bad.log"; exit 1
  fi
  echo "  exit 78 for $*: $(grep -m1 error "$WORK/bad.log")"
}
expect78 --calibration-end 2026-06-30 --holdout-end 2026-06-01
expect78 --holdout-end 2026-01-01                 # before the default calibration end (as_of)
expect78 --models bgnbd,foo
expect78 --models gg
expect78 --discount-rate -0.1
expect78 --time-unit month
expect78 --churned-below 0.6 --at-risk-below 0.5
expect78 --calibration-end 2030-01-01              # after the data's as_of_day
echo "clv_e2e: OK"
