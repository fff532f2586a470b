/* test-io-tcp.c: TCP on 127.0.0.1 with an ephemeral port: an echo server
 * (braid_tcp_serve, a task per connection, a line protocol) with several
 * concurrent clients, listen/accept, exact and delimited reads, a refused
 * connection, the cancellation of a pending read (the stream stays usable,
 * nothing leaks), and DNS of "localhost".
 */
#include <glib.h>
#include <string.h>

#include <uv.h>

#include <braid/braid.h>
#include "plain-hook.h"

/* The echo protocol: each line comes back prefixed with "echo: "; "bye\n"
 * ends the connection. */
static int connections;

static void *
echo_handler (braid_stream *s, void *arg)
{
  (void)arg;
  connections++;
  char line[256], out[300];
  for (;;)
    {
      ssize_t n = braid_stream_read_line (s, line, sizeof line);
      if (n <= 0)
        break;
      if (n == 4 && memcmp (line, "bye\n", 4) == 0)
        break;
      int m = snprintf (out, sizeof out, "echo: %.*s", (int)n, line);
      if (braid_stream_write (s, out, (size_t)m) < 0)
        break;
    }
  if (braid_error_current ()
      && !braid_error_is (braid_error_current (), BRAID_CANCELLED_ERROR))
    braid_error_clear ();
  return NULL;
}

typedef struct
{
  int port;
  int index;
} client_arg;

static void *
echo_client (void *p)
{
  client_arg *a = p;
  braid_stream *s = NULL;
  g_assert_cmpint (braid_tcp_connect ("127.0.0.1", a->port, &s), ==, 0);
  char msg[64], line[128];
  for (int k = 0; k < 3; k++)
    {
      snprintf (msg, sizeof msg, "client %d line %d\n", a->index, k);
      g_assert_cmpint (braid_stream_write_str (s, msg), ==, 0);
      /* Let the other clients interleave. */
      braid_yield ();
    }
  for (int k = 0; k < 3; k++)
    {
      ssize_t n = braid_stream_read_line (s, line, sizeof line - 1);
      g_assert_cmpint (n, >, 0);
      line[n] = '\0';
      snprintf (msg, sizeof msg, "echo: client %d line %d\n", a->index, k);
      g_assert_cmpstr (line, ==, msg);
    }
  g_assert_cmpint (braid_stream_write_str (s, "bye\n"), ==, 0);
  /* The server closes: the end of the stream reads as 0. */
  g_assert_cmpint (braid_stream_read (s, line, sizeof line), ==, 0);
  braid_stream_close (s);
  return NULL;
}

static void *
echo_main (void *arg)
{
  (void)arg;
  braid_tcp_server *srv = NULL;
  connections = 0;
  g_assert_cmpint (braid_tcp_serve ("127.0.0.1", 0, echo_handler, NULL, &srv),
                   ==, 0);
  int port = braid_tcp_server_port (srv);
  g_assert_cmpint (port, >, 0);
  enum
  {
    N = 5
  };
  client_arg args[N];
  braid_task *t[N];
  for (int i = 0; i < N; i++)
    {
      args[i] = (client_arg){ port, i };
      t[i] = braid_spawn (echo_client, &args[i]);
    }
  g_assert_cmpint (braid_gather_tasks (t, N, NULL, NULL, 0), ==, 0);
  for (int i = 0; i < N; i++)
    braid_task_unref (t[i]);
  g_assert_cmpint (connections, ==, N);
  braid_tcp_server_close (srv);
  return NULL;
}

static void
test_echo_server_serves_concurrent_clients (void)
{
  g_assert_cmpint (braid_run (echo_main, NULL, NULL), ==, 0);
}

