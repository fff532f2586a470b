/* record.c: the tracer's hot path.
 *
 * Owns the per-thread producers: a ring of 32-byte braid__slot that the
 * thread running a loop fills and the writer thread drains, and an intern
 * table that gives every distinct string one id, so names, files and
 * output lines are stored once. braid__trace_hook is called inside every
 * transition of every task: it takes no lock, does not allocate except to
 * intern a new string, and makes the runtime wait only when the writer has
 * fallen a whole ring behind (lossless recording), in which case the wait
 * is recorded as a BRAID_EV_OBSERVER_WAIT event.
 *
 * What a recorded event costs: one load and compare to know that the
 * session is active, the thread's producer current, a loop of the thread
 * open and no other thread recording (initial-exec TLS, no call), one OR
 * of the fields to know that they fit a compact record,
 * eight 4-byte stores into the ring (32 bytes, half a cache line: the
 * lines written are what the writer's core pulls over and what a burst
 * streams to memory, so their size is the cost), and a release store of
 * the ring's head. No clock is read (the runtime's event carries the
 * loop's clock), no string is hashed unless it is new at its address, and
 * there is no atomic read-modify-write while one thread records. The
 * 72-byte record this replaced took 72 instructions per event against
 * 89 then (callgrind; 78 now), but 24-34 ns per event on a sleep(0)
 * ping-pong burst against 12-22 ns (2 shared cores): the bytes, not the
 * instructions, are what costs.
 *
 * Order across threads: while only one thread has recorded, seq is a
 * plain counter of that thread, published to the session with a relaxed
 * store. When a second thread records, every thread takes its seq from
 * the shared counter with fetch_add, raised to its own last seq + 1 so
 * that each thread's order is exact. The first thread may hand out a few
 * more seqs from its own counter before it sees the switch: those events
 * are concurrent with the new thread's first ones, and ties are broken by
 * producer when the batches are merged (codec.c), which is a valid order
 * of what happened. A compact record's seq is implicitly one above the
 * last seq of its ring's previous record, so once several threads
 * record, their events take the slow path and, when seqs do not follow,
 * wide records.
 *
 * A TASK_SWITCHED (the runtime's one event for a direct switch) is one
 * record that takes two or three seqs (braid__rec_span), the events it
 * stands for, which codec.c gives back when it decodes.
 */
#include "trace-private.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define DEFAULT_RING_CAPACITY (1u << 15)

braid__session braid__the_session = {
  .mutex = PTHREAD_MUTEX_INITIALIZER,
  .wake = PTHREAD_COND_INITIALIZER,
  .time_base = INT64_MIN,
};

/* The producer of the calling thread for the current session. A session
 * generation guards against a producer of a stopped session
 * (producer_generation is the producer's). fast_generation is the fast
 * path's key: the session's generation while this thread may take the
 * fast path (its producer is current and a loop of its is open), 0
 * otherwise, so that one compare with active_generation says all that.
 * One TLS block in the initial-exec model: reading it is one load, no
 * call. */
typedef struct tls_state
{
  braid__producer *producer;
  uint64_t fast_generation;
  uint64_t producer_generation;
} tls_state;
static __thread tls_state tls
  __attribute__ ((tls_model ("initial-exec")));
static _Atomic uint64_t session_generation = 1;
/* What active_generation holds while no session is active: a value no
 * thread's fast_generation ever takes (a thread that never recorded has 0,
 * and session_generation starts at 1 and never wraps), so the fast path
 * never takes a producer that does not exist. */
#define INACTIVE_GENERATION UINT64_MAX
/* What active_generation holds once a second thread records: no thread's
 * fast_generation either, so that every event takes record_slow, which takes
 * its seq from the shared counter. */
#define MULTI_GENERATION (UINT64_MAX - 1)
/* session_generation while a session is active and one thread records,
 * INACTIVE_GENERATION or MULTI_GENERATION otherwise: the fast path's one
 * check that the session, this thread's producer and its open loop are
 * current and that it records alone. */
static _Atomic uint64_t active_generation = INACTIVE_GENERATION;

#define LIKELY(x) __builtin_expect (!!(x), 1)
#define UNLIKELY(x) __builtin_expect (!!(x), 0)

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* Creates the calling thread's producer and links it into the session's
 * list, where the writer finds it. Returns NULL when out of memory: the
 * thread then records nothing. */
