#!/usr/bin/env bash
# The command-line help as a new user reads it: `crmpi --help` lists every subcommand, and each
# on/off flag of `crmpi run --help` shows its two spellings and its default in words, without
# CLI11's "{false}" (the value --no-x stores), which read as if the default were false.
# Expected values: the subcommands and flag defaults documented in README.md and docs/RELIABILITY.md
# (checkpoints on, resume off, report on, customers CSV off).
set -euo pipefail
crmpi=$1
fail() { echo "cli_help: $*" >&2; exit 1; }
top=$("$crmpi" --help)
for sub in generate ingest validate rfm clv segment rules run migrate report export; do
  grep -qE "^  $sub( |$)" <<<"$top" || fail "crmpi --help does not list '$sub'"
done
run=$("$crmpi" run --help)
grep -q '{false}\|{true}' <<<"$run" && fail "crmpi run --help shows a stored flag value: $(grep -m1 '{false}\|{true}' <<<"$run")"
check() {  # flag, default in words
  local line
  line=$(grep -A1 -E "^  --$1,--no-$1( |$)" <<<"$run" | tr '\n' ' ') || fail "no '--$1,--no-$1' in crmpi run --help"
  grep -q "(default: $2)" <<<"$line" || fail "--$1: expected '(default: $2)' in: $line"
}
check checkpoints on
check resume off
check report on
check customers-csv off
echo "cli_help: ok"
