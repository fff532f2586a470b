/* taskgroup.c: asyncio.TaskGroup (braid_task_group_*), as CPython 3.11's
 * taskgroups.py.
 *
 * Owns the group: its parent task, its children (references, in spawn
 * order), the errors collected in the order children finish, and the
 * future the exit waits on. Each child has a done callback (asyncio's
 * _on_task_done, run through the ready queue): it counts the child out,
 * completes the exit's future when the last child is out, and on the first
 * failure cancels the other unfinished children (in spawn order) and the
 * parent (rule 24). The exit uncancels the parent when it begins, so the
 * CancelledError the group caused does not escape it. As 3.11 (rule 33),
 * that is decided on entry only: a child failing while the parent already
 * waits in the exit cancels the parent, and its cancelling() stays 1
 * after the group (3.12 uncancels then too).
 *
 * Not hot: one callback per child.
 */
#include <stdio.h>
#include <stdlib.h>

#include "braid-internal.h"

struct braid_task_group
{
  uint64_t id;        /* reported as a BRAID_OBJ_GATHER object "task group" */
  braid_task *parent; /* reference */
  bool exiting, aborting, parent_cancel_requested;
  braid_task **tasks; /* references, spawn order */
  size_t ntasks, captasks;
  size_t pending;       /* children whose done callback has not run */
  braid_error **errors; /* references, finishing order */
  size_t nerrors, caperrors;
  braid_future *on_completed;
  uint32_t magic; /* BRAID__MAGIC_GROUP until braid_task_group_wait */
};

/* Aborts naming @call for a NULL group or one already waited for (and
 * so freed). */
#define check_group(g, call)                                                   \
  braid__check_object (g, call, "task group", (g)->magic == BRAID__MAGIC_GROUP)

braid_task_group *
braid_task_group_new (void)
{
  braid_task *parent = braid_task_current ();
  braid_task_group *g;

  if (!parent)
    {
      braid_raise (BRAID_RUNTIME_ERROR,
                   "TaskGroup cannot determine the parent task");
      return NULL;
    }
  g = braid__xcalloc (1, sizeof *g);
  g->magic = BRAID__MAGIC_GROUP;
  g->parent = braid_task_ref (parent);
  g->id = braid__object_id_new ();
  braid__object_created (NULL, g->id, BRAID_OBJ_GATHER, "task group");
  return g;
}

static void
push_error (braid_task_group *g, braid_error *err)
{
  if (g->nerrors == g->caperrors)
    {
      g->caperrors = g->caperrors ? g->caperrors * 2 : 4;
      g->errors = realloc (g->errors, g->caperrors * sizeof *g->errors);
      if (!g->errors)
        abort ();
    }
  g->errors[g->nerrors++] = braid_error_ref (err);
}

/* asyncio's _abort: cancels every unfinished child. */
static void
group_abort (braid_task_group *g)
{
  g->aborting = true;
  for (size_t i = 0; i < g->ntasks; i++)
    if (!braid_task_done (g->tasks[i]))
      braid_task_cancel (g->tasks[i], NULL);
}

/* asyncio's _on_task_done. */
static void
on_task_done (braid_future *fut, void *data)
{
  braid_task_group *g = data;
  braid_error *err;

  g->pending--;
  if (g->on_completed && g->pending == 0
      && !braid_future_done (g->on_completed))
    braid_future_set_result (g->on_completed, NULL);
  if (braid_future_cancelled (fut))
    return;
  err = braid_future_error (fut);
  if (!err)
    return;
  push_error (g, err);
  if (braid_task_done (g->parent))
    return;
  if (!g->aborting && !g->parent_cancel_requested)
    {
      group_abort (g);
      g->parent_cancel_requested = true;
      braid_task_cancel (g->parent, NULL);
    }
}

