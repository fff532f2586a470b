/* trace-private.h: what the files of libbraid-trace share.
 *
 * The recorder is split in three: record.c (the hook: the hot path that
 * turns a braid_event into a 32-byte braid__slot in a per-thread ring),
 * writer.c (the thread that drains the rings into SQLite) and session.c
 * (start, stop, environment, exit and signal handling). schema.c holds the
 * SQL of the file format, which both the writer and the reader use. The
 * reader (reader*.c) shares braid__trace_impl, the full model behind the
 * opaque braid_trace.
 *
 * Nothing here is a public interface: tests may call the braid__ functions
 * to feed synthetic events, but programs use braid-trace.h only.
 */
#ifndef BRAID_TRACE_PRIVATE_H
#define BRAID_TRACE_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid-hooks.h>

struct sqlite3;
#include <braid/braid-trace.h>

/* ---------------------------------------------------------------------
 * Recording
 * ------------------------------------------------------------------ */

/* The stored kind of a record that defines a string (never in the
 * events table: it becomes a row of the strings table). */
#define BRAID__REC_STRING 0

/* One event with every field: what the writer hands to the encoder, and
 * the decoded form of a stored event (braid__ev). In a ring it only
 * appears inside a wide record (see braid__slot). */
typedef struct braid__rec
{
  uint64_t seq;     /* order of events, 1-based (see record.c) */
  int64_t t;        /* time_ns minus the session's time base */
  uint64_t task, other, object;
  int64_t value;
  uint32_t kind;    /* braid_event_kind, or BRAID__REC_STRING */
  uint32_t reason;
  int32_t line;
  uint32_t s1, s2, s3; /* string ids, 0 for NULL; s1 of a definition */
} braid__rec;

/* How many events a record of @kind with @line stands for, and so how
 * many seqs it takes (from its own): a TASK_SWITCHED is two or three
 * (braid_event_expand), until braid__batch_decode expands it; any other
 * record is one. */
static inline uint64_t
braid__rec_span (uint32_t kind, int32_t line)
{
  return kind == BRAID_EV_TASK_SWITCHED ? 2u + (line != 0) : 1u;
}

/* The ring's unit: 32 bytes, half a cache line, so that the common events
 * (resumed, suspended, woken, iteration begin, completed...) move 32
 * bytes from the recording core to the writer's instead of 72.
 *
 * A compact record is one slot, c: the event's kind and reason, t as the
 * difference from the previous event of the same ring, task, other and
 * object in 32 bits, value in a signed 32 bits, no strings, and a seq one
 * above the ring's previous event (the writer keeps the running seq and t
 * of each ring: w_seq and w_t). The hook fills it with eight 32-bit
 * stores; the writer reads it as four words (little-endian):
 *   w[0] = kind | reason << 32
 *   w[1] = dt | (uint32_t) line << 32
 *   w[2] = task | other << 32
 *   w[3] = object | (uint32_t) value << 32
 * An event whose fields do not fit, whose seq is not the next one (several
 * threads recording), or that carries strings, is a wide record: a slot
 * whose kind is BRAID__SLOT_WIDE followed by two more, the three holding
 * a whole braid__rec at byte offset BRAID__WIDE_OFFSET (BRAID__WIDE_SLOTS
 * slots in all, written contiguously: the ring has that many spare slots
 * past its end so a wide record never wraps). A string definition is one
 * slot with kind BRAID__REC_STRING, its id in the reason and the text's
 * address in w[2] (the text is owned by the producer's intern table until
 * the session ends). */
typedef union braid__slot
{
  uint64_t w[4];
  struct
  {
    uint32_t kind, reason, dt;
    int32_t line;
    uint32_t task, other, object;
    int32_t value;
  } c;
} braid__slot;

_Static_assert (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
                "braid__slot's words are read little-endian");

#define BRAID__SLOT_WIDE 255
#define BRAID__WIDE_SLOTS 3
#define BRAID__WIDE_OFFSET 8

/* The ring of one recording thread: single producer (the thread), single
 * consumer (the writer). head and tail count records forever; the slot is
 * index & mask. */
