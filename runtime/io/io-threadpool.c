/* io-threadpool.c: braid_to_thread, asyncio.to_thread on libuv's thread
 * pool (uv_queue_work).
 *
 * The calling task waits with BRAID_WAIT_THREAD while a pool thread runs
 * the function; the loop keeps running other tasks. A cancellation
 * removes work that has not started (uv_cancel); work already running
 * cannot be interrupted and may use memory of the caller's stack (its
 * argument), so the task stays suspended until it returns, and only then
 * raises CancelledError. Not hot: one allocation per call.
 */
#include <stdlib.h>

#include "io-private.h"

typedef struct work_op
{
  braid__io_op op; /* first: the op is the work_op */
  uv_work_t req;
  braid_thread_fn fn;
  void *arg;
  void *result;
  bool ran;
} work_op;

static void
work_cb (uv_work_t *req)
{
  work_op *w = req->data;
  w->result = w->fn (w->arg);
  w->ran = true;
}

static void
after_work_cb (uv_work_t *req, int status)
{
  work_op *w = req->data;
  braid__io_op_complete (&w->op, status);
}

static bool
work_cancel (braid__io_op *op)
{
  work_op *w = (work_op *)op;
  /* uv_cancel succeeds only for work still queued: it will never run. */
  return uv_cancel ((uv_req_t *)&w->req) == 0;
}

static void
work_free (braid__io_op *op)
{
  free (op);
}

int
braid_to_thread_at (const char *name, braid_thread_fn fn, void *arg,
                    void **result)
{
  if (result)
    *result = NULL;
  braid_task *task = braid_task_current ();
  if (!task)
    return braid__raise_code (BRAID_ENOTASK, "braid_to_thread");
  if (!fn)
    return braid__raise_code (BRAID_EINVAL, "braid_to_thread (NULL "
                                            "function)");
  braid_loop *loop = braid_loop_current ();
  work_op *w = calloc (1, sizeof *w);
  if (!w)
    return braid__raise_code (BRAID_ENOMEM, "braid_to_thread");
  braid__io_op_init (&w->op, loop, work_cancel, work_free);
  w->fn = fn;
  w->arg = arg;
  w->req.data = w;
  uint64_t id = braid__io_object_new (loop, "thread %s", name ? name : "?");
  int rc
      = uv_queue_work (braid_loop_uv (loop), &w->req, work_cb, after_work_cb);
  if (rc < 0)
    {
      braid__io_op_abandon (&w->op);
      braid__io_op_unref (&w->op);
      return braid__io_raise_uv (rc, "braid_to_thread");
    }
  rc = braid__io_op_wait (&w->op, BRAID_WAIT_THREAD, id);
  /* A function that ran hands over its result even when the caller was
   * cancelled meanwhile, so the caller can release it. */
  if (w->op.completed && w->ran && result)
    *result = w->result;
  braid__io_op_unref (&w->op);
  return rc;
}
