/* test-call.c: the public callbacks of a loop (braid_call_soon,
 * braid_call_later, braid_call_at, braid_call_soon_threadsafe), their
 * handles and braid_loop_time (runtime/ORDERING.md rules 37 and 38). The
 * ordering tests run the C twins of call_soon_fifo and call_later_order in
 * tests/runtime/python/core_rules.py and compare the log with what
 * CPython 3.11 prints ("|" starts an iteration).
 */
#include <math.h>
#include <pthread.h>
#include <unistd.h>

#include "test-core-util.h"

static void
note_word (void *arg)
{
  note ("%s", (const char *)arg);
}

static void *
soon_task (void *arg)
{
  note ("t1");
  braid_yield ();
  note ("t2");
  return NULL;
}

static void *
soon_main (void *arg)
{
  braid_task *t = braid_spawn (soon_task, NULL);
  braid_handle_unref (braid_call_soon (NULL, note_word, "cb1"));
  braid_handle *h = braid_call_soon (NULL, note_word, "cb2");
  braid_handle_unref (braid_call_soon (NULL, note_word, "cb3"));
  braid_handle_cancel (h);
  braid_handle_cancel (h);
  note ("cancelled:%s", braid_handle_cancelled (h) ? "True" : "False");
  g_assert_true (isnan (braid_handle_when (h)));
  braid_handle_unref (h);
  braid_yield ();
  note ("main");
  braid_await_task (t, NULL);
  braid_task_unref (t);
  return NULL;
}

/* Rule 37: call_soon callbacks share the ready queue's FIFO order with
 * the tasks; a cancelled one never runs; a second cancel changes
 * nothing. */
static void
test_call_soon_runs_fifo_with_the_ready_tasks (void)
{
  g_assert_cmpstr (run_logged (soon_main, NULL, true, NULL), ==,
                   "| cancelled:True | t1 cb1 cb3 main | t2 | |");
}

static void *
later_main (void *arg)
{
  braid_loop *loop = braid_loop_current ();
  braid_handle_unref (braid_call_later (loop, 0.02, note_word, "b"));
  braid_handle *x = braid_call_later (loop, 0.015, note_word, "x");
  braid_handle_unref (
      braid_call_at (loop, braid_loop_time (loop) + 0.01, note_word, "a"));
  braid_handle_unref (braid_call_later (loop, 0, note_word, "z"));
  braid_handle_unref (braid_call_soon (loop, note_word, "s"));
  braid_handle_cancel (x);
  braid_handle_unref (x);
  note ("main");
  braid_sleep (0.05);
  note ("main2");
  return NULL;
}

/* Rule 38: timed callbacks join the ready queue when due, after what was
 * ready, in deadline order (call_at and call_later alike); a delay of 0 is
 * due at once yet runs after the call_soon callbacks; a cancelled timed
 * callback never runs. */
static void
test_call_later_runs_when_due_in_deadline_order (void)
{
  g_assert_cmpstr (run_logged (later_main, NULL, true, NULL), ==,
                   "| main | s z | a | b | | main2 |");
}

static void *
time_main (void *arg)
{
  braid_loop *loop = braid_loop_current ();
  /* The virtual clock starts at 0; braid_loop_time is its time in
   * seconds, and a timed handle's time is on that clock. */
  g_assert_cmpfloat (braid_loop_time (loop), ==, 0.0);
  braid_sleep (1.5);
  g_assert_cmpfloat (braid_loop_time (loop), ==, 1.5);
  g_assert_cmpuint (braid_loop_now_ns (loop), ==, 1500000000);
  braid_handle *h = braid_call_later (loop, 2.0, note_word, "later");
  g_assert_cmpfloat (braid_handle_when (h), ==, 3.5);
  braid_handle *at = braid_call_at (loop, 2.25, note_word, "at");
  g_assert_cmpfloat (braid_handle_when (at), ==, 2.25);
  g_assert_false (braid_handle_cancelled (at));
  /* A time in the past is due at once, and when() keeps it. */
  braid_handle *past = braid_call_at (loop, -4.0, note_word, "past");
  g_assert_cmpfloat (braid_handle_when (past), ==, -4.0);
  braid_handle_unref (past);
  braid_sleep (3.0);
  g_assert_cmpfloat (braid_loop_time (loop), ==, 4.5);
  /* A cancel after the callback ran changes nothing it did. */
  braid_handle_cancel (h);
  braid_handle_unref (h);
  braid_handle_unref (at);
  return NULL;
}