static void *
accept_main (void *arg)
{
  (void)arg;
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_listen ("127.0.0.1", 0, &srv), ==, 0);
  braid_stream *c = NULL, *s = NULL;
  g_assert_cmpint (
      braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (srv), &c), ==, 0);
  g_assert_cmpint (braid_tcp_accept (srv, &s), ==, 0);
  g_assert_cmpuint (braid_stream_id (s), !=, 0);

  /* Exact reads wait for all the bytes, delimited reads stop after the
   * delimiter and leave the rest buffered. */
  g_assert_cmpint (braid_stream_write_str (c, "abcdefgh||rest"), ==, 0);
  char buf[32] = { 0 };
  g_assert_cmpint (braid_stream_read_exactly (s, buf, 3), ==, 0);
  g_assert_cmpstr (buf, ==, "abc");
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (braid_stream_read_until (s, "||", 2, buf, sizeof buf), ==,
                   7);
  g_assert_cmpstr (buf, ==, "defgh||");
  /* A delimiter that does not fit in the buffer. */
  g_assert_cmpint (braid_stream_write_str (c, "0123456789\n"), ==, 0);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (braid_stream_read_exactly (s, buf, 4), ==, 0);
  g_assert_cmpstr (buf, ==, "rest");
  g_assert_cmpint (braid_stream_read_line (s, buf, 5), ==, UV_ENOBUFS);
  braid_error_clear ();
  g_assert_cmpint (braid_stream_read_line (s, buf, sizeof buf), ==, 11);

  /* Shutdown: the peer reads the end; read_exactly across it fails. */
  g_assert_cmpint (braid_stream_write_str (c, "xy"), ==, 0);
  g_assert_cmpint (braid_stream_shutdown (c), ==, 0);
  g_assert_cmpint (braid_stream_read_exactly (s, buf, 3), ==, UV_EOF);
  braid_error_clear ();
  g_assert_cmpint (braid_stream_read (s, buf, sizeof buf), ==, 2);
  g_assert_cmpint (braid_stream_read (s, buf, sizeof buf), ==, 0);

  braid_stream_close (c);
  braid_stream_close (s);
  braid_tcp_server_close (srv);
  return NULL;
}

static void
test_listen_accept_and_buffered_reads (void)
{
  g_assert_cmpint (braid_run (accept_main, NULL, NULL), ==, 0);
}

static void *
refused_main (void *arg)
{
  (void)arg;
  /* Take an ephemeral port, then free it: nobody listens there. */
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_listen ("127.0.0.1", 0, &srv), ==, 0);
  int port = braid_tcp_server_port (srv);
  braid_tcp_server_close (srv);
  braid_sleep (0.01);
  braid_stream *s = NULL;
  g_assert_cmpint (braid_tcp_connect ("127.0.0.1", port, &s), ==,
                   UV_ECONNREFUSED);
  g_assert_null (s);
  braid_error *e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (e);
  g_assert_nonnull (strstr (braid_error_message (e), "connection refused"));
  braid_error_unref (e);
  return NULL;
}

static void
test_refused_connection_raises_os_error (void)
{
  g_assert_cmpint (braid_run (refused_main, NULL, NULL), ==, 0);
}

typedef struct
{
  braid_stream *s;
  int rc;
} reader_arg;

static void *
blocked_reader (void *p)
{
  reader_arg *a = p;
  char buf[64];
  a->rc = (int)braid_stream_read (a->s, buf, sizeof buf);
  /* Swallow the error: the test checks the code. */
  braid_error_clear ();
  return NULL;
}

static void *
cancel_read_main (void *arg)
{
  (void)arg;
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_listen ("127.0.0.1", 0, &srv), ==, 0);
  braid_stream *c = NULL, *s = NULL;
  g_assert_cmpint (
      braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (srv), &c), ==, 0);
  g_assert_cmpint (braid_tcp_accept (srv, &s), ==, 0);

  reader_arg a = { s, 1 };
  braid_task *t = braid_spawn (blocked_reader, &a);
  g_assert_cmpint (braid_sleep (0.02), ==, 0);
  g_assert_false (braid_task_done (t));
  g_assert_true (braid_task_cancel (t, NULL));
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  g_assert_cmpint (a.rc, ==, BRAID_ECANCELLED);
  braid_task_unref (t);

  /* The stream is still usable after the cancelled read. */
  g_assert_cmpint (braid_stream_write_str (c, "still here"), ==, 0);
  char buf[32] = { 0 };
  g_assert_cmpint (braid_stream_read_exactly (s, buf, 10), ==, 0);
  g_assert_cmpstr (buf, ==, "still here");

  /* A timeout scope around a read: TimeoutError, and the stream still
   * works. */
  braid_timeout *scope = braid_timeout_enter (0.02);
  g_assert_nonnull (scope);
  ssize_t got = braid_stream_read (s, buf, sizeof buf);
  g_assert_cmpint (braid_timeout_exit (scope, (int)got), ==, BRAID_ETIMEDOUT);
  braid_error_clear ();
  g_assert_cmpint (braid_stream_write_str (c, "again"), ==, 0);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (braid_stream_read_exactly (s, buf, 5), ==, 0);
  g_assert_cmpstr (buf, ==, "again");

  /* A read pending while the stream is closed under it. */
  a.rc = 1;
  t = braid_spawn (blocked_reader, &a);
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  braid_stream_close (s);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  g_assert_cmpint (a.rc, ==, UV_ECANCELED);
  braid_task_unref (t);

  /* The server end was closed above; the client and the server remain. */
  braid_stream_close (c);
  braid_tcp_server_close (srv);
  return NULL;
}

