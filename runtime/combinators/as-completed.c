/* as-completed.c: asyncio.as_completed (braid_as_completed_*).
 *
 * Owns the iterator: the distinct futures (references), a FIFO of finished
 * futures in completion order (asyncio's `done` queue, where NULL is the
 * timeout's dummy entry), the futures not finished yet (asyncio's `todo`),
 * the optional timeout timer, and the getter future a waiting next() sleeps
 * on (reported as BRAID_WAIT_WAIT on a BRAID_OBJ_WAIT object). A future
 * finishing queues its callback; the callback appends it to the FIFO and
 * wakes the getter, so a waiting next() resumes two iterations after the
 * future completed, as asyncio's Queue.get does. After the timeout every
 * remaining next() fails with TimeoutError and the futures keep running
 * (ORDERING.md rule 18).
 *
 * Lifetime: the iterator is reference counted: braid_as_completed_free
 * drops the caller's reference; each registered or queued callback and the
 * armed timer hold one.
 *
 * Hot path: on_completion and next, O(1).
 */
#include <stdlib.h>

#include "combinator-private.h"

typedef struct entry
{
  braid_as_completed *it;
  braid_future *future; /* reference */
  bool in_todo;         /* registered and not finished yet */
} entry;

struct braid_as_completed
{
  int refs;
  uint64_t id; /* the BRAID_OBJ_WAIT object */
  braid_loop *loop;
  braid__timer *timer;
  braid_future *getter; /* the waiting next()'s future, or NULL */
  size_t ntodo;
  size_t remaining;    /* results still to be returned */
  braid_future **fifo; /* finished futures; NULL: timeout */
  size_t head, tail;   /* fifo[head..tail) */
  size_t nentries;
  entry entries[];
};

static void
it_unref (braid_as_completed *it)
{
  if (--it->refs > 0)
    return;
  for (size_t i = 0; i < it->nentries; i++)
    braid_future_unref (it->entries[i].future);
  braid_future_unref (it->getter);
  free (it->fifo);
  free (it);
}

/* Queue.put_nowait: append, then wake the waiting getter if any. */
static void
put (braid_as_completed *it, braid_future *future)
{
  it->fifo[it->tail++] = future;
  if (it->getter && !braid_future_done (it->getter))
    braid_future_set_result (it->getter, NULL);
}

static void
on_completion (braid_future *future, void *data)
{
  entry *e = data;
  braid_as_completed *it = e->it;

  /* After the timeout, todo is empty: the timeout was here first. */
  if (e->in_todo)
    {
      e->in_todo = false;
      it->ntodo--;
      put (it, e->future);
      if (it->ntodo == 0 && it->timer)
        {
          braid__timer_cancel (it->timer);
          it->timer = NULL;
          it_unref (it);
        }
    }
  it_unref (it);
}

/* asyncio's _on_timeout: one dummy entry per future still to come. */
static void
on_timeout (void *data)
{
  braid_as_completed *it = data;

  it->timer = NULL;
  for (size_t i = 0; i < it->nentries; i++)
    {
      entry *e = &it->entries[i];
      if (!e->in_todo)
        continue;
      e->in_todo = false;
      if (braid_future_remove_done_callback (e->future, on_completion, e) > 0)
        it_unref (it);
      put (it, NULL);
    }
  it->ntodo = 0;
  it_unref (it);
}

