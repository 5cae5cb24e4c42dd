#!/usr/bin/env bash
# Long libFuzzer runs of every fuzz target (tests/fuzz), one after the other, at the lowest CPU
# priority (nice 19 in a session of their own whose autogroup is at nice 19: where the kernel
# groups processes by session, sched_autogroup, plain nice only ranks them within their session,
# and a fuzzer would take an equal share beside another session's build), each until
# RUNS executions (default 10,000,000) or SECONDS (default 7200) have passed, whichever is first.
# Needs the fuzz build: scripts/build.sh fuzz --g1 (build-fuzz/).
# usage: [JOBS=J] bench/fuzz_long.sh [RUNS] [SECONDS] [TARGET...]
# JOBS=J (default 1) runs J fuzzer processes of each target side by side (libFuzzer's -jobs and
# -workers), RUNS/J executions each, sharing the corpus; their executions are added up.
# Per target: build-fuzz/fuzz_long/TARGET/{corpus,log.txt,crash-*}; the corpus is kept, so a rerun
# goes on from what earlier runs found. Prints one summary line per target (executions, exec/s,
# coverage: libFuzzer's edge counter "cov" and feature counter "ft", corpus size, crashes) and
# writes them to build-fuzz/fuzz_long/summary.txt (the figures of docs/RELIABILITY.md, "Fuzzing").
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000000}
secs=${2:-7200}
shift $(( $# < 2 ? $# : 2 ))
targets=("$@")
((${#targets[@]})) || targets=(fuzz_field_splitter fuzz_parsers fuzz_text_reader fuzz_gzip_reader fuzz_toml_config fuzz_h5_validate)
src=$PWD
root=$PWD/build-fuzz/fuzz_long  # absolute: Open MPI (fuzz_h5_validate) puts its session folder under TMPDIR
mkdir -p "$root"
summary=$root/summary.txt
for t in "${targets[@]}"; do
  bin=build-fuzz/tests/fuzz/$t
  [[ -x $bin ]] || { echo "fuzz_long: $bin missing: scripts/build.sh fuzz --g1" >&2; exit 1; }
  dir=$root/$t
  mkdir -p "$dir/corpus" "$dir/seeds"
  /usr/bin/python3 tests/fuzz/make_seeds.py "$t" "$dir/seeds" >/dev/null
  dirs=("$dir/corpus" "$dir/seeds")
  [[ -d tests/fuzz/regressions/$t ]] && dirs+=("$PWD/tests/fuzz/regressions/$t")
  start=$(date +%s)
  rc=0
  jobs=${JOBS:-1}
  parallel=()
  ((jobs > 1)) && parallel=(-jobs="$jobs" -workers="$jobs")
  rm -f "$dir"/fuzz-*.log
  # -jobs writes each process's log as fuzz-N.log in the working directory: run in $dir.
  (cd "$dir" && TMPDIR=$dir CRMPI_FUZZ_H5_TEMPLATE=$dir/template.h5 \
    setsid --wait bash -c 'echo 19 > /proc/self/autogroup 2>/dev/null; exec "$@"' lowest nice -n 19 "$src/$bin" -runs=$((runs / jobs)) -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$dir/" "${parallel[@]}" "${dirs[@]}") >"$dir/log.txt" 2>&1 || rc=$?
  wall=$(( $(date +%s) - start ))
  logs=("$dir/log.txt")
  ((jobs > 1)) && logs=("$dir"/fuzz-*.log)
  execs=$(cat "${logs[@]}" | grep -oE 'stat::number_of_executed_units: +[0-9]+' | awk '{n += $2} END {print n}')
  rate=$(( ${execs:-0} / (wall > 0 ? wall : 1) ))
  # The highest coverage any process reached (they share the corpus, so they end close).
  cov=$(cat "${logs[@]}" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' | sort -t' ' -k2,2n -k4,4n | tail -1)
  crashes=$(find "$dir" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' | wc -l)
  line="$t: ${execs:-?} executions in ${wall}s (${rate:-?}/s, $jobs process(es)), ${cov:-cov ?}, exit $rc, crash/leak/timeout files $crashes"
  echo "$line" | tee -a "$summary"
done
