/* codec.c: the packed form of a batch of events, and loading batches.
 *
 * Owns the byte format of batches.data (documented in SCHEMA.md) and the
 * paths that turn stored batches back into events: braid__batches_load,
 * one array of them all, for the writer's finalization and `braid
 * repair`, and braid__batches_each, the reader's, which hands them over
 * in the same order a batch at a time when one thread recorded (several
 * threads' batches are merged through braid__batches_load).
 * The writer encodes every event it drains (braid__batch_encode_run, on
 * the ring's compact records, is its hot path: about 80 instructions per
 * event; braid__batch_encode takes the others); decoding treats every
 * blob as untrusted input and bounds every read.
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

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

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

/* Most values fit in one byte: that case is a store and a compare. */
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

/* The encoding of the compact slot @slot after the event of @st, which it
 * advances. Inlined in the loop of braid__batch_encode_run, where @st is
 * kept in registers. */
static inline __attribute__ ((always_inline)) uint8_t *
encode_slot (uint8_t *p, braid__enc_state *st, const braid__slot *slot)
{
  /* The same bytes as braid__batch_encode of the event the slot stands
   * for: since st holds the ring's previous event, the seq difference is
   * 1 and the time difference is the slot's dt. */
  uint64_t w0 = slot->w[0], w1 = slot->w[1], w2 = slot->w[2],
           w3 = slot->w[3];
  uint64_t task = (uint32_t)w2;
  uint32_t reason = (uint32_t)(w0 >> 32);
  /* A compact slot's seq is the previous one + 1: no seq difference. */
  uint32_t fields = (task != 0) | (reason != 0) << 1;
  /* other, object, value and line (a compact slot has no strings). */
  if (__builtin_expect (((w1 >> 32) | (w2 >> 32) | w3) != 0, 0))
    fields |= ((w2 >> 32) != 0) << 2 | ((uint32_t)w3 != 0) << 3
              | ((w3 >> 32) != 0) << 4 | ((w1 >> 32) != 0) << 5;
  p = put_varint (p, (uint32_t)w0 | (uint64_t)fields << 5);
  /* dt is below 2^32: its zigzag is twice it. */
  p = put_varint (p, (uint64_t)(uint32_t)w1 << 1);
  st->seq += braid__rec_span ((uint32_t)w0, (int32_t)(uint32_t)(w1 >> 32));
  st->t = (int64_t)((uint64_t)st->t + (uint32_t)w1);
  if (fields & 1)
    {
      p = put_varint (p, zigzag ((int64_t)(task - st->task)));
      st->task = task;
    }
  if (fields & 2)
    p = put_varint (p, reason);
  if (__builtin_expect (fields & ~3u, 0))
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
  return p;
}

size_t
braid__batch_encode_run (uint8_t *out, braid__enc_state *st,
                         const braid__slot *ring, uint64_t mask,
                         uint64_t *pos, uint64_t limit, size_t *n)
{
  braid__enc_state s = *st;
  uint8_t *p = out;
  uint64_t i = *pos;
  for (; i < limit; i++)
    {
      const braid__slot *slot = &ring[i & mask];
      uint32_t kind = (uint32_t)slot->w[0];
      if (kind <= BRAID_EV_LOOP_CREATED || kind >= BRAID_EV_KIND_COUNT)
        break;
      p = encode_slot (p, &s, slot);
    }
  /* Each record took its span of seqs: their sum is the events'. */
  *n += (size_t)(s.seq - st->seq);
  *st = s;
  *pos = i;
  return (size_t)(p - out);
}

/* Reads a varint of at most 10 bytes; returns 0 at the end of the data
 * or on an over-long one. */
static inline int
get_varint (const uint8_t **pp, const uint8_t *end, uint64_t *v)
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

/* Writes the events that the decoded record @r stands for to @out: @r
 * itself, or the plain events of a TASK_SWITCHED (braid_event_expand),
 * numbered from r's seq. Returns how many (braid__rec_span). */
static size_t
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
  return (size_t)n;
}

