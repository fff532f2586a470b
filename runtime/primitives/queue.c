/* queue.c: asyncio.Queue, LifoQueue and PriorityQueue (braid_queue_*), as
 * CPython 3.11's queues.py, and the QueueFull/QueueEmpty error types.
 *
 * Owns the items (a ring for FIFO, a stack for LIFO, a binary heap run
 * with heapq's exact algorithms for PRIORITY, so equal items come out in
 * the same order as in Python), the FIFOs of waiting getters and putters,
 * and the count of unfinished items with the tasks joining it. A put
 * pops the oldest getter and completes its future inline; a get does the
 * same for the oldest putter; the woken task checks the queue again
 * (rule 23). A waiter interrupted after it was woken passes the wake-up
 * on when the queue still allows it. Every get, and every put into a
 * bounded queue, is reported to the hooks (BRAID_EV_QUEUE_ITEM: who took
 * the item or the place a woken waiter may then find gone).
 *
 * Hot path: put_nowait/get_nowait (O(1), O(log n) for PRIORITY; one
 * branch for the report when no hook is installed).
 */
#include <stdlib.h>
#include <string.h>

#include "waiters.h"

const braid_error_type braid_queue_full_type
    = { "QueueFull", &braid_exception_type };
const braid_error_type braid_queue_empty_type
    = { "QueueEmpty", &braid_exception_type };

struct braid_queue
{
  uint64_t id; /* the BRAID_OBJ_QUEUE object */
  long maxsize;
  braid_queue_kind kind;
  braid_queue_compare_fn compare;
  void **items;
  size_t head, n, cap; /* head: FIFO ring start */
  braid__waiters getters, putters;
  size_t unfinished;
  bool finished; /* asyncio's _finished event */
  /* The object a join waits on (asyncio's _finished event), made at the
   * first join that waits: a join waits apart from the getters and the
   * putters, so an analysis of the queue's order keeps them apart. */
  uint64_t join_id;
  braid__waiters joiners;
  uint32_t magic; /* BRAID__MAGIC_QUEUE until freed */
};

/* Aborts naming @call for a NULL or freed queue. */
#define check_queue(q, call)                                                   \
  braid__check_object (q, call, "queue", (q)->magic == BRAID__MAGIC_QUEUE)

braid_queue *
braid_queue_new (braid_loop *loop, long maxsize, braid_queue_kind kind,
                 braid_queue_compare_fn compare)
{
  braid_queue *q;

  if (kind == BRAID_QUEUE_PRIORITY && !compare)
    {
      braid__raise_as (BRAID_VALUE_ERROR, BRAID_EINVAL,
                       "a priority queue needs a compare function");
      return NULL;
    }
  if (kind != BRAID_QUEUE_FIFO && kind != BRAID_QUEUE_LIFO
      && kind != BRAID_QUEUE_PRIORITY)
    {
      braid__raise_as (BRAID_VALUE_ERROR, BRAID_EINVAL, "unknown queue kind %d",
                       (int)kind);
      return NULL;
    }
  q = braid__xcalloc (1, sizeof *q);
  q->magic = BRAID__MAGIC_QUEUE;
  q->maxsize = maxsize;
  q->kind = kind;
  q->compare = compare;
  q->finished = true;
  q->id = braid__object_id_new ();
  braid__object_created (loop, q->id, BRAID_OBJ_QUEUE,
                         kind == BRAID_QUEUE_FIFO   ? "queue"
                         : kind == BRAID_QUEUE_LIFO ? "lifo queue"
                                                    : "priority queue");
  return q;
}

void
braid_queue_free (braid_queue *q)
{
  if (!q)
    return;
  check_queue (q, "braid_queue_free");
  if (q->getters.n + q->putters.n + q->joiners.n > 0)
    braid__abort ("braid_queue_free", "tasks are waiting on the queue");
  braid__forget (q->magic);
  free (q->items);
  free (q);
}

size_t
braid_queue_qsize (const braid_queue *q)
{
  check_queue (q, "braid_queue_qsize");
  return q->n;
}

long
braid_queue_maxsize (const braid_queue *q)
{
  check_queue (q, "braid_queue_maxsize");
  return q->maxsize;
}

bool
braid_queue_empty (const braid_queue *q)
{
  check_queue (q, "braid_queue_empty");
  return q->n == 0;
}

bool
braid_queue_full (const braid_queue *q)
{
  check_queue (q, "braid_queue_full");
  return q->maxsize > 0 && q->n >= (size_t)q->maxsize;
}

/* Makes room for one more item. The FIFO ring is unrolled into the new
 * array so that it starts at 0. */
static void
grow (braid_queue *q)
{
  size_t cap = q->cap ? q->cap * 2 : 8;
  void **items = malloc (cap * sizeof *items);

  if (!items)
    abort ();
  for (size_t i = 0; i < q->n; i++)
    items[i] = q->items[(q->head + i) % (q->cap ? q->cap : 1)];
  free (q->items);
  q->items = items;
  q->cap = cap;
  q->head = 0;
}

static bool
less (const braid_queue *q, void *a, void *b)
{
  return q->compare (a, b) < 0;
}

/* heapq._siftdown. */
static void
sift_down (braid_queue *q, size_t startpos, size_t pos)
{
  void *newitem = q->items[pos];

  while (pos > startpos)
    {
      size_t parentpos = (pos - 1) >> 1;
      void *parent = q->items[parentpos];
      if (!less (q, newitem, parent))
        break;
      q->items[pos] = parent;
      pos = parentpos;
    }
  q->items[pos] = newitem;
}

