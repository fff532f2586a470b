/* run.c: braid_run, asyncio.run: a new loop, the main task, and at the end
 * the cancellation of every task still pending (awaited as a gather with
 * return_exceptions would), then the loop's close (ORDERING.md rule 26).
 *
 * Hot path: none.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

#include "braid-private.h"

typedef struct shutdown
{
  size_t left;
  braid_future *all;
} shutdown_ctx;

static void
shutdown_done (braid_future *f, void *data)
{
  shutdown_ctx *ctx = data;
  /* As gather with return_exceptions: the error counts as read. */
  if (f->state == FUT_ERROR)
    f->retrieved = true;
  if (--ctx->left == 0 && !braid_future_done (ctx->all))
    braid_future_set_result (ctx->all, NULL);
}

/* Cancels every pending task of @loop and runs the loop until they are
 * done (asyncio.runners._cancel_all_tasks). */
static void
cancel_all (braid_loop *loop)
{
  size_t n = 0;
  for (braid_task *t = loop->tasks; t; t = t->next)
    if (t->fut.state == FUT_PENDING)
      n++;
  if (n == 0)
    return;
  braid_task **tasks = braid__xcalloc (n, sizeof *tasks);
  size_t i = n;
  /* The list is newest first: fill from the end for creation order. */
  for (braid_task *t = loop->tasks; t; t = t->next)
    if (t->fut.state == FUT_PENDING)
      tasks[--i] = braid_task_ref (t);
  for (i = 0; i < n; i++)
    braid_task_cancel (tasks[i], NULL);
  shutdown_ctx ctx = { n, braid_future_new (loop) };
  for (i = 0; i < n; i++)
    braid_future_add_done_callback (&tasks[i]->fut, shutdown_done, &ctx);
  int rc = braid_loop_run_until_complete (loop, ctx.all, NULL);
  if (rc < 0)
    braid_error_clear ();
  for (i = 0; i < n; i++)
    {
      braid_task *t = tasks[i];
      braid_future_remove_done_callback (&t->fut, shutdown_done, &ctx);
      if (t->fut.state == FUT_ERROR)
        {
          fprintf (stderr,
                   "braid: unhandled error during braid_run() shutdown in "
                   "%s: ",
                   braid_task_name (t));
          braid_error_print (t->fut.error, stderr);
        }
      braid_task_unref (t);
    }
  braid_future_unref (ctx.all);
  free (tasks);
}

int
braid_run (braid_task_fn main_fn, void *arg, void **result)
{
  if (!main_fn)
    braid__abort ("braid_run", "NULL main function");
  if (braid__tls_loop || braid__tls_task)
    return braid__raise_code (BRAID_EBUSY, "braid_run (called from a running "
                                           "loop)");
  braid_loop *loop = braid_loop_new ();
  if (!loop)
    return braid__raise_code (BRAID_ENOMEM, "braid_run");
  const char *fn_name = "main";
  Dl_info info;
  if (dladdr ((void *)main_fn, &info) && info.dli_sname
      && info.dli_saddr == (void *)main_fn)
    fn_name = info.dli_sname;
  braid_task *main_task
      = braid_spawn_at (loop, NULL, main_fn, fn_name, arg, "braid_run", 0);
  int rc = braid_loop_run_until_complete (loop, &main_task->fut, result);
  braid_error *err = rc < 0 ? braid__error_steal_current () : NULL;
  cancel_all (loop);
  /* asyncio.run then closes the async generators left suspended at a
   * yield, so their cleanup runs (rule 26). */
  braid__agen_shutdown (loop);
  braid_error_clear ();
  braid_task_unref (main_task);
  braid_loop_close (loop);
  if (err)
    braid__error_set_current (err);
  return rc;
}