size_t
braid__batch_decode (const uint8_t *data, size_t len, size_t n, braid__rec *out)
{
  const uint8_t *p = data, *end = data + len;
  braid__rec prev = { 0 };
  size_t count = 0;
  while (p < end)
    {
      uint64_t head, v;
      if (!get_varint (&p, end, &head))
        return (size_t)-1;
      braid__rec r = { 0 };
      uint32_t fields = (uint32_t)(head >> 5);
      r.kind = (uint32_t)(head & 31);
      if (r.kind == BRAID__REC_STRING || r.kind >= BRAID_EV_KIND_COUNT
          || fields >= (1u << 10))
        return (size_t)-1;
      r.seq = prev.seq + 1;
      if (fields & (1u << 9))
        {
          if (!get_varint (&p, end, &v))
            return (size_t)-1;
          r.seq = prev.seq + (uint64_t)unzigzag (v);
        }
      if (!get_varint (&p, end, &v))
        return (size_t)-1;
      r.t = (int64_t)((uint64_t)prev.t + (uint64_t)unzigzag (v));
      r.task = prev.task;
      if (fields & 1)
        {
          if (!get_varint (&p, end, &v))
            return (size_t)-1;
          r.task = prev.task + (uint64_t)unzigzag (v);
        }
      uint64_t f[8] = { 0 };
      for (int i = 1; i < 9; i++)
        if (fields & (1u << i))
          {
            if (!get_varint (&p, end, &v))
              return (size_t)-1;
            f[i - 1] = v;
          }
      r.reason = (uint32_t)f[0];
      r.other = f[1];
      r.object = f[2];
      r.value = unzigzag (f[3]);
      r.line = (int32_t)unzigzag (f[4]);
      r.s1 = (uint32_t)f[5];
      r.s2 = (uint32_t)f[6];
      r.s3 = (uint32_t)f[7];
      uint64_t span = braid__rec_span (r.kind, r.line);
      if (span > n - count)
        return (size_t)-1;
      /* prev keeps the last task seen even when this event has none, and
       * the last seq the record took. */
      prev = r;
      prev.seq = r.seq + span - 1;
      if (!(fields & 1))
        r.task = 0;
      count += put_decoded (&r, out + count);
    }
  return count == n ? count : (size_t)-1;
}

typedef struct keyed
{
  uint64_t seq;
  uint32_t producer;
  size_t pos;
} keyed;