typedef struct braid__producer
{
  /* head, tail and the producer's own fields sit on separate cache lines:
   * the writer polls head and stores tail while the producer appends, and
   * sharing a line would make every append a cache miss. */
  _Alignas (64) _Atomic uint64_t head; /* written by the producer */
  _Alignas (64) _Atomic uint64_t tail; /* written by the writer (release) */
  /* The writer's running values of the ring's compact records: the seq
   * and t of the last event it took from this ring. */
  uint64_t w_seq;
  int64_t w_t;
  /* The producer's own fields, read and written by its thread only. */
  _Alignas (64) uint64_t local_head;   /* head, without the atomic */
  uint64_t cached_tail;  /* producer's last read of tail */
  uint64_t mask;
  braid__slot *ring;     /* mask + 1 + BRAID__WIDE_SLOTS slots */
  size_t ring_bytes;
  uint64_t last_seq;     /* seq of this producer's last event */
  int64_t ring_t;        /* t of this producer's last event */
  int64_t base;          /* the session's time base, once known */
  int has_base;
  uint64_t running_task; /* the task whose step runs on this thread */
  int open_loops;        /* loops created and not closed here */
  int seen_loop;         /* a loop was ever created here */
  /* The time of the last event record_slow saw here inside a loop; read
   * only once every loop is closed, and the LOOP_CLOSED that closed the
   * last one set it, so the fast path need not. */
  uint64_t last_time;
  uint32_t id;           /* 1 for the first producer of the session... */
  /* The intern table: open addressing over (hash, id, text), and in
   * front of it a direct-mapped cache keyed by the string's address. */
  struct braid__intern_slot *slots;
  size_t n_slots, n_used;
  struct braid__ptr_cache_slot *ptr_cache; /* BRAID__PTR_CACHE entries */
  struct braid__producer *next; /* the session's list, under its mutex */
} braid__producer;

#define BRAID__PTR_CACHE 256

typedef struct braid__ptr_cache_slot
{
  const char *ptr;  /* the address the program passed */
  const char *text; /* the interned copy, to check the bytes are the same */
  uint32_t id;
} braid__ptr_cache_slot;

typedef struct braid__intern_slot
{
  uint64_t hash;
  uint32_t id;
  uint32_t len;
  char *text;
} braid__intern_slot;

/* The state of the one recording session of the process. */
typedef struct braid__session
{
  _Atomic int state;            /* BRAID__SESSION_* */
  char *path;
  pthread_mutex_t mutex;        /* guards producers, the writer's sleep */
  pthread_cond_t wake;          /* wakes the writer */
  braid__producer *producers;
  _Atomic uint64_t next_seq;    /* the last seq handed out (see record.c) */
  _Atomic int multi_producer;   /* a second thread has recorded */
  uint32_t n_producers;         /* under mutex */
  _Atomic uint32_t next_string;
  _Atomic int64_t time_base;    /* INT64_MIN until the first event */
  _Atomic int writer_sleeping;
  _Atomic int stop_requested;
  _Atomic int writer_done;
  _Atomic uint64_t n_events;    /* events stored so far */
  _Atomic uint64_t n_observer_waits;
  pthread_t writer;
  int hooks_installed;
  size_t ring_capacity;         /* slots per producer ring */
  /* meta.program and meta.arguments when the starter named them
   * (braid_trace_start_with), NULL for the process's own command line. */
  char *program, *arguments;
  /* The run this process belongs to (meta.run_id): its tree's, from
   * BRAID_TRACE_RUN, or a new one (session.c). */
  char run_id[40];
} braid__session;

enum
{
  BRAID__SESSION_OFF = 0,
  BRAID__SESSION_ACTIVE = 1,
  BRAID__SESSION_STOPPING = 2,
};

extern braid__session braid__the_session;

/* braid__trace_hook:
 * The hook installed into the runtime; also callable directly (tests
 * feed synthetic events through it). Records @event if a session is
 * active, waiting for room when the ring is full. */