braid_task *
braid_task_group_spawn_at (braid_task_group *g, const char *name,
                           braid_task_fn fn, const char *fn_name, void *arg,
                           const char *file, int line)
{
  braid_task *t;

  check_group (g, "braid_task_group_spawn");
  braid__check_arg (fn, "braid_task_group_spawn", "function");
  if (g->exiting && g->pending == 0)
    {
      braid_raise (BRAID_RUNTIME_ERROR, "TaskGroup is finished");
      return NULL;
    }
  if (g->aborting)
    {
      braid_raise (BRAID_RUNTIME_ERROR, "TaskGroup is shutting down");
      return NULL;
    }
  t = braid_spawn_at (NULL, name, fn, fn_name, arg, file, line);
  braid_future_add_done_callback (braid_task_future (t), on_task_done, g);
  if (g->ntasks == g->captasks)
    {
      g->captasks = g->captasks ? g->captasks * 2 : 4;
      g->tasks = realloc (g->tasks, g->captasks * sizeof *g->tasks);
      if (!g->tasks)
        abort ();
    }
  g->tasks[g->ntasks++] = t;
  g->pending++;
  /* The caller gets a reference of its own, as from braid_spawn; the
   * group keeps the one braid_spawn_at made. */
  return braid_task_ref (t);
}

static void
group_free (braid_task_group *g)
{
  for (size_t i = 0; i < g->ntasks; i++)
    braid_task_unref (g->tasks[i]);
  for (size_t i = 0; i < g->nerrors; i++)
    braid_error_unref (g->errors[i]);
  free (g->tasks);
  free (g->errors);
  braid_future_unref (g->on_completed);
  braid_task_unref (g->parent);
  braid__forget (g->magic);
  free (g);
}

int
braid_task_group_wait (braid_task_group *g, int rc)
{
  braid_error *body_err = NULL, *propagate = NULL;
  int out = 0;

  check_group (g, "braid_task_group_wait");
  /* Only the parent can close the block it opened; the children's
   * callbacks still point at the group, so it cannot be freed. */
  if (braid_task_current () != g->parent)
    braid__abort ("braid_task_group_wait",
                  "not called by the task that created the group");
  g->exiting = true;
  if (rc < 0)
    body_err = braid_error_catch (BRAID_BASE_EXCEPTION);
  if (body_err && braid_error_is (body_err, BRAID_CANCELLED_ERROR))
    propagate = braid_error_ref (body_err);
  /* Rule 33: only here, as 3.11's __aexit__. */
  if (g->parent_cancel_requested)
    {
      if (braid_task_uncancel (g->parent) == 0)
        {
          braid_error_unref (propagate);
          propagate = NULL;
        }
    }
  if (body_err && !g->aborting)
    group_abort (g);

  while (g->pending > 0)
    {
      int wrc;
      if (!g->on_completed)
        g->on_completed = braid__future_new_private (NULL);
      wrc = braid__await_as (g->on_completed, BRAID_WAIT_GATHER, g->id, NULL);
      if (wrc < 0)
        {
          braid_error *ex = braid_error_catch (BRAID_BASE_EXCEPTION);
          if (!g->aborting)
            {
              braid_error_unref (propagate);
              propagate = ex;
              group_abort (g);
            }
          else
            braid_error_unref (ex);
        }
      braid_future_unref (g->on_completed);
      g->on_completed = NULL;
    }

  if (propagate && g->nerrors == 0)
    out = braid_reraise (propagate);
  else
    {
      if (body_err && !braid_error_is (body_err, BRAID_CANCELLED_ERROR))
        push_error (g, body_err);
      if (g->nerrors > 0)
        {
          char msg[80];
          braid_error *group;
          /* The text str() gives the ExceptionGroup in Python. */
          snprintf (msg, sizeof msg,
                    "unhandled errors in a TaskGroup (%zu sub-exception%s)",
                    g->nerrors, g->nerrors == 1 ? "" : "s");
          group = braid__error_group_new (msg, g->errors, g->nerrors);
          out = braid_reraise (group);
          braid_error_unref (group);
        }
    }
  braid_error_unref (propagate);
  braid_error_unref (body_err);
  group_free (g);
  return out;
}
