/* prim-program.c: programs with known answers for `braid report
 * --primitives` and the deadlock holders of `braid problems`
 * (test-primitives.c).
 *
 *   fair       Three workers w1, w2, w3 (spawned in that order) contend,
 *              one after the other, for a lock, a semaphore of 1, a
 *              condition, a queue and an event. Each primitive is first
 *              taken or emptied by the main task, so the three wait on it
 *              in the order w1, w2, w3, and braid (FIFO) serves them in
 *              that order. The lock and the semaphore are each acquired
 *              4 times (main once, each worker once).
 *   deadlock   Tasks 'alpha' and 'beta': alpha takes lock 'first', beta
 *              lock 'second'; both yield, then alpha wants 'second' and
 *              beta 'first'. The main task gathers them: a deadlock whose
 *              cycle is alpha -> second -> beta -> first -> alpha.
 *              Exits 0 when the run ends in that deadlock.
 *   robbed     Two queues where a woken waiter loses what it was woken
 *              for to a task that never waited. 'getter' waits on the
 *              empty queue 'jobs'; the main task puts an item, which
 *              wakes it, but 'thief', ready before it, takes the item
 *              with get_nowait, so getter finds the queue empty and
 *              waits again until the main task puts a second item. Then
 *              'putter' waits to put into the full bounded queue 'slots'
 *              (maxsize 1); the main task gets its item, which wakes
 *              putter, but 'sneak', ready before it, fills the place
 *              with put_nowait, so putter waits again until the main
 *              task gets once more. Each queue has one robbed wait.
 *
 * Nothing here is hot.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <braid/braid.h>

static braid_lock *lock;
static braid_semaphore *sem;
static braid_condition *cond;
static braid_queue *queue;
static braid_async_event *event;
static bool ready;

static void *
worker (void *arg)
{
  const char *name = arg;
  void *item;
  if (braid_lock_acquire (lock) < 0)
    return NULL;
  braid_print ("%s has the lock\n", name);
  braid_lock_release (lock);
  if (braid_semaphore_acquire (sem) < 0)
    return NULL;
  braid_print ("%s has the permit\n", name);
  braid_semaphore_release (sem);
  if (braid_condition_acquire (cond) < 0)
    return NULL;
  while (!ready)
    if (braid_condition_wait (cond) < 0)
      return NULL;
  braid_print ("%s was notified\n", name);
  braid_condition_release (cond);
  if (braid_queue_get (queue, &item) < 0)
    return NULL;
  braid_print ("%s got %s\n", name, (const char *)item);
  if (braid_event_wait (event) < 0)
    return NULL;
  braid_print ("%s saw the event\n", name);
  return NULL;
}

/* Lets every worker run until it waits on what it reached. */
static void
let_them_wait (void)
{
  for (int i = 0; i < 3; i++)
    braid_sleep (0);
}

static void *
fair_main (void *arg)
{
  static const char *const names[] = { "w1", "w2", "w3" };
  static const char *const items[] = { "a", "b", "c" };
  braid_task *tasks[3];
  (void)arg;
  lock = braid_lock_new (NULL);
  sem = braid_semaphore_new (NULL, 1);
  cond = braid_condition_new (NULL, NULL);
  queue = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  event = braid_event_new (NULL);
  braid_lock_acquire (lock);
  braid_semaphore_acquire (sem);
  for (int i = 0; i < 3; i++)
    tasks[i] = braid_spawn_named (names[i], worker, (void *)names[i]);
  let_them_wait (); /* all three wait on the lock */
  braid_lock_release (lock);
  let_them_wait (); /* ... then on the semaphore */
  braid_semaphore_release (sem);
  let_them_wait (); /* ... then on the condition */
  braid_condition_acquire (cond);
  ready = true;
  braid_condition_notify_all (cond);
  braid_condition_release (cond);
  let_them_wait (); /* ... then on the queue */
  for (int i = 0; i < 3; i++)
    braid_queue_put (queue, (void *)items[i]);
  let_them_wait (); /* ... then on the event */
  braid_event_set (event);
  braid_gather_tasks (tasks, 3, NULL, NULL, BRAID_GATHER_DEFAULT);
  for (int i = 0; i < 3; i++)
    braid_task_unref (tasks[i]);
  return NULL;
}

static braid_lock *first, *second;
/* alpha and beta, released by main() once the run is over: after the
 * deadlock the run cancels them, and they end only then. */
static braid_task *crossers[2];

