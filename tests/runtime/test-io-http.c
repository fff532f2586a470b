/* test-io-http.c: the HTTP client (libcurl multi-socket on the braid loop)
 * against a real HTTP/1.1 server on loopback written with braid's TCP
 * server (io-http-server.h): status, headers and body; connection reuse
 * through one client; concurrent requests overlap; a cancelled request is
 * abandoned cleanly; transport failures raise. And what a client must
 * refuse: schemes other than http and https (in the URL or a redirect)
 * unless widened, redirect loops past the cap, sub-millisecond timeouts
 * that would mean none, and each way a server can misbehave, whose errors
 * must name the request and stay printable after the loop is closed.
 */
#define _GNU_SOURCE
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
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

/* Requests @url through @c and expects it to fail with @code; returns
 * the error (a new reference). */
static braid_error *
expect_failure (braid_http_client *c, const char *url, int code)
{
  braid_http_response r;
  int rc = braid_http_client_get (c, url, &r);
  if (rc != code)
    g_error ("GET %s returned %d (%s), not %d", url, rc, braid_strerror (rc),
             code);
  g_assert_null (r.body);
  braid_error *e = braid_error_catch (NULL);
  g_assert_nonnull (e);
  return e;
}

static void *
schemes_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  braid_http_client *c = braid_http_client_new ();
  /* The URL and a redirect alike. */
  braid_error *e = expect_failure (c, "file:///etc/os-release", BRAID_EFAILED);
  g_assert_true (braid_error_is (e, BRAID_OS_ERROR));
  g_assert_nonnull (strstr (braid_error_message (e), "file:///etc/os-release"));
  braid_error_unref (e);
  char *url = test_http_url (&server, "/redirect-file");
  e = expect_failure (c, url, BRAID_EFAILED);
  g_assert_true (braid_error_is (e, BRAID_OS_ERROR));
  braid_error_unref (e);
  g_free (url);
  braid_error_unref (expect_failure (c, "gopher://127.0.0.1/", BRAID_EFAILED));

  /* Widened explicitly, file:// reads a file. */
  char *path
      = g_build_filename (g_get_tmp_dir (), "braid-http-file-XXXXXX", NULL);
  int fd = g_mkstemp (path);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, "local", 5), ==, 5);
  close (fd);
  g_assert_cmpint (braid_http_client_set_protocols (c, "http,https,file"), ==,
                   0);
  url = g_strdup_printf ("file://%s", path);
  braid_http_response r;
  g_assert_cmpint (braid_http_client_get (c, url, &r), ==, 0);
  g_assert_cmpstr (r.body, ==, "local");
  braid_http_response_clear (&r);
  /* Narrowed again to the default. */
  g_assert_cmpint (braid_http_client_set_protocols (c, NULL), ==, 0);
  braid_error_unref (expect_failure (c, url, BRAID_EFAILED));
  g_free (url);
  g_unlink (path);
  g_free (path);
  /* A list libcurl does not know is refused, and changes nothing. */
  g_assert_cmpint (braid_http_client_set_protocols (c, "http,nonsense"), ==,
                   BRAID_EINVAL);
  braid_error_clear ();
  braid_http_client_close (c);
  braid_tcp_server_close (server.srv);
  return NULL;
}

static void
test_only_http_and_https_unless_widened (void)
{
  g_assert_cmpint (braid_run (schemes_main, NULL, NULL), ==, 0);
}

static void *
redirects_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  braid_http_client *c = braid_http_client_new ();
  char *url = test_http_url (&server, "/redirect-loop");
  braid_error *e = expect_failure (c, url, BRAID_EFAILED);
  g_assert_nonnull (strstr (braid_error_message (e), "edirect"));
  braid_error_unref (e);
  /* The first request and 10 redirects. */
  g_assert_cmpint (server.requests, ==, 11);

  g_assert_cmpint (braid_http_client_set_max_redirects (c, 2), ==, 0);
  server.requests = 0;
  braid_error_unref (expect_failure (c, url, BRAID_EFAILED));
  g_assert_cmpint (server.requests, ==, 3);
  g_assert_cmpint (braid_http_client_set_max_redirects (c, -1), ==,
                   BRAID_EINVAL);
  braid_error_clear ();
  g_free (url);
  braid_http_client_close (c);
  braid_tcp_server_close (server.srv);
  return NULL;
}

static void
test_redirect_loops_stop_at_the_cap (void)
{
  g_assert_cmpint (braid_run (redirects_main, NULL, NULL), ==, 0);
}