/* heapq._siftup. */
static void
sift_up (braid_queue *q, size_t pos)
{
  size_t endpos = q->n, startpos = pos;
  void *newitem = q->items[pos];
  size_t childpos = 2 * pos + 1;

  while (childpos < endpos)
    {
      size_t rightpos = childpos + 1;
      if (rightpos < endpos
          && !less (q, q->items[childpos], q->items[rightpos]))
        childpos = rightpos;
      q->items[pos] = q->items[childpos];
      pos = childpos;
      childpos = 2 * pos + 1;
    }
  q->items[pos] = newitem;
  sift_down (q, startpos, pos);
}

static void
put_item (braid_queue *q, void *item)
{
  if (q->n == q->cap)
    grow (q);
  switch (q->kind)
    {
    case BRAID_QUEUE_FIFO:
      q->items[(q->head + q->n) % q->cap] = item;
      q->n++;
      break;
    case BRAID_QUEUE_LIFO:
      q->items[q->n++] = item;
      break;
    case BRAID_QUEUE_PRIORITY:
      q->items[q->n++] = item;
      sift_down (q, 0, q->n - 1);
      break;
    }
}

static void *
get_item (braid_queue *q)
{
  void *item;

  switch (q->kind)
    {
    case BRAID_QUEUE_FIFO:
      item = q->items[q->head];
      q->head = (q->head + 1) % q->cap;
      q->n--;
      return item;
    case BRAID_QUEUE_LIFO:
      return q->items[--q->n];
    default:
      {
        /* heapq.heappop. */
        void *last = q->items[--q->n];
        if (q->n == 0)
          return last;
        item = q->items[0];
        q->items[0] = last;
        sift_up (q, 0);
        return item;
      }
    }
}

/* asyncio's _wakeup_next: pops waiters until one is woken. */
static void
wakeup_next (braid__waiters *list)
{
  braid__waiter *w;

  while ((w = braid__waiters_pop (list)))
    if (braid__waiter_wake (w))
      break;
}

/* Reports that the current task (0 outside any task) got an item from
 * @q or put one into it (@op), after the fact: one predictable branch
 * when no hook is installed. A put into an unbounded queue is left out:
 * no putter waits on it, so nobody can lose the place it took. */
static inline void
report_item (const braid_queue *q, braid_queue_op op)
{
  if (BRAID_UNLIKELY (braid__hooks_active)
      && !(op == BRAID_QUEUE_OP_PUT && q->maxsize <= 0))
    braid__emit_primitive (BRAID_EV_QUEUE_ITEM, q->id, op, (int64_t) q->n);
}

int
braid_queue_put_nowait (braid_queue *q, void *item)
{
  check_queue (q, "braid_queue_put_nowait");
  if (braid_queue_full (q))
    return braid__raise_as (BRAID_QUEUE_FULL, BRAID_EQUEUEFULL, "%s", "");
  put_item (q, item);
  q->unfinished++;
  q->finished = false;
  wakeup_next (&q->getters);
  report_item (q, BRAID_QUEUE_OP_PUT);
  return 0;
}

int
braid_queue_get_nowait (braid_queue *q, void **item)
{
  void *it;

  check_queue (q, "braid_queue_get_nowait");
  if (q->n == 0)
    return braid__raise_as (BRAID_QUEUE_EMPTY, BRAID_EQUEUEEMPTY, "%s", "");
  it = get_item (q);
  if (item)
    *item = it;
  wakeup_next (&q->putters);
  report_item (q, BRAID_QUEUE_OP_GET);
  return 0;
}

int
braid_queue_put (braid_queue *q, void *item)
{
  check_queue (q, "braid_queue_put");
  while (braid_queue_full (q))
    {
      braid__waiter w;
      int rc;

      if (!braid_task_current ())
        return braid__raise_code (BRAID_ENOTASK, "braid_queue_put");
      rc = braid__waiter_wait (&q->putters, &w, BRAID_WAIT_QUEUE, q->id);
      if (rc < 0)
        {
          if (!braid_queue_full (q) && !w.fut_cancelled)
            wakeup_next (&q->putters);
          return rc;
        }
    }
  return braid_queue_put_nowait (q, item);
}

int
braid_queue_get (braid_queue *q, void **item)
{
  check_queue (q, "braid_queue_get");
  while (q->n == 0)
    {
      braid__waiter w;
      int rc;

      if (!braid_task_current ())
        return braid__raise_code (BRAID_ENOTASK, "braid_queue_get");
      rc = braid__waiter_wait (&q->getters, &w, BRAID_WAIT_QUEUE, q->id);
      if (rc < 0)
        {
          if (q->n > 0 && !w.fut_cancelled)
            wakeup_next (&q->getters);
          return rc;
        }
    }
  return braid_queue_get_nowait (q, item);
}

int
braid_queue_task_done (braid_queue *q)
{
  check_queue (q, "braid_queue_task_done");
  if (q->unfinished == 0)
    return braid__raise_as (BRAID_VALUE_ERROR, BRAID_EINVAL,
                            "task_done() called too many times");
  if (--q->unfinished == 0)
    {
      /* asyncio's _finished.set(): wakes every joiner in order. */
      q->finished = true;
      for (braid__waiter *w = q->joiners.head; w; w = w->next)
        braid__waiter_wake (w);
    }
  return 0;
}

int
braid_queue_join (braid_queue *q)
{
  braid__waiter w;

  check_queue (q, "braid_queue_join");
  if (q->unfinished == 0 || q->finished)
    return 0;
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_queue_join");
  if (q->join_id == 0)
    {
      q->join_id = braid__object_id_new ();
      braid__object_created (braid__tls_loop, q->join_id, BRAID_OBJ_QUEUE,
                             "queue join");
    }
  return braid__waiter_wait (&q->joiners, &w, BRAID_WAIT_QUEUE, q->join_id);
}