void braid__trace_hook (void *user_data, const braid_event *event);

/* braid__trace_begin:
 * Starts a session writing @path without installing the runtime's hooks
 * when @install_hooks is 0 (tests). @ring_capacity is the number of
 * 32-byte slots per thread ring (a power of two; 0 for the default). */
int braid__trace_begin (const char *path, int install_hooks,
                        size_t ring_capacity);

/* Producer side, record.c. */
void braid__producers_free (braid__session *s);
/* Tells the hook's fast path whether the session is active: call after
 * every change of the session's state (the slow path reads the state). */
void braid__record_set_active (int active);

/* Writer side, writer.c. Opens the file, creates the schema and the
 * meta rows, then starts the thread. Returns 0 or a negative code with a
 * message on stderr. */
int braid__writer_start (braid__session *s);
/* Waits for the writer to drain every ring and close the file. */
void braid__writer_join (braid__session *s);

/* Schema, schema.c. */
extern const char braid__schema_sql[];
extern const char braid__views_sql[];
extern const char braid__indexes_sql[];
/* braid__has_table:
 * Whether @db has a table named @name: 1 or 0. *rc_out gets SQLITE_OK,
 * or the SQLite error of the query (the result is then 0). */
int braid__has_table (struct sqlite3 *db, const char *name, int *rc_out);

/* ---------------------------------------------------------------------
 * Batches: codec.c and finalize.c
 * ------------------------------------------------------------------ */

/* The largest encoded size of one record. */
#define BRAID__MAX_ENCODED_REC 80

/* What an event's encoding is relative to: the previous event's seq and
 * t, and the last task present, in the same batch (all 0 at its start). */
typedef struct braid__enc_state
{
  uint64_t seq;
  int64_t t;
  uint64_t task;
} braid__enc_state;

/* braid__batch_encode:
 * Appends the encoding of the event @r (never a string definition) to
 * @out, relative to @st, which it advances, and returns the number of
 * bytes written (at most BRAID__MAX_ENCODED_REC). */
size_t braid__batch_encode (uint8_t *out, braid__enc_state *st,
                            const braid__rec *r);

/* braid__batch_encode_run:
 * The same for the compact ring records (see braid__slot) of @ring (of
 * mask @mask) from *pos on, up to @limit or the first record that is
 * not a compact event (a string, a wide record, a loop's creation). The
 * first event must follow, in the same ring, the last event encoded with
 * @st (so it is never the first of a batch). Advances *pos past the
 * records encoded, adds their number to *n, and returns the number of
 * bytes written (at most BRAID__MAX_ENCODED_REC per record). */
size_t braid__batch_encode_run (uint8_t *out, braid__enc_state *st,
                                const braid__slot *ring, uint64_t mask,
                                uint64_t *pos, uint64_t limit, size_t *n);

/* A batch being decoded one event at a time: what braid__batch_decode,
 * the first pass over the batches and each stream of the merge use, so
 * that no whole batch of decoded events is ever held (a 16 MiB blob of
 * two-byte events would be 600 MiB of records). */
typedef struct braid__batch_decoder
{
  const uint8_t *p, *end; /* the bytes not decoded yet */
  size_t left;            /* events the batch still owes */
  braid__rec prev;        /* what the next record is relative to */
  braid__rec pending[3];  /* the plain events of a TASK_SWITCHED */
  unsigned n_pending, at_pending;
} braid__batch_decoder;

/* braid__batch_decoder_init:
 * Starts decoding the blob @data of @len bytes (untrusted; it must stay
 * valid while @d is used), which claims @n events. */
void braid__batch_decoder_init (braid__batch_decoder *d, const uint8_t *data,
                                size_t len, size_t n);

/* braid__batch_decoder_next:
 * Decodes the next event into *out, a TASK_SWITCHED as the plain events
 * it stands for, one per call. Returns 1 with an event, 0 at the end of a
 * well-formed blob that held exactly its @n events, or -1 if the blob is
 * malformed or holds more or fewer. */
int braid__batch_decoder_next (braid__batch_decoder *d, braid__rec *out);