static void *
tiny_timeout_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  braid_http_client *c = braid_http_client_new ();
  char *url = test_http_url (&server, "/hang");
  /* 0.1 ms: (long)(0.0001 * 1000) is 0, which libcurl reads as none. */
  braid_http_request req = { .url = url, .timeout = 0.0001 };
  braid_http_response r;
  g_assert_cmpint (braid_http_client_request (c, &req, &r), ==,
                   BRAID_ETIMEDOUT);
  braid_error_clear ();
  /* The client's own timeouts: requests with timeout 0 use them. */
  g_assert_cmpint (braid_http_client_set_timeouts (c, 1, 0.05), ==, 0);
  req.timeout = 0;
  g_assert_cmpint (braid_http_client_request (c, &req, &r), ==,
                   BRAID_ETIMEDOUT);
  braid_error_clear ();
  g_assert_cmpint (braid_http_client_set_timeouts (c, NAN, 1), ==,
                   BRAID_EINVAL);
  braid_error_clear ();
  req.timeout = NAN;
  g_assert_cmpint (braid_http_client_request (c, &req, &r), ==, BRAID_EINVAL);
  braid_error_clear ();
  g_free (url);
  braid_http_client_close (c);
  braid_tcp_server_close (server.srv);
  return NULL;
}

static void
test_sub_millisecond_timeouts_round_up (void)
{
  gint64 start = g_get_monotonic_time ();
  g_assert_cmpint (braid_run (tiny_timeout_main, NULL, NULL), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
}

/* Each misbehaving path, the code it must fail with. */
static const struct
{
  const char *path;
  int code;
} bad_paths[] = {
  { "/close", UV_ECONNRESET },        { "/huge-header", BRAID_EFAILED },
  { "/many-headers", BRAID_EFAILED }, { "/bad-chunked", BRAID_EFAILED },
  { "/truncated", BRAID_EFAILED },    { "/garbage", BRAID_EFAILED },
};

static braid_error *bad_errors[G_N_ELEMENTS (bad_paths)];

static void *
misbehaving_main (void *arg)
{
  (void)arg;
  test_http_server_start (&server);
  braid_http_client *c = braid_http_client_new ();
  for (size_t i = 0; i < G_N_ELEMENTS (bad_paths); i++)
    {
      char *url = test_http_url (&server, bad_paths[i].path);
      bad_errors[i] = expect_failure (c, url, bad_paths[i].code);
      g_free (url);
    }
  /* The client still works after all that. */
  char *url = test_http_url (&server, "/fine");
  braid_http_response r;
  g_assert_cmpint (braid_http_client_get (c, url, &r), ==, 0);
  g_assert_cmpstr (r.body, ==, "hello from /fine");
  braid_http_response_clear (&r);
  g_free (url);
  braid_http_client_close (c);
  braid_tcp_server_close (server.srv);
  return NULL;
}

/* The errors are read after braid_run closed the loop, whose tasks'
 * stacks held the buffers the messages were made in. */
static void
test_misbehaving_servers_fail_cleanly (void)
{
  g_assert_cmpint (braid_run (misbehaving_main, NULL, NULL), ==, 0);
  for (size_t i = 0; i < G_N_ELEMENTS (bad_paths); i++)
    {
      braid_error *e = bad_errors[i];
      char *printed = NULL;
      size_t len = 0;
      FILE *out = open_memstream (&printed, &len);
      braid_error_print (e, out);
      fclose (out);
      g_test_message ("%s: %s", bad_paths[i].path, printed);
      char *want = g_strdup_printf ("GET http://127.0.0.1:%d%s: ", server.port,
                                    bad_paths[i].path);
      g_assert_true (g_str_has_prefix (braid_error_message (e), want));
      g_assert_cmpstr (braid_error_function (e), ==,
                       "braid_http_client_request");
      g_assert_nonnull (strstr (printed, "(raised by "
                                         "braid_http_client_request)\n"));
      g_assert_true (g_utf8_validate (printed, -1, NULL));
      g_free (want);
      free (printed);
      braid_error_unref (e);
    }
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
  g_test_add_func ("/runtime/io/http/only-http-and-https-unless-widened",
                   test_only_http_and_https_unless_widened);
  g_test_add_func ("/runtime/io/http/redirect-loops-stop-at-the-cap",
                   test_redirect_loops_stop_at_the_cap);
  g_test_add_func ("/runtime/io/http/sub-millisecond-timeouts-round-up",
                   test_sub_millisecond_timeouts_round_up);
  g_test_add_func ("/runtime/io/http/misbehaving-servers-fail-cleanly",
                   test_misbehaving_servers_fail_cleanly);
  return g_test_run ();
}
