/* fuzz-batch.c: libFuzzer harness for batch decoding (tracer/format/
 * codec.c), whose input is any blob a trace file may hold.
 *
 * An input is a batch as the batches table stores it: its first four
 * bytes are the row's count of events (little-endian), the rest its data
 * blob. The harness decodes it one event at a time (braid__batch_decoder,
 * what the reader, finalization and repair use) and all at once
 * (braid__batch_decode), and checks what the fuzzer cannot see by
 * itself: both agree, event for event, and a batch that decodes is
 * encoded again (braid__batch_encode) into bytes that decode to the same
 * events. A disagreement aborts, as a crash does. Built by the fuzz build
 * with libFuzzer, and by every build with replay.c, which runs it over
 * the corpus and the regressions as a normal test.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The events of a blob, from the one-at-a-time decoder, into @out (room
 * for @cap; more are counted but not kept). Returns the count, or
 * (size_t) -1 for a malformed blob. */
static size_t
decode_streaming (const uint8_t *blob, size_t len, size_t n, braid__rec *out,
                  size_t cap)
{
  braid__batch_decoder d;
  braid__batch_decoder_init (&d, blob, len, n);
  braid__rec ev;
  size_t count = 0;
  int r;
  while ((r = braid__batch_decoder_next (&d, &ev)) > 0)
    {
      if (count < cap)
        out[count] = ev;
      count++;
    }
  return r == 0 ? count : (size_t) -1;
}

static int
same_events (const braid__rec *a, const braid__rec *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (a[i].seq != b[i].seq || a[i].t != b[i].t || a[i].task != b[i].task
        || a[i].other != b[i].other || a[i].object != b[i].object
        || a[i].value != b[i].value || a[i].kind != b[i].kind
        || a[i].reason != b[i].reason || a[i].line != b[i].line
        || a[i].s1 != b[i].s1 || a[i].s2 != b[i].s2 || a[i].s3 != b[i].s3)
      return 0;
  return 1;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  size_t n = (size_t) data[0] | (size_t) data[1] << 8
             | (size_t) data[2] << 16 | (size_t) data[3] << 24;
  const uint8_t *blob = data + 4;
  size_t len = size - 4;
  /* A record takes two bytes at least and stands for three events at
   * most: a count beyond that cannot decode, and is not worth an array. */
  size_t cap = n <= len * 2 + 3 ? n : 0;
  braid__rec *stream = malloc ((cap ? cap : 1) * sizeof *stream);
  braid__rec *whole = malloc ((cap ? cap : 1) * sizeof *whole);
  if (stream == NULL || whole == NULL)
    abort ();
  size_t got = decode_streaming (blob, len, n, stream, cap);
  if (got != (size_t) -1 && got != n)
    abort (); /* a decoded batch holds exactly its count */
  if (cap > 0)
    {
      size_t all = braid__batch_decode (blob, len, n, whole);
      if (all != got || (got != (size_t) -1 && !same_events (stream, whole,
                                                             got)))
        abort (); /* the two decoders disagree */
    }
  if (got != (size_t) -1 && got > 0 && got <= cap)
    {
      /* Encode the decoded events again: the bytes decode to them. */
      uint8_t *again = malloc (got * BRAID__MAX_ENCODED_REC);
      if (again == NULL)
        abort ();
      braid__enc_state st = { 0 };
      size_t at = 0;
      for (size_t i = 0; i < got; i++)
        {
          size_t k = braid__batch_encode (again + at, &st, &stream[i]);
          if (k > BRAID__MAX_ENCODED_REC)
            abort ();
          at += k;
        }
      if (decode_streaming (again, at, got, whole, got) != got
          || !same_events (stream, whole, got))
        abort (); /* the encoding does not round-trip */
      free (again);
    }
  free (stream);
  free (whole);
  return 0;
}
