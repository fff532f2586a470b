/* io-op.c: how a task waits on a libuv or libcurl request
 * (braid__io_op), shared by every io-*.c file.
 *
 * The wait is an ordinary braid__await_as on the op's future, so a
 * completion from a libuv callback wakes the task through the ready queue
 * (the loop's ordering), and a cancellation reaches the op through the
 * future's cancel override. See io-private.h for the ownership rules.
 * Not hot: one op per I/O call.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io-private.h"

static bool
op_cancel_fn (braid_future *f, const char *msg, void *data)
{
  braid__io_op *op = data;
  op->cancelled = true;
  if (op->cancel && !op->cancel (op))
    {
      /* The work still owns the caller's memory: wait for its completion,
       * which delivers the cancellation. */
      free (op->cancel_msg);
      op->cancel_msg = msg ? strdup (msg) : NULL;
      return true;
    }
  /* The work can no longer touch the caller: end the wait now. The
   * completer, if it still runs, finds op->fut gone. */
  braid__future_set_cancel_fn (f, NULL, NULL);
  op->fut = NULL;
  bool r = braid_future_cancel (f, msg);
  braid_future_unref (f);
  return r;
}

void
braid__io_op_init (braid__io_op *op, braid_loop *loop,
                   braid__io_cancel_fn cancel, braid__io_free_fn free_fn)
{
  op->fut = braid__future_new_private (loop);
  op->cancel = cancel;
  op->free = free_fn;
  op->refs = 2;
  braid__future_set_cancel_fn (op->fut, op_cancel_fn, op);
  /* A cancellation the op defers leaves work that may still use the
   * caller's memory: a loop closing must wait for it. */
  braid__future_set_close_wait (op->fut, true);
}

int
braid__io_op_wait (braid__io_op *op, braid_wait_reason reason,
                   uint64_t object_id)
{
  braid_future *f = braid_future_ref (op->fut);
  int rc = braid__await_as (f, reason, object_id, NULL);
  braid_future_unref (f);
  if (rc < 0)
    return rc;
  return 0;
}

void
braid__io_op_complete (braid__io_op *op, int status)
{
  op->status = status;
  op->completed = true;
  braid_future *f = op->fut;
  if (f)
    {
      /* This runs inside uv_run. A completion from a libuv timer (a
       * libcurl timeout, a transfer libcurl fails in its timer callback)
       * comes before libuv computes its poll timeout: with another
       * handle open, the poll would then block although the woken task
       * is ready. Stopping the loop makes that poll return at once. */
      uv_stop (braid_loop_uv (braid__future_loop (f)));
      op->fut = NULL;
      braid__future_set_cancel_fn (f, NULL, NULL);
      if (op->cancelled)
        braid_future_cancel (f, op->cancel_msg);
      else
        braid_future_set_result (f, NULL);
      braid_future_unref (f);
    }
  braid__io_op_unref (op);
}

void
braid__io_op_unref (braid__io_op *op)
{
  if (--op->refs > 0)
    return;
  if (op->fut)
    {
      braid__future_set_cancel_fn (op->fut, NULL, NULL);
      braid_future_unref (op->fut);
      op->fut = NULL;
    }
  free (op->cancel_msg);
  op->cancel_msg = NULL;
  op->free (op);
}

void
braid__io_op_abandon (braid__io_op *op)
{
  if (op->fut)
    {
      braid__future_set_cancel_fn (op->fut, NULL, NULL);
      braid_future_unref (op->fut);
      op->fut = NULL;
    }
  braid__io_op_unref (op);
}

int
braid__io_raise_uv (int status, const char *what)
{
  return braid__raise_code (status, what);
}

uint64_t
braid__io_object_new (braid_loop *loop, const char *fmt, ...)
{
  char name[256];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (name, sizeof name, fmt, ap);
  va_end (ap);
  uint64_t id = braid__object_id_new ();
  braid__object_created (loop, id, BRAID_OBJ_IO, name);
  return id;
}
