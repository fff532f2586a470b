/* test-protobuf-writer.c: the protobuf encoding of `braid export --format
 * perfetto` (tracer/cli/protobuf-writer.c), byte for byte against the
 * wire format's rules: varints, fixed64, nested lengths of one to three
 * bytes, and strings that are valid UTF-8 whatever the trace holds.
 */
#include <glib.h>
#include <string.h>

#include "protobuf-writer.h"

/* Decodes the varint at *p, advancing it. */
static uint64_t
varint (const uint8_t **p)
{
  uint64_t v = 0;
  for (int shift = 0;; shift += 7)
    {
      uint8_t b = *(*p)++;
      v |= (uint64_t)(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
}

static void
test_varints_are_little_endian_groups_of_seven_bits (void)
{
  braid__pb pb = { 0 };
  braid__pb_varint (&pb, 1, 0);
  braid__pb_varint (&pb, 2, 300);
  braid__pb_varint (&pb, 60, UINT64_MAX);
  static const uint8_t want[] = {
    0x08, 0x00,       /* field 1, varint 0 */
    0x10, 0xac, 0x02, /* field 2, 300 */
    0xe0, 0x03,       /* field 60 needs a two-byte tag */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
  };
  g_assert_false (pb.failed);
  g_assert_cmpmem (pb.data, pb.len, want, sizeof want);
  braid__pb_free (&pb);
}

static void
test_fixed64_is_eight_little_endian_bytes (void)
{
  braid__pb pb = { 0 };
  braid__pb_fixed64 (&pb, 47, 0x0102030405060708ull);
  static const uint8_t want[] = { 0xf9, 0x02, 8, 7, 6, 5, 4, 3, 2, 1 };
  g_assert_cmpmem (pb.data, pb.len, want, sizeof want);
  braid__pb_free (&pb);
}

/* A nested message of @n bytes of content is its tag, its length in as
 * few bytes as it takes, then the content, whatever its size. */
static void
check_nested (size_t n)
{
  braid__pb pb = { 0 };
  braid__pb_varint (&pb, 1, 7);
  size_t m = braid__pb_begin (&pb, 11);
  char *content = g_malloc (n + 1);
  memset (content, 'x', n);
  content[n] = '\0';
  size_t inner = braid__pb_begin (&pb, 2);
  braid__pb_append (&pb, content, n);
  braid__pb_end (&pb, inner);
  braid__pb_end (&pb, m);
  braid__pb_varint (&pb, 3, 9);
  g_assert_false (pb.failed);

  const uint8_t *p = pb.data;
  g_assert_cmpuint (varint (&p), ==, 1 << 3 | 0);
  g_assert_cmpuint (varint (&p), ==, 7);
  g_assert_cmpuint (varint (&p), ==, 11 << 3 | 2);
  const uint8_t *len_at = p;
  uint64_t outer = varint (&p);
  size_t len_bytes = (size_t)(p - len_at);
  g_assert_cmpuint (len_bytes, ==, outer < 128 ? 1 : outer < 16384 ? 2 : 3);
  const uint8_t *end = p + outer;
  g_assert_cmpuint (varint (&p), ==, 2 << 3 | 2);
  g_assert_cmpuint (varint (&p), ==, n);
  g_assert_cmpmem (p, n, content, n);
  p += n;
  g_assert_true (p == end);
  g_assert_cmpuint (varint (&p), ==, 3 << 3 | 0);
  g_assert_cmpuint (varint (&p), ==, 9);
  g_assert_true (p == pb.data + pb.len);
  g_free (content);
  braid__pb_free (&pb);
}

static void
test_nested_lengths_take_as_few_bytes_as_they_need (void)
{
  const size_t sizes[]
      = { 0, 1, 120, 125, 126, 127, 128, 300, 16379, 16380, 16384, 100000 };
  for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_nested (sizes[i]);
}

static void
test_strings_are_valid_utf8_whatever_the_trace_holds (void)
{
  braid__pb pb = { 0 };
  /* A stray continuation byte, an overlong '/', then "é". */
  braid__pb_string (&pb, 2,
                    "a\x80"
                    "b\xc0\xaf"
                    "\xc3\xa9",
                    SIZE_MAX);
  const uint8_t *p = pb.data;
  g_assert_cmpuint (varint (&p), ==, 2 << 3 | 2);
  uint64_t n = varint (&p);
  g_assert_true (g_utf8_validate ((const char *)p, (gssize)n, NULL));
  g_assert_cmpmem (p, n,
                   "a\xef\xbf\xbd"
                   "b\xef\xbf\xbd\xef\xbf\xbd"
                   "\xc3\xa9",
                   13);
  braid__pb_free (&pb);
}

static void
test_strings_are_cut_on_a_character_boundary (void)
{
  braid__pb pb = { 0 };
  /* "é" is two bytes: a cut at 2 keeps "a" alone. */
  braid__pb_string (&pb, 2, "a\xc3\xa9z", 2);
  static const uint8_t want[] = { 0x12, 0x01, 'a' };
  g_assert_cmpmem (pb.data, pb.len, want, sizeof want);
  braid__pb_free (&pb);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/protobuf/varints",
                   test_varints_are_little_endian_groups_of_seven_bits);
  g_test_add_func ("/tracer/protobuf/fixed64",
                   test_fixed64_is_eight_little_endian_bytes);
  g_test_add_func ("/tracer/protobuf/nested-lengths",
                   test_nested_lengths_take_as_few_bytes_as_they_need);
  g_test_add_func ("/tracer/protobuf/utf8",
                   test_strings_are_valid_utf8_whatever_the_trace_holds);
  g_test_add_func ("/tracer/protobuf/cut",
                   test_strings_are_cut_on_a_character_boundary);
  return g_test_run ();
}