static void
test_cancelled_read_leaves_stream_usable (void)
{
  g_assert_cmpint (braid_run (cancel_read_main, NULL, NULL), ==, 0);
}

static void *
dns_main (void *arg)
{
  (void)arg;
  char **addrs = NULL;
  int n = braid_dns_resolve ("localhost", &addrs);
  g_assert_cmpint (n, >=, 1);
  bool loopback = false;
  for (int i = 0; i < n; i++)
    loopback
        |= strcmp (addrs[i], "127.0.0.1") == 0 || strcmp (addrs[i], "::1") == 0;
  g_assert_true (loopback);
  braid_dns_free (addrs);

  g_assert_cmpint (braid_dns_resolve ("no-such-host.invalid", &addrs), <, 0);
  g_assert_null (addrs);
  braid_error *e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (e);
  braid_error_unref (e);
  return NULL;
}

static void
test_dns_resolves_localhost (void)
{
  g_assert_cmpint (braid_run (dns_main, NULL, NULL), ==, 0);
}

/* The hooks see each I/O wait as BRAID_WAIT_IO (BRAID_WAIT_THREAD for the
 * thread pool) on an object reported as BRAID_OBJ_IO with a useful name. */
static GHashTable *io_names; /* object id -> name */
static GHashTable *io_waits; /* object id -> wait reason */

static void
io_hook_plain (void *data, const braid_event *ev)
{
  (void)data;
  if (ev->kind == BRAID_EV_OBJECT_CREATED && ev->reason == BRAID_OBJ_IO)
    g_hash_table_insert (io_names, GSIZE_TO_POINTER (ev->object),
                         g_strdup (ev->str1 ? ev->str1 : ""));
  else if (ev->kind == BRAID_EV_TASK_SUSPENDED
           && (ev->reason == BRAID_WAIT_IO || ev->reason == BRAID_WAIT_THREAD))
    g_hash_table_insert (io_waits, GSIZE_TO_POINTER (ev->object),
                         GUINT_TO_POINTER (ev->reason));
}
PLAIN_HOOK (io_hook, io_hook_plain)

static void *
nap (void *arg)
{
  (void)arg;
  return NULL;
}

static void *
hooks_main (void *arg)
{
  uint64_t *ids = arg;
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_listen ("127.0.0.1", 0, &srv), ==, 0);
  braid_stream *c = NULL, *s = NULL;
  g_assert_cmpint (
      braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (srv), &c), ==, 0);
  g_assert_cmpint (braid_tcp_accept (srv, &s), ==, 0);
  g_assert_cmpint (braid_stream_write_str (c, "x"), ==, 0);
  char b;
  g_assert_cmpint (braid_stream_read (s, &b, 1), ==, 1);
  g_assert_cmpint (braid_to_thread (nap, NULL, NULL), ==, 0);
  ids[0] = braid_stream_id (c);
  ids[1] = braid_stream_id (s);
  braid_stream_close (c);
  braid_stream_close (s);
  braid_tcp_server_close (srv);
  return NULL;
}

static void
test_waits_are_reported_as_io_on_named_objects (void)
{
  io_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  io_waits = g_hash_table_new (NULL, NULL);
  g_assert_cmpint (braid_hooks_install (io_hook, NULL), ==, 0);
  uint64_t ids[2] = { 0 };
  g_assert_cmpint (braid_run (hooks_main, ids, NULL), ==, 0);
  braid_hooks_uninstall (io_hook);
  /* The client's connect and the server's read waited on their streams. */
  for (int i = 0; i < 2; i++)
    {
      const char *name
          = g_hash_table_lookup (io_names, GSIZE_TO_POINTER (ids[i]));
      g_assert_nonnull (name);
      g_assert_true (g_str_has_prefix (name, "tcp 127.0.0.1:"));
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (
                            io_waits, GSIZE_TO_POINTER (ids[i]))),
                        ==, BRAID_WAIT_IO);
    }
  /* The thread-pool wait is named after the function. */
  bool thread_seen = false;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, io_waits);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (GPOINTER_TO_UINT (v) == BRAID_WAIT_THREAD)
      {
        g_assert_cmpstr (g_hash_table_lookup (io_names, k), ==, "thread nap");
        thread_seen = true;
      }
  g_assert_true (thread_seen);
  g_hash_table_destroy (io_names);
  g_hash_table_destroy (io_waits);
}

