/* test-misuse.c: what the API does with misuse: a code and an error for
 * what it can report, an abort naming the call for what it cannot.
 *
 * Three parts: misuse the API reports (codes and errors); NULL given to
 * every pointer parameter of every call in braid.h, one subprocess per
 * case, from the table in misuse-null-cases.h (which
 * check-misuse-table.py keeps complete); and objects used after they
 * were freed or while in use (double close, double unref, freeing what a
 * task waits on), each of which must abort with a message naming the
 * call rather than corrupt memory.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "braid-internal.h"
#include "test-core-util.h"

static void
expect_error (int rc, int code, const braid_error_type *type)
{
  g_assert_cmpint (rc, ==, code);
  g_assert_true (braid_error_is (braid_error_current (), type));
  braid_error_clear ();
}

/* Must never run: every call given it fails first. */
static void *
misuse_outside_fn (void *arg)
{
  g_assert_not_reached ();
  return NULL;
}

static void
test_awaiting_outside_a_task_is_enotask (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_future *f = braid_future_new (loop);
  expect_error (braid_await (f, NULL), BRAID_ENOTASK, BRAID_RUNTIME_ERROR);
  expect_error (braid_sleep (1), BRAID_ENOTASK, BRAID_RUNTIME_ERROR);
  expect_error (braid_yield (), BRAID_ENOTASK, BRAID_RUNTIME_ERROR);
  expect_error (
      braid_wait_for_call (misuse_outside_fn, NULL, BRAID_NO_TIMEOUT, NULL),
      BRAID_ENOTASK, BRAID_RUNTIME_ERROR);
  g_assert_null (braid_task_current ());
  braid_future_unref (f);
  braid_loop_close (loop);
}

static braid_loop *other_loop;

static void *
misuse_main (void *arg)
{
  braid_task *self = braid_task_current ();
  expect_error (braid_await_task (self, NULL), BRAID_EDEADLK,
                BRAID_RUNTIME_ERROR);
  braid_future *f = braid_future_new (other_loop);
  expect_error (braid_await (f, NULL), BRAID_EXLOOP, BRAID_RUNTIME_ERROR);
  braid_future_unref (f);
  expect_error (braid_sleep (NAN), BRAID_EINVAL, BRAID_VALUE_ERROR);
  expect_error (braid_wait_for_call (misuse_main, NULL, NAN, NULL),
                BRAID_EINVAL, BRAID_VALUE_ERROR);
  /* A nested run on the running loop's thread. */
  braid_future *g = braid_future_new (NULL);
  expect_error (braid_loop_run_until_complete (braid_loop_current (), g, NULL),
                BRAID_EBUSY, BRAID_RUNTIME_ERROR);
  braid_future_unref (g);
  return NULL;
}

static void
test_misuse_inside_a_task_raises (void)
{
  other_loop = braid_loop_new ();
  run_logged (misuse_main, NULL, true, NULL);
  braid_loop_close (other_loop);
}