static braid__producer *
producer_new (braid__session *s)
{
  braid__producer *p = aligned_alloc (64, sizeof *p);
  if (p == NULL)
    return NULL;
  memset (p, 0, sizeof *p);
  /* A power of two of at least 64 slots (session.c rounds up): room for
   * an observer wait and a wide event. */
  size_t cap = s->ring_capacity ? s->ring_capacity : DEFAULT_RING_CAPACITY;
  /* The ring's pages are mapped now, not at the first write of each: a
   * page fault on the hot path costs as much as a hundred events. */
  p->ring_bytes = (cap + BRAID__WIDE_SLOTS) * sizeof *p->ring;
  p->ring = mmap (NULL, p->ring_bytes, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p->ring == MAP_FAILED)
    p->ring = NULL;
  p->n_slots = 256;
  p->slots = calloc (p->n_slots, sizeof *p->slots);
  p->ptr_cache = calloc (BRAID__PTR_CACHE, sizeof *p->ptr_cache);
  if (p->ring == NULL || p->slots == NULL || p->ptr_cache == NULL)
    {
      if (p->ring != NULL)
        munmap (p->ring, p->ring_bytes);
      free (p->slots);
      free (p->ptr_cache);
      free (p);
      return NULL;
    }
  p->mask = cap - 1;
  pthread_mutex_lock (&s->mutex);
  p->id = ++s->n_producers;
  if (s->producers != NULL)
    {
      /* From now on seqs come from the shared counter (see above), and
       * no thread takes the fast path. */
      atomic_store (&s->multi_producer, 1);
      uint64_t active = atomic_load (&session_generation);
      atomic_compare_exchange_strong (&active_generation, &active,
                                      MULTI_GENERATION);
    }
  else
    p->last_seq = atomic_load (&s->next_seq);
  /* The writer's running values start where the hook's do. */
  p->w_seq = p->last_seq;
  p->w_t = p->ring_t = 0;
  p->next = s->producers;
  s->producers = p;
  pthread_mutex_unlock (&s->mutex);
  return p;
}

/* Frees the producers of a finished session. session.c calls it when the
 * next session begins, not at stop: a thread may still be inside the hook
 * of the stopped session, and by the next start it has long left it. The
 * threads' tls pointers become stale, which the generation check catches. */
void
braid__producers_free (braid__session *s)
{
  pthread_mutex_lock (&s->mutex);
  braid__producer *p = s->producers;
  s->producers = NULL;
  s->n_producers = 0;
  atomic_store (&s->multi_producer, 0);
  pthread_mutex_unlock (&s->mutex);
  atomic_fetch_add (&session_generation, 1);
  while (p != NULL)
    {
      braid__producer *next = p->next;
      for (size_t i = 0; i < p->n_slots; i++)
        free (p->slots[i].text);
      free (p->slots);
      free (p->ptr_cache);
      munmap (p->ring, p->ring_bytes);
      free (p);
      p = next;
    }
}

void
braid__record_set_active (int active)
{
  atomic_store (&active_generation,
                active ? atomic_load (&session_generation)
                       : INACTIVE_GENERATION);
}

static __attribute__ ((noinline, cold)) void
wake_writer (braid__session *s)
{
  if (atomic_load_explicit (&s->writer_sleeping, memory_order_relaxed))
    {
      pthread_mutex_lock (&s->mutex);
      pthread_cond_signal (&s->wake);
      pthread_mutex_unlock (&s->mutex);
    }
}

/* The slow half of ring_reserve: the cached tail says the ring is full.
 * Re-reads the tail, then waits for the writer if it really is full.
 * *waited_ns receives the time spent waiting. Returns 0, or -1 when the
 * writer is gone. */