/* braid__batch_decode:
 * Decodes all of a blob (as braid__batch_decoder_next) into @out, room for
 * @n events. Returns the number decoded, or (size_t) -1 if the blob is
 * malformed or holds more or fewer than @n events. */
size_t braid__batch_decode (const uint8_t *data, size_t len, size_t n,
                            braid__rec *out);

/* The events of a file's batches table, in the order of events: merged
 * by (recorded seq, producer) from one stream per producer, each in the
 * order its batches were stored, and numbered from a first seq. What
 * finalization, `braid repair` and the reader all read, so that they
 * give the same events the same numbers. It holds the current batch of
 * each producer and a 16-byte note per batch, never the decoded events:
 * its memory does not grow with the number of events. */
typedef struct braid__batches braid__batches;

/* braid__batches_open:
 * Checks every row of the batches table of @db (when it has one): its
 * count against its blob's size. Then opens the merge, whose events
 * are numbered from @first_seq. *out is NULL when the file has no batches
 * table; *n_total is the number of events. Returns SQLITE_OK,
 * SQLITE_NOMEM, SQLITE_CORRUPT for a malformed batch row, or another SQLite
 * error. The reads use @db: run it inside a transaction when the file may
 * change (a live recording), and close the merge before @db. */
int braid__batches_open (struct sqlite3 *db, uint64_t first_seq,
                         braid__batches **out, size_t *n_total);

/* braid__batches_open_after:
 * braid__batches_open for the batches of an id above @after_id only: the
 * rows a reader that follows a live recording has not read yet (the
 * merge orders them among themselves). */
int braid__batches_open_after (struct sqlite3 *db, uint64_t first_seq,
                               int64_t after_id, braid__batches **out,
                               size_t *n_total);
/* The largest batches.id the merge reads (its after_id when none), and
 * the number of producers whose batches it reads. */
int64_t braid__batches_last_id (const braid__batches *it);
size_t braid__batches_n_producers (const braid__batches *it);

/* braid__batches_next:
 * The next event into *ev. Returns SQLITE_ROW, SQLITE_DONE after the
 * last, or an error (which every later call returns too). */
int braid__batches_next (braid__batches *it, braid__rec *ev);

/* Accepts NULL. */
void braid__batches_close (braid__batches *it);

/* braid__batches_each:
 * The reader's form: calls @fn for each event of braid__batches_open's
 * merge. @fn gets the event's index and the total and returns non-zero to
 * stop (the result is then SQLITE_ABORT). *n is the number of events
 * handed over. @fn runs on the caller's thread while, on a large merge,
 * a thread of its own reads @db ahead (codec.c): @fn must not use @db.
 * Returns SQLITE_OK (also without a batches table) or an error as
 * braid__batches_open. */
int braid__batches_each (struct sqlite3 *db, uint64_t first_seq,
                         int (*fn) (void *data, const braid__rec *ev,
                                    size_t i, size_t n),
                         void *data, size_t *n);

/* braid__batches_each_in:
 * braid__batches_each of the batches stored in table @table instead:
 * events_packed, the copy of a finalized file's events that finalization
 * keeps (finalize.c), has the batches table's columns and format. */
int braid__batches_each_in (struct sqlite3 *db, const char *table,
                            uint64_t first_seq,
                            int (*fn) (void *data, const braid__rec *ev,
                                       size_t i, size_t n),
                            void *data, size_t *n);

/* braid__finalize:
 * Expands the batches of the writable @db into the events table, creates
 * the indexes the views use, keeps the batches as events_packed (when
 * they hold every event, for the reader; else drops them) and sets
 * meta.finalized (and meta.complete when @clean_end), all in one
 * transaction. Stores the
 * total number of events in *n_events. Returns 0, or a negative code with
 * a message in *error (malloc'd; may be NULL). */
int braid__finalize (struct sqlite3 *db, int clean_end, uint64_t n_waits,
                     uint64_t *n_events, char **error);

extern const char *const braid__event_kind_names[BRAID_EV_KIND_COUNT];

