#!/bin/bash
# Ingest throughput: `crmpi ingest` on a generated UCI-like order CSV (default 10M lines, ~0.8 GB)
# next to a plain read of the same file in the same run, plain and gzip, at 1 and 2 ranks; peak
# memory per rank from /usr/bin/time -v (max RSS of the rank processes) and the job's own
# "memory on rank N (largest)" line. Results go to docs/PERFORMANCE.md, section "Ingest".
#
# The plain reads: `cat > /dev/null` (page cache -> user space, nothing looked at) and `wc -l`,
# which read()s the file into a buffer and counts the newlines: what any parser must at least do,
# the fair yardstick. For gzip, `zcat > /dev/null` (zlib inflate included) and, when the `isal`
# package is installed, `igzip -dc > /dev/null` (ISA-L, the inflate crmpi itself uses). Ratios are
# printed: ingest parse MB/s per rank over the plain read (the target is >= 50%). Also timed, for
# perspective: the same cat from storage (the file's pages dropped from the page cache first) and
# three standard tools that only split lines into fields (cut, mawk, wc -w; SPLITTERS=0 skips).
#
# usage: bench/ingest_bench.sh [LINES] [WORKDIR]
#   env CRMPI=path/to/crmpi (default build/jobs/crmpi), CRMPI_BEFORE=another build to compare in
#   the same run (optional), RANKS="1 2", GZ=1 (also the .gz run), GZ_PARTS=4 (also the same lines
#   as that many .gz files, each with the header: the files are spread over the ranks; 0 = skip),
#   PANDAS=1 (also pandas.read_csv of the plain file, a common single-core CSV reader that only
#   splits and converts: no rules, duplicates or dictionaries; for perspective, not the target)
set -euo pipefail
LINES=${1:-10000000}
WORK=${2:-/tmp/crmpi-ingest-bench}
CRMPI=${CRMPI:-build/jobs/crmpi}
RANKS=${RANKS:-"1 2"}
GZ=${GZ:-1}
GZ_PARTS=${GZ_PARTS:-4}
PANDAS=${PANDAS:-1}
CRMPI_BEFORE=${CRMPI_BEFORE:-}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mkdir -p "$WORK"
CSV=$WORK/orders_${LINES}.csv

if [[ ! -s $CSV ]]; then
  echo "generating $LINES lines -> $CSV"
  # ~4 lines per invoice, 200k customers, 4000 products, 2% cancellations, 20% without customer.
  awk -v n="$LINES" 'BEGIN {
    srand(42);
    print "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
    split("United Kingdom,France,Germany,EIRE,Spain,Netherlands,Belgium", C, ",");
    inv = 500000; cust = 12346;
    for (i = 0; i < n; i++) {
      if (i % 4 == 0) { inv++; cust = (rand() < 0.2) ? "" : 12346 + int(rand() * 200000);
                        d = 1 + int(rand() * 28); m = 1 + int(rand() * 12); h = 8 + int(rand() * 10); mi = int(rand() * 60);
                        ctry = C[1 + int(rand() * 7)]; canc = (rand() < 0.02) ? "C" : "" }
      p = int(rand() * 4000);
      q = 1 + int(rand() * 24); if (canc == "C") q = -q;
      printf "%s%d,%d%s,\"PRODUCT %d, BOXED\",%d,2011-%02d-%02d %02d:%02d:00,%d.%02d,%s,%s\n",
             canc, inv, 20000 + p, (p % 5 == 0 ? "A" : ""), p, q, m, d, h, mi, 1 + p % 20, p % 100, cust, ctry
    } }' > "$CSV"
fi
if [[ $GZ == 1 && ! -s $CSV.gz ]]; then gzip -1 -k -c "$CSV" > "$CSV.gz"; fi
PARTS=()
if [[ $GZ == 1 && $GZ_PARTS -gt 1 ]]; then
  for ((k = 0; k < GZ_PARTS; k++)); do PARTS+=("$CSV.part$k.gz"); done
  if [[ ! -s ${PARTS[-1]} ]]; then
    HEADER=$(head -n 1 "$CSV")
    # Consecutive line ranges (as monthly exports would be), each part with the header.
    tail -n +2 "$CSV" | split -l $(((LINES + GZ_PARTS - 1) / GZ_PARTS)) -d -a 1 \
      --filter="(printf '%s\\n' '$HEADER'; cat) | gzip -1 > \$FILE.gz" - "$CSV.part"
  fi
fi

mb() { echo "scale=1; $1 / 1000000" | bc; }
BYTES=$(stat -c %s "$CSV")
echo "file: $CSV, $(mb "$BYTES") MB, $LINES lines"

