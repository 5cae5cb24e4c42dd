#!/usr/bin/env bash
# Sets up (Debian packages), builds and runs the whole crmpi test suite with ctest:
#   1. release build: unit tests, MPI tests at 1, 2 and 4 ranks, end-to-end tests (incl. Slurm);
#   2. ASan + UBSan build: unit and MPI tests.
# This is what CI runs (.ci/run). Exit status: 0 only if every test passed.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
start=$(date +%s)
scripts/setup-deps.sh
scripts/build.sh release
echo "== release build: all tests"
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 900)
scripts/build.sh asan
echo "== ASan + UBSan build: unit and MPI tests"
(cd build-asan && ctest --output-on-failure -j"$(nproc)" -L "unit|mpi" --timeout 900)
echo "test.sh: all suites passed in $(( $(date +%s) - start ))s"