static void *
crossing (void *arg)
{
  bool alpha = strcmp (arg, "alpha") == 0;
  braid_lock *mine = alpha ? first : second;
  braid_lock *theirs = alpha ? second : first;
  if (braid_lock_acquire (mine) < 0)
    return NULL;
  braid_sleep (0);
  if (braid_lock_acquire (theirs) < 0)
    {
      braid_lock_release (mine);
      return NULL;
    }
  braid_lock_release (theirs);
  braid_lock_release (mine);
  return NULL;
}

static void *
deadlock_main (void *arg)
{
  (void)arg;
  first = braid_lock_new (NULL);
  second = braid_lock_new (NULL);
  crossers[0] = braid_spawn_named ("alpha", crossing, "alpha");
  crossers[1] = braid_spawn_named ("beta", crossing, "beta");
  braid_gather_tasks (crossers, 2, NULL, NULL, BRAID_GATHER_DEFAULT);
  return NULL;
}

static braid_queue *jobs, *slots;

static void *
getter (void *arg)
{
  void *item;
  (void)arg;
  if (braid_queue_get (jobs, &item) < 0)
    return NULL;
  braid_print ("getter got %s\n", (const char *)item);
  return NULL;
}

static void *
thief (void *arg)
{
  void *item;
  (void)arg;
  if (braid_queue_get_nowait (jobs, &item) == 0)
    braid_print ("thief took %s\n", (const char *)item);
  return NULL;
}

static void *
putter (void *arg)
{
  (void)arg;
  if (braid_queue_put (slots, "p") == 0)
    braid_print ("putter put p\n");
  return NULL;
}

static void *
sneak (void *arg)
{
  (void)arg;
  if (braid_queue_put_nowait (slots, "s") == 0)
    braid_print ("sneak put s\n");
  return NULL;
}

static void *
robbed_main (void *arg)
{
  braid_task *tasks[4];
  void *item;
  (void)arg;
  jobs = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  slots = braid_queue_new (NULL, 1, BRAID_QUEUE_FIFO, NULL);
  tasks[0] = braid_spawn_named ("getter", getter, NULL);
  braid_sleep (0); /* getter waits on the empty queue */
  tasks[1] = braid_spawn_named ("thief", thief, NULL);
  braid_queue_put_nowait (jobs, "a"); /* wakes getter, behind thief */
  /* thief takes a; getter finds the queue empty and waits again */
  braid_sleep (0);
  braid_queue_put_nowait (jobs, "b");
  braid_sleep (0); /* getter gets b */

  braid_queue_put_nowait (slots, "m");
  tasks[2] = braid_spawn_named ("putter", putter, NULL);
  braid_sleep (0); /* putter waits on the full queue */
  tasks[3] = braid_spawn_named ("sneak", sneak, NULL);
  braid_queue_get_nowait (slots, &item); /* wakes putter, behind sneak */
  /* sneak puts s; putter finds the queue full and waits again */
  braid_sleep (0);
  braid_queue_get_nowait (slots, &item);
  braid_gather_tasks (tasks, 4, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_queue_get_nowait (slots, &item);
  for (int i = 0; i < 4; i++)
    braid_task_unref (tasks[i]);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 2
      || (strcmp (argv[1], "fair") != 0 && strcmp (argv[1], "deadlock") != 0
          && strcmp (argv[1], "robbed") != 0))
    {
      fprintf (stderr, "usage: %s fair|deadlock|robbed\n", argv[0]);
      return 2;
    }
  bool fair = strcmp (argv[1], "fair") == 0;
  bool robbed = strcmp (argv[1], "robbed") == 0;
  int rc = braid_run (robbed ? robbed_main
                      : fair ? fair_main
                             : deadlock_main,
                      NULL, NULL);
  braid_queue_free (jobs);
  braid_queue_free (slots);
  if (robbed)
    return rc < 0 ? 1 : 0;
  for (int i = 0; i < 2; i++)
    braid_task_unref (crossers[i]);
  braid_lock_free (first);
  braid_lock_free (second);
  braid_lock_free (lock);
  braid_semaphore_free (sem);
  braid_condition_free (cond);
  braid_queue_free (queue);
  braid_event_free (event);
  /* Each mode ends as planned with 0: the deadlock one by failing with
   * the deadlock (braid reports it on stderr). */
  if (fair)
    return rc < 0 ? 1 : 0;
  return rc < 0 ? 0 : 1;
}
