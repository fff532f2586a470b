/* db_management.c: "Async Context Managers" of the asyncio guide (seed
 * 003), as samples/python/db_management.py: a context manager that stops
 * the database on entry and starts it again in a finally block, so that
 * it restarts even when the body raises.
 *
 * C has no `async with`; the @contextlib.asynccontextmanager becomes a
 * scoped helper, with_db_management(body, arg), that runs the generator's
 * code around a call of the body: the try, the yield (the call), and the
 * finally, which runs with the body's error held aside and then raises it
 * again. The guide leaves stop_database and start_database undefined; here
 * each prints and sleeps 0.1 s. main uses the manager around a body that
 * completes and around one that raises, whose error is caught after the
 * database has been started again.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* stop_database: prints, sleeps 0.1 s, prints. Returns 0 or the sleep's
 * code (cancelled). */
static int
stop_database (void)
{
  int rc;

  braid_print ("stopping the database\n");
  rc = braid_sleep (0.1);
  if (rc == 0)
    braid_print ("database stopped\n");
  return rc;
}

/* start_database: as stop_database. */
static int
start_database (void)
{
  int rc;

  braid_print ("starting the database\n");
  rc = braid_sleep (0.1);
  if (rc == 0)
    braid_print ("database started\n");
  return rc;
}

/* The body of an `async with db_management():` block: returns 0 or a
 * negative code with its error current. */
typedef int (*db_body_fn) (void *arg);

/* with_db_management: `async with db_management(): body(arg)`, the
 * generator being
 *
 *   try:
 *       await stop_database()
 *       yield
 *   finally:
 *       await start_database()
 *
 * The body runs only if stopping succeeded. The finally part always runs;
 * while it does, the error of the try part (if any) is held aside, not
 * current, so that start_database's awaits work as after Python's except
 * clause, and it is raised again afterwards. An error of start_database
 * itself replaces it (Python keeps the held one as its __context__; here
 * it is dropped). Returns 0 or the code of the error left current. */
static int
with_db_management (db_body_fn body, void *arg)
{
  braid_error *held = NULL;
  int rc = stop_database ();

  if (rc == 0)
    rc = body (arg); /* yield */
  if (rc < 0)
    held = braid_error_catch (BRAID_BASE_EXCEPTION);

  /* finally: */
  rc = start_database ();
  if (rc == 0 && held != NULL)
    rc = braid_reraise (held);
  braid_error_unref (held);
  return rc;
}

/* compact_tables: a body that completes after 0.5 s. */
static int
compact_tables (void *arg)
{
  int rc;

  (void)arg;
  braid_print ("maintenance: compacting tables\n");
  rc = braid_sleep (0.5);
  if (rc == 0)
    braid_print ("maintenance: done\n");
  return rc;
}

/* migrate_schema: a body that raises RuntimeError. */
static int
migrate_schema (void *arg)
{
  (void)arg;
  braid_print ("maintenance: migrating the schema\n");
  return braid_raise (BRAID_RUNTIME_ERROR, "the migration failed");
}

static void *
main_task (void *arg)
{
  braid_error *e;

  (void)arg;
  if (with_db_management (compact_tables, NULL) < 0)
    return NULL;
  if (with_db_management (migrate_schema, NULL) < 0)
    {
      e = braid_error_catch (BRAID_RUNTIME_ERROR);
      if (e == NULL)
        return NULL;
      braid_print ("caught after the restart: %s\n", braid_error_message (e));
      braid_error_unref (e);
    }
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