timeit() {  # prints seconds of "$@"
  local t0 t1
  t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
cat "$CSV" > /dev/null  # warm the page cache once
T_CAT=$(timeit cat "$CSV")
T_WC=$(timeit wc -l "$CSV")
echo "plain read: cat $(echo "scale=1; $BYTES / 1000000 / $T_CAT" | bc) MB/s, wc -l $(echo "scale=1; $BYTES / 1000000 / $T_WC" | bc) MB/s"
# The same read from storage: the file's pages dropped from the page cache first
# (posix_fadvise DONTNEED needs no privileges), then read once by cat.
evict() { /usr/bin/python3 -c 'import os, sys
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)' "$@"; }
evict "$CSV"
T_COLD=$(timeit cat "$CSV")
cat "$CSV" > /dev/null
echo "plain read from storage (page cache dropped first): cat $(echo "scale=1; $BYTES / 1000000 / $T_COLD" | bc) MB/s"
# For perspective: standard tools that only split the lines into fields, on the same warm file.
# `cut` is told nothing about quotes, `wc -w` splits at blanks; none converts anything.
if [[ ${SPLITTERS:-1} == 1 ]]; then
  T_CUT=$(timeit cut -d, -f7 "$CSV")
  T_AWK=$(timeit mawk -F, '{ n += NF } END { print n }' "$CSV")
  T_WCW=$(timeit wc -w "$CSV")
  echo "field splitting only: cut -d, -f7 $(echo "scale=1; $BYTES / 1000000 / $T_CUT" | bc) MB/s," \
    "mawk -F, (fields counted) $(echo "scale=1; $BYTES / 1000000 / $T_AWK" | bc) MB/s," \
    "wc -w $(echo "scale=1; $BYTES / 1000000 / $T_WCW" | bc) MB/s"
fi
if [[ $GZ == 1 ]]; then
  T_ZCAT=$(timeit zcat "$CSV.gz")
  MBS_ZCAT=$(echo "scale=1; $BYTES / 1000000 / $T_ZCAT" | bc)
  echo "gzip read: zcat $MBS_ZCAT MB/s of text"
  if command -v igzip > /dev/null; then
    T_IGZ=$(timeit igzip -dc "$CSV.gz")
    MBS_IGZ=$(echo "scale=1; $BYTES / 1000000 / $T_IGZ" | bc)
    echo "gzip read: igzip -dc $MBS_IGZ MB/s of text"
  fi
fi

if [[ $PANDAS == 1 ]] && /usr/bin/python3 -c "import pandas" 2> /dev/null; then
  /usr/bin/python3 - "$CSV" "$BYTES" <<'PYEOF'
import resource, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
s = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"pandas.read_csv (one core): {s:.2f} s, {int(sys.argv[2]) / 1e6 / s:.1f} MB/s, {len(df) / s / 1e6:.2f}M lines/s, max RSS {rss} MiB")
PYEOF
fi

ratio() { echo "scale=1; 100 * $1 / $2" | bc; }
MBS_WC=$(echo "scale=1; $BYTES / 1000000 / $T_WC" | bc)
MBS_CAT=$(echo "scale=1; $BYTES / 1000000 / $T_CAT" | bc)
MBS_COLD=$(echo "scale=1; $BYTES / 1000000 / $T_COLD" | bc)
if [[ -n ${T_CUT:-} ]]; then MBS_CUT=$(echo "scale=1; $BYTES / 1000000 / $T_CUT" | bc); fi

run() {  # binary ranks label input...
  local bin=$1 np=$2 label=$3 log=$WORK/ingest_np$2_$3.log
  shift 3
  /usr/bin/time -v mpiexec -n "$np" --oversubscribe "$bin" ingest --log-level debug --out "$WORK/out_np$np.h5" \
    "$@" > "$log" 2>&1
  local wall rss parse
  wall=$(grep -oP 'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): \K.*' "$log")
  rss=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$log")
  parse=$(grep -oP 'parse \K[0-9.]+(?= MB/s)' "$log")
  echo "--- $label, $np rank(s), $bin: wall $wall, max RSS of one process $((rss / 1024)) MiB"
  grep -E "ingest: [0-9.]+s \(parse|memory on rank|peak memory|count kept|wrote" "$log" | sed 's/^\[[^]]*\] //'
  if [[ $label == plain ]]; then
    echo "    parse per rank = $(ratio "$parse" "$MBS_WC")% of wc -l, $(ratio "$parse" "$MBS_CAT")% of cat," \
      "$(ratio "$parse" "$MBS_COLD")% of cat from storage${MBS_CUT:+, $(ratio "$parse" "$MBS_CUT")% of cut -f7}"
  else
    echo "    parse per rank = $(ratio "$parse" "$MBS_ZCAT")% of zcat${MBS_IGZ:+, $(ratio "$parse" "$MBS_IGZ")% of igzip -dc} (of the one .gz file)"
  fi
}
for bin in $CRMPI_BEFORE $CRMPI; do
  for np in $RANKS; do
    run "$bin" "$np" plain "$CSV"
    if [[ $GZ == 1 ]]; then run "$bin" "$np" gzip "$CSV.gz"; fi
    if [[ ${#PARTS[@]} -gt 0 ]]; then run "$bin" "$np" "gzip-${#PARTS[@]}-files" "${PARTS[@]}"; fi
  done
done