static __attribute__ ((noinline)) int
ring_wait (braid__session *s, braid__producer *p, uint64_t n,
           uint64_t *waited_ns)
{
  uint64_t head = p->local_head;
  uint64_t cap = p->mask + 1;
  p->cached_tail = atomic_load_explicit (&p->tail, memory_order_acquire);
  if (head + n - p->cached_tail <= cap)
    return 0;

  /* The writer is a whole ring behind: wait for it, and say so. */
  uint64_t start = now_ns ();
  unsigned spins = 0;
  while (head + n - p->cached_tail > cap)
    {
      if (atomic_load_explicit (&s->writer_done, memory_order_acquire))
        return -1;
      wake_writer (s);
      if (++spins < 64)
        sched_yield ();
      else
        {
          struct timespec ts = { 0, 50000 };
          nanosleep (&ts, NULL);
        }
      p->cached_tail = atomic_load_explicit (&p->tail, memory_order_acquire);
    }
  *waited_ns = now_ns () - start;
  return 0;
}

/* Makes sure @n slots are free, waiting for the writer if they are not.
 * Returns 0 (with *waited_ns set when it waited) or -1. */
static inline int
ring_reserve (braid__session *s, braid__producer *p, uint64_t n,
              uint64_t *waited_ns)
{
  if (LIKELY (p->local_head + n - p->cached_tail <= p->mask + 1))
    return 0;
  return ring_wait (s, p, n, waited_ns);
}

/* Publishes the @n slots of the record at local_head: one release
 * store. */
static inline void
ring_publish (braid__session *s, braid__producer *p, uint64_t n)
{
  uint64_t old = p->local_head;
  uint64_t head = old + n;
  p->local_head = head;
  atomic_store_explicit (&p->head, head, memory_order_release);
  /* A writer asleep while the ring fills up would make us wait: nudge it
   * each time the head crosses a half ring. */
  if (UNLIKELY (((old ^ head) & ~(p->mask >> 1)) != 0))
    wake_writer (s);
}

/* The seq of the next record of @p, which takes @span seqs from it
 * (braid__rec_span; see the file comment). */
static inline uint64_t
next_seq (braid__session *s, braid__producer *p, uint64_t span)
{
  uint64_t seq;
  if (LIKELY (!atomic_load_explicit (&s->multi_producer,
                                     memory_order_relaxed)))
    {
      seq = p->last_seq + 1;
      atomic_store_explicit (&s->next_seq, seq + span - 1,
                             memory_order_relaxed);
    }
  else
    {
      seq = atomic_fetch_add_explicit (&s->next_seq, span,
                                       memory_order_relaxed)
            + 1;
      if (seq <= p->last_seq)
        seq = p->last_seq + 1;
    }
  p->last_seq = seq + span - 1;
  return seq;
}

/* Writes the event @ev (strings as ids @s1..@s3) of seq @seq and time
 * @t as a wide record at local_head, where BRAID__WIDE_SLOTS slots must
 * be free, and publishes it. */
static __attribute__ ((noinline)) void
put_wide (braid__session *s, braid__producer *p, const braid_event *ev,
          uint64_t seq, int64_t t, uint32_t s1, uint32_t s2, uint32_t s3)
{
  braid__rec r = {
    .seq = seq,
    .t = t,
    .task = ev->task,
    .other = ev->other,
    .object = ev->object,
    .value = ev->value,
    .kind = (uint32_t) ev->kind,
    .reason = ev->reason,
    .line = ev->line,
    .s1 = s1,
    .s2 = s2,
    .s3 = s3,
  };
  braid__slot *slot = &p->ring[p->local_head & p->mask];
  memset (slot, 0, BRAID__WIDE_SLOTS * sizeof *slot);
  slot->c.kind = BRAID__SLOT_WIDE;
  memcpy ((char *) slot + BRAID__WIDE_OFFSET, &r, sizeof r);
  p->ring_t = t;
  ring_publish (s, p, BRAID__WIDE_SLOTS);
}

/* Appends the event @ev (strings as ids @s1..@s3) of seq @seq (taken
 * already; @follows says it is one above the producer's previous event)
 * and time @t as a compact record when its fields fit one, as a wide one
 * otherwise. BRAID__WIDE_SLOTS slots must be free. @head and @mask are
 * p->local_head and p->mask, which the fast path has already loaded. */