/* Orders by (recorded seq, producer, position). */
static int
cmp_keyed (const void *a, const void *b)
{
  const keyed *x = a, *y = b;
  if (x->seq != y->seq)
    return x->seq < y->seq ? -1 : 1;
  if (x->producer != y->producer)
    return x->producer < y->producer ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The statement every reader of the batches table steps through. */
#define BATCHES_QUERY "SELECT producer, n, data FROM batches ORDER BY id"

/* batch_row:
 * Reads the current row of BATCHES_QUERY: its producer, its count of
 * events and its blob. Returns SQLITE_OK, or SQLITE_CORRUPT when the row
 * cannot be a batch: an event takes two bytes at least, so a count beyond
 * that is a lie that must not size an allocation. */
static int
batch_row (sqlite3_stmt *st, int64_t *producer, int64_t *count,
           const uint8_t **data, int *len)
{
  *producer = sqlite3_column_int64 (st, 0);
  *count = sqlite3_column_int64 (st, 1);
  /* The type first: it is undefined after a conversion. */
  int is_blob = sqlite3_column_type (st, 2) == SQLITE_BLOB;
  *data = sqlite3_column_blob (st, 2);
  *len = sqlite3_column_bytes (st, 2);
  if (*count < 0 || *count > MAX_BATCH_EVENTS || *len < 0
      || (*data == NULL && *len > 0) || *count > *len / 2 || !is_blob)
    return SQLITE_CORRUPT;
  return SQLITE_OK;
}

/* Whether an event (@seq, @producer) comes after the previous one in
 * (seq, producer) order, which it then becomes. */
static bool
in_recorded_order (uint64_t seq, uint32_t producer, uint64_t *last_seq,
                   uint32_t *last_producer)
{
  bool in_order = seq > *last_seq
                  || (seq == *last_seq && producer > *last_producer);
  *last_seq = seq;
  *last_producer = producer;
  return in_order;
}

int
braid__batches_load (sqlite3 *db, uint64_t first_seq, braid__rec **out,
                     size_t *n_out)
{
  *out = NULL;
  *n_out = 0;
  int rc;
  if (!braid__has_table (db, "batches", &rc))
    return rc; /* SQLITE_OK for a file without batches */

  sqlite3_stmt *st = NULL;
  rc = sqlite3_prepare_v2 (db, BATCHES_QUERY, -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  braid__rec *evs = NULL;
  uint32_t *producers = NULL;
  size_t n = 0, cap = 0;
  int sorted = 1;
  uint64_t last_seq = 0;
  uint32_t last_producer = 0;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      int64_t producer, count;
      const uint8_t *data;
      int len;
      if ((rc = batch_row (st, &producer, &count, &data, &len)) != SQLITE_OK)
        break;
      if (n + (size_t)count > cap)
        {
          size_t ncap = cap ? cap * 2 : 65536;
          while (ncap < n + (size_t)count)
            ncap *= 2;
          braid__rec *ne = realloc (evs, ncap * sizeof *evs);
          if (ne == NULL)
            {
              rc = SQLITE_NOMEM;
              break;
            }
          evs = ne;
          uint32_t *np = realloc (producers, ncap * sizeof *producers);
          if (np == NULL)
            {
              rc = SQLITE_NOMEM;
              break;
            }
          producers = np;
          cap = ncap;
        }
      size_t got
          = braid__batch_decode (data, (size_t)len, (size_t)count, evs + n);
      if (got != (size_t)count)
        {
          rc = SQLITE_CORRUPT;
          break;
        }
      for (size_t i = n; i < n + got; i++)
        {
          producers[i] = (uint32_t)producer;
          if (!in_recorded_order (evs[i].seq, (uint32_t)producer, &last_seq,
                                  &last_producer))
            sorted = 0;
        }
      n += got;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      free (evs);
      free (producers);
      return rc;
    }

  if (!sorted)
    {
      /* Several threads recorded: merge their streams by recorded seq
       * (record.c says why seqs of two threads may tie). */
      keyed *keys = malloc (n * sizeof *keys);
      braid__rec *merged = malloc (n * sizeof *merged);
      if (keys == NULL || merged == NULL)
        {
          free (keys);
          free (merged);
          free (evs);
          free (producers);
          return SQLITE_NOMEM;
        }
      for (size_t i = 0; i < n; i++)
        keys[i] = (keyed){ evs[i].seq, producers[i], i };
      qsort (keys, n, sizeof *keys, cmp_keyed);
      for (size_t i = 0; i < n; i++)
        merged[i] = evs[keys[i].pos];
      free (keys);
      free (evs);
      evs = merged;
    }
  free (producers);
  for (size_t i = 0; i < n; i++)
    evs[i].seq = first_seq + i;
  *out = evs;
  *n_out = n;
  return SQLITE_OK;
}

/* One pass over the batches in id order, decoding each into @buf (grown
 * as needed). With @fn NULL it only checks: every blob well-formed, and
 * whether the events come in (seq, producer) order (*sorted). With @fn
 * it hands each event over, numbered from @first_seq. */
static int
batches_pass (sqlite3 *db, uint64_t first_seq, braid__rec **buf, size_t *cap,
              int *sorted, size_t *n_total,
              int (*fn) (void *data, const braid__rec *ev, size_t i, size_t n),
              void *data)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               BATCHES_QUERY,
                               -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  size_t n = 0;
  uint64_t last_seq = 0;
  uint32_t last_producer = 0;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      int64_t producer, count;
      const uint8_t *blob;
      int len;
      if ((rc = batch_row (st, &producer, &count, &blob, &len)) != SQLITE_OK)
        break;
      if ((size_t)count > *cap)
        {
          size_t ncap = *cap ? *cap : 4096;
          while (ncap < (size_t)count)
            ncap *= 2;
          braid__rec *nb = realloc (*buf, ncap * sizeof *nb);
          if (nb == NULL)
            {
              rc = SQLITE_NOMEM;
              break;
            }
          *buf = nb;
          *cap = ncap;
        }
      size_t got = braid__batch_decode (blob, (size_t)len, (size_t)count, *buf);
      if (got != (size_t)count)
        {
          rc = SQLITE_CORRUPT;
          break;
        }
      for (size_t i = 0; i < got; i++)
        {
          braid__rec *ev = &(*buf)[i];
          if (fn == NULL)
            {
              if (!in_recorded_order (ev->seq, (uint32_t)producer,
                                      &last_seq, &last_producer))
                *sorted = 0;
              continue;
            }
          ev->seq = first_seq + n + i;
          if (fn (data, ev, n + i, *n_total) != 0)
            {
              rc = SQLITE_ABORT;
              break;
            }
        }
      n += got;
      if (rc == SQLITE_ABORT)
        break;
    }
  sqlite3_finalize (st);
  if (fn == NULL)
    *n_total = n;
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
braid__batches_each (sqlite3 *db, uint64_t first_seq,
                     int (*fn) (void *data, const braid__rec *ev, size_t i,
                                size_t n),
                     void *data, size_t *n_out)
{
  *n_out = 0;
  int rc;
  if (!braid__has_table (db, "batches", &rc))
    return rc; /* SQLITE_OK for a file without batches */

  /* A first pass checks every blob before any event is handed over, as
   * the materializing path does, and finds out whether the stored order
   * is already the order of events (one recording thread). */
  braid__rec *buf = NULL;
  size_t cap = 0, n = 0;
  int sorted = 1;
  rc = batches_pass (db, first_seq, &buf, &cap, &sorted, &n, NULL, NULL);
  if (rc == SQLITE_OK && sorted)
    {
      rc = batches_pass (db, first_seq, &buf, &cap, &sorted, &n, fn, data);
      free (buf);
      if (rc == SQLITE_OK)
        *n_out = n;
      return rc;
    }
  free (buf);
  if (rc != SQLITE_OK)
    return rc;
  /* Several threads recorded: their streams are merged by sorting the
   * whole set, as finalization does. */
  braid__rec *evs = NULL;
  rc = braid__batches_load (db, first_seq, &evs, &n);
  for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
    if (fn (data, &evs[i], i, n) != 0)
      rc = SQLITE_ABORT;
  free (evs);
  if (rc == SQLITE_OK)
    *n_out = n;
  return rc;
}
