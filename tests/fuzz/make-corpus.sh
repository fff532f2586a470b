#!/usr/bin/env bash
# make-corpus.sh BUILD_DIR: (re)makes the fuzzers' seed corpus from real
# traces of the samples, recorded with BUILD_DIR's braid.
#
#   corpus/trace/*.braid  whole trace files: samples recorded on the
#                         virtual clock and finalized, and samples killed
#                         (kill -9) mid-run on the real clock, whose
#                         events are still packed in batches, and one
#                         whose batches come from two recording threads;
#   corpus/batch/*.bin    each batch of the killed recordings, as
#                         fuzz-batch.c reads one: the row's count of events
#                         (4 bytes, little-endian), then its data blob.
#
# Each trace is rewritten with 512-byte pages (VACUUM; the recorder writes
# 16 KiB ones), which keeps it a valid trace of the same events at a tenth
# of the size, so that the fuzzer mutates bytes that matter. The whole
# corpus stays well under 2 MB. Run it again when the file format changes.
set -euo pipefail

build=${1:?usage: make-corpus.sh BUILD_DIR}
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
braid="$build/tracer/cli/braid"
module=$(ls "$build"/tracer/libbraid-trace.so.*.*.* | head -n 1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$here/corpus"
mkdir -p "$here/corpus/trace" "$here/corpus/batch"

# shrink FILE OUT: one file (the WAL folded in), 512-byte pages.
shrink () {
  sqlite3 "$1" "PRAGMA journal_mode = DELETE; PRAGMA page_size = 512;
                VACUUM;" > /dev/null
  cp "$1" "$2"
}

# Finalized recordings on the virtual clock.
for name in print_numbers never_retrieved might_fail coroutines_gather \
            queue_push_back semaphore_bounded wait_for_timeout; do
  exe="$build/samples/$name"
  [ -x "$exe" ] || { echo "make-corpus: $exe is not built" >&2; exit 1; }
  BRAID_CLOCK=virtual "$braid" run -o "$tmp/$name.braid" -- "$exe" \
    > /dev/null 2>&1 || true
  shrink "$tmp/$name.braid" "$here/corpus/trace/$name.braid"
done

# Killed recordings on the real clock: the program is stopped by SIGKILL
# after the writer has committed a few batches (every 100 ms).
# killed NAME SECONDS ARGS...
killed () {
  local name=$1 seconds=$2
  shift 2
  rm -f "$tmp/killed-$name.braid"*
  BRAID_TRACE="$tmp/killed-$name.braid" BRAID_MODULES="$module" \
    "$build/samples/$name" "$@" > /dev/null 2>&1 &
  local pid=$!
  sleep "$seconds"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  # The batches, before the WAL is folded in and the pages shrunk.
  local rows
  rows=$(sqlite3 "$tmp/killed-$name.braid" \
         "SELECT id || ' ' || n || ' ' || hex(data) FROM batches")
  local k=0
  while read -r id n hexdata; do
    [ -n "$id" ] || continue
    python3 -c 'import sys, struct
n, data, out = int(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3]
open(out, "wb").write(struct.pack("<I", n) + data)' \
      "$n" "$hexdata" "$here/corpus/batch/$name-$k.bin"
    k=$((k + 1))
  done <<< "$rows"
  shrink "$tmp/killed-$name.braid" "$here/corpus/trace/killed-$name.braid"
}
killed might_fail 1.3
killed prime_generator 1.0 25 4 0.5
killed db_management 0.5

# Batches of two recording threads: the batches of the killed might_fail
# added to those of prime_generator as a second producer, so that the
# reader and repair merge two streams whose seqs interleave.
cp "$here/corpus/trace/killed-prime_generator.braid" "$tmp/two.braid"
sqlite3 "$tmp/two.braid" "
  ATTACH '$here/corpus/trace/killed-might_fail.braid' AS other;
  INSERT INTO batches (producer, first_seq, last_seq, n, data)
    SELECT 2, first_seq, last_seq, n, data FROM other.batches;"
shrink "$tmp/two.braid" "$here/corpus/trace/killed-two-threads.braid"

du -sh "$here/corpus"
ls -l "$here/corpus/trace" "$here/corpus/batch" | head -n 40
