/* test-loop-close.c: braid_loop_close on a loop with tasks still suspended
 * and I/O objects still open. The pending tasks are unwound (their await
 * fails with the closing CancelledError, so their C cleanup runs), every
 * further await fails at once, a task that ignores the error forever is
 * stopped with a clear message, and the streams, servers and HTTP clients
 * the program left open are freed. Leaks are LeakSanitizer's to find: run
 * this under the ASan build (-Db_sanitize=address,undefined).
 */
#define _GNU_SOURCE
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>
#include "coro.h"
#include "io-http-server.h"

/* What each waiting task saw when its wait ended. */
typedef struct
{
  int rc;
  char *message;
  bool cleaned;
} outcome;

static outcome gathered, waited_for, tcp_read, http_req;

/* Records the current error (and clears nothing: the task ends with it). */
static void
record (outcome *o, int rc)
{
  o->rc = rc;
  braid_error *e = braid_error_current ();
  o->message = g_strdup (e ? braid_error_message (e) : "");
}

static void *
sleeper (void *arg)
{
  (void)arg;
  braid_sleep (1000);
  return NULL;
}

/* Waits in a gather of two long sleepers, holding a malloc'd buffer. */
static void *
gather_waiter (void *arg)
{
  (void)arg;
  char *buf = g_malloc (100);
  braid_task *kids[2]
      = { braid_spawn (sleeper, NULL), braid_spawn (sleeper, NULL) };
  int rc = braid_gather_tasks (kids, 2, NULL, NULL, 0);
  record (&gathered, rc);
  braid_task_unref (kids[0]);
  braid_task_unref (kids[1]);
  g_free (buf);
  gathered.cleaned = true;
  return NULL;
}

/* Waits in wait_for on a long sleeper. */
static void *
wait_for_waiter (void *arg)
{
  (void)arg;
  char *buf = g_malloc (200);
  braid_task *t = braid_spawn (sleeper, NULL);
  int rc = braid_wait_for (braid_task_future (t), 500, NULL);
  record (&waited_for, rc);
  braid_task_unref (t);
  g_free (buf);
  waited_for.cleaned = true;
  return NULL;
}

static void *
silent_handler (braid_stream *s, void *arg)
{
  (void)arg;
  char c;
  /* Never answers: waits for bytes that never come. */
  braid_stream_read (s, &c, 1);
  return NULL;
}

/* Waits in a TCP read on a connection that never sends; the stream and
 * the server are left open. */
static void *
tcp_reader (void *arg)
{
  int port = GPOINTER_TO_INT (arg);
  braid_stream *s = NULL;
  g_assert_cmpint (braid_tcp_connect ("127.0.0.1", port, &s), ==, 0);
  char *buf = g_malloc (4096);
  ssize_t n = braid_stream_read (s, buf, 4096);
  record (&tcp_read, (int)n);
  g_free (buf);
  tcp_read.cleaned = true;
  return NULL;
}

/* Waits in an HTTP request that never gets an answer; the client is left
 * open. */
static void *
http_requester (void *arg)
{
  const char *url = arg;
  braid_http_client *c = braid_http_client_new ();
  braid_http_response resp;
  int rc = braid_http_client_get (c, url, &resp);
  record (&http_req, rc);
  braid_http_response_clear (&resp);
  http_req.cleaned = true;
  return NULL;
}

static test_http_server http_server;
static char *hang_url;

static void *
setup (void *arg)
{
  (void)arg;
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_serve ("127.0.0.1", 0, silent_handler, NULL, &srv),
                   ==, 0);
  test_http_server_start (&http_server);
  hang_url = test_http_url (&http_server, "/hang");
  braid_task_unref (braid_spawn (gather_waiter, NULL));
  braid_task_unref (braid_spawn (wait_for_waiter, NULL));
  braid_task_unref (
      braid_spawn (tcp_reader, GINT_TO_POINTER (braid_tcp_server_port (srv))));
  braid_task_unref (braid_spawn (http_requester, hang_url));
  /* Long enough for the connections and the request to be in flight. */
  braid_sleep (0.2);
  return NULL;
}

