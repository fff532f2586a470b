/* async_iterator.c: the "Async Iterators" and "Async Generators" sections
 * of the asyncio guide (seed 003), as samples/python/async_iterator.py:
 * the same rows streamed by an iterator object (an async __anext__ is a
 * plain C function here: it runs in the caller's task and its awaits
 * suspend the caller) and by an async generator, record_streamer
 * (braid_agen). coroutine() sleeps 0.1 s and returns the number of calls
 * so far times 10.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdint.h>
#include <stdio.h>

#include <braid/braid.h>

static int calls;

/* coroutine: the guide's undefined coroutine(). Returns the value, or a
 * negative code when cancelled. */
static int
coroutine (void)
{
  int rc = braid_sleep (0.1);

  if (rc < 0)
    return rc;
  calls++;
  return calls * 10;
}

/* class AsyncIterator. */
typedef struct async_iterator
{
  int current_row;
  int max_rows;
} async_iterator;

typedef struct row
{
  int index;
  int value;
} row;

/* AsyncIterator.__anext__: 0 with a row, BRAID_ESTOP (StopAsyncIteration
 * raised, as a generator's next() raises it) at the end, or the error of
 * coroutine(). */
static int
async_iterator_next (async_iterator *it, row *out)
{
  if (it->current_row < it->max_rows)
    {
      int value = coroutine ();
      if (value < 0)
        return value;
      out->index = it->current_row;
      out->value = value;
      it->current_row++;
      return 0;
    }
  return braid_raise (BRAID_STOP_ASYNC_ITERATION, NULL);
}

/* async def record_streamer(max_rows): yields pointers to its rows. */
static void
record_streamer (braid_agen *gen, void *arg)
{
  int max_rows = (int)(intptr_t)arg;
  int current_row = 0;
  row r;

  while (current_row < max_rows)
    {
      int value = coroutine ();
      if (value < 0)
        return;
      r.index = current_row;
      r.value = value;
      current_row++;
      if (braid_agen_yield (gen, &r) < 0)
        return;
    }
}

static void *
main_task (void *arg)
{
  async_iterator it = { 0, 3 };
  braid_agen *gen;
  row r;
  void *p;
  int rc;

  while ((rc = async_iterator_next (&it, &r)) == 0)
    braid_print ("iterator row (%d, %d)\n", r.index, r.value);
  if (rc != BRAID_ESTOP)
    return NULL;
  braid_error_clear (); /* StopAsyncIteration ends `async for` */

  gen = braid_agen_new (record_streamer, (void *)(intptr_t)3);
  while ((rc = braid_agen_next (gen, &p)) == 0)
    braid_print ("generator row (%d, %d)\n", ((row *)p)->index,
                 ((row *)p)->value);
  braid_agen_free (gen);
  if (rc != BRAID_ESTOP)
    return NULL;
  braid_error_clear (); /* StopAsyncIteration ends the loop */
  braid_print ("coroutine calls: %d\n", calls);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    {
      fprintf (stderr, "usage: %s\n", argv[0]);
      return 2;
    }
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
