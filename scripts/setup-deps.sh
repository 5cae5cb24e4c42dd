#!/usr/bin/env bash
# Installs every Debian 12 package crmpi needs to build, test and run (incl. a local Slurm).
# Idempotent: when everything is installed already it only runs one dpkg-query and exits
# (well under 2 s). `apt-get update` runs only when something is missing.
#
# Usage: scripts/setup-deps.sh [--build-only] [--no-slurm] [--dry-run]
#   --build-only only what the build needs (toolchain, MPI, HDF5, C++ libraries, GoogleTest):
#                scripts/test.sh installs the rest (clang, Python, Chromium, Slurm) while it builds
#   --no-slurm   skip the Slurm packages (same as CRMPI_SKIP_SLURM=1)
#   --dry-run    only print what would be installed
# Works as root; uses sudo otherwise. Non-interactive (safe with no stdin, e.g. CI).
set -euo pipefail

skip_slurm="${CRMPI_SKIP_SLURM:-0}"
dry_run=0
build_only=0
for arg in "$@"; do
  case "$arg" in
    --build-only) build_only=1 ;;
    --no-slurm) skip_slurm=1 ;;
    --dry-run) dry_run=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup-deps: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # MPI + parallel HDF5
  openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools
  # C++ libraries
  libeigen3-dev libcli11-dev libtomlplusplus-dev libfmt-dev libspdlog-dev liblbfgspp-dev
  nlohmann-json3-dev libxxhash-dev zlib1g-dev libisal-dev libssl-dev  # libssl: HMAC-SHA256 of pseudonymized ids
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
)
run_packages=(
  # clang + its runtime (libFuzzer, sanitizers): the fuzz targets (tests/fuzz), built after the ASan build
  clang libclang-rt-14-dev
  # Python tooling (checks, plots; scikit-learn: the k-means and persona references); use /usr/bin/python3
  python3-h5py python3-numpy python3-scipy python3-pandas python3-matplotlib python3-sklearn
  # the HTML report (crmpi report, crmpi run: report/crmpi_report.py) and its headless-browser test
  python3-plotly python3-jinja2 chromium
)
if [[ "$skip_slurm" != 1 ]]; then
  run_packages+=(slurm-wlm slurm-client)
fi
((build_only)) || packages+=("${run_packages[@]}")

# Which packages are not fully installed? dpkg-query prints nothing (and exits 1) for
# packages it has never heard of, so compare against the requested list.
missing=()
declare -A ok=()
while read -r name abbrev; do
  [[ "$abbrev" == ii* ]] && ok["$name"]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null || true)
for p in "${packages[@]}"; do
  [[ -n "${ok[$p]:-}" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup-deps: all ${#packages[@]} packages installed"
  exit 0
fi

echo "setup-deps: missing: ${missing[*]}"
if ((dry_run)); then
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)  # -n: never prompt (CI has no stdin)
else
  echo "setup-deps: not root and sudo not available; install as root: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# The package lists of a call a few minutes ago (test.sh's --build-only, then the rest) are fresh.
if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -30 2>/dev/null | head -n 1)" ]]; then
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
fi
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "${missing[@]}" </dev/null

echo "setup-deps: installed ${missing[*]}"