static void
check_unwound (const outcome *o, const char *what)
{
  g_test_message ("%s: rc %d, %s", what, o->rc, o->message);
  g_assert_true (o->cleaned);
  g_assert_cmpint (o->rc, ==, BRAID_ECANCELLED);
  g_assert_cmpstr (o->message, ==, BRAID_LOOP_CLOSING_MESSAGE);
}

/* Tasks waiting in gather, wait_for, a TCP read and an HTTP request when
 * the loop closes: each await returns the closing CancelledError, the
 * cleanup after it runs, and (under LeakSanitizer) nothing leaks, though
 * the program never closed its server, stream or HTTP client. */
static void
test_pending_tasks_are_unwound_and_open_io_is_freed (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_task *m = braid_loop_spawn (loop, "setup", setup, NULL);
      g_assert_cmpint (
          braid_loop_run_until_complete (loop, braid_task_future (m), NULL), ==,
          0);
      braid_task_unref (m);
      g_assert_false (gathered.cleaned);
      braid_loop_close (loop);
      check_unwound (&gathered, "gather");
      check_unwound (&waited_for, "wait_for");
      check_unwound (&tcp_read, "tcp read");
      check_unwound (&http_req, "http request");
      g_free (gathered.message);
      g_free (waited_for.message);
      g_free (tcp_read.message);
      g_free (http_req.message);
      g_free (hang_url);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* The close still reports them first. */
  g_test_trap_assert_stderr ("*Task was destroyed but it is pending!*"
                             "gather_waiter*");
}

static int further_rcs[4];
static int after_count;
static braid_future *never;

static void *
stubborn (void *arg)
{
  (void)arg;
  int rc = braid_await (never, NULL);
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  braid_error_clear ();
  /* Every further suspension fails at once, without suspending. */
  gint64 t0 = g_get_monotonic_time ();
  further_rcs[0] = braid_yield ();
  braid_error_clear ();
  further_rcs[1] = braid_sleep (100);
  braid_error_clear ();
  further_rcs[2] = braid_await (never, NULL);
  braid_error_clear ();
  braid_future *done = braid_future_new (NULL);
  braid_future_set_result (done, GINT_TO_POINTER (7));
  void *r = NULL;
  /* A future already done still gives its result. */
  further_rcs[3] = braid_await (done, &r);
  g_assert_cmpint (GPOINTER_TO_INT (r), ==, 7);
  braid_future_unref (done);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 1000 * 1000);
  after_count++;
  return NULL;
}

static void *
kick (void *arg)
{
  braid_yield ();
  braid_yield ();
  return arg;
}

/* A task that catches the closing error and awaits again gets the same
 * error at once, and its end is recorded (cancelled). */
static void
test_further_awaits_fail_at_once_and_the_end_is_recorded (void)
{
  braid_loop *loop = braid_loop_new ();
  never = braid_future_new (loop);
  braid_task *s = braid_loop_spawn (loop, "stubborn", stubborn, NULL);
  braid_task *k = braid_loop_spawn (loop, "kick", kick, NULL);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (k), NULL), ==, 0);
  g_assert_false (braid_task_done (s));
  braid_loop_close (loop);
  g_assert_cmpint (after_count, ==, 1);
  g_assert_cmpint (further_rcs[0], ==, BRAID_ECANCELLED);
  g_assert_cmpint (further_rcs[1], ==, BRAID_ECANCELLED);
  g_assert_cmpint (further_rcs[2], ==, BRAID_ECANCELLED);
  g_assert_cmpint (further_rcs[3], ==, 0);
  /* The task returned with no error current: it ended with a result. */
  g_assert_true (braid_task_done (s));
  g_assert_false (braid_task_cancelled (s));
  braid_task_unref (s);
  braid_task_unref (k);
  braid_future_unref (never);
}

static bool gen_cleaned, consumer_cleaned;

