/* codec.c: the packed form of a batch of events, and reading batches.
 *
 * Owns the byte format of batches.data (documented in SCHEMA.md) and the
 * one path that turns stored batches back into events, braid__batches_*:
 * finalization, `braid repair` and the reader all read a file's batches
 * through it, so they number the same events the same way. It merges one
 * stream per recording thread (one, unless several threads recorded) and
 * decodes each a batch at a time, one event per call
 * (braid__batch_decoder): its memory is a batch per thread and a note per
 * batch, whatever the number of events. The reader's form
 * (braid__batches_each_in) reads ahead on a thread of its own when the
 * machine has a second core, a few chunks of decoded events ahead of the
 * callback.
 * The writer encodes every event it drains (braid__batch_encode_run, on
 * the ring's compact records, is its hot path: a contiguous stretch of
 * the ring at a time, the fields present found with one comparison per
 * slot; about 80 instructions a record of plain switch events, 104 a
 * TASK_SWITCHED of the runtime's ping-pong, 8 bytes with every field;
 * braid__batch_encode takes the others); decoding treats every blob as
 * untrusted input and bounds every read.
 *
 * One event: a varint header, kind | fields << 5, where fields has a bit
 * per field that is present (non-zero): bit 0 task, 1 reason, 2 other,
 * 3 object, 4 value, 5 line, 6 s1, 7 s2, 8 s3, and bit 9 when seq is not
 * the previous event's seq + 1. Then, in this order: the seq difference
 * (zigzag, when bit 9), the time difference from the previous event
 * (zigzag), and each present field: task as a zigzag difference from the
 * last task of the batch, value and line zigzag, the others as plain
 * varints. The first event of a batch is relative to zero.
 *
 * A TASK_SWITCHED (one record for a direct switch) is stored as it was
 * recorded and takes two or three seqs (braid__rec_span); decoding
 * expands it into its SUSPENDED, ITERATION_BEGIN and RESUMED, so nothing
 * past this file sees the fold.
 */
#include "trace-private.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A batch that claims more events than this is treated as corrupt. */
#define MAX_BATCH_EVENTS (1u << 24)