static inline __attribute__ ((always_inline)) void
put_event (braid__session *s, braid__producer *p, uint64_t head,
           uint64_t mask, const braid_event *ev, int64_t t, uint64_t seq,
           int follows, uint32_t s1, uint32_t s2, uint32_t s3)
{
  uint64_t dt = (uint64_t) t - (uint64_t) p->ring_t;
  uint64_t task = ev->task, other = ev->other, object = ev->object;
  int64_t value = ev->value;
  /* Every field that must fit 32 bits, ORed: one test (value a signed
   * 32: the bias makes that an unsigned test). */
  uint64_t wide = dt | task | other | object
                  | ((uint64_t) value + 0x80000000u);
  if (UNLIKELY ((wide >> 32) != 0 || !follows || (s1 | s2 | s3) != 0))
    {
      put_wide (s, p, ev, seq, t, s1, s2, s3);
      return;
    }
  /* Eight 32-bit stores: nothing stored through a char type or as a
   * uint64_t, so the producer's fields stay in registers. */
  braid__slot *slot = &p->ring[head & mask];
  slot->c.kind = (uint32_t) ev->kind;
  slot->c.reason = ev->reason;
  slot->c.dt = (uint32_t) dt;
  slot->c.line = ev->line;
  slot->c.task = (uint32_t) task;
  slot->c.other = (uint32_t) other;
  slot->c.object = (uint32_t) object;
  slot->c.value = (int32_t) value;
  p->ring_t = t;
  p->local_head = head + 1;
  atomic_store_explicit (&p->head, head + 1, memory_order_release);
  /* A writer asleep while the ring fills up would make us wait: nudge it
   * each time the head crosses a half ring. */
  if (UNLIKELY ((((head + 1) & (mask >> 1)) == 0)))
    wake_writer (s);
}

static uint64_t
hash_bytes (const char *text, size_t len)
{
  /* FNV-1a: short strings, no need for more. */
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char) text[i]) * 1099511628211u;
  return h | 1; /* 0 marks an empty slot */
}

static int
intern_grow (braid__producer *p)
{
  size_t n = p->n_slots * 2;
  braid__intern_slot *slots = calloc (n, sizeof *slots);
  if (slots == NULL)
    return -1;
  for (size_t i = 0; i < p->n_slots; i++)
    {
      braid__intern_slot *old = &p->slots[i];
      if (old->hash == 0)
        continue;
      size_t j = old->hash & (n - 1);
      while (slots[j].hash != 0)
        j = (j + 1) & (n - 1);
      slots[j] = *old;
    }
  free (p->slots);
  p->slots = slots;
  p->n_slots = n;
  return 0;
}

/* Returns the id of @text (not NULL) by its content, defining it (a
 * string record in the ring, before the event that uses it) the first
 * time this thread sees it. Returns 0 when out of memory (the string is
 * then lost, the event is not). *copy receives the interned text. */
static uint32_t
intern_content (braid__session *s, braid__producer *p, const char *text,
                const char **copy_out)
{
  size_t len = strlen (text);
  uint64_t h = hash_bytes (text, len);
  size_t i = h & (p->n_slots - 1);
  for (;;)
    {
      braid__intern_slot *slot = &p->slots[i];
      if (slot->hash == 0)
        break;
      if (slot->hash == h && slot->len == len
          && memcmp (slot->text, text, len) == 0)
        {
          *copy_out = slot->text;
          return slot->id;
        }
      i = (i + 1) & (p->n_slots - 1);
    }
  if ((p->n_used + 1) * 4 > p->n_slots * 3)
    {
      if (intern_grow (p) != 0)
        return 0;
      i = h & (p->n_slots - 1);
      while (p->slots[i].hash != 0)
        i = (i + 1) & (p->n_slots - 1);
    }
  char *copy = malloc (len + 1);
  if (copy == NULL)
    return 0;
  memcpy (copy, text, len + 1);
  uint32_t id = atomic_fetch_add (&s->next_string, 1);
  p->slots[i] = (braid__intern_slot) { h, id, (uint32_t) len, copy };
  p->n_used++;

  uint64_t waited = 0;
  if (ring_reserve (s, p, 1, &waited) != 0)
    return 0;
  braid__slot *r = &p->ring[p->local_head & p->mask];
  memset (r, 0, sizeof *r);
  r->c.kind = BRAID__REC_STRING;
  r->c.reason = id;
  r->w[2] = (uint64_t) (uintptr_t) copy;
  ring_publish (s, p, 1);
  *copy_out = copy;
  return id;
}