/* ---------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------ */

struct braid_trace
{
  braid_trace_meta meta;
  braid_trace_task *tasks;
  size_t n_tasks;
  braid_trace_slice *slices;
  size_t n_slices;
  braid_trace_edge *edges;
  size_t n_edges;
  braid_trace_mark *marks;
  size_t n_marks;
  braid_trace_output *outputs;
  size_t n_outputs;
  braid_trace_object *objects;
  size_t n_objects;
  braid_trace_problem *problems;
  size_t n_problems;
  braid_trace_iteration *iterations;
  size_t n_iterations;
  /* The mapped sizes of the arrays that braid__big_* hold. */
  size_t slices_bytes, edges_bytes, marks_bytes, outputs_bytes;
  size_t iterations_bytes;
  /* Every string of the model lives in this arena. */
  char **strings;               /* string id -> text (NULL when unknown) */
  size_t n_strings;
  /* NULL when strings is indexed by id; else the sorted ids of a sparse
   * table, strings[i] the text of string_ids[i] (reader.c). */
  uint32_t *string_ids;
  struct braid__arena *arena;
  /* task id -> index, open addressing. */
  uint64_t *task_keys;
  int32_t *task_vals;
  size_t task_mask;
  uint64_t *obj_keys;
  int32_t *obj_vals;
  size_t obj_mask;
  /* Compact mode (reader.c): trace->slices then holds n_slices
   * braid_trace_compact_slice records in its mapping, and compact_ends
   * one end per task. */
  bool compact;
  braid_trace_compact_end *compact_ends;
  /* Summary mode (braid_trace_load_options.summary): asked of the
   * builder through the trace, as compact mode is. */
  bool summary;
  /* Stream mode (braid_trace_stream): the callbacks the builder hands
   * each slice, edge, mark and iteration to, in summary mode. NULL
   * otherwise. */
  const braid_trace_stream_callbacks *sink;
  void *sink_data;
  bool sink_stopped; /* a callback stopped the read */
  uint64_t sink_limit; /* the events handed to the sink at most, 0 all */
  /* What meta says of the writer, for its liveness (reader-live.c):
   * its machine and boot ("" when not recorded), whether it is
   * finalizing, whether the file is finalized. */
  const char *host, *boot_id;
  int64_t finalizing_unix_ns;
  bool finalized;
  /* A trace a follower made (reader-live.c): its strings, and the meta's,
   * live in the follower's arena, and its large arrays in the follower's
   * reservations, kept alive by this reference; arena then holds only
   * what this trace composed. NULL otherwise. */
  struct braid__follower_share *shared;
  /* Holds and primitives (reader-sync.c): the builder's records, and the
   * analysis made at the first question. NULL when there is neither. */
  struct braid__sync *sync;
};

/* reader-live.c: what a follower shares with the traces it makes (the
 * strings' arena, the reservations of its builder's large arrays). */
typedef struct braid__follower_share braid__follower_share;
/* Drops a reference (accepts NULL); the last one frees the share. */
void braid__follower_share_unref (braid__follower_share *shared);
/* The liveness of @trace from its meta, now: fills @status (may be NULL)
 * and returns its liveness. */
braid_trace_liveness braid__trace_liveness (const struct braid_trace *trace,
                                            braid_trace_writer_status *status);

/* The reader's id maps (task id -> index, object id -> index): open
 * addressing with linear probing over @mask + 1 slots, key 0 for an
 * empty slot, so id 0 is never a key. reader-model.c fills them and looks
 * tasks up for every event, reader.c answers braid_trace_find_*: inline
 * here so that both share one definition at no call's cost. */
static inline size_t
braid__id_hash (uint64_t id)
{
  id ^= id >> 33;
  id *= 0xff51afd7ed558ccdu;
  id ^= id >> 33;
  return (size_t) id;
}

/* The value of @id in the map @keys/@vals, -1 when absent, when @id is 0
 * or when the map is empty (@keys NULL). */
