/* to_thread_db.c: seed 003's "Database Operations" without a database
 * server: the blocking query runs on the thread pool with braid_to_thread
 * (asyncio.to_thread), and another task runs while it blocks its thread.
 *
 * The article's aiomysql pool needs a MySQL server; the point it makes,
 * that a database call must not hold the loop, is shown here with a query
 * function that blocks its thread for 50 ms and returns fixed rows. In a
 * trace the wait appears as BRAID_WAIT_THREAD on "thread blocking_query".
 * python/to_thread_db.py is the twin. Not hot.
 */
#include <stdio.h>
#include <time.h>

#include <braid/braid.h>

typedef struct row
{
  int id;
  const char *name;
} row;

static const row rows[] = { { 1, "alpha" }, { 2, "beta" }, { 3, "gamma" } };

/* A database call that blocks its thread: it must not run on the loop. */
static void *
blocking_query (void *sql)
{
  (void)sql;
  struct timespec ts = { 0, 50 * 1000 * 1000 };
  nanosleep (&ts, NULL);
  return (void *)rows;
}

static void *
fetch_data (void *arg)
{
  (void)arg;
  braid_print ("Query: SELECT * FROM table\n");
  void *result = NULL;
  if (braid_to_thread (blocking_query, "SELECT * FROM table", &result) < 0)
    return NULL;
  return result;
}

static void *
heartbeat (void *arg)
{
  (void)arg;
  braid_print ("The loop is free while the query runs\n");
  return NULL;
}

static void *
main_task (void *arg)
{
  (void)arg;
  braid_task *tasks[2] = { braid_spawn_named ("fetch_data", fetch_data, NULL),
                           braid_spawn_named ("heartbeat", heartbeat, NULL) };
  void *results[2] = { NULL, NULL };
  int rc = braid_gather_tasks (tasks, 2, results, NULL, BRAID_GATHER_DEFAULT);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  if (rc < 0)
    return NULL;
  const row *r = results[0];
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    braid_print ("(%d, '%s')\n", r[i].id, r[i].name);
  return NULL;
}

int
main (void)
{
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