static void
test_loop_time_and_handle_when_follow_the_virtual_clock (void)
{
  g_assert_cmpstr (run_logged (time_main, NULL, true, NULL), ==,
                   "| | | | past | at | later | | |");
}

static void *
nan_main (void *arg)
{
  g_assert_null (braid_call_later (NULL, NAN, note_word, "n"));
  g_assert_true (braid_error_is (braid_error_current (), BRAID_VALUE_ERROR));
  braid_error_clear ();
  g_assert_null (braid_call_at (NULL, NAN, note_word, "n"));
  g_assert_true (braid_error_is (braid_error_current (), BRAID_VALUE_ERROR));
  braid_error_clear ();
  /* A negative delay is a time already past (rule 35). */
  braid_handle_unref (braid_call_later (NULL, -1.0, note_word, "neg"));
  braid_sleep (0.001);
  return NULL;
}

static void
test_nan_delay_is_a_value_error (void)
{
  g_assert_cmpstr (run_logged (nan_main, NULL, true, NULL), ==,
                   "| | neg | | |");
}

/* The thread-safe call: another thread sends three callbacks; they run on
 * the loop's thread in the order sent, and the last completes the future
 * the main task waits for. */
typedef struct
{
  braid_loop *loop;
  braid_future *done;
  pthread_t loop_thread;
  int ran;
  bool wrong_thread;
} ts_state;

static ts_state ts;

static void
ts_callback (void *arg)
{
  if (!pthread_equal (pthread_self (), ts.loop_thread))
    ts.wrong_thread = true;
  note ("ts%d", GPOINTER_TO_INT (arg));
  if (++ts.ran == 3)
    braid_future_set_result (ts.done, NULL);
}

static void *
sender (void *arg)
{
  for (int i = 1; i <= 3; i++)
    braid_handle_unref (
        braid_call_soon_threadsafe (ts.loop, ts_callback, GINT_TO_POINTER (i)));
  return NULL;
}

static void *
ts_main (void *arg)
{
  ts.loop = braid_loop_current ();
  ts.loop_thread = pthread_self ();
  ts.done = braid_future_new (NULL);
  pthread_t th;
  g_assert_cmpint (pthread_create (&th, NULL, sender, NULL), ==, 0);
  /* The timeout keeps the loop polling (a thread-safe call does not keep
   * it alive), and fails the test if the callbacks never come. */
  int rc = braid_wait_for (ts.done, 10.0, NULL);
  g_assert_cmpint (rc, ==, 0);
  pthread_join (th, NULL);
  braid_future_unref (ts.done);
  return NULL;
}

static void
test_call_soon_threadsafe_from_another_thread (void)
{
  memset (&ts, 0, sizeof ts);
  run_logged (ts_main, NULL, false, NULL);
  g_assert_false (ts.wrong_thread);
  g_assert_cmpint (ts.ran, ==, 3);
  /* Iteration marks depend on when the thread's calls arrive: only the
   * callbacks' order is promised. */
  GString *words = g_string_new (NULL);
  gchar **parts = g_strsplit (core_log->str, " ", -1);
  for (gchar **p = parts; *p; p++)
    if (strcmp (*p, "|") != 0)
      g_string_append_printf (words, "%s%s", words->len ? " " : "", *p);
  g_strfreev (parts);
  g_assert_cmpstr (words->str, ==, "ts1 ts2 ts3");
  g_string_free (words, TRUE);
}

/* On the loop's own thread the thread-safe call is braid_call_soon: FIFO
 * with it (asyncio appends both to the same ready queue). */
static void *
ts_own_main (void *arg)
{
  braid_loop *loop = braid_loop_current ();
  braid_handle_unref (braid_call_soon (loop, note_word, "a"));
  braid_handle_unref (braid_call_soon_threadsafe (loop, note_word, "b"));
  braid_handle_unref (braid_call_soon (loop, note_word, "c"));
  braid_yield ();
  return NULL;
}

static void
test_call_soon_threadsafe_on_the_loop_thread_is_call_soon (void)
{
  g_assert_cmpstr (run_logged (ts_own_main, NULL, true, NULL), ==,
                   "| | a b c |");
}

/* At loop close a callback on the ready queue still runs (as the
 * loop's own callbacks do); a timed one never does, due or not, and the
 * loop's references on them go with it (the sanitizer build checks no
 * leak). */