braid_as_completed *
braid_as_completed_new (braid_future *const *futures, size_t n, double timeout)
{
  braid_as_completed *it;
  uint64_t delay_ns;
  bool *first;
  int rc = 0;

  if (n > 0 && !futures)
    {
      braid__raise_code (BRAID_EINVAL, "braid_as_completed_new");
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    if (!futures[i])
      {
        braid__raise_code (BRAID_EINVAL, "braid_as_completed_new");
        return NULL;
      }
  delay_ns = braid__seconds_to_ns (timeout, &rc);
  if (rc < 0)
    return NULL;

  it = calloc (1, sizeof *it + n * sizeof it->entries[0]);
  if (!it)
    goto fail;
  it->fifo = calloc (n ? n : 1, sizeof *it->fifo);
  if (!it->fifo)
    goto fail_it;
  it->refs = 1;
  it->loop = n ? braid__future_loop (futures[0]) : braid_loop_current ();

  /* asyncio iterates set(fs): each distinct future once. */
  first = malloc ((n ? n : 1) * sizeof *first);
  if (!first || braid__dedup_futures (futures, n, first) == (size_t)-1)
    {
      free (first);
      free (it->fifo);
      goto fail_it;
    }
  for (size_t i = 0; i < n; i++)
    if (first[i])
      it->entries[it->nentries++]
          = (entry){ it, braid_future_ref (futures[i]), true };
  free (first);
  it->ntodo = it->remaining = it->nentries;

  it->id = braid__object_id_new ();
  if (it->loop)
    braid__object_created (it->loop, it->id, BRAID_OBJ_WAIT, "as_completed");
  for (size_t j = 0; j < it->nentries; j++)
    {
      it->refs++;
      braid_future_add_done_callback (it->entries[j].future, on_completion,
                                      &it->entries[j]);
    }
  if (it->nentries > 0 && delay_ns != UINT64_MAX)
    {
      it->refs++;
      it->timer = braid__call_later (it->loop, delay_ns, on_timeout, it);
    }
  return it;

fail_it:
  free (it);
fail:
  braid__raise_code (BRAID_ENOMEM, "braid_as_completed_new");
  return NULL;
}

braid_as_completed *
braid_as_completed_new_tasks (braid_task *const *tasks, size_t n,
                              double timeout)
{
  braid_future **futures;
  braid_as_completed *it;

  if (n == 0)
    return braid_as_completed_new (NULL, 0, timeout);
  if (!tasks)
    {
      braid__raise_code (BRAID_EINVAL, "braid_as_completed_new_tasks");
      return NULL;
    }
  futures = malloc (n * sizeof *futures);
  if (!futures)
    {
      braid__raise_code (BRAID_ENOMEM, "braid_as_completed_new_tasks");
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (!tasks[i])
        {
          free (futures);
          braid__raise_code (BRAID_EINVAL, "braid_as_completed_new_tasks");
          return NULL;
        }
      futures[i] = braid_task_future (tasks[i]);
    }
  it = braid_as_completed_new (futures, n, timeout);
  free (futures);
  return it;
}

size_t
braid_as_completed_remaining (const braid_as_completed *it)
{
  return it ? it->remaining : 0;
}

int
braid_as_completed_next (braid_as_completed *it, braid_future **which,
                         void **result)
{
  braid_future *f;

  if (which)
    *which = NULL;
  if (!it || it->remaining == 0)
    return braid__raise_code (BRAID_EINVALSTATE, "braid_as_completed_next");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_as_completed_next");

  /* Queue.get: wait while the queue is empty; a non-empty queue does not
   * suspend. */
  while (it->head == it->tail)
    {
      int rc;
      braid_future *getter = braid__future_new_private (it->loop);
      it->getter = getter;
      rc = braid__await_as (getter, BRAID_WAIT_WAIT, it->id, NULL);
      it->getter = NULL;
      if (rc < 0)
        {
          braid_future_cancel (getter, NULL);
          braid_future_unref (getter);
          return rc;
        }
      braid_future_unref (getter);
    }

  f = it->fifo[it->head++];
  it->remaining--;
  if (!f)
    return braid_raise (BRAID_TIMEOUT_ERROR,
                        "braid_as_completed_next: the timeout passed");
  if (which)
    *which = f;
  return braid_future_result (f, result);
}

void
braid_as_completed_free (braid_as_completed *it)
{
  if (!it)
    return;
  /* Disarm the timer now: nobody will read what it would queue. The
   * callbacks stay registered (they hold their own references) so the
   * iterator's memory outlives them. */
  if (it->timer)
    {
      braid__timer_cancel (it->timer);
      it->timer = NULL;
      it_unref (it);
    }
  for (size_t i = 0; i < it->nentries; i++)
    {
      entry *e = &it->entries[i];
      if (e->in_todo
          && braid_future_remove_done_callback (e->future, on_completion, e)
                 > 0)
        {
          e->in_todo = false;
          it->ntodo--;
          it_unref (it);
        }
    }
  it_unref (it);
}
