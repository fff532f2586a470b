/* deadlock_locks.c: the mistake locks are known for, a deadlock, as
 * samples/python/deadlock_locks.py. The article on Python asyncio (seed
 * 000) names locks among its advanced techniques without a program; here
 * worker_a takes lock_a then wants lock_b while worker_b takes lock_b then
 * wants lock_a, and reporter waits on an event worker_a would set once it
 * is done. Nothing can move again: worker_a and worker_b wait on each
 * other in a cycle, and reporter waits on the first of them.
 *
 * braid's runtime sees it: when no task can run and nothing (a timer, I/O,
 * a thread) can wake any of them, braid_run reports every waiting task on
 * stderr ("braid: deadlock: ..." and what each waits on), cancels them as
 * asyncio.run cancels what is left, and fails with BRAID_EDEADLK. The
 * program says so on stdout and exits 0: the deadlock is what it is for
 * (any other failure exits 1). asyncio has no such check and would wait
 * forever, so the twin's main gives the tasks a time limit instead and
 * prints the same line when it runs out.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests,
 * and the deadlock that `braid problems` and the viewer are tested on.
 */
#include <stdbool.h>
#include <stdio.h>

#include <braid/braid.h>

static braid_lock *lock_a, *lock_b;
/* Set by worker_a once it has had both locks. */
static braid_async_event *finished;

/* What a worker takes, in its order, and the event it sets when done
 * (NULL: none). Pointers to the objects, which main_task makes. */
typedef struct worker_role
{
  const char *name;
  braid_lock **first, **second;
  const char *first_name, *second_name;
  braid_async_event **finished;
} worker_role;

static const worker_role roles[2] = {
  { "worker_a", &lock_a, &lock_b, "lock_a", "lock_b", &finished },
  { "worker_b", &lock_b, &lock_a, "lock_b", "lock_a", NULL },
};

/* worker: takes its first lock, lets the other worker take its own, then
 * wants its second lock while still holding the first. */
static void *
worker (void *arg)
{
  const worker_role *w = arg;
  bool took_both = false;

  if (braid_lock_acquire (*w->first) < 0)
    return NULL;
  braid_print ("%s: took %s\n", w->name, w->first_name);
  /* Let the other worker take its first lock. */
  if (braid_sleep (0) == 0)
    {
      braid_print ("%s: wants %s\n", w->name, w->second_name);
      if (braid_lock_acquire (*w->second) == 0)
        {
          /* Never reached: the other worker holds it and wants ours. */
          braid_print ("%s: took both\n", w->name);
          braid_lock_release (*w->second);
          took_both = true;
        }
    }
  braid_lock_release (*w->first);
  if (took_both && w->finished)
    braid_event_set (*w->finished);
  return NULL;
}

/* reporter: waits until worker_a is done. */
static void *
reporter (void *arg)
{
  braid_print ("reporter: waits for worker_a\n");
  if (braid_event_wait (finished) < 0)
    return NULL;
  braid_print ("reporter: worker_a is done\n");
  return NULL;
}

/* main_task: starts the two workers and the reporter, and gathers them. */
static void *
main_task (void *arg)
{
  braid_task *tasks[3];

  /* Made here, in the loop, so that traces record them. */
  lock_a = braid_lock_new (NULL);
  lock_b = braid_lock_new (NULL);
  finished = braid_event_new (NULL);
  for (int i = 0; i < 2; i++)
    tasks[i] = braid_spawn_named (roles[i].name, worker, (void *)&roles[i]);
  tasks[2] = braid_spawn_named ("reporter", reporter, NULL);
  braid_gather_tasks (tasks, 3, NULL, NULL, BRAID_GATHER_DEFAULT);
  for (int i = 0; i < 3; i++)
    braid_task_unref (tasks[i]);
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
  int rc = braid_run (main_task, NULL, NULL);
  /* Freed here, once braid_run has cancelled every task: none waits on
   * them any more. */
  braid_lock_free (lock_a);
  braid_lock_free (lock_b);
  braid_event_free (finished);
  if (rc < 0 && braid_error_code (braid_error_current ()) == BRAID_EDEADLK)
    {
      braid_error_clear ();
      braid_print ("main: deadlock: worker_a and worker_b each hold the "
                   "lock the other wants\n");
      return 0;
    }
  if (rc < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  braid_print ("main: no deadlock\n");
  return 0;
}
