/* test-core-util.h: what the core's tests share.
 *
 * A log of words that tasks append in the order they run ("|" marks the
 * start of each loop iteration, from the ITERATION_BEGIN hook event),
 * compared as one string with what the Python twin of the same program
 * prints (tests/runtime/python/core_rules.py); and a runner that runs a
 * main task on a fresh loop until it finishes, then closes the loop.
 */
#ifndef TEST_CORE_UTIL_H
#define TEST_CORE_UTIL_H

#include <glib.h>
#include <stdarg.h>

#include <braid/braid.h>
#include "plain-hook.h"

#pragma GCC diagnostic ignored "-Wunused-function"

static GString *core_log;
static bool core_mark_iterations;
static int core_count_never_retrieved;
static int core_count_destroyed_pending;

static void note (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* Appends one word to the log, space separated. */
static void
note (const char *fmt, ...)
{
  va_list ap;
  if (!core_log)
    core_log = g_string_new (NULL);
  if (core_log->len > 0)
    g_string_append_c (core_log, ' ');
  va_start (ap, fmt);
  g_string_append_vprintf (core_log, fmt, ap);
  va_end (ap);
}

static void
core_hook_plain (void *user_data, const braid_event *ev)
{
  (void)user_data;
  if (ev->kind == BRAID_EV_ITERATION_BEGIN && core_mark_iterations)
    note ("|");
  else if (ev->kind == BRAID_EV_ERROR_NEVER_RETRIEVED)
    core_count_never_retrieved++;
  else if (ev->kind == BRAID_EV_TASK_DESTROYED_PENDING)
    core_count_destroyed_pending++;
}
PLAIN_HOOK (core_hook, core_hook_plain)

/* Call from main() after g_test_init. */
static void
core_test_init (void)
{
  core_log = g_string_new (NULL);
  g_assert_cmpint (braid_hooks_install (core_hook, NULL), ==, 0);
}

static void
core_log_reset (void)
{
  g_string_truncate (core_log, 0);
  core_count_never_retrieved = 0;
  core_count_destroyed_pending = 0;
}

/* Runs @fn (@arg) as the main task of a new loop (virtual clock when
 * @virtual_clock), marking iterations, until it finishes; closes the
 * loop. Returns the log; *@rc (may be NULL) receives the return code. */
static const char *
run_logged (braid_task_fn fn, void *arg, bool virtual_clock, int *rc)
{
  core_log_reset ();
  braid_loop *loop = braid_loop_new ();
  g_assert_nonnull (loop);
  if (virtual_clock)
    g_assert_cmpint (braid_loop_set_clock (loop, BRAID_CLOCK_VIRTUAL), ==, 0);
  braid_task *t = braid_loop_spawn (loop, "main", fn, arg);
  core_mark_iterations = true;
  int r = braid_loop_run_until_complete (loop, braid_task_future (t), NULL);
  core_mark_iterations = false;
  if (rc)
    *rc = r;
  else
    g_assert_cmpint (r, ==, 0);
  braid_task_unref (t);
  braid_error_clear ();
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
  return core_log->str;
}

#endif /* TEST_CORE_UTIL_H */