/* Returns the id of @text, 0 for NULL. The same address is passed again
 * and again for names and files (literals): a cache keyed by the address
 * answers those with one compare of the bytes, which also catches a
 * buffer reused with other contents (output lines). */
static uint32_t
intern (braid__session *s, braid__producer *p, const char *text)
{
  if (text == NULL)
    return 0;
  uintptr_t a = (uintptr_t) text;
  braid__ptr_cache_slot *c
    = &p->ptr_cache[((a >> 3) ^ (a >> 11)) & (BRAID__PTR_CACHE - 1)];
  if (c->ptr == text && strcmp (c->text, text) == 0)
    return c->id;
  const char *copy = NULL;
  uint32_t id = intern_content (s, p, text, &copy);
  if (id != 0)
    *c = (braid__ptr_cache_slot) { text, copy, id };
  return id;
}

/* The first event of a producer: learns the session's time base (the
 * time of the first event recorded by any thread). */
static __attribute__ ((noinline)) void
learn_base (braid__session *s, braid__producer *p, uint64_t time_ns)
{
  int64_t expected = INT64_MIN;
  atomic_compare_exchange_strong (&s->time_base, &expected,
                                  (int64_t) time_ns);
  p->base = atomic_load (&s->time_base);
  p->has_base = 1;
}

/* What the fast path leaves out: a new producer, strings, loops, events
 * outside loops, waiting for room, observer waits. Records @ev. */
static __attribute__ ((noinline)) void
record_slow (braid__session *s, const braid_event *ev)
{
  if (atomic_load_explicit (&s->state, memory_order_acquire)
      != BRAID__SESSION_ACTIVE)
    return;
  braid__producer *p = tls.producer;
  uint64_t gen = atomic_load_explicit (&session_generation,
                                       memory_order_relaxed);
  if (p == NULL || tls.producer_generation != gen)
    {
      tls.fast_generation = 0;
      p = producer_new (s);
      if (p == NULL)
        return;
      tls.producer = p;
      tls.producer_generation = gen;
    }

  uint32_t s1 = intern (s, p, ev->str1);
  uint32_t s2 = intern (s, p, ev->str2);
  uint32_t s3 = intern (s, p, ev->str3);

  /* An event outside any loop of this thread (output after the loop
   * closed) has no loop clock to read; the runtime stamps it with the
   * monotonic clock, which on a virtual-clock trace would be a jump of
   * hours. Keep it at the last loop time seen on this thread instead. */
  uint64_t time_ns = ev->time_ns;
  if (ev->kind == BRAID_EV_LOOP_CREATED)
    p->open_loops++, p->seen_loop = 1;
  if (p->open_loops > 0 || !p->seen_loop)
    p->last_time = time_ns;
  else
    time_ns = p->last_time;
  if (ev->kind == BRAID_EV_LOOP_CLOSED && p->open_loops > 0)
    p->open_loops--;
  /* The fast path is this thread's while one of its loops is open. */
  tls.fast_generation = p->open_loops > 0 ? gen : 0;
  if (!p->has_base)
    learn_base (s, p, time_ns);
  int64_t t = (int64_t) time_ns - p->base;

  uint64_t waited = 0;
  if (ring_reserve (s, p, 2 * BRAID__WIDE_SLOTS, &waited) != 0)
    return;
  if (waited != 0)
    {
      /* The wait happened before this event: record it first. */
      braid_event w = {
        .kind = BRAID_EV_OBSERVER_WAIT,
        .task = p->running_task,
        .value = (int64_t) waited,
      };
      uint64_t prev = p->last_seq;
      uint64_t seq = next_seq (s, p, 1);
      put_event (s, p, p->local_head, p->mask, &w, t, seq, seq == prev + 1,
                 0, 0, 0);
      atomic_fetch_add (&s->n_observer_waits, 1);
    }
  uint64_t prev = p->last_seq;
  uint64_t seq = next_seq (s, p, braid__rec_span (ev->kind, ev->line));
  put_event (s, p, p->local_head, p->mask, ev, t, seq, seq == prev + 1, s1,
             s2, s3);

  switch (ev->kind)
    {
    case BRAID_EV_TASK_RESUMED:
    case BRAID_EV_TASK_SWITCHED:
      p->running_task = ev->task;
      break;
    case BRAID_EV_TASK_SUSPENDED:
    case BRAID_EV_TASK_COMPLETED:
    case BRAID_EV_TASK_FAILED:
    case BRAID_EV_TASK_CANCELLED:
      if (p->running_task == ev->task)
        p->running_task = 0;
      break;
    default:
      break;
    }
}