static inline int32_t
braid__id_map_find (const uint64_t *keys, const int32_t *vals, size_t mask,
                    uint64_t id)
{
  if (keys == NULL || id == 0)
    return -1;
  for (size_t i = braid__id_hash (id) & mask;; i = (i + 1) & mask)
    {
      if (keys[i] == id)
        return vals[i];
      if (keys[i] == 0)
        return -1;
    }
}

/* The reader's growing arrays (reader-model.c's builder, reader-sync.c's
 * records and analysis): inline here so that both share one definition.
 *
 * braid__grow makes room for one more element of @size bytes in the
 * realloc'd array *@arr, which holds @n elements of a capacity of *@cap:
 * when it is full, the capacity doubles, to @first from an empty array.
 * On failure *@arr and *@cap are left as they were. Returns 0 or -1. */
static inline int
braid__grow (void **arr, size_t *cap, size_t n, size_t size, size_t first)
{
  if (n < *cap)
    return 0;
  size_t ncap = *cap ? *cap * 2 : first;
  void *p = realloc (*arr, ncap * size);
  if (p == NULL)
    return -1;
  *arr = p;
  *cap = ncap;
  return 0;
}

/* A malloc'd copy of @n elements of @size bytes at @src in *@dst, NULL
 * when @n is 0 or @src is NULL. Returns 0, or -1 with *@dst NULL. */
static inline int
braid__dup_array (void **dst, const void *src, size_t n, size_t size)
{
  *dst = NULL;
  if (n == 0 || src == NULL)
    return 0;
  if ((*dst = malloc (n * size)) == NULL)
    return -1;
  memcpy (*dst, src, n * size);
  return 0;
}

/* A loaded event, as the reader keeps it while deriving the model. */
typedef braid__rec braid__ev;

/* reader-arena.c: an append-only string arena. */
typedef struct braid__arena braid__arena;
braid__arena *braid__arena_new (void);
void braid__arena_free (braid__arena *arena);
/* Copies @len bytes of @text and a NUL; returns the copy or NULL. */
char *braid__arena_strndup (braid__arena *arena, const char *text,
                            size_t len);
