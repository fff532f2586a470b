/* protobuf-writer.h: a small writer of the protobuf wire format.
 *
 * Enough of the encoding to write a message by hand, field by field:
 * varints, fixed64, length-delimited strings and bytes, and nested
 * messages. A message is built in a growable buffer; four bytes are
 * reserved for a nested message's length when it begins, and when it
 * ends its length is written in as few of them as it needs and its
 * content moved back over the rest (a short move: most nested messages
 * are a few bytes). A message,
 * nested ones included, must stay below 2^28 bytes. Out of memory is
 * remembered on the buffer (failed) and makes every later call a no-op.
 */
#ifndef BRAID_PROTOBUF_WRITER_H
#define BRAID_PROTOBUF_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct braid__pb
{
  uint8_t *data;
  size_t len, cap;
  bool failed; /* out of memory (or a message too long): data is garbage */
} braid__pb;

/* Empties @pb, keeping its memory for the next message. */
void braid__pb_reset (braid__pb *pb);
/* Releases the memory of @pb (accepts a zeroed one). */
void braid__pb_free (braid__pb *pb);

/* Field @field as a varint: uint32/64, bool, enum, and int32/64 (a
 * negative int is its two's complement on 64 bits, ten bytes). */
void braid__pb_varint (braid__pb *pb, uint32_t field, uint64_t v);
/* Field @field as fixed64 (eight bytes, little-endian). */
void braid__pb_fixed64 (braid__pb *pb, uint32_t field, uint64_t v);
/* Field @field as @n bytes of @p (bytes, or a string known to be
 * UTF-8). */
void braid__pb_bytes (braid__pb *pb, uint32_t field, const void *p, size_t n);
/* Field @field as a string made of @s (NUL-terminated, untrusted): at
 * most @max_bytes bytes of it (SIZE_MAX for all), cut on a character
 * boundary, each byte that is not part of a well-formed UTF-8 character
 * written as U+FFFD, so that the field is always valid UTF-8. */
void braid__pb_string (braid__pb *pb, uint32_t field, const char *s,
                       size_t max_bytes);
/* Appends @n raw bytes to the current string being built: for a string
 * field assembled of pieces between braid__pb_begin and braid__pb_end. */
void braid__pb_append (braid__pb *pb, const void *p, size_t n);
/* Appends @s as braid__pb_string would write its content. */
void braid__pb_append_utf8 (braid__pb *pb, const char *s, size_t max_bytes);

/* Begins the nested message (or length-delimited field) @field; returns
 * the mark that braid__pb_end takes to close it. */
size_t braid__pb_begin (braid__pb *pb, uint32_t field);
/* Ends the nested message begun at @mark: writes its length. */
void braid__pb_end (braid__pb *pb, size_t mark);

#endif /* BRAID_PROTOBUF_WRITER_H */