static void
waiting_body (braid_agen *gen, void *arg)
{
  (void)arg;
  char *buf = g_malloc (64);
  braid_future *f = braid_future_new (NULL);
  if (braid_await (f, NULL) == 0)
    braid_agen_yield (gen, buf);
  braid_future_unref (f);
  g_free (buf);
  gen_cleaned = true;
}

static void *
consumer (void *arg)
{
  (void)arg;
  braid_agen *gen = braid_agen_new (waiting_body, NULL);
  int rc = braid_agen_next (gen, NULL);
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  braid_agen_free (gen);
  consumer_cleaned = true;
  return NULL;
}

/* A task suspended inside an async generator's body (on the generator's
 * own stack) is unwound through it: the body's cleanup runs, then the
 * consumer's. */
static void
test_a_task_inside_an_async_generator_is_unwound (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_task *c = braid_loop_spawn (loop, "consumer", consumer, NULL);
  braid_task *k = braid_loop_spawn (loop, "kick", kick, NULL);
  braid_loop_run_until_complete (loop, braid_task_future (k), NULL);
  braid_loop_close (loop);
  g_assert_true (gen_cleaned);
  g_assert_true (consumer_cleaned);
  braid_task_unref (c);
  braid_task_unref (k);
}

static braid_lock *lock;
static braid_async_event *event;
static braid_queue *queue;
static int unwound;

static void *
holds_lock (void *arg)
{
  (void)arg;
  braid_lock_acquire (lock);
  braid_sleep (1000); /* holds it while the close comes */
  braid_lock_release (lock);
  unwound++;
  return NULL;
}

static void *
wants_lock (void *arg)
{
  (void)arg;
  if (braid_lock_acquire (lock) == 0)
    braid_lock_release (lock);
  unwound++;
  return NULL;
}

static void *
waits_event (void *arg)
{
  (void)arg;
  braid_event_wait (event);
  unwound++;
  return NULL;
}

static void *
waits_queue (void *arg)
{
  (void)arg;
  void *item;
  braid_queue_get (queue, &item);
  unwound++;
  return NULL;
}

static void *
slow_work (void *arg)
{
  (void)arg;
  g_usleep (100 * 1000);
  return g_malloc (16); /* the caller frees it, if it reads it */
}

static void *
waits_thread (void *arg)
{
  (void)arg;
  void *r = NULL;
  braid_to_thread (slow_work, NULL, &r);
  /* The close waited for the work (it may use this task's memory) before
   * unwinding the task, so its result was handed over. */
  g_assert_nonnull (r);
  g_free (r);
  unwound++;
  return NULL;
}

static void *
waits_group (void *arg)
{
  (void)arg;
  braid_task_group *g = braid_task_group_new ();
  braid_task_unref (braid_task_group_spawn (g, sleeper, NULL));
  braid_task_unref (braid_task_group_spawn (g, sleeper, NULL));
  braid_task_group_wait (g, 0);
  unwound++;
  return NULL;
}

/* Tasks waiting on a lock, an event, a queue, a task group and the thread
 * pool are unwound too; the work already running on a thread is waited
 * for by the close (and, under LeakSanitizer, nothing leaks). */