/* A future nobody can complete: the loop runs out of work. */
static void
test_run_with_nothing_to_do_is_edeadlk (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_future *f = braid_future_new (loop);
      expect_error (braid_loop_run_until_complete (loop, f, NULL),
                    BRAID_EDEADLK, BRAID_RUNTIME_ERROR);
      braid_future_unref (f);
      g_assert_cmpint (braid_loop_close (loop), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: deadlock: * (0 waiting)\n");
}

static void
test_null_task_aborts_naming_the_call (void)
{
  if (g_test_subprocess ())
    {
      braid_task_cancel (NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid_task_cancel: NULL task*");
}

static void *
nothing (void *arg)
{
  return NULL;
}

static void
test_spawn_outside_a_loop_aborts (void)
{
  if (g_test_subprocess ())
    {
      braid_spawn (nothing, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid_spawn: no running loop*");
}

static gpointer
run_elsewhere (gpointer loop)
{
  braid_future *f = braid_future_new (loop);
  braid_loop_run_until_complete (loop, f, NULL);
  return NULL;
}

/* A loop is used by the thread that created it only. */
static void
test_loop_from_another_thread_aborts (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      GThread *th = g_thread_new ("other", run_elsewhere, loop);
      g_thread_join (th);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid_loop_run_until_complete: the loop "
                             "belongs to another thread*");
}

/* ------------------------------------------------------------------
 * NULL arguments: the fixtures the cases of misuse-null-cases.h use.
 * Each makes a valid object on the running loop (leaked: the subprocess
 * ends with _exit right after the case).
 * ------------------------------------------------------------------ */

static void *fx_result;
static void *fx_results[1];
static bool fx_done[1];
static char fx_buf[64];
static char *fx_text;
static char **fx_addresses;
static braid_stat fx_stat;
static braid_file *fx_file_out;
static braid_stream *fx_stream_out;
static braid_tcp_server *fx_server_out;
static braid_http_response fx_response;
static braid_http_request fx_request = { .url = "http://127.0.0.1:1/" };

static void *
noop_task (void *arg)
{
  return arg;
}

static void *
noop_thread (void *arg)
{
  return arg;
}

static void
noop_done (braid_future *f, void *data)
{
}

static void *
noop_handler (braid_stream *s, void *arg)
{
  return NULL;
}

static void
noop_callback (void *arg)
{
}

static void *
always_true (void *data)
{
  return data ? data : (void *)"true";
}

static void
yield_once (braid_agen *gen, void *arg)
{
  braid_agen_yield (gen, NULL);
}

/* yield_once through braid_agen_yield_recv, NULL value and NULL @sent. */
static void
yield_recv_once (braid_agen *gen, void *arg)
{
  braid_agen_yield_recv (gen, NULL, NULL);
}

static braid_error *
fx_error (void)
{
  braid_raise (BRAID_VALUE_ERROR, "a fixture");
  return braid_error_catch (NULL);
}

static braid_future *
fx_future (void)
{
  return braid_future_new (NULL);
}

static braid_future *
fx_done_future (void)
{
  braid_future *f = braid_future_new (NULL);
  braid_future_set_result (f, "done");
  return f;
}

static braid_future *const *
fx_futures (void)
{
  static braid_future *one[1];
  one[0] = fx_done_future ();
  return one;
}

static braid_task *
fx_task (void)
{
  return braid_spawn (noop_task, NULL);
}

static braid_task *
fx_done_task (void)
{
  braid_task *t = fx_task ();
  braid_await_task (t, NULL);
  return t;
}

static braid_task *const *
fx_tasks (void)
{
  static braid_task *one[1];
  one[0] = fx_task ();
  return one;
}

static int
spawn_and_await (braid_task *t)
{
  return braid_await_task (t, NULL);
}

static braid_as_completed *
fx_as_completed (void)
{
  return braid_as_completed_new (fx_futures (), 1, BRAID_NO_TIMEOUT);
}

static braid_condition *
fx_condition (void)
{
  braid_condition *c = braid_condition_new (NULL, NULL);
  braid_condition_acquire (c);
  return c;
}

static braid_queue *
fx_queue (void)
{
  return braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
}

static braid_queue *
fx_full_queue (void)
{
  braid_queue *q = fx_queue ();
  braid_queue_put_nowait (q, "item");
  return q;
}

static int
group_spawn_and_wait (const char *name, braid_task_fn fn, const char *fn_name,
                      const char *file)
{
  braid_task_group *g = braid_task_group_new ();
  braid_task_unref (braid_task_group_spawn_at (g, name, fn, fn_name, NULL,
                                              file, 1));
  return braid_task_group_wait (g, 0);
}

static braid_agen *
fx_agen (void)
{
  return braid_agen_new (yield_once, NULL);
}

/* A generator that has yielded once. */
static braid_agen *
fx_started_agen (void)
{
  braid_agen *gen = braid_agen_new (yield_recv_once, NULL);
  braid_agen_next (gen, NULL);
  return gen;
}

static braid_file *
fx_file (void)
{
  braid_file *f = NULL;
  g_assert_cmpint (braid_file_open ("/dev/null", O_RDWR, 0, &f), ==, 0);
  return f;
}

static int
read_dev_null (void)
{
  int rc = braid_fs_read_file ("/dev/null", &fx_text, NULL);
  free (fx_text);
  return rc;
}

static braid_tcp_server *
fx_server (void)
{
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_listen ("127.0.0.1", 0, &srv), ==, 0);
  return srv;
}

/* A connected stream (the server never accepts it: the kernel's backlog
 * holds the connection). */
static braid_stream *
fx_stream (void)
{
  braid_stream *s = NULL;
  g_assert_cmpint (
      braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (fx_server ()), &s),
      ==, 0);
  return s;
}

static int
serve_and_close (const char *handler_name, const char *file)
{
  braid_tcp_server *srv = NULL;
  int rc = braid_tcp_serve_at ("127.0.0.1", 0, noop_handler, handler_name, NULL,
                               &srv, file, 1);
  braid_tcp_server_close (srv);
  return rc;
}

static braid_http_client *
fx_client (void)
{
  return braid_http_client_new ();
}

/* From here to the table's functions: NULL where the compiler knows it
 * must not be, which is the point. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnonnull"
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-security"

/* The format arguments go through variables: a literal NULL format is a
 * compile-time error under -Werror=format. */
static const char *null_format;

static int
raise_null_fmt (void)
{
  return braid_raise_at (BRAID_VALUE_ERROR, "f.c", 1, "fn", null_format);
}

/* braid_error_new_at with @which (0 type, 1 file, 2 func, 3 fmt) NULL:
 * 0 when it returned an error. */
static int
error_new_null (int which)
{
  braid_error *e = braid_error_new_at (which == 0 ? NULL : BRAID_VALUE_ERROR,
                                       which == 1 ? NULL : "f.c", 1,
                                       which == 2 ? NULL : "fn",
                                       which == 3 ? null_format : "m");
  int rc = e ? 0 : -1;
  braid_error_unref (e);
  return rc;
}

static int
raisev_va (const braid_error_type *type, const char *file, const char *func,
           const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int rc = braid_raise_atv (type, file, 1, func, fmt, ap);
  va_end (ap);
  return rc;
}

static int
raisev (const braid_error_type *type, const char *file, const char *func,
        const char *fmt)
{
  return raisev_va (type, file, func, fmt);
}

static int
printv_va (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = braid_printv (fmt, ap);
  va_end (ap);
  return n;
}

/* braid_printv (0), braid_print (1) or braid_eprint (2) with a NULL
 * format. */
static int
print_null_fmt (int which)
{
  return which == 0   ? printv_va (null_format)
         : which == 1 ? braid_print (null_format)
                      : braid_eprint (null_format);
}

static braid_loop *main_loop;

static braid_loop *
fx_main_loop (void)
{
  if (!main_loop)
    main_loop = braid_loop_new ();
  return main_loop;
}

static braid_future *
fx_main_future (void)
{
  braid_future *f = braid_future_new (fx_main_loop ());
  braid_future_set_result (f, NULL);
  return f;
}

#include "misuse-null-cases.h"

enum
{
  WHERE_TASK,
  WHERE_MAIN,
};

enum
{
  EXPECT_ABORTS,
  EXPECT_RAISES_EINVAL,
  EXPECT_RAISES_EINVALSTATE,
  EXPECT_ACCEPTS,
};

typedef struct null_case
{
  const char *call;
  const char *param;
  int where;
  int expect;
  const char *named;
  int (*run) (void);
} null_case;

#define DEFINE_NULL_CASE(call, param, where, expect, named, expr)              \
  static int case_##call##__##param (void) { return (int)(expr); }
MISUSE_NULL_CASES (DEFINE_NULL_CASE)
#pragma GCC diagnostic pop

#define NULL_CASE_ROW(call, param, where, expect, named, expr)                   \
  {                                                                              \
    #call, #param, WHERE_##where, EXPECT_##expect, named, case_##call##__##param \
  },
static const null_case null_cases[] = { MISUSE_NULL_CASES (NULL_CASE_ROW) };

/* In the subprocess: checks the outcome of a case that returned. */
static void
check_returned (const null_case *c, int rc)
{
  braid_error *e = braid_error_current ();
  switch (c->expect)
    {
    case EXPECT_ABORTS:
      g_error ("%s (NULL %s) returned %d instead of aborting", c->call,
               c->param, rc);
      break;
    case EXPECT_RAISES_EINVAL:
    case EXPECT_RAISES_EINVALSTATE:
      g_assert_cmpint (rc, ==,
                       c->expect == EXPECT_RAISES_EINVAL ? BRAID_EINVAL
                                                         : BRAID_EINVALSTATE);
      g_assert_nonnull (e);
      g_assert_true (braid_error_is (e, c->expect == EXPECT_RAISES_EINVAL
                                            ? BRAID_VALUE_ERROR
                                            : BRAID_INVALID_STATE_ERROR));
      g_assert_nonnull (braid_error_function (e));
      g_assert_true (g_str_has_prefix (braid_error_function (e), c->named));
      break;
    default:
      break;
    }
  /* Done: what the fixtures left behind is not this test's subject. */
  fflush (stdout);
  fflush (stderr);
  _exit (0);
}

static void *
null_case_task (void *arg)
{
  const null_case *c = arg;
  check_returned (c, c->run ());
  return NULL;
}

static void
test_null_case (gconstpointer data)
{
  const null_case *c = data;
  if (g_test_subprocess ())
    {
      if (c->where == WHERE_MAIN)
        check_returned (c, c->run ());
      else
        braid_run (null_case_task, (void *)c, NULL);
      g_error ("the case's task did not run");
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  if (c->expect == EXPECT_ABORTS)
    {
      char *pattern = g_strdup_printf ("*braid: %s: NULL *", c->named);
      g_test_trap_assert_failed ();
      g_test_trap_assert_stderr (pattern);
      g_free (pattern);
    }
  else
    g_test_trap_assert_passed ();
}

/* ------------------------------------------------------------------
 * Use after free, double close, double unref, freeing what is in use.
 * ------------------------------------------------------------------ */

/* Runs @fn in a subprocess, on the main thread (expect_abort_main) or as
 * the main task of braid_run (expect_abort_task), and checks that it
 * aborts with a message matching @pattern. */
static void
expect_abort_main (void (*fn) (void), const char *pattern)
{
  if (g_test_subprocess ())
    {
      fn ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr (pattern);
}

static void
expect_abort_task (braid_task_fn fn, const char *pattern)
{
  if (g_test_subprocess ())
    {
      braid_run (fn, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr (pattern);
}

static void
close_loop_twice (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_loop_close (loop);
  braid_loop_close (loop);
}

static void
test_closing_a_loop_twice_aborts (void)
{
  expect_abort_main (close_loop_twice,
                     "*braid: braid_loop_close: the loop was closed*");
}

static void
run_closed_loop (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_future *f = braid_future_new (loop);
  braid_future_set_result (f, NULL);
  braid_loop_close (loop);
  braid_loop_run_until_complete (loop, f, NULL);
}

static void
test_running_a_closed_loop_aborts (void)
{
  expect_abort_main (run_closed_loop,
                     "*braid: braid_loop_run_until_complete: the loop was "
                     "closed*");
}

static void *
wait_group_twice (void *arg)
{
  braid_task_group *g = braid_task_group_new ();
  braid_task_unref (braid_task_group_spawn (g, noop_task, NULL));
  braid_task_group_wait (g, 0);
  braid_task_group_wait (g, 0);
  return NULL;
}

static void
test_waiting_on_a_task_group_twice_aborts (void)
{
  expect_abort_task (wait_group_twice,
                     "*braid: braid_task_group_wait: task group used after it "
                     "was freed*");
}

static void *
unref_future_twice (void *arg)
{
  braid_future *f = braid_future_new (NULL);
  braid_future_unref (f);
  braid_future_unref (f);
  return NULL;
}

static void
test_unref_of_a_freed_future_aborts (void)
{
  expect_abort_task (unref_future_twice,
                     "*braid: braid_future_unref: future used after it was "
                     "freed*");
}

static void *
unref_task_twice (void *arg)
{
  braid_task *t = braid_spawn (noop_task, NULL);
  braid_await_task (t, NULL);
  braid_task_unref (t);
  /* The loop released its own reference when the task ended. */
  braid_task_unref (t);
  return NULL;
}

static void
test_unref_of_a_freed_task_aborts (void)
{
  expect_abort_task (unref_task_twice,
                     "*braid: braid_task_unref: task used after it was freed*");
}

static void
unref_error_twice (void)
{
  braid_error *e = fx_error ();
  braid_error_unref (e);
  braid_error_unref (e);
}

static void
test_unref_of_a_freed_error_aborts (void)
{
  expect_abort_main (unref_error_twice,
                     "*braid: braid_error_unref: error used after it was "
                     "freed*");
}

static void *
waits_on (void *arg)
{
  braid_lock_acquire (arg);
  return NULL;
}

static void *
free_lock_with_waiter (void *arg)
{
  braid_lock *lock = braid_lock_new (NULL);
  braid_lock_acquire (lock);
  braid_task *t = braid_spawn (waits_on, lock);
  braid_yield ();
  braid_lock_free (lock);
  braid_task_unref (t);
  return NULL;
}

static void
test_freeing_a_lock_a_task_waits_on_aborts (void)
{
  expect_abort_task (free_lock_with_waiter,
                     "*braid: braid_lock_free: tasks are waiting on the lock*");
}

static void *
waits_for_event (void *arg)
{
  braid_event_wait (arg);
  return NULL;
}

static void *
free_event_with_waiter (void *arg)
{
  braid_async_event *ev = braid_event_new (NULL);
  braid_task *t = braid_spawn (waits_for_event, ev);
  braid_yield ();
  braid_event_free (ev);
  braid_task_unref (t);
  return NULL;
}

static void
test_freeing_an_event_a_task_waits_on_aborts (void)
{
  expect_abort_task (free_event_with_waiter,
                     "*braid: braid_event_free: tasks are waiting on the "
                     "event*");
}

static void *
use_freed_lock (void *arg)
{
  braid_lock *lock = braid_lock_new (NULL);
  braid_lock_free (lock);
  braid_lock_acquire (lock);
  return NULL;
}

static void
test_a_freed_lock_aborts (void)
{
  expect_abort_task (use_freed_lock,
                     "*braid: braid_lock_acquire: lock used after it was "
                     "freed*");
}

static void *
use_freed_queue (void *arg)
{
  braid_queue *q = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  braid_queue_free (q);
  braid_queue_put_nowait (q, "x");
  return NULL;
}

static void
test_a_freed_queue_aborts (void)
{
  expect_abort_task (use_freed_queue,
                     "*braid: braid_queue_put_nowait: queue used after it was "
                     "freed*");
}

static void *
free_event_twice (void *arg)
{
  braid_async_event *ev = braid_event_new (NULL);
  braid_event_free (ev);
  braid_event_free (ev);
  return NULL;
}

static void
test_freeing_an_event_twice_aborts (void)
{
  expect_abort_task (free_event_twice,
                     "*braid: braid_event_free: event used after it was "
                     "freed*");
}

static void
frees_itself (braid_agen *gen, void *arg)
{
  braid_agen_free (gen);
}

static void *
free_generator_from_its_body (void *arg)
{
  braid_agen *gen = braid_agen_new (frees_itself, NULL);
  braid_agen_next (gen, NULL);
  return NULL;
}

static void
test_freeing_a_generator_from_its_body_aborts (void)
{
  expect_abort_task (free_generator_from_its_body,
                     "*braid: braid_agen_free: called from the generator's own "
                     "body*");
}

static void *
use_freed_generator (void *arg)
{
  braid_agen *gen = braid_agen_new (yield_once, NULL);
  braid_agen_free (gen);
  braid_agen_next (gen, NULL);
  return NULL;
}

static void
test_a_freed_generator_aborts (void)
{
  expect_abort_task (use_freed_generator,
                     "*braid: braid_agen_next: generator used after it was "
                     "freed*");
}

static void *
format_in_unknown_style (void *arg)
{
  free (braid_error_format (fx_error (), (braid_error_style)99));
  return NULL;
}

static void
test_an_unknown_error_style_aborts (void)
{
  expect_abort_task (format_in_unknown_style,
                     "*braid: braid_error_format: unknown style*");
}

static void *
close_stream_twice (void *arg)
{
  braid_stream *s = fx_stream ();
  braid_stream_close (s);
  braid_stream_close (s);
  return NULL;
}

static void
test_closing_a_stream_twice_aborts (void)
{
  expect_abort_task (close_stream_twice,
                     "*braid: braid_stream_close: stream closed twice*");
}

static void *
close_client_twice (void *arg)
{
  braid_http_client *c = braid_http_client_new ();
  braid_http_client_close (c);
  braid_http_client_close (c);
  return NULL;
}

static void
test_closing_an_http_client_twice_aborts (void)
{
  expect_abort_task (close_client_twice,
                     "*braid: braid_http_client_close: client closed twice*");
}

/* The stack size is checked, not silently ignored. */
static void
test_stack_size_out_of_range_raises (void)
{
  braid_loop *loop = braid_loop_new ();
  expect_error (braid_loop_set_stack_size (loop, SIZE_MAX / 2), BRAID_EINVAL,
                BRAID_VALUE_ERROR);
  expect_error (braid_loop_set_stack_size (loop, 100), BRAID_EINVAL,
                BRAID_VALUE_ERROR);
  g_assert_cmpint (braid_loop_set_stack_size (loop, 64 * 1024), ==, 0);
  g_assert_cmpint (braid_loop_set_stack_size (loop, 0), ==, 0);
  braid_loop_close (loop);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func ("/runtime/misuse/awaiting-outside-a-task-is-enotask",
                   test_awaiting_outside_a_task_is_enotask);
  g_test_add_func ("/runtime/misuse/inside-a-task-raises",
                   test_misuse_inside_a_task_raises);
  g_test_add_func ("/runtime/misuse/run-with-nothing-to-do-is-edeadlk",
                   test_run_with_nothing_to_do_is_edeadlk);
  g_test_add_func ("/runtime/misuse/null-task-aborts-naming-the-call",
                   test_null_task_aborts_naming_the_call);
  g_test_add_func ("/runtime/misuse/spawn-outside-a-loop-aborts",
                   test_spawn_outside_a_loop_aborts);
  g_test_add_func ("/runtime/misuse/loop-from-another-thread-aborts",
                   test_loop_from_another_thread_aborts);
  g_test_add_func ("/runtime/misuse/stack-size-out-of-range-raises",
                   test_stack_size_out_of_range_raises);
  for (size_t i = 0; i < G_N_ELEMENTS (null_cases); i++)
    {
      char *path = g_strdup_printf ("/runtime/misuse/null/%s/%s",
                                    null_cases[i].call, null_cases[i].param);
      g_test_add_data_func (path, &null_cases[i], test_null_case);
      g_free (path);
    }
  g_test_add_func ("/runtime/misuse/freed/closing-a-loop-twice-aborts",
                   test_closing_a_loop_twice_aborts);
  g_test_add_func ("/runtime/misuse/freed/running-a-closed-loop-aborts",
                   test_running_a_closed_loop_aborts);
  g_test_add_func ("/runtime/misuse/freed/waiting-on-a-task-group-twice-aborts",
                   test_waiting_on_a_task_group_twice_aborts);
  g_test_add_func ("/runtime/misuse/freed/unref-of-a-freed-future-aborts",
                   test_unref_of_a_freed_future_aborts);
  g_test_add_func ("/runtime/misuse/freed/unref-of-a-freed-task-aborts",
                   test_unref_of_a_freed_task_aborts);
  g_test_add_func ("/runtime/misuse/freed/unref-of-a-freed-error-aborts",
                   test_unref_of_a_freed_error_aborts);
  g_test_add_func ("/runtime/misuse/freed/a-freed-lock-aborts",
                   test_a_freed_lock_aborts);
  g_test_add_func ("/runtime/misuse/freed/a-freed-queue-aborts",
                   test_a_freed_queue_aborts);
  g_test_add_func ("/runtime/misuse/freed/freeing-an-event-twice-aborts",
                   test_freeing_an_event_twice_aborts);
  g_test_add_func ("/runtime/misuse/freed/a-freed-generator-aborts",
                   test_a_freed_generator_aborts);
  g_test_add_func ("/runtime/misuse/an-unknown-error-style-aborts",
                   test_an_unknown_error_style_aborts);
  g_test_add_func (
      "/runtime/misuse/in-use/freeing-a-lock-a-task-waits-on-aborts",
      test_freeing_a_lock_a_task_waits_on_aborts);
  g_test_add_func (
      "/runtime/misuse/in-use/freeing-an-event-a-task-waits-on-aborts",
      test_freeing_an_event_a_task_waits_on_aborts);
  g_test_add_func (
      "/runtime/misuse/in-use/freeing-a-generator-from-its-body-aborts",
      test_freeing_a_generator_from_its_body_aborts);
  g_test_add_func ("/runtime/misuse/freed/closing-a-stream-twice-aborts",
                   test_closing_a_stream_twice_aborts);
  g_test_add_func ("/runtime/misuse/freed/closing-an-http-client-twice-aborts",
                   test_closing_an_http_client_twice_aborts);
  return g_test_run ();
}
