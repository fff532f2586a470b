/* protobuf-writer.c: the protobuf wire format, written by hand.
 *
 * See protobuf-writer.h. The hot path is braid__pb_varint: one call per
 * numeric field of every event an exporter writes, so it writes into the
 * buffer directly once there is room for the longest field (a tag and a
 * ten-byte varint).
 */
#include "protobuf-writer.h"
#include "safe-text.h"

#include <stdlib.h>
#include <string.h>

enum
{
  WIRE_VARINT = 0,
  WIRE_FIXED64 = 1,
  WIRE_LEN = 2,
};

/* The room a nested message's length takes: four varint bytes. */
#define LEN_BYTES 4
#define LEN_MAX ((size_t)1 << 28)

/* Makes room for @n more bytes; false (and pb->failed) when out of
 * memory. */
static bool
reserve (braid__pb *pb, size_t n)
{
  if (pb->failed)
    return false;
  if (pb->cap - pb->len >= n)
    return true;
  size_t cap = pb->cap ? pb->cap : 256;
  while (cap - pb->len < n)
    cap *= 2;
  uint8_t *data = realloc (pb->data, cap);
  if (data == NULL)
    {
      pb->failed = true;
      return false;
    }
  pb->data = data;
  pb->cap = cap;
  return true;
}

static void
put_varint (braid__pb *pb, uint64_t v)
{
  uint8_t *p = pb->data + pb->len;
  while (v >= 0x80)
    {
      *p++ = (uint8_t)v | 0x80;
      v >>= 7;
    }
  *p++ = (uint8_t)v;
  pb->len = (size_t)(p - pb->data);
}

static void
put_tag (braid__pb *pb, uint32_t field, unsigned wire)
{
  put_varint (pb, (uint64_t)field << 3 | wire);
}

void
braid__pb_reset (braid__pb *pb)
{
  pb->len = 0;
  pb->failed = false;
}

void
braid__pb_free (braid__pb *pb)
{
  free (pb->data);
  memset (pb, 0, sizeof *pb);
}

void
braid__pb_varint (braid__pb *pb, uint32_t field, uint64_t v)
{
  if (!reserve (pb, 5 + 10))
    return;
  put_tag (pb, field, WIRE_VARINT);
  put_varint (pb, v);
}

void
braid__pb_fixed64 (braid__pb *pb, uint32_t field, uint64_t v)
{
  if (!reserve (pb, 5 + 8))
    return;
  put_tag (pb, field, WIRE_FIXED64);
  for (int i = 0; i < 8; i++)
    pb->data[pb->len++] = (uint8_t)(v >> (8 * i));
}

void
braid__pb_append (braid__pb *pb, const void *p, size_t n)
{
  if (!reserve (pb, n))
    return;
  memcpy (pb->data + pb->len, p, n);
  pb->len += n;
}

void
braid__pb_bytes (braid__pb *pb, uint32_t field, const void *p, size_t n)
{
  if (!reserve (pb, 5 + 10 + n))
    return;
  put_tag (pb, field, WIRE_LEN);
  put_varint (pb, n);
  memcpy (pb->data + pb->len, p, n);
  pb->len += n;
}

void
braid__pb_append_utf8 (braid__pb *pb, const char *s, size_t max_bytes)
{
  static const uint8_t replacement[] = { 0xef, 0xbf, 0xbd }; /* U+FFFD */
  size_t n = braid__utf8_cut (s, max_bytes);
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n)
    {
      /* Copy the longest run of well-formed characters at once. */
      size_t run = 0;
      uint32_t cp;
      size_t k;
      while (i + run < n
             && (k = braid__utf8_char (p + i + run, n - i - run, &cp)) > 0)
        run += k;
      braid__pb_append (pb, p + i, run);
      i += run;
      if (i < n)
        {
          braid__pb_append (pb, replacement, sizeof replacement);
          i++;
        }
    }
}

void
braid__pb_string (braid__pb *pb, uint32_t field, const char *s,
                  size_t max_bytes)
{
  size_t mark = braid__pb_begin (pb, field);
  braid__pb_append_utf8 (pb, s, max_bytes);
  braid__pb_end (pb, mark);
}

size_t
braid__pb_begin (braid__pb *pb, uint32_t field)
{
  if (!reserve (pb, 5 + LEN_BYTES))
    return 0;
  put_tag (pb, field, WIRE_LEN);
  size_t mark = pb->len;
  pb->len += LEN_BYTES;
  return mark;
}

void
braid__pb_end (braid__pb *pb, size_t mark)
{
  if (pb->failed)
    return;
  size_t n = pb->len - mark - LEN_BYTES;
  if (n >= LEN_MAX)
    {
      pb->failed = true;
      return;
    }
  /* The length in as few bytes as it takes, the content moved back over
   * the bytes left unused: a packet's small messages (most of them) then
   * cost one byte of length. Every mark still open lies before this one,
   * so moving what follows it changes none of them. */
  size_t k = 1;
  while (k < LEN_BYTES && n >> (7 * k))
    k++;
  uint8_t *p = pb->data + mark;
  for (size_t i = 0; i < k; i++)
    p[i] = (uint8_t)((n >> (7 * i)) & 0x7f) | (i < k - 1 ? 0x80 : 0);
  if (k < LEN_BYTES)
    {
      memmove (p + k, p + LEN_BYTES, n);
      pb->len -= LEN_BYTES - k;
    }
}