static void
test_pending_handles_are_released_at_loop_close (void)
{
  core_log_reset ();
  braid_loop *loop = braid_loop_new ();
  braid_handle *soon = braid_call_soon (loop, note_word, "soon");
  braid_handle *later = braid_call_later (loop, 10.0, note_word, "later");
  braid_handle *due = braid_call_later (loop, 0, note_word, "due");
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
  g_assert_cmpstr (core_log->str, ==, "soon");
  /* The caller's references outlive the loop. */
  g_assert_false (braid_handle_cancelled (later));
  g_assert_cmpfloat (braid_handle_when (due), >=, 0.0);
  braid_handle_unref (soon);
  braid_handle_unref (later);
  braid_handle_unref (due);
}

static void
raising_callback (void *arg)
{
  braid_raise (BRAID_VALUE_ERROR, "from a callback");
}

static void *
raise_main (void *arg)
{
  braid_loop *loop = braid_loop_current ();
  braid_handle_unref (braid_call_soon (loop, raising_callback, NULL));
  braid_handle_unref (braid_call_later (loop, 0.01, raising_callback, NULL));
  braid_handle_unref (braid_call_soon (loop, note_word, "after"));
  braid_sleep (0.02);
  /* The callbacks' errors are reported, never left to the task. */
  g_assert_null (braid_error_current ());
  return NULL;
}

/* An error a callback leaves current is reported on stderr, naming the
 * program's function (here by its address: it has no dynamic symbol) and
 * the error, and cleared; the loop goes on. */
static void
test_callback_errors_are_reported_and_cleared (void)
{
  fflush (stderr);
  int saved = dup (2);
  FILE *capture = tmpfile ();
  g_assert_nonnull (capture);
  dup2 (fileno (capture), 2);
  const char *log = run_logged (raise_main, NULL, true, NULL);
  fflush (stderr);
  dup2 (saved, 2);
  close (saved);
  g_assert_cmpstr (log, ==, "| | after | | | |");
  rewind (capture);
  char text[4096];
  size_t n = fread (text, 1, sizeof text - 1, capture);
  text[n] = 0;
  fclose (capture);
  char *fn = g_strdup_printf ("braid: error in callback %p",
                              (void *)raising_callback);
  char *first = strstr (text, fn);
  g_assert_nonnull (first);
  g_assert_nonnull (strstr (first + 1, fn));
  g_assert_nonnull (strstr (text, "ValueError: from a callback"));
  g_free (fn);
}

static void *
cancel_from_thread (void *arg)
{
  braid_handle_cancel (arg);
  return NULL;
}

/* A pending timed handle lives on its loop's timer heap: cancelling it
 * from another thread aborts naming the call, rather than racing the
 * loop. */
static void
test_timed_handle_cancel_from_another_thread_aborts (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_handle *h = braid_call_later (loop, 10.0, note_word, "x");
      pthread_t th;
      pthread_create (&th, NULL, cancel_from_thread, h);
      pthread_join (th, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr (
      "*braid: braid_handle_cancel: the loop belongs to another thread*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func ("/runtime/call/soon-runs-fifo-with-the-ready-tasks",
                   test_call_soon_runs_fifo_with_the_ready_tasks);
  g_test_add_func ("/runtime/call/later-runs-when-due-in-deadline-order",
                   test_call_later_runs_when_due_in_deadline_order);
  g_test_add_func (
      "/runtime/call/loop-time-and-handle-when-follow-the-virtual-clock",
      test_loop_time_and_handle_when_follow_the_virtual_clock);
  g_test_add_func ("/runtime/call/nan-delay-is-a-value-error",
                   test_nan_delay_is_a_value_error);
  g_test_add_func ("/runtime/call/threadsafe-from-another-thread",
                   test_call_soon_threadsafe_from_another_thread);
  g_test_add_func ("/runtime/call/threadsafe-on-the-loop-thread-is-call-soon",
                   test_call_soon_threadsafe_on_the_loop_thread_is_call_soon);
  g_test_add_func ("/runtime/call/pending-handles-are-released-at-loop-close",
                   test_pending_handles_are_released_at_loop_close);
  g_test_add_func ("/runtime/call/callback-errors-are-reported-and-cleared",
                   test_callback_errors_are_reported_and_cleared);
  g_test_add_func (
      "/runtime/call/timed-handle-cancel-from-another-thread-aborts",
      test_timed_handle_cancel_from_another_thread_aborts);
  return g_test_run ();
}
