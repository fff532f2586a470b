/* record.c: the tracer's hot path.
 *
 * Owns the per-thread producers: a ring of fixed-size braid__rec that the
 * thread running a loop fills and the writer thread drains, and an intern
 * table that gives every distinct string one id, so names, files and
 * output lines are stored once. braid__trace_hook is called inside every
 * transition of every task: it takes no lock, does not allocate except to
 * intern a new string, and makes the runtime wait only when the writer has
 * fallen a whole ring behind (lossless recording), in which case the wait
 * is recorded as a BRAID_EV_OBSERVER_WAIT event.
 */
#include "trace-private.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_RING_CAPACITY (1u << 15)

braid__session braid__the_session = {
  .mutex = PTHREAD_MUTEX_INITIALIZER,
  .wake = PTHREAD_COND_INITIALIZER,
  .time_base = INT64_MIN,
};

/* The producer of the calling thread for the current session. A session
 * generation guards against a producer of a stopped session. */
static __thread braid__producer *tls_producer;
static __thread uint64_t tls_generation;
static _Atomic uint64_t session_generation = 1;

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
  size_t cap = s->ring_capacity ? s->ring_capacity : DEFAULT_RING_CAPACITY;
  p->ring = malloc (cap * sizeof *p->ring);
  p->n_slots = 256;
  p->slots = calloc (p->n_slots, sizeof *p->slots);
  if (p->ring == NULL || p->slots == NULL)
    {
      free (p->ring);
      free (p->slots);
      free (p);
      return NULL;
    }
  p->mask = cap - 1;
  pthread_mutex_lock (&s->mutex);
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
  pthread_mutex_unlock (&s->mutex);
  atomic_fetch_add (&session_generation, 1);
  while (p != NULL)
    {
      braid__producer *next = p->next;
      for (size_t i = 0; i < p->n_slots; i++)
        free (p->slots[i].text);
      free (p->slots);
      free (p->ring);
      free (p);
      p = next;
    }
}

static void
wake_writer (braid__session *s)
{
  if (atomic_load_explicit (&s->writer_sleeping, memory_order_relaxed))
    {
      pthread_mutex_lock (&s->mutex);
      pthread_cond_signal (&s->wake);
      pthread_mutex_unlock (&s->mutex);
    }
}

/* Returns the slot of the next record after making sure @n slots are free,
 * waiting for the writer if they are not. *waited_ns receives the time
 * spent waiting (0 almost always). */
static braid__rec *
ring_reserve (braid__session *s, braid__producer *p, uint64_t n,
              uint64_t *waited_ns)
{
  uint64_t head = atomic_load_explicit (&p->head, memory_order_relaxed);
  uint64_t cap = p->mask + 1;
  *waited_ns = 0;
  if (head + n - p->cached_tail <= cap)
    return &p->ring[head & p->mask];
  p->cached_tail = atomic_load_explicit (&p->tail, memory_order_acquire);
  if (head + n - p->cached_tail <= cap)
    return &p->ring[head & p->mask];

  /* The writer is a whole ring behind: wait for it, and say so. */
  uint64_t start = now_ns ();
  unsigned spins = 0;
  while (head + n - p->cached_tail > cap)
    {
      if (atomic_load_explicit (&s->writer_done, memory_order_acquire))
        return NULL;
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
  return &p->ring[head & p->mask];
}

static void
ring_publish (braid__session *s, braid__producer *p)
{
  uint64_t head = atomic_load_explicit (&p->head, memory_order_relaxed) + 1;
  atomic_store_explicit (&p->head, head, memory_order_release);
  /* A writer asleep while the ring fills up would make us wait: nudge it
   * at half full. */
  if (((head - p->cached_tail) & (p->mask >> 1)) == 0)
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

/* Returns the id of @text, defining it (a string record in the ring,
 * before the event that uses it) the first time this thread sees it.
 * Returns 0 for NULL or when out of memory (the string is then lost, the
 * event is not). */
static uint32_t
intern (braid__session *s, braid__producer *p, const char *text)
{
  if (text == NULL)
    return 0;
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
        return slot->id;
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

  uint64_t waited;
  braid__rec *r = ring_reserve (s, p, 1, &waited);
  if (r == NULL)
    return 0;
  memset (r, 0, sizeof *r);
  r->kind = BRAID__REC_STRING;
  r->s1 = id;
  r->text = copy;
  ring_publish (s, p);
  return id;
}

static int64_t
relative_time (braid__session *s, uint64_t time_ns)
{
  int64_t base = atomic_load_explicit (&s->time_base, memory_order_relaxed);
  if (base == INT64_MIN)
    {
      int64_t expected = INT64_MIN;
      atomic_compare_exchange_strong (&s->time_base, &expected,
                                      (int64_t) time_ns);
      base = atomic_load (&s->time_base);
    }
  return (int64_t) time_ns - base;
}

void
braid__trace_hook (void *user_data, const braid_event *ev)
{
  braid__session *s = &braid__the_session;
  if (atomic_load_explicit (&s->state, memory_order_acquire)
      != BRAID__SESSION_ACTIVE)
    return;
  braid__producer *p = tls_producer;
  uint64_t gen = atomic_load_explicit (&session_generation,
                                       memory_order_relaxed);
  if (p == NULL || tls_generation != gen)
    {
      p = producer_new (s);
      if (p == NULL)
        return;
      tls_producer = p;
      tls_generation = gen;
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

  uint64_t waited;
  braid__rec *r = ring_reserve (s, p, 2, &waited);
  if (r == NULL)
    return;
  int64_t t = relative_time (s, time_ns);
  if (waited != 0)
    {
      /* The wait happened before this event: record it first. */
      *r = (braid__rec) {
        .seq = atomic_fetch_add_explicit (&s->next_seq, 1,
                                          memory_order_relaxed),
        .t = t,
        .task = p->running_task,
        .value = (int64_t) waited,
        .kind = BRAID_EV_OBSERVER_WAIT,
      };
      ring_publish (s, p);
      atomic_fetch_add (&s->n_observer_waits, 1);
      r = &p->ring[atomic_load_explicit (&p->head, memory_order_relaxed)
                   & p->mask];
    }
  r->seq = atomic_fetch_add_explicit (&s->next_seq, 1, memory_order_relaxed);
  r->t = t;
  r->task = ev->task;
  r->other = ev->other;
  r->object = ev->object;
  r->value = ev->value;
  r->kind = (uint32_t) ev->kind;
  r->reason = ev->reason;
  r->line = ev->line;
  r->s1 = s1;
  r->s2 = s2;
  r->s3 = s3;
  r->text = NULL;
  ring_publish (s, p);

  switch (ev->kind)
    {
    case BRAID_EV_TASK_RESUMED:
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
