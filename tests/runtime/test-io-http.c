/* test-io-http.c: the HTTP client (libcurl multi-socket on the braid loop)
 * against a real HTTP/1.1 server on loopback written with braid's TCP
 * server (io-http-server.h): status, headers and body; connection reuse
 * through one client; concurrent requests overlap; a cancelled request is
 * abandoned cleanly; transport failures raise.
 */
#define _GNU_SOURCE
#include <glib.h>
#include <string.h>
#include <uv.h>

#include <braid/braid.h>
#include "io-http-server.h"

static test_http_server server;

static void *
get_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  char *url = test_http_url (&server, "/index.html");
  braid_http_response r;
  g_assert_cmpint (braid_http_get (url, &r), ==, 0);
  g_assert_cmpint (r.status, ==, 200);
  g_assert_cmpstr (r.body, ==, "hello from /index.html");
  g_assert_cmpuint (r.body_len, ==, strlen ("hello from /index.html"));
  g_assert_cmpstr (braid_http_response_header (&r, "x-test-server"), ==,
                   "braid");
  g_assert_cmpstr (braid_http_response_header (&r, "Content-Length"), ==, "22");
  g_assert_null (braid_http_response_header (&r, "X-Absent"));
  braid_http_response_clear (&r);
  g_free (url);

  /* Any HTTP status is a success of the transfer. */
  url = test_http_url (&server, "/missing");
  g_assert_cmpint (braid_http_get (url, &r), ==, 0);
  g_assert_cmpint (r.status, ==, 404);
  braid_http_response_clear (&r);
  g_free (url);
  braid_tcp_server_close (server.srv);
  return NULL;
}

static void
test_get_returns_status_headers_and_body (void)
{
  g_assert_cmpint (braid_run (get_main, NULL, NULL), ==, 0);
}

static void *
reuse_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  braid_http_client *c = braid_http_client_new ();
  g_assert_nonnull (c);
  for (int i = 0; i < 3; i++)
    {
      char path[32];
      snprintf (path, sizeof path, "/page/%d", i);
      char *url = test_http_url (&server, path);
      braid_http_response r;
      g_assert_cmpint (braid_http_client_get (c, url, &r), ==, 0);
      g_assert_cmpint (r.status, ==, 200);
      g_assert_nonnull (strstr (r.body, path));
      braid_http_response_clear (&r);
      g_free (url);
    }
  /* A POST with a body on the same connection. */
  char *url = test_http_url (&server, "/post");
  braid_http_request req
      = { .method = "POST", .url = url, .body = "a=1", .body_len = 3 };
  const char *hdrs[] = { "X-Extra: 1", NULL };
  req.headers = hdrs;
  braid_http_response r;
  g_assert_cmpint (braid_http_client_request (c, &req, &r), ==, 0);
  g_assert_cmpint (r.status, ==, 200);
  braid_http_response_clear (&r);
  g_free (url);
  g_assert_cmpint (server.requests, ==, 4);
  g_assert_cmpint (server.connections, ==, 1);
  braid_http_client_close (c);
  braid_tcp_server_close (server.srv);
  return NULL;
}

static void
test_client_reuses_its_connection (void)
{
  g_assert_cmpint (braid_run (reuse_main, NULL, NULL), ==, 0);
}

/* Seed 001's fetch_data: every "Starting" before any "Finished". */
static GString *order;
static braid_http_client *shared;

static void *
fetch_data (void *arg)
{
  int i = GPOINTER_TO_INT (arg);
  g_string_append_printf (order, "Starting %d;", i);
  char path[32];
  snprintf (path, sizeof path, "/delay/%d", 50 + 30 * i);
  char *url = test_http_url (&server, path);
  braid_http_response r;
  g_assert_cmpint (braid_http_client_get (shared, url, &r), ==, 0);
  g_assert_cmpint (r.status, ==, 200);
  g_string_append_printf (order, "Finished %d;", i);
  braid_http_response_clear (&r);
  g_free (url);
  return NULL;
}

static void *
overlap_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  order = g_string_new (NULL);
  shared = braid_http_client_new ();
  braid_task *t[3];
  gint64 t0 = g_get_monotonic_time ();
  for (int i = 0; i < 3; i++)
    t[i] = braid_spawn (fetch_data, GINT_TO_POINTER (i));
  g_assert_cmpint (braid_gather_tasks (t, 3, NULL, NULL, 0), ==, 0);
  gint64 elapsed_ms = (g_get_monotonic_time () - t0) / 1000;
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  g_assert_cmpstr (order->str, ==,
                   "Starting 0;Starting 1;Starting 2;"
                   "Finished 0;Finished 1;Finished 2;");
  /* Sequential would take 50 + 80 + 110 ms; overlapped, about 110. */
  g_test_message ("3 overlapping GETs took %" G_GINT64_FORMAT " ms",
                  elapsed_ms);
  g_assert_cmpint (server.connections, ==, 3);
  g_string_free (order, TRUE);
  braid_http_client_close (shared);
  braid_tcp_server_close (server.srv);
  return NULL;
}

