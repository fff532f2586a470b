#!/bin/sh
# run-fuzzer.sh FUZZER ARTIFACTS SEEDS...: one time-boxed libFuzzer run, as
# the fuzz build's tests (suite 'fuzz') and .ci/run do it.
#
# FUZZER runs for FUZZ_SECONDS seconds (60 by default) from the seed
# folders SEEDS (read only: what the run finds goes to a temporary folder,
# deleted afterwards). An input that crashes, breaks a harness's check,
# takes over 10 s, or makes the process use over 1 GiB (or allocate
# 256 MiB at once: a count from the file trusted for an allocation) is
# saved in ARTIFACTS and fails the run; copy it into
# tests/fuzz/regressions/<batch|trace>/ once fixed, so that every build
# replays it (README.md).
set -eu
fuzzer=$1
artifacts=$2
shift 2
seconds=${FUZZ_SECONDS:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/braid-fuzz-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
  -malloc_limit_mb=256 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$work" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "run-fuzzer: $(basename "$fuzzer") failed (status $status); the" \
       "input is in $artifacts/:" >&2
  ls -l "$artifacts" >&2 || true
fi
exit "$status"