static inline uint64_t
zigzag (int64_t v)
{
  return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t
unzigzag (uint64_t v)
{
  return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static __attribute__ ((noinline)) uint8_t *
put_varint_long (uint8_t *p, uint64_t v)
{
  while (v >= 0x80)
    {
      *p++ = (uint8_t)(v | 0x80);
      v >>= 7;
    }
  *p++ = (uint8_t)v;
  return p;
}

/* Most values fit in one byte: that case is a store and a compare; up to
 * three bytes are written inline. */
static inline __attribute__ ((always_inline)) uint8_t *
put_varint (uint8_t *p, uint64_t v)
{
  if (__builtin_expect (v < 0x80, 1))
    {
      *p = (uint8_t)v;
      return p + 1;
    }
  if (v < 0x4000)
    {
      p[0] = (uint8_t)(v | 0x80);
      p[1] = (uint8_t)(v >> 7);
      return p + 2;
    }
  /* Three bytes: an iteration number, a time difference of a few ms. */
  if (v < 0x200000)
    {
      p[0] = (uint8_t)(v | 0x80);
      p[1] = (uint8_t)((v >> 7) | 0x80);
      p[2] = (uint8_t)(v >> 14);
      return p + 3;
    }
  return put_varint_long (p, v);
}

size_t
braid__batch_encode (uint8_t *out, braid__enc_state *st, const braid__rec *r)
{
  /* Most events carry a task and maybe a reason only: test the other
   * seven fields at once before testing each. */
  uint32_t fields = (r->task != 0) | (r->reason != 0) << 1
                    | (r->seq != st->seq + 1) << 9;
  if (__builtin_expect ((r->other | r->object | (uint64_t)r->value
                         | (uint32_t)r->line | r->s1 | r->s2 | r->s3)
                            != 0,
                        0))
    fields |= (r->other != 0) << 2 | (r->object != 0) << 3
              | (r->value != 0) << 4 | (r->line != 0) << 5
              | (r->s1 != 0) << 6 | (r->s2 != 0) << 7 | (r->s3 != 0) << 8;
  uint8_t *p = put_varint (out, (uint64_t)r->kind | (uint64_t)fields << 5);
  if (__builtin_expect (fields & (1u << 9), 0))
    p = put_varint (p, zigzag ((int64_t)(r->seq - st->seq)));
  p = put_varint (p, zigzag ((int64_t)((uint64_t)r->t - (uint64_t)st->t)));
  st->seq = r->seq + braid__rec_span (r->kind, r->line) - 1;
  st->t = r->t;
  if (fields & 1)
    {
      p = put_varint (p, zigzag ((int64_t)(r->task - st->task)));
      st->task = r->task;
    }
  if (fields & 2)
    p = put_varint (p, r->reason);
  if (__builtin_expect (fields & ~3u, 0))
    {
      if (fields & 4)
        p = put_varint (p, r->other);
      if (fields & 8)
        p = put_varint (p, r->object);
      if (fields & 16)
        p = put_varint (p, zigzag (r->value));
      if (fields & 32)
        p = put_varint (p, zigzag (r->line));
      if (fields & 64)
        p = put_varint (p, r->s1);
      if (fields & 128)
        p = put_varint (p, r->s2);
      if (fields & 256)
        p = put_varint (p, r->s3);
    }
  return (size_t)(p - out);
}

/* The fields of a compact slot that are present, as the header's bits
 * (task 0, reason 1, other 2, object 3, value 4, line 5), indexed by a
 * byte with a bit per non-zero 32-bit word of the slot, in memory order:
 * kind 0, reason 1, dt 2, line 3, task 4, other 5, object 6, value 7. */
#define SLOT_FIELDS(m)                                                         \
  ((((m) >> 4) & 1) | (((m) >> 1) & 1) << 1 | (((m) >> 5) & 1) << 2           \
   | (((m) >> 6) & 1) << 3 | (((m) >> 7) & 1) << 4 | (((m) >> 3) & 1) << 5)
#define SLOT_FIELDS4(m)                                                        \
  SLOT_FIELDS (m), SLOT_FIELDS ((m) + 1), SLOT_FIELDS ((m) + 2),              \
    SLOT_FIELDS ((m) + 3)
#define SLOT_FIELDS16(m)                                                       \
  SLOT_FIELDS4 (m), SLOT_FIELDS4 ((m) + 4), SLOT_FIELDS4 ((m) + 8),           \
    SLOT_FIELDS4 ((m) + 12)
#define SLOT_FIELDS64(m)                                                       \
  SLOT_FIELDS16 (m), SLOT_FIELDS16 ((m) + 16), SLOT_FIELDS16 ((m) + 32),      \
    SLOT_FIELDS16 ((m) + 48)
static const uint8_t slot_fields[256]
    = { SLOT_FIELDS64 (0), SLOT_FIELDS64 (64), SLOT_FIELDS64 (128),
        SLOT_FIELDS64 (192) };

/* The header bits of the fields present in the compact slot @slot: one
 * comparison of its eight 32-bit words with zero and a table look-up
 * instead of a test per field. */
static inline __attribute__ ((always_inline)) uint32_t
slot_present (const braid__slot *slot, uint64_t w0, uint64_t w1,
              uint64_t w2, uint64_t w3)
{
#if defined(__SSE2__)
  (void)w0, (void)w1, (void)w2, (void)w3;
  __m128i zero = _mm_setzero_si128 ();
  __m128i lo = _mm_loadu_si128 ((const __m128i *)slot);
  __m128i hi = _mm_loadu_si128 ((const __m128i *)slot + 1);
  uint32_t zeros
      = (uint32_t)_mm_movemask_ps (_mm_castsi128_ps (_mm_cmpeq_epi32 (lo, zero)))
        | (uint32_t)_mm_movemask_ps (
              _mm_castsi128_ps (_mm_cmpeq_epi32 (hi, zero)))
              << 4;
  return slot_fields[~zeros & 0xff];
#else
  (void)slot;
  uint32_t m = ((uint32_t)(w0 >> 32) != 0) << 1
               | ((uint32_t)(w1 >> 32) != 0) << 3 | ((uint32_t)w2 != 0) << 4
               | ((uint32_t)(w2 >> 32) != 0) << 5 | ((uint32_t)w3 != 0) << 6
               | ((uint32_t)(w3 >> 32) != 0) << 7;
  return slot_fields[m];
#endif
}

/* The writer's hot path: the compact slots of a ring, encoded straight
 * from it. The same bytes as braid__batch_encode of the events the slots
 * stand for: since the state holds the ring's previous event, the seq
 * difference is 1 and the time difference is the slot's dt. The slots
 * are walked a contiguous stretch of the ring at a time (no mask per
 * slot), the running state stays in locals, the fields present are found
 * for all of them at once (slot_present), and the fields past task and
 * reason are only looked at when the header says one is there. */
size_t
braid__batch_encode_run (uint8_t *out, braid__enc_state *st,
                         const braid__slot *ring, uint64_t mask,
                         uint64_t *pos, uint64_t limit, size_t *n)
{
  uint8_t *p = out;
  uint64_t i = *pos;
  uint64_t seq = st->seq, task_base = st->task;
  uint64_t t = (uint64_t)st->t;
  while (i < limit)
    {
      /* The stretch from slot i up to the ring's end or @limit. */
      uint64_t stop = (i | mask) + 1;
      if (stop > limit)
        stop = limit;
      const braid__slot *slot = &ring[i & mask];
      const braid__slot *const first = slot;
      const braid__slot *const end = slot + (stop - i);
      for (; slot < end; slot++)
        {
          uint64_t w0 = slot->w[0];
          uint32_t kind = (uint32_t)w0;
          /* Strings, wide records and loop creations are not compact
           * events (one unsigned comparison for both bounds). */
          if (kind - (BRAID_EV_LOOP_CREATED + 1)
              >= BRAID_EV_KIND_COUNT - (BRAID_EV_LOOP_CREATED + 1))
            break;
          uint64_t w1 = slot->w[1], w2 = slot->w[2], w3 = slot->w[3];
          uint32_t fields = slot_present (slot, w0, w1, w2, w3);
          p = put_varint (p, kind | fields << 5);
          /* dt is below 2^32: its zigzag is twice it. */
          p = put_varint (p, (uint64_t)(uint32_t)w1 << 1);
          t += (uint32_t)w1;
          /* braid__rec_span: a switch with an iteration (line, bit 5)
           * takes three seqs, one without two, the rest one. */
          uint64_t switched = kind == BRAID_EV_TASK_SWITCHED;
          seq += 1 + switched + (switched & (fields >> 5));
          if (fields & 1)
            {
              uint64_t task = (uint32_t)w2;
              p = put_varint (p, zigzag ((int64_t)(task - task_base)));
              task_base = task;
            }
          if (fields & 2)
            p = put_varint (p, w0 >> 32);
          if (fields > 3)
            {
              if (fields & 4)
                p = put_varint (p, w2 >> 32);
              if (fields & 8)
                p = put_varint (p, (uint32_t)w3);
              if (fields & 16)
                p = put_varint (p, zigzag ((int32_t)(uint32_t)(w3 >> 32)));
              if (fields & 32)
                p = put_varint (p, zigzag ((int32_t)(uint32_t)(w1 >> 32)));
            }
        }
      i += (uint64_t)(slot - first);
      if (slot < end)
        break;
    }
  /* Each record took its span of seqs: their sum is the events'. */
  *n += (size_t)(seq - st->seq);
  st->seq = seq;
  st->t = (int64_t)t;
  st->task = task_base;
  *pos = i;
  return (size_t)(p - out);
}

/* Reads a varint of at most 10 bytes; returns 0 at the end of the data
 * or on an over-long one. */
static __attribute__ ((noinline)) int
get_varint_long (const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
  const uint8_t *p = *pp;
  uint64_t x = 0;
  for (unsigned shift = 0; shift < 70; shift += 7)
    {
      if (p == end)
        return 0;
      uint8_t b = *p++;
      x |= (uint64_t)(b & 0x7f) << shift;
      if (b < 0x80)
        {
          *v = x;
          *pp = p;
          return 1;
        }
    }
  return 0;
}

/* get_varint_long, with the one-byte case (most fields) and the
 * two-byte one (most time differences) inline. */
static inline __attribute__ ((always_inline)) int
get_varint (const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
  const uint8_t *p = *pp;
  if (__builtin_expect (p < end && *p < 0x80, 1))
    {
      *v = *p;
      *pp = p + 1;
      return 1;
    }
  if (end - p >= 2 && p[1] < 0x80)
    {
      *v = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
      *pp = p + 2;
      return 1;
    }
  return get_varint_long (pp, end, v);
}

/* Writes the events that the decoded record @r stands for to @out: @r
 * itself, or the plain events of a TASK_SWITCHED (braid_event_expand),
 * numbered from r's seq. Returns how many (braid__rec_span). */
static unsigned
put_decoded (const braid__rec *r, braid__rec *out)
{
  if (r->kind != BRAID_EV_TASK_SWITCHED)
    {
      out[0] = *r;
      return 1;
    }
  braid_event switched = {
    .kind = BRAID_EV_TASK_SWITCHED,
    .reason = r->reason,
    .task = r->task,
    .other = r->other,
    .object = r->object,
    .value = r->value,
    .line = r->line,
  };
  braid_event plain[3];
  int n = braid_event_expand (&switched, plain);
  for (int i = 0; i < n; i++)
    out[i] = (braid__rec){
      .seq = r->seq + (uint64_t)i,
      .t = r->t,
      .task = plain[i].task,
      .other = plain[i].other,
      .object = plain[i].object,
      .value = plain[i].value,
      .kind = (uint32_t)plain[i].kind,
      .reason = plain[i].reason,
      .line = plain[i].line,
    };
  return (unsigned)n;
}

void
braid__batch_decoder_init (braid__batch_decoder *d, const uint8_t *data,
                           size_t len, size_t n)
{
  *d = (braid__batch_decoder){
    .p = data, .end = data + len, .left = n,
  };
}

/* Decodes the next record of @d into @r and advances the decoder's
 * running values. Returns 1, or -1 when the bytes are not a record or the
 * record's events are more than the batch still owes. */
static int
decode_record (braid__batch_decoder *d, braid__rec *r)
{
  const uint8_t *p = d->p, *end = d->end;
  const braid__rec *prev = &d->prev;
  uint64_t head, v;
  if (!get_varint (&p, end, &head))
    return -1;
  *r = (braid__rec){ 0 };
  uint32_t fields = (uint32_t)(head >> 5);
  r->kind = (uint32_t)(head & 31);
  if (r->kind == BRAID__REC_STRING || r->kind >= BRAID_EV_KIND_COUNT
      || fields >= (1u << 10))
    return -1;
  r->seq = prev->seq + 1;
  if (fields & (1u << 9))
    {
      if (!get_varint (&p, end, &v))
        return -1;
      r->seq = prev->seq + (uint64_t)unzigzag (v);
    }
  if (!get_varint (&p, end, &v))
    return -1;
  r->t = (int64_t)((uint64_t)prev->t + (uint64_t)unzigzag (v));
  r->task = prev->task;
  if (fields & 1)
    {
      if (!get_varint (&p, end, &v))
        return -1;
      r->task = prev->task + (uint64_t)unzigzag (v);
    }
  /* The other fields, present ones only: most events have a reason at
   * most. */
  for (uint32_t rest = (fields >> 1) & 0xff; rest != 0; rest &= rest - 1)
    {
      if (!get_varint (&p, end, &v))
        return -1;
      switch (__builtin_ctz (rest))
        {
        case 0:
          r->reason = (uint32_t)v;
          break;
        case 1:
          r->other = v;
          break;
        case 2:
          r->object = v;
          break;
        case 3:
          r->value = unzigzag (v);
          break;
        case 4:
          r->line = (int32_t)unzigzag (v);
          break;
        case 5:
          r->s1 = (uint32_t)v;
          break;
        case 6:
          r->s2 = (uint32_t)v;
          break;
        default:
          r->s3 = (uint32_t)v;
          break;
        }
    }
  uint64_t span = braid__rec_span (r->kind, r->line);
  if (span > d->left)
    return -1;
  d->left -= span;
  d->p = p;
  /* prev keeps what the next record is relative to: the last seq this
   * one took, its time, and the last task seen even when this event has
   * none. */
  d->prev.seq = r->seq + span - 1;
  d->prev.t = r->t;
  if (fields & 1)
    d->prev.task = r->task;
  else
    r->task = 0;
  return 1;
}

int
braid__batch_decoder_next (braid__batch_decoder *d, braid__rec *out)
{
  if (d->at_pending < d->n_pending)
    {
      *out = d->pending[d->at_pending++];
      return 1;
    }
  if (d->p == d->end)
    return d->left == 0 ? 0 : -1;
  /* A record after the events the batch owes is malformed: refused before
   * it is decoded over *out, which can be one past the end of an array
   * sized by the count (braid__batch_decode). */
  if (d->left == 0)
    return -1;
  if (decode_record (d, out) < 0)
    return -1;
  if (out->kind != BRAID_EV_TASK_SWITCHED)
    return 1;
  /* A direct switch: hand over its first plain event now, keep the rest. */
  braid__rec r = *out;
  d->n_pending = put_decoded (&r, d->pending);
  d->at_pending = 1;
  *out = d->pending[0];
  return 1;
}

size_t
braid__batch_decode (const uint8_t *data, size_t len, size_t n, braid__rec *out)
{
  braid__batch_decoder d;
  braid__batch_decoder_init (&d, data, len, n);
  size_t count = 0;
  int rc;
  while ((rc = braid__batch_decoder_next (&d, &out[count])) == 1)
    count++;
  return rc == 0 ? count : (size_t)-1;
}

/* The statement the first pass steps through: every batch of table %w
 * (batches, or events_packed in a finalized file) stored after the one of
 * id ?1, in the order it was stored. The blob's length and type only:
 * SQLite tells them from the row's header without reading the blob. */
#define BATCHES_QUERY                                                        \
  "SELECT id, producer, n, length (data), typeof (data) = 'blob'"            \
  " FROM \"%w\" WHERE id > ?1 ORDER BY id"
/* The statement that fetches one batch's blob when its stream needs it. */
#define BLOB_QUERY "SELECT n, data FROM \"%w\" WHERE id = ?"

/* batch_row:
 * Checks a row's count of events @count and blob (@data, @len bytes, of
 * SQLite type @type). Returns SQLITE_OK, or SQLITE_CORRUPT when the row
 * cannot be a batch: an event takes two bytes at least, so a count beyond
 * that is a lie. */
static int
batch_row (int64_t count, int type, const uint8_t *data, int len)
{
  if (count < 0 || count > MAX_BATCH_EVENTS || len < 0
      || (data == NULL && len > 0) || count > len / 2 || type != SQLITE_BLOB)
    return SQLITE_CORRUPT;
  return SQLITE_OK;
}

/* One stored batch, as the first pass found it. */
typedef struct batch_ref
{
  int64_t id;
  uint32_t producer;
  uint32_t n;
} batch_ref;

/* The events of one producer: its batches in the order they were stored,
 * decoded one at a time from a copy of the current one's blob. */
typedef struct stream
{
  size_t next_batch; /* index in the iterator's refs of the next batch */
  size_t end_batch;  /* one past this producer's last batch */
  uint32_t producer;
  uint8_t *blob;     /* the current batch's bytes */
  size_t blob_cap;
  braid__batch_decoder dec;
  braid__rec head;   /* the stream's next event */
} stream;

struct braid__batches
{
  sqlite3 *db;
  sqlite3_stmt *blob_query; /* BLOB_QUERY */
  batch_ref *refs;          /* every batch, by (producer, id) */
  size_t n_refs;
  stream *streams;
  size_t n_streams;
  size_t *heap;             /* streams with a head, least (seq, producer) first */
  size_t n_heap;
  uint64_t next_seq;        /* the number of the next event handed over */
  int failed;               /* the error of the last next(), if any */
  int64_t after_id;         /* only batches of a larger id are read */
  int64_t last_id;          /* the largest id read, else after_id */
};

/* Orders batches by (producer, id): each producer's batches in order. */
static int
cmp_ref (const void *a, const void *b)
{
  const batch_ref *x = a, *y = b;
  if (x->producer != y->producer)
    return x->producer < y->producer ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* Loads the next batch of @s into its decoder. Returns SQLITE_OK,
 * SQLITE_DONE when the stream has no batch left, or an error. */
static int
stream_load (braid__batches *it, stream *s)
{
  if (s->next_batch == s->end_batch)
    return SQLITE_DONE;
  const batch_ref *ref = &it->refs[s->next_batch++];
  sqlite3_stmt *st = it->blob_query;
  sqlite3_bind_int64 (st, 1, ref->id);
  int rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    {
      /* The first pass checked this row: it must still say the same. */
      int type = sqlite3_column_type (st, 1);
      const uint8_t *data = sqlite3_column_blob (st, 1);
      int len = sqlite3_column_bytes (st, 1);
      rc = sqlite3_column_int64 (st, 0) == ref->n
               ? batch_row (ref->n, type, data, len)
               : SQLITE_CORRUPT;
      if (rc == SQLITE_OK && (size_t)len > s->blob_cap)
        {
          uint8_t *nb = realloc (s->blob, (size_t)len);
          if (nb == NULL)
            rc = SQLITE_NOMEM;
          else
            {
              s->blob = nb;
              s->blob_cap = (size_t)len;
            }
        }
      if (rc == SQLITE_OK)
        {
          if (len > 0)
            memcpy (s->blob, data, (size_t)len);
          braid__batch_decoder_init (&s->dec, s->blob, (size_t)len, ref->n);
        }
    }
  else if (rc == SQLITE_DONE)
    rc = SQLITE_CORRUPT; /* the row went away */
  sqlite3_reset (st);
  return rc;
}

/* Decodes the next event of @s into s->head. Returns SQLITE_ROW,
 * SQLITE_DONE at the end of the stream, or an error. */
static int
stream_advance (braid__batches *it, stream *s)
{
  for (;;)
    {
      int r = braid__batch_decoder_next (&s->dec, &s->head);
      if (r > 0)
        return SQLITE_ROW;
      if (r < 0)
        return SQLITE_CORRUPT;
      int rc = stream_load (it, s);
      if (rc != SQLITE_OK)
        return rc;
    }
}

/* Whether the head of stream @a comes before the head of stream @b in
 * (recorded seq, producer) order. */
static bool
head_before (const braid__batches *it, size_t a, size_t b)
{
  const stream *x = &it->streams[a], *y = &it->streams[b];
  if (x->head.seq != y->head.seq)
    return x->head.seq < y->head.seq;
  return x->producer < y->producer;
}

static void
heap_down (braid__batches *it, size_t i)
{
  size_t *h = it->heap, n = it->n_heap;
  for (;;)
    {
      size_t l = 2 * i + 1, m = i;
      if (l < n && head_before (it, h[l], h[m]))
        m = l;
      if (l + 1 < n && head_before (it, h[l + 1], h[m]))
        m = l + 1;
      if (m == i)
        return;
      size_t tmp = h[i];
      h[i] = h[m];
      h[m] = tmp;
      i = m;
    }
}

void
braid__batches_close (braid__batches *it)
{
  if (it == NULL)
    return;
  sqlite3_finalize (it->blob_query);
  for (size_t i = 0; i < it->n_streams; i++)
    free (it->streams[i].blob);
  free (it->streams);
  free (it->heap);
  free (it->refs);
  free (it);
}

/* The first pass: every row of table @table checked (its count against
 * its blob's size), its place noted in it->refs. Sets *n_total. */
static int
check_batches (braid__batches *it, const char *table, size_t *n_total)
{
  sqlite3_stmt *st = NULL;
  char *sql = sqlite3_mprintf (BATCHES_QUERY, table);
  if (sql == NULL)
    return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2 (it->db, sql, -1, &st, NULL);
  sqlite3_free (sql);
  if (rc != SQLITE_OK)
    return rc;
  sqlite3_bind_int64 (st, 1, it->after_id);
  it->last_id = it->after_id;
  size_t cap = 0, total = 0;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      /* The events themselves are checked as the merge decodes them: a
       * malformed one fails the load, or the finalization's transaction,
       * which then writes nothing. Reading and decoding them here too
       * cost a third of a load. */
      int64_t count = sqlite3_column_int64 (st, 2);
      int64_t len = sqlite3_column_int64 (st, 3);
      int type = sqlite3_column_int (st, 4) ? SQLITE_BLOB : SQLITE_NULL;
      if (len > INT32_MAX
          || (rc = batch_row (count, type, (const uint8_t *)"", (int)len))
                 != SQLITE_OK)
        {
          rc = SQLITE_CORRUPT;
          break;
        }
      if (it->n_refs == cap)
        {
          size_t ncap = cap ? cap * 2 : 64;
          batch_ref *nr = realloc (it->refs, ncap * sizeof *nr);
          if (nr == NULL)
            {
              rc = SQLITE_NOMEM;
              break;
            }
          it->refs = nr;
          cap = ncap;
        }
      it->last_id = sqlite3_column_int64 (st, 0);
      it->refs[it->n_refs++] = (batch_ref){
        .id = it->last_id,
        .producer = (uint32_t)sqlite3_column_int64 (st, 1),
        .n = (uint32_t)count,
      };
      total += (size_t)count;
    }
  sqlite3_finalize (st);
  *n_total = total;
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
braid__batches_open (sqlite3 *db, uint64_t first_seq, braid__batches **out,
                     size_t *n_total)
{
  return braid__batches_open_after (db, first_seq, INT64_MIN, out, n_total);
}

/* braid__batches_open_after of the batches stored in @table. */
static int
open_table (sqlite3 *db, const char *table, uint64_t first_seq,
            int64_t after_id, braid__batches **out, size_t *n_total)
{
  *out = NULL;
  *n_total = 0;
  int rc;
  if (!braid__has_table (db, table, &rc))
    return rc; /* SQLITE_OK for a file without the table */
  braid__batches *it = calloc (1, sizeof *it);
  if (it == NULL)
    return SQLITE_NOMEM;
  it->db = db;
  it->next_seq = first_seq;
  it->after_id = after_id;
  rc = check_batches (it, table, n_total);
  if (rc == SQLITE_OK)
    {
      char *sql = sqlite3_mprintf (BLOB_QUERY, table);
      rc = sql == NULL ? SQLITE_NOMEM
                       : sqlite3_prepare_v2 (db, sql, -1, &it->blob_query,
                                             NULL);
      sqlite3_free (sql);
    }
  if (rc != SQLITE_OK)
    goto fail;

  /* One stream per producer; ids are unique, so the order is total.
   * (No batches: refs is NULL, which qsort may not be given.) */
  if (it->n_refs > 1)
    qsort (it->refs, it->n_refs, sizeof *it->refs, cmp_ref);
  size_t n_streams = 0;
  for (size_t i = 0; i < it->n_refs; i++)
    n_streams += i == 0 || it->refs[i].producer != it->refs[i - 1].producer;
  it->streams = calloc (n_streams ? n_streams : 1, sizeof *it->streams);
  it->heap = malloc ((n_streams ? n_streams : 1) * sizeof *it->heap);
  if (it->streams == NULL || it->heap == NULL)
    {
      rc = SQLITE_NOMEM;
      goto fail;
    }
  for (size_t i = 0; i < it->n_refs; i++)
    {
      if (i > 0 && it->refs[i].producer == it->refs[i - 1].producer)
        continue;
      stream *s = &it->streams[it->n_streams++];
      s->producer = it->refs[i].producer;
      s->next_batch = s->end_batch = i;
      while (s->end_batch < it->n_refs
             && it->refs[s->end_batch].producer == s->producer)
        s->end_batch++;
    }
  for (size_t i = 0; i < it->n_streams; i++)
    {
      rc = stream_advance (it, &it->streams[i]);
      if (rc == SQLITE_ROW)
        it->heap[it->n_heap++] = i;
      else if (rc != SQLITE_DONE)
        goto fail;
    }
  for (size_t i = it->n_heap / 2; i-- > 0;)
    heap_down (it, i);
  *out = it;
  return SQLITE_OK;

fail:
  braid__batches_close (it);
  *n_total = 0;
  return rc;
}

int
braid__batches_open_after (sqlite3 *db, uint64_t first_seq, int64_t after_id,
                           braid__batches **out, size_t *n_total)
{
  return open_table (db, "batches", first_seq, after_id, out, n_total);
}

int64_t
braid__batches_last_id (const braid__batches *it)
{
  return it->last_id;
}

size_t
braid__batches_n_producers (const braid__batches *it)
{
  return it->n_streams;
}

int
braid__batches_next (braid__batches *it, braid__rec *ev)
{
  if (it->failed)
    return it->failed;
  if (it->n_heap == 0)
    return SQLITE_DONE;
  stream *s = &it->streams[it->heap[0]];
  *ev = s->head;
  ev->seq = it->next_seq++;
  int rc = stream_advance (it, s);
  if (rc == SQLITE_DONE)
    it->heap[0] = it->heap[--it->n_heap];
  else if (rc != SQLITE_ROW)
    return it->failed = rc;
  if (it->n_heap > 1)
    heap_down (it, 0);
  return SQLITE_ROW;
}

int
braid__batches_each (sqlite3 *db, uint64_t first_seq,
                     int (*fn) (void *data, const braid__rec *ev, size_t i,
                                size_t n),
                     void *data, size_t *n_out)
{
  return braid__batches_each_in (db, "batches", first_seq, fn, data, n_out);
}

/* Reading ahead on a second thread. Fetching the blobs, decoding them
 * and merging the streams is a fifth of the time of a load (the rest is
 * the reader's model, which @fn builds); with a second core, a thread of
 * its own does it while @fn runs on the caller's thread, a chunk of
 * events ahead. The merge then uses the connection from that thread
 * only, and the caller's thread leaves it alone until the thread is
 * joined (SQLite allows a connection to move between threads that never
 * use it at once). Memory: PIPE_SLOTS chunks, 1.2 MB, whatever the
 * number of events. */
#define PIPE_CHUNK 4096
#define PIPE_SLOTS 4

typedef struct pipe_chunk
{
  braid__rec ev[PIPE_CHUNK];
  size_t n;
  int rc; /* SQLITE_ROW when more chunks follow, else the merge's end */
} pipe_chunk;

typedef struct pipe_state
{
  braid__batches *it;
  pthread_mutex_t mu;
  pthread_cond_t cv;     /* signalled on every change of the three below */
  pipe_chunk *slots;     /* PIPE_SLOTS of them, used round */
  size_t filled, taken;  /* chunks filled by the thread, taken by @fn */
  int stop;              /* the caller stops reading: the thread ends */
} pipe_state;

/* The reading thread: fills free slots until the merge ends or the
 * caller stops. */
static void *
pipe_main (void *arg)
{
  pipe_state *p = arg;
  for (;;)
    {
      pthread_mutex_lock (&p->mu);
      while (p->filled - p->taken == PIPE_SLOTS && !p->stop)
        pthread_cond_wait (&p->cv, &p->mu);
      int stop = p->stop;
      pthread_mutex_unlock (&p->mu);
      if (stop)
        return NULL;
      pipe_chunk *c = &p->slots[p->filled % PIPE_SLOTS];
      int rc = SQLITE_ROW;
      c->n = 0;
      while (c->n < PIPE_CHUNK
             && (rc = braid__batches_next (p->it, &c->ev[c->n]))
                    == SQLITE_ROW)
        c->n++;
      c->rc = rc;
      pthread_mutex_lock (&p->mu);
      p->filled++;
      pthread_cond_broadcast (&p->cv);
      pthread_mutex_unlock (&p->mu);
      if (rc != SQLITE_ROW)
        return NULL;
    }
}

/* Hands the merge of @it to @fn as braid__batches_each_in does, read
 * ahead by a thread. Returns the merge's end (SQLITE_DONE), SQLITE_ABORT
 * when @fn stopped, an error, or -1 when no thread could be started
 * (nothing was read then). */
static int
each_piped (braid__batches *it, size_t n,
            int (*fn) (void *data, const braid__rec *ev, size_t i,
                       size_t n),
            void *data, size_t *n_out)
{
  pipe_state p = { .it = it };
  p.slots = malloc (PIPE_SLOTS * sizeof *p.slots);
  if (p.slots == NULL)
    return -1;
  pthread_mutex_init (&p.mu, NULL);
  pthread_cond_init (&p.cv, NULL);
  pthread_t thread;
  if (pthread_create (&thread, NULL, pipe_main, &p) != 0)
    {
      pthread_cond_destroy (&p.cv);
      pthread_mutex_destroy (&p.mu);
      free (p.slots);
      return -1;
    }
  size_t i = 0;
  int rc = SQLITE_ROW;
  while (rc == SQLITE_ROW)
    {
      pthread_mutex_lock (&p.mu);
      while (p.filled == p.taken)
        pthread_cond_wait (&p.cv, &p.mu);
      pthread_mutex_unlock (&p.mu);
      const pipe_chunk *c = &p.slots[p.taken % PIPE_SLOTS];
      rc = c->rc;
      for (size_t k = 0; k < c->n; k++)
        if (fn (data, &c->ev[k], i++, n) != 0)
          {
            rc = SQLITE_ABORT;
            break;
          }
      pthread_mutex_lock (&p.mu);
      p.taken++;
      p.stop = rc != SQLITE_ROW;
      pthread_cond_broadcast (&p.cv);
      pthread_mutex_unlock (&p.mu);
    }
  pthread_join (thread, NULL);
  pthread_cond_destroy (&p.cv);
  pthread_mutex_destroy (&p.mu);
  free (p.slots);
  *n_out = i;
  return rc;
}

int
braid__batches_each_in (sqlite3 *db, const char *table, uint64_t first_seq,
                        int (*fn) (void *data, const braid__rec *ev,
                                   size_t i, size_t n),
                        void *data, size_t *n_out)
{
  *n_out = 0;
  braid__batches *it = NULL;
  size_t n = 0;
  int rc = open_table (db, table, first_seq, INT64_MIN, &it, &n);
  if (rc != SQLITE_OK || it == NULL)
    return rc;
  size_t i = 0;
  /* Below a few chunks the thread costs more than it saves; on one core
   * it would only take turns with the caller's. */
  if (n >= 4 * PIPE_CHUNK && sysconf (_SC_NPROCESSORS_ONLN) > 1)
    rc = each_piped (it, n, fn, data, &i);
  else
    rc = -1;
  if (rc == -1)
    {
      braid__rec ev;
      while ((rc = braid__batches_next (it, &ev)) == SQLITE_ROW)
        if (fn (data, &ev, i++, n) != 0)
          {
            rc = SQLITE_ABORT;
            break;
          }
    }
  braid__batches_close (it);
  if (rc != SQLITE_DONE)
    return rc;
  *n_out = i;
  return SQLITE_OK;
}
