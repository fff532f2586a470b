/* safe_operation.c: "Error Handling" of the asyncio guide (seed 003), as
 * samples/python/safe_operation.py: safe_operation awaits risky_operation
 * and, if it raises, prints "Error occurred: ..." and returns None (NULL,
 * printed as Python prints None).
 *
 * The guide leaves risky_operation undefined; here it sleeps 0.1 s and
 * either returns a result or raises ValueError, as its argument says, and
 * safe_operation passes that argument on. main runs it both ways.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdbool.h>
#include <stdio.h>

#include <braid/braid.h>

/* risky_operation: sleeps 0.1 s, then raises ValueError if @fail, else
 * returns a static string. Returns NULL with the error current on
 * failure. */
static const char *
risky_operation (bool fail)
{
  if (braid_sleep (0.1) < 0)
    return NULL;
  if (fail)
    {
      braid_raise (BRAID_VALUE_ERROR, "the risky operation failed");
      return NULL;
    }
  return "risky result";
}

/* safe_operation: the guide's try/except Exception. Returns the result,
 * or NULL (None) after printing the error. A cancellation is not an
 * Exception: it is left current (NULL returned), as Python lets
 * CancelledError through `except Exception`. */
static const char *
safe_operation (bool fail)
{
  const char *result = risky_operation (fail);
  braid_error *e;

  if (result != NULL)
    return result;
  e = braid_error_catch (BRAID_EXCEPTION);
  if (e != NULL)
    {
      braid_print ("Error occurred: %s\n", braid_error_message (e));
      braid_error_unref (e);
    }
  return NULL;
}

/* py_str: a string or NULL as Python's str() prints it. */
static const char *
py_str (const char *s)
{
  return s != NULL ? s : "None";
}

static void *
main_task (void *arg)
{
  const char *result;

  (void)arg;
  result = safe_operation (false);
  if (braid_error_current () != NULL)
    return NULL;
  braid_print ("safe_operation(fail=False) returned %s\n", py_str (result));
  result = safe_operation (true);
  if (braid_error_current () != NULL)
    return NULL;
  braid_print ("safe_operation(fail=True) returned %s\n", py_str (result));
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