char *braid__arena_printf (braid__arena *arena, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* reader-arena.c: the model's large arrays, as mappings of their own.
 * braid__big_reserve grows the block *arr of *bytes bytes (NULL and 0 at
 * first) to at least @need bytes, doubling, without copying; returns 0 or
 * -1. braid__big_shrink gives back what lies past @need (all of it for
 * 0). braid__big_free releases a block of @bytes bytes. */
int braid__big_reserve (void **arr, size_t *bytes, size_t need);
void braid__big_shrink (void **arr, size_t *bytes, size_t need);
void braid__big_free (void *arr, size_t bytes);
/* Hands the whole pages between byte offsets @from and @to of a block
 * back to the system: their contents are dead, and read as zeros if
 * touched again. */
void braid__big_discard (void *arr, size_t from, size_t to);

/* reader-model.c: derives tasks, slices, edges, marks, outputs, objects,
 * problems and iterations from the events, fed one at a time in seq order. */
typedef struct braid__builder braid__builder;
/* Returns a builder that fills @trace (whose strings must be loaded), or
 * NULL when out of memory. */
braid__builder *braid__builder_new (struct braid_trace *trace);
/* Adds the next event. Returns 0 or BRAID_ENOMEM. */
int braid__builder_add (braid__builder *b, const braid__ev *ev);
/* Closes what is open at the end of the trace, applies the time window
 * of @options (may be NULL; a window only for a trace not in compact
 * mode), sorts, and stores the arrays in the trace. Frees @b. Returns 0
 * or BRAID_ENOMEM. */
int braid__builder_finish (braid__builder *b,
                           const braid_trace_load_options *options);
void braid__builder_free (braid__builder *b); /* accepts NULL */
/* braid__builder_finish on a copy of @b, into @trace (whose strings and
 * meta must be set), leaving @b to take more events: what a follower of
 * a live trace hands out after each update. A builder that follows
 * (braid__builder_follow) copies only what is per task or per problem:
 * @trace then shares the large arrays with @b (and with the traces made
 * before it), reading their front while @b appends behind, and its
 * slices array has gaps between the tasks' ranges. Returns 0 or -1 (out
 * of memory). */
int braid__builder_snapshot (braid__builder *b, struct braid_trace *trace,
                             const braid_trace_load_options *options);

/* The reservations that hold a following builder's large arrays at
 * addresses that never move (reader-model.c): the follower owns them
 * and frees them after the builder and every trace that shares them. */
typedef struct braid__live_blocks
{
  void *slices, *edges, *marks, *outputs, *iterations;
} braid__live_blocks;
/* braid__builder_follow:
 * Makes @b, a new builder in compact mode, keep its large arrays in new
 * reservations (stored in *@out, the caller's) and its slices grouped by
 * task as they close, so that braid__builder_snapshot costs what was
 * added since the last one plus what is per task. The traces it makes
 * have braid__big_* sizes of 0 for the arrays they share, which
 * braid_trace_close then leaves alone (munmap of 0 bytes unmaps
 * nothing). Returns 0, or -1 (the builder is then unchanged). */
int braid__builder_follow (braid__builder *b, braid__live_blocks **out);
/* Unmaps the reservations and frees @blocks (accepts NULL). */
void braid__live_blocks_free (braid__live_blocks *blocks);

/* reader-sync.c: the acquisitions and releases of locks and semaphores
 * and the gets and puts of queues as the builder sees them, and (at the
 * first question) the holds, the primitives' waits and their fairness. */
typedef struct braid__sync braid__sync;
/* Records an event of @kind (BRAID_EV_ACQUIRED, BRAID_EV_RELEASED or
 * BRAID_EV_QUEUE_ITEM, whose braid_queue_op is @okind; any other is
 * ignored) into *@sp, made at the first one. Returns 0 or -1. */
int braid__sync_event (braid__sync **sp, uint32_t kind, uint64_t task,
                       uint64_t object, uint32_t okind, int64_t t,
                       uint64_t step);
/* A copy of @s's records in *@out (NULL for NULL). Returns 0 or -1. */
int braid__sync_clone (const braid__sync *s, braid__sync **out);
void braid__sync_free (braid__sync *s); /* accepts NULL */

/* The largest string or blob that the reader, and `braid repair`, let
 * SQLite load from a file (SQLITE_LIMIT_LENGTH): a batch the writer
 * stores is a few hundred KiB at most. */
#define BRAID__MAX_VALUE_BYTES (16 * 1024 * 1024)

/* braid__trace_check:
 * The checks braid_trace_open makes before it reads any event: the file
 * is a regular SQLite file with braid's schema, of a version this braid
 * reads. Loads nothing. Returns 0, or a negative code with a one-line
 * message in *error (malloc'd; may be NULL), as braid_trace_open. */
int braid__trace_check (const char *path, char **error);

/* reader.c, for reader-live.c: the read-only checked connection of
 * braid__trace_check (inside a read transaction: COMMIT it, then close
 * it), and the meta of @trace loaded from it. Return 0 or a code with a
 * message in *error. */
int braid__trace_open_db (const char *path, struct sqlite3 **db,
                          char **error);
int braid__trace_load_meta (struct braid_trace *trace, struct sqlite3 *db,
                            const char *path, char **error);
/* The event of the current row of @st, a query of the events table's
 * columns seq, kind, t, task, other, object, value, reason, line, s1,
 * s2, s3 in that order, into *ev. */
struct sqlite3_stmt;
void braid__trace_row_event (struct sqlite3_stmt *st, braid__ev *ev);
/* The SQLite failure @rc on @path as a message in *error; returns the
 * braid code. */
int braid__trace_sqlite_failure (char **error, const char *path,
                                 struct sqlite3 *db, int rc);

/* The string of id @id of a loaded trace: "" when unknown. */
const char *braid__trace_string (const struct braid_trace *trace,
                                 uint64_t id);

/* names.c */
const char *braid__object_kind_name (uint32_t kind);

#endif /* BRAID_TRACE_PRIVATE_H */