static void
test_concurrent_gets_overlap (void)
{
  g_assert_cmpint (braid_run (overlap_main, NULL, NULL), ==, 0);
}

typedef struct
{
  braid_http_client *c;
  char *url;
  int rc;
  bool keep_error; /* end the task with the error instead of swallowing */
} hang_arg;

static void *
hanging_get (void *p)
{
  hang_arg *a = p;
  braid_http_response r;
  a->rc = braid_http_client_get (a->c, a->url, &r);
  if (a->rc == 0)
    braid_http_response_clear (&r);
  else
    g_assert_null (r.body);
  /* Swallow the error unless asked not to: the test checks the code. */
  if (!a->keep_error)
    braid_error_clear ();
  return NULL;
}

static void *
cancel_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  braid_http_client *c = braid_http_client_new ();
  hang_arg a = { c, test_http_url (&server, "/hang"), 1, false };
  braid_task *t = braid_spawn (hanging_get, &a);
  g_assert_cmpint (braid_sleep (0.05), ==, 0);
  g_assert_cmpint (server.requests, ==, 1);
  g_assert_true (braid_task_cancel (t, NULL));
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  g_assert_cmpint (a.rc, ==, BRAID_ECANCELLED);
  braid_task_unref (t);

  /* The client still works after the abandoned transfer. */
  char *url = test_http_url (&server, "/after");
  braid_http_response r;
  g_assert_cmpint (braid_http_client_get (c, url, &r), ==, 0);
  g_assert_cmpstr (r.body, ==, "hello from /after");
  braid_http_response_clear (&r);
  g_free (url);

  /* wait_for's timeout cancels the request task, which abandons the
   * transfer. */
  hang_arg w = { c, a.url, 1, true };
  t = braid_spawn (hanging_get, &w);
  g_assert_cmpint (braid_wait_for (braid_task_future (t), 0.05, NULL), ==,
                   BRAID_ETIMEDOUT);
  braid_error_clear ();
  g_assert_cmpint (w.rc, ==, BRAID_ECANCELLED);
  braid_task_unref (t);

  /* Closing the client while a request is in flight in another task: the
   * request still finishes, the pool goes afterwards. */
  hang_arg b = { c, test_http_url (&server, "/delay/20"), 1, false };
  t = braid_spawn (hanging_get, &b);
  braid_yield ();
  braid_http_client_close (c);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  g_assert_cmpint (b.rc, ==, 0);
  braid_task_unref (t);
  g_free (b.url);
  g_free (a.url);
  braid_tcp_server_close (server.srv);
  return NULL;
}

static void
test_cancelled_request_is_abandoned_cleanly (void)
{
  g_assert_cmpint (braid_run (cancel_main, NULL, NULL), ==, 0);
}

static void *
timeout_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  braid_http_client *c = braid_http_client_new ();
  char *url = test_http_url (&server, "/hang");
  braid_http_request req = { .url = url, .timeout = 0.1 };
  braid_http_response r;
  g_assert_cmpint (braid_http_client_request (c, &req, &r), ==,
                   BRAID_ETIMEDOUT);
  braid_error *e = braid_error_catch (BRAID_TIMEOUT_ERROR);
  g_assert_nonnull (e);
  braid_error_unref (e);
  g_free (url);

  /* Nobody listens on a freed ephemeral port. */
  int port = server.port;
  braid_http_client_close (c);
  braid_tcp_server_close (server.srv);
  braid_sleep (0.01);
  url = g_strdup_printf ("http://127.0.0.1:%d/", port);
  g_assert_cmpint (braid_http_get (url, &r), ==, UV_ECONNREFUSED);
  e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (e);
  braid_error_unref (e);
  g_free (url);
  return NULL;
}

static void
test_timeouts_and_refusals_raise (void)
{
  g_assert_cmpint (braid_run (timeout_main, NULL, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/io/http/get-returns-status-headers-and-body",
                   test_get_returns_status_headers_and_body);
  g_test_add_func ("/runtime/io/http/client-reuses-its-connection",
                   test_client_reuses_its_connection);
  g_test_add_func ("/runtime/io/http/concurrent-gets-overlap",
                   test_concurrent_gets_overlap);
  g_test_add_func ("/runtime/io/http/cancelled-request-is-abandoned-cleanly",
                   test_cancelled_request_is_abandoned_cleanly);
  g_test_add_func ("/runtime/io/http/timeouts-and-refusals-raise",
                   test_timeouts_and_refusals_raise);
  return g_test_run ();
}
