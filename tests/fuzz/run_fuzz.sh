#!/usr/bin/env bash
# A short libFuzzer run of one target, as the test suite runs it.
# usage: run_fuzz.sh FUZZ_BINARY SECONDS WORKDIR
# Corpora: WORKDIR/corpus (new inputs), the seeds make_seeds.py writes from the real data sets,
# and tests/fuzz/regressions/TARGET/ (every crash found, replayed first). A crash leaves its
# input as WORKDIR/crash-* and fails the test.
set -euo pipefail
bin=$(realpath "$1") secs=$2 work=$(realpath -m "$3")
name=$(basename "$bin")
src=${CRMPI_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
rm -rf "$work"
mkdir -p "$work/corpus" "$work/seeds"
/usr/bin/python3 "$src/tests/fuzz/make_seeds.py" "$name" "$work/seeds"
dirs=("$work/corpus" "$work/seeds")
[[ -d $src/tests/fuzz/regressions/$name ]] && dirs+=("$src/tests/fuzz/regressions/$name")
cd "$work"
export TMPDIR=$work CRMPI_FUZZ_H5_TEMPLATE=$work/template.h5
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$work/" "${dirs[@]}"