/* The kinds that end the running task's step (running_task is then 0),
 * as a mask of 1 << kind: every kind is below 32. */
#define STEP_END_KINDS                                                         \
  ((1u << BRAID_EV_TASK_SUSPENDED) | (1u << BRAID_EV_TASK_COMPLETED)         \
   | (1u << BRAID_EV_TASK_FAILED) | (1u << BRAID_EV_TASK_CANCELLED))
_Static_assert (BRAID_EV_KIND_COUNT <= 32, "kinds fit a 32-bit mask");

void
braid__trace_hook (void *user_data, const braid_event *ev)
{
  braid__session *s = &braid__the_session;
  braid__producer *p = tls.producer;
  /* The fast path: an active session, this thread's producer of it,
   * inside a loop of this thread, one thread recording (with several,
   * seqs rarely follow each other in a ring, so records are wide anyway):
   * fast_generation says all four. Then an event without strings that
   * neither opens nor closes a loop, room in the ring, fields that fit a
   * compact record. Everything else goes through record_slow, which
   * records the same fields: a tail call, so that the fast path saves no
   * register. */
  if (UNLIKELY (tls.fast_generation
                  != atomic_load_explicit (&active_generation,
                                           memory_order_acquire)
                || ((uintptr_t) ev->str1 | (uintptr_t) ev->str2
                    | (uintptr_t) ev->str3)
                     != 0
                || ev->kind <= BRAID_EV_LOOP_CLOSED))
    {
      record_slow (s, ev);
      return;
    }
  uint64_t head = p->local_head, mask = p->mask;
  int64_t t = (int64_t) ev->time_ns - p->base;
  uint64_t dt = (uint64_t) t - (uint64_t) p->ring_t;
  /* Every field that must fit 32 bits, ORed: one test (value a signed
   * 32: the bias makes that an unsigned test). */
  uint64_t wide = dt | ev->task | ev->other | ev->object
                  | ((uint64_t) ev->value + 0x80000000u);
  if (UNLIKELY ((wide >> 32) != 0
                || head + BRAID__WIDE_SLOTS - p->cached_tail > mask + 1))
    {
      record_slow (s, ev);
      return;
    }
  uint32_t kind = (uint32_t) ev->kind;
  /* running_task only feeds observer-wait events: keep it exact. */
  if (kind == BRAID_EV_TASK_RESUMED || kind == BRAID_EV_TASK_SWITCHED)
    p->running_task = ev->task;
  else if (((1u << kind) & STEP_END_KINDS) && p->running_task == ev->task)
    p->running_task = 0;
  /* One thread records: seq is its own counter (see next_seq), and the
   * record's is implicit (one above the ring's previous one). */
  uint64_t last = p->last_seq + braid__rec_span (kind, ev->line);
  p->last_seq = last;
  atomic_store_explicit (&s->next_seq, last, memory_order_relaxed);
  /* Eight 32-bit stores: nothing stored through a char type or as a
   * uint64_t, so the producer's fields stay in registers. */
  braid__slot *slot = &p->ring[head & mask];
  slot->c.kind = kind;
  slot->c.reason = ev->reason;
  slot->c.dt = (uint32_t) dt;
  slot->c.line = ev->line;
  slot->c.task = (uint32_t) ev->task;
  slot->c.other = (uint32_t) ev->other;
  slot->c.object = (uint32_t) ev->object;
  slot->c.value = (int32_t) ev->value;
  p->ring_t = t;
  p->local_head = head + 1;
  atomic_store_explicit (&p->head, head + 1, memory_order_release);
  /* A writer asleep while the ring fills up would make us wait: nudge it
   * each time the head crosses a half ring. */
  if (UNLIKELY (((head + 1) & (mask >> 1)) == 0))
    wake_writer (s);
}