static void *
accept_waiter (void *arg)
{
  braid_stream *s = NULL;
  if (braid_tcp_accept (arg, &s) == 0)
    braid_stream_close (s);
  return NULL;
}

/* A large transfer: the writer waits for the kernel (drain) while the
 * reader drains the other end, chunk by chunk into the stream's buffer. */
enum
{
  BIG = 4 << 20
};

static void *
big_reader (void *arg)
{
  braid_stream *s = arg;
  unsigned char *buf = g_malloc (BIG);
  g_assert_cmpint (braid_stream_read_exactly (s, buf, BIG), ==, 0);
  for (size_t i = 0; i < BIG; i++)
    if (buf[i] != (unsigned char)(i * 7 + i / 4096))
      g_error ("byte %zu differs", i);
  g_free (buf);
  return GINT_TO_POINTER (1);
}

static void *
big_main (void *arg)
{
  (void)arg;
  braid_tcp_server *srv = NULL;
  g_assert_cmpint (braid_tcp_listen ("127.0.0.1", 0, &srv), ==, 0);
  braid_stream *c = NULL, *s = NULL;
  g_assert_cmpint (
      braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (srv), &c), ==, 0);
  g_assert_cmpint (braid_tcp_accept (srv, &s), ==, 0);
  braid_task *r = braid_spawn (big_reader, s);
  unsigned char *data = g_malloc (BIG);
  for (size_t i = 0; i < BIG; i++)
    data[i] = (unsigned char)(i * 7 + i / 4096);
  g_assert_cmpint (braid_stream_write (c, data, BIG), ==, 0);
  g_free (data);
  void *ok = NULL;
  g_assert_cmpint (braid_await_task (r, &ok), ==, 0);
  g_assert_cmpint (GPOINTER_TO_INT (ok), ==, 1);
  braid_task_unref (r);

  /* A pending accept is cancelled cleanly; the next accept works. */
  braid_stream *never = NULL;
  braid_task *acc = braid_spawn (accept_waiter, srv);
  /* A few iterations let the accept start waiting before it is
   * cancelled. */
  for (int i = 0; i < 3; i++)
    braid_yield ();
  braid_task_cancel (acc, NULL);
  g_assert_cmpint (braid_await_task (acc, NULL), ==, BRAID_ECANCELLED);
  braid_error_clear ();
  braid_task_unref (acc);
  braid_stream *c2 = NULL;
  g_assert_cmpint (
      braid_tcp_connect ("127.0.0.1", braid_tcp_server_port (srv), &c2), ==, 0);
  g_assert_cmpint (braid_tcp_accept (srv, &never), ==, 0);
  braid_stream_close (never);
  braid_stream_close (c2);

  braid_stream_close (c);
  braid_stream_close (s);
  braid_tcp_server_close (srv);
  return NULL;
}

static void
test_large_transfer_and_cancelled_accept (void)
{
  g_assert_cmpint (braid_run (big_main, NULL, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/io/tcp/echo-server-serves-concurrent-clients",
                   test_echo_server_serves_concurrent_clients);
  g_test_add_func ("/runtime/io/tcp/listen-accept-and-buffered-reads",
                   test_listen_accept_and_buffered_reads);
  g_test_add_func ("/runtime/io/tcp/refused-connection-raises-os-error",
                   test_refused_connection_raises_os_error);
  g_test_add_func ("/runtime/io/tcp/cancelled-read-leaves-stream-usable",
                   test_cancelled_read_leaves_stream_usable);
  g_test_add_func ("/runtime/io/tcp/waits-are-reported-as-io-on-named-objects",
                   test_waits_are_reported_as_io_on_named_objects);
  g_test_add_func ("/runtime/io/tcp/large-transfer-and-cancelled-accept",
                   test_large_transfer_and_cancelled_accept);
  g_test_add_func ("/runtime/io/dns/resolves-localhost",
                   test_dns_resolves_localhost);
  return g_test_run ();
}