static void
test_tasks_waiting_on_primitives_and_threads_are_unwound (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      lock = braid_lock_new (loop);
      event = braid_event_new (loop);
      queue = braid_queue_new (loop, 0, BRAID_QUEUE_FIFO, NULL);
      braid_task *t[7];
      t[0] = braid_loop_spawn (loop, "holds", holds_lock, NULL);
      t[1] = braid_loop_spawn (loop, "wants", wants_lock, NULL);
      t[2] = braid_loop_spawn (loop, "event", waits_event, NULL);
      t[3] = braid_loop_spawn (loop, "queue", waits_queue, NULL);
      t[4] = braid_loop_spawn (loop, "thread", waits_thread, NULL);
      t[5] = braid_loop_spawn (loop, "group", waits_group, NULL);
      t[6] = braid_loop_spawn (loop, "kick", kick, NULL);
      braid_loop_run_until_complete (loop, braid_task_future (t[6]), NULL);
      braid_loop_close (loop);
      g_assert_cmpint (unwound, ==, 6);
      for (int i = 0; i < 7; i++)
        braid_task_unref (t[i]);
      braid_lock_free (lock);
      braid_event_free (event);
      braid_queue_free (queue);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void *
ignores_everything (void *arg)
{
  (void)arg;
  for (;;)
    {
      braid_yield ();
      braid_error_clear ();
    }
  return NULL;
}

/* A task that loops forever on a failing await does not hang the close:
 * it aborts with a message naming the task. */
static void
test_a_task_looping_on_failing_awaits_aborts_the_close (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_task *s
          = braid_loop_spawn (loop, "obstinate", ignores_everything, NULL);
      braid_task *k = braid_loop_spawn (loop, "kick", kick, NULL);
      braid_loop_run_until_complete (loop, braid_task_future (k), NULL);
      braid_task_unref (s);
      braid_task_unref (k);
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*task obstinate (function ignores_everything, "
                             "created at *awaited 1000 times after the loop "
                             "began to close*");
}

static void *
returns_at_once (void *arg)
{
  return arg;
}

/* The loop's main context was the thread's running context while the loop
 * ran: once the loop is closed, the coroutine layer (and its overflow
 * handler) must not point into it. Under ASan, reading it is a
 * heap-use-after-free; elsewhere the handler of a later fault would read
 * whatever reused the memory. */
static void
test_a_closed_loop_leaves_no_running_context (void)
{
  g_assert_cmpint (braid_run (returns_at_once, NULL, NULL), ==, 0);
  g_assert_null (braid__coro_current ());
  braid_loop *loop = braid_loop_new ();
  braid_task *t = braid_loop_spawn (loop, NULL, returns_at_once, NULL);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (t), NULL), ==, 0);
  braid_task_unref (t);
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
  g_assert_null (braid__coro_current ());
}

/* An address that faults (in the first page, never mapped), through a
 * variable so that the compiler sees no constant out-of-bounds store. */
static volatile int *volatile fault_address = (volatile int *)16;

/* A fault after braid_run returned is a plain fault: the handler does not
 * report a stack overflow of a task, nor trip on the freed loop. */
static void
test_a_fault_after_close_is_not_an_overflow (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (braid_run (returns_at_once, NULL, NULL), ==, 0);
      /* Fill freed memory with bytes that are no valid stack. */
      for (int i = 0; i < 64; i++)
        memset (malloc (4096), 0xab, 4096);
      *fault_address = 1;
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr_unmatched ("*stack overflow in task*");
  g_test_trap_assert_stderr_unmatched ("*use-after-free*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/close/pending-tasks-are-unwound-and-open-io-"
                   "is-freed",
                   test_pending_tasks_are_unwound_and_open_io_is_freed);
  g_test_add_func ("/runtime/close/further-awaits-fail-at-once-and-the-end-"
                   "is-recorded",
                   test_further_awaits_fail_at_once_and_the_end_is_recorded);
  g_test_add_func ("/runtime/close/a-task-inside-an-async-generator-is-"
                   "unwound",
                   test_a_task_inside_an_async_generator_is_unwound);
  g_test_add_func ("/runtime/close/tasks-waiting-on-primitives-and-threads-"
                   "are-unwound",
                   test_tasks_waiting_on_primitives_and_threads_are_unwound);
  g_test_add_func ("/runtime/close/a-task-looping-on-failing-awaits-aborts-"
                   "the-close",
                   test_a_task_looping_on_failing_awaits_aborts_the_close);
  g_test_add_func ("/runtime/close/a-closed-loop-leaves-no-running-context",
                   test_a_closed_loop_leaves_no_running_context);
  g_test_add_func ("/runtime/close/a-fault-after-close-is-not-an-overflow",
                   test_a_fault_after_close_is_not_an_overflow);
  return g_test_run ();
}
