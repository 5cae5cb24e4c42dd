#!/usr/bin/env bash
# Sets up (Debian packages), builds and runs the whole crmpi test suite with ctest:
#   1. release build (build/: RelWithDebInfo, -O2 -g1; the test executables' own code -Og,
#      tests/CMakeLists.txt): unit tests, MPI tests at 1, 2 and 4 ranks,
#      end-to-end tests (incl. Slurm);
#   2. ASan + UBSan build (build-asan/: clang, Debug, -O0 -g1; only the unit and MPI test executables,
#      the MPI tests at the edge rank counts: one rank and the largest odd count, tests/CMakeLists.txt),
#      built in the background at nice 19 while the release tests run: unit and MPI tests;
#   3. libFuzzer build (build-fuzz/: clang -O1 -g1, ASan + UBSan; the fuzz targets of tests/fuzz
#      and the few libraries they link), built after the ASan build in the same background job,
#      while the ASan tests run: a short run of each target from its seeds and regression inputs
#      (label "fuzz").
# Both build with -g1 (scripts/build.sh --g1: line tables and function names, all the sanitizers'
# stack traces need) rather than full -g, which only a debugger needs and costs compile time.
# This is what CI runs (.ci/run). Exit status: 0 only if every test passed.
# Tests that need the real data sets (../shared/data, next to the checkout) skip where they are
# absent, and ctest lists them as skipped. Under CI=true they fail instead (tests/unit/shared_data.hpp
# and the e2e scripts check CI), and this script stops before building when the folder is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${CI:-} == true && ! -d ../shared/data ]]; then
  echo "test.sh: $(cd .. && pwd)/shared/data is missing; CI needs the real data sets" >&2
  exit 1
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
start=$(date +%s)
at() { echo "$(( $(date +%s) - start ))s"; }  # time since the start, for the phase headers
# What the build needs first; the rest (clang, Python, Chromium, Slurm: what the tests need) installs
# while the release build runs (dpkg mostly waits on the disk, the compiler on the CPU).
scripts/setup-deps.sh --build-only
deps_log=$(mktemp /tmp/crmpi-deps.XXXXXX)
scripts/setup-deps.sh >"$deps_log" 2>&1 &
deps_pid=$!
echo "== release build (at $(at))"
scripts/build.sh release --g1
deps_rc=0
wait "$deps_pid" || deps_rc=$?
cat "$deps_log"
rm -f "$deps_log"
if ((deps_rc != 0)); then
  echo "test.sh: installing the test packages failed" >&2
  exit 1
fi
echo "== test packages installed (at $(at))"

# The ASan build runs while the release tests do, at nice 19: it only gets the CPU they leave
# idle (many end-to-end tests mostly wait on MPI start-up and on their own Python checks), so
# much of it is done when they end instead of starting then. The phase headers print the elapsed
# time, so a CI log shows how much the overlap saves. In its own session (setsid), so that a
# failing release suite stops it too. A new session is a new scheduler autogroup where the kernel
# has them (sched_autogroup_enabled, Debian's default), and a process's nice value then counts
# only within its autogroup: the build's nice 19 alone left it half the CPU against the tests
# (measured: two spinning loops under `setsid nice -n 19` got 45% of the CPU against two at nice
# 0; without setsid, 2%), and the release tests took 712 s instead of 370. So the session's
# autogroup gets nice 19 too.
# The job touches asan_ready once the ASan build is done and goes on with the libFuzzer build,
# which then overlaps the ASan tests instead of delaying them (on a slow day the two builds
# together ended 186 s after the release tests).
asan_log=$(mktemp /tmp/crmpi-asan-build.XXXXXX)
asan_ready=$(mktemp -u /tmp/crmpi-asan-ready.XXXXXX)
setsid bash -c '{ echo 19 >/proc/self/autogroup; } 2>/dev/null
                exec nice -n 19 bash -c "scripts/build.sh asan --g1 && touch $0 && scripts/build.sh fuzz --g1"' \
  "$asan_ready" >"$asan_log" 2>&1 &
asan_pid=$!
trap '[[ -n $asan_pid ]] && kill -- -"$asan_pid" 2>/dev/null; rm -f "$asan_log" "$asan_ready"' EXIT
trap 'exit 130' INT TERM

# The background job's status, once it has ended: on failure its log and exit 1.
finish_background_builds() {
  local rc=0
  wait "$asan_pid" || rc=$?
  asan_pid=
  if ((rc != 0)); then
    cat "$asan_log"
    echo "test.sh: the ASan + UBSan or the libFuzzer build failed" >&2
    exit 1
  fi
}

echo "== release build: all tests (at $(at))"
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 900)
echo "== ASan + UBSan build (started with the release tests): finishing (at $(at))"
while [[ ! -e $asan_ready ]] && kill -0 "$asan_pid" 2>/dev/null; do sleep 1; done
[[ -e $asan_ready ]] || finish_background_builds  # ended without the ASan build: it failed
echo "== ASan + UBSan build: unit and MPI tests, the libFuzzer build going on beside them (at $(at))"
(cd build-asan && ctest --output-on-failure -j"$(nproc)" -L "unit|mpi" --timeout 900)
echo "== libFuzzer build: finishing (at $(at))"
finish_background_builds
tail -n 2 "$asan_log"
echo "== libFuzzer build: a short run of each fuzz target (at $(at))"
(cd build-fuzz && ctest --output-on-failure -j"$(nproc)" -L fuzz --timeout 300)
echo "test.sh: all suites passed in $(( $(date +%s) - start ))s"
