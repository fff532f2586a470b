/* io-http.c: an HTTP client on libcurl's multi-socket API, driven by the
 * braid loop: a braid_http_client (aiohttp's ClientSession: one
 * connection pool shared by its requests) and braid_http_get for one-off
 * requests.
 *
 * libcurl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION: one
 * uv_poll_t per socket) and when to call it back (CURLMOPT_TIMERFUNCTION:
 * one uv_timer_t per client); their libuv callbacks call
 * curl_multi_socket_action and then read the finished transfers, which
 * complete the waiting tasks' ops (io-op.c). Response bytes go to heap
 * buffers of the request; the task moves them into the caller's response
 * after it resumes. A cancellation removes the easy handle from the multi
 * handle (no callback runs for it after that) and ends the wait at once.
 * The poll handles and the timer keep the loop alive only while requests
 * are in flight, so idle pooled connections do not hide a deadlock. The
 * client is freed after its timer's close callback, and its multi handle
 * is cleaned up once it is closed and its last request is done.
 * Hot: the write callback's append, once per received chunk.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io-private.h"

typedef struct sock_ctx sock_ctx;

struct braid_http_client
{
  braid_loop *loop;
  CURLM *multi;
  uv_timer_t timer;
  uint64_t id;
  int refs;      /* the user's, the timer handle's, each request's */
  int active;    /* requests in the multi handle */
  bool closed;   /* braid_http_client_close was called */
  bool finished; /* the multi handle is cleaned up */
  bool in_curl;  /* inside curl_multi_socket_action */
  sock_ctx *socks;
  braid__closer closer; /* registered until braid_http_client_close */
  /* What every request of the client may do (braid_http_client_set_*):
   * the protocols of the URL and of redirects (libcurl's names, owned),
   * the redirects followed, the connect and whole-transfer timeouts in
   * milliseconds (0: none). */
  char *protocols;
  long max_redirects;
  long connect_timeout_ms;
  long timeout_ms;
};

struct sock_ctx
{
  uv_poll_t poll;
  curl_socket_t fd;
  braid_http_client *c;
  sock_ctx *prev, *next;
};

typedef struct http_op
{
  braid__io_op op; /* first */
  braid_http_client *c;
  CURL *easy;
  bool in_multi;
  struct curl_slist *req_headers;
  char *body;
  size_t body_len, body_cap;
  char **names, **values;
  size_t nheaders, headers_cap;
  size_t header_bytes; /* of the responses so far, redirects included */
  bool headers_too_large;
  bool out_of_memory; /* a callback failed to allocate */
  CURLcode result;
  long status;
  char errbuf[CURL_ERROR_SIZE];
} http_op;

/* The defaults of a new client: the web's protocols only, as many
 * redirects as browsers' loop detection allows in practice, and
 * aiohttp's timeouts (30 s to connect, 300 s for the whole transfer). */
#define DEFAULT_PROTOCOLS "http,https"
#define DEFAULT_MAX_REDIRECTS 10L
#define DEFAULT_CONNECT_TIMEOUT_MS 30000L
#define DEFAULT_TIMEOUT_MS 300000L
/* Response headers beyond this many bytes (all responses of a request,
 * redirects included) fail the request instead of growing without
 * bound. */
#define MAX_HEADER_BYTES ((size_t)256 * 1024)

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void
global_init (void)
{
  global_rc = curl_global_init (CURL_GLOBAL_DEFAULT);
}

/* Client lifetime. */

static void
client_unref (braid_http_client *c)
{
  if (--c->refs == 0)
    {
      free (c->protocols);
      free (c);
    }
}

static void
timer_close_cb (uv_handle_t *h)
{
  client_unref (h->data);
}

static void
sock_close_cb (uv_handle_t *h)
{
  free (h->data);
}

static void
sock_drop (sock_ctx *ctx)
{
  braid_http_client *c = ctx->c;
  if (ctx->prev)
    ctx->prev->next = ctx->next;
  else
    c->socks = ctx->next;
  if (ctx->next)
    ctx->next->prev = ctx->prev;
  uv_poll_stop (&ctx->poll);
  uv_close ((uv_handle_t *)&ctx->poll, sock_close_cb);
}

/* Lets the client's handles keep the loop alive only while requests are in
 * flight. */
static void
client_update_refs (braid_http_client *c)
{
  void (*set) (uv_handle_t *) = c->active > 0 ? uv_ref : uv_unref;
  set ((uv_handle_t *)&c->timer);
  for (sock_ctx *s = c->socks; s; s = s->next)
    set ((uv_handle_t *)&s->poll);
}

/* Once closed and idle, releases the multi handle, the sockets and the
 * timer. Never called from inside libcurl. */
static void
client_maybe_finish (braid_http_client *c)
{
  if (!c->closed || c->active > 0 || c->finished || c->in_curl)
    return;
  c->finished = true;
  curl_multi_cleanup (c->multi);
  c->multi = NULL;
  while (c->socks)
    sock_drop (c->socks);
  uv_timer_stop (&c->timer);
  uv_close ((uv_handle_t *)&c->timer, timer_close_cb);
}

/* Reads the finished transfers and wakes their tasks. */
static void
check_info (braid_http_client *c)
{
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read (c->multi, &left)))
    {
      if (msg->msg != CURLMSG_DONE)
        continue;
      CURL *easy = msg->easy_handle;
      CURLcode result = msg->data.result;
      http_op *h = NULL;
      curl_easy_getinfo (easy, CURLINFO_PRIVATE, (char **)&h);
      curl_multi_remove_handle (c->multi, easy);
      h->in_multi = false;
      h->result = result;
      curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &h->status);
      c->active--;
      braid__io_op_complete (&h->op, 0);
    }
  client_update_refs (c);
}

static void
socket_action (braid_http_client *c, curl_socket_t fd, int flags)
{
  int running;
  c->in_curl = true;
  curl_multi_socket_action (c->multi, fd, flags, &running);
  c->in_curl = false;
  check_info (c);
  client_maybe_finish (c);
}

static void
poll_cb (uv_poll_t *p, int status, int events)
{
  sock_ctx *ctx = p->data;
  int flags = 0;
  if (status < 0)
    flags = CURL_CSELECT_ERR;
  else
    {
      if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
      if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    }
  /* ctx may be dropped by libcurl during the call: keep only what we
   * need. */
  socket_action (ctx->c, ctx->fd, flags);
}

static void
timeout_cb (uv_timer_t *t)
{
  socket_action (t->data, CURL_SOCKET_TIMEOUT, 0);
}

static int
curl_socket_cb (CURL *easy, curl_socket_t fd, int what, void *userp,
                void *socketp)
{
  (void)easy;
  braid_http_client *c = userp;
  sock_ctx *ctx = socketp;
  if (what == CURL_POLL_REMOVE)
    {
      if (ctx)
        {
          curl_multi_assign (c->multi, fd, NULL);
          sock_drop (ctx);
        }
      return 0;
    }
  if (!ctx)
    {
      ctx = braid__xcalloc (1, sizeof *ctx);
      ctx->fd = fd;
      ctx->c = c;
      if (uv_poll_init_socket (braid_loop_uv (c->loop), &ctx->poll, fd) < 0)
        {
          free (ctx);
          return -1;
        }
      ctx->poll.data = ctx;
      ctx->next = c->socks;
      if (c->socks)
        c->socks->prev = ctx;
      c->socks = ctx;
      curl_multi_assign (c->multi, fd, ctx);
      if (c->active == 0)
        uv_unref ((uv_handle_t *)&ctx->poll);
    }
  int events = 0;
  if (what & CURL_POLL_IN)
    events |= UV_READABLE;
  if (what & CURL_POLL_OUT)
    events |= UV_WRITABLE;
  uv_poll_start (&ctx->poll, events, poll_cb);
  return 0;
}

static int
curl_timer_cb (CURLM *multi, long timeout_ms, void *userp)
{
  (void)multi;
  braid_http_client *c = userp;
  if (timeout_ms < 0)
    uv_timer_stop (&c->timer);
  else
    uv_timer_start (&c->timer, timeout_cb, (uint64_t)timeout_ms, 0);
  return 0;
}

/* Closes @c and drops the user's reference (registration already
 * removed). The multi handle goes once no request is in flight (at loop
 * close the pending requests' tasks were unwound first, which removed
 * their transfers). */
static void
client_close (braid_http_client *c)
{
  c->closed = true;
  client_maybe_finish (c);
  client_unref (c);
}

static void
client_close_at_loop_close (braid__closer *closer)
{
  client_close ((braid_http_client *)((char *)closer
                                      - offsetof (braid_http_client, closer)));
}

braid_http_client *
braid_http_client_new (void)
{
  braid_loop *loop = braid_loop_current ();
  if (!loop)
    {
      braid__raise_code (BRAID_ENOTASK, "braid_http_client_new");
      return NULL;
    }
  pthread_once (&global_once, global_init);
  if (global_rc != CURLE_OK)
    {
      braid_raise (BRAID_OS_ERROR, "braid_http_client_new: %s",
                   curl_easy_strerror (global_rc));
      return NULL;
    }
  braid_http_client *c = braid__xcalloc (1, sizeof *c);
  c->multi = curl_multi_init ();
  if (!c->multi)
    {
      free (c);
      braid__raise_code (BRAID_ENOMEM, "braid_http_client_new");
      return NULL;
    }
  c->loop = loop;
  c->refs = 2; /* the user's and the timer's */
  c->protocols = braid__xstrdup (DEFAULT_PROTOCOLS);
  c->max_redirects = DEFAULT_MAX_REDIRECTS;
  c->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
  c->timeout_ms = DEFAULT_TIMEOUT_MS;
  uv_timer_init (braid_loop_uv (loop), &c->timer);
  c->timer.data = c;
  uv_unref ((uv_handle_t *)&c->timer);
  curl_multi_setopt (c->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb);
  curl_multi_setopt (c->multi, CURLMOPT_SOCKETDATA, c);
  curl_multi_setopt (c->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
  curl_multi_setopt (c->multi, CURLMOPT_TIMERDATA, c);
  c->id = braid__io_object_new (loop, "http client");
  c->closer.close = client_close_at_loop_close;
  braid__loop_add_closer (loop, &c->closer);
  return c;
}

void
braid_http_client_close (braid_http_client *c)
{
  if (!c)
    return;
  if (c->closed)
    braid__abort ("braid_http_client_close", "client closed twice");
  braid__loop_remove_closer (c->loop, &c->closer);
  client_close (c);
}

/* Converts a timeout in seconds to libcurl's milliseconds: negative is
 * none (0), a fraction of a millisecond rounds up (0 would mean none),
 * and anything past LONG_MAX ms is LONG_MAX. NaN sets *@rc. */
static long
timeout_ms (double seconds, int *rc)
{
  if (seconds != seconds)
    {
      *rc = BRAID_EINVAL;
      return 0;
    }
  if (seconds <= 0)
    return 0;
  double ms = ceil (seconds * 1000.0);
  return ms >= (double)LONG_MAX ? LONG_MAX : (long)ms;
}

int
braid_http_client_set_timeouts (braid_http_client *c, double connect,
                                double total)
{
  int rc = 0;
  braid__check_arg (c, "braid_http_client_set_timeouts", "client");
  long connect_ms
      = connect == 0 ? DEFAULT_CONNECT_TIMEOUT_MS : timeout_ms (connect, &rc);
  long total_ms = total == 0 ? DEFAULT_TIMEOUT_MS : timeout_ms (total, &rc);
  if (rc < 0)
    return braid__raise_code (BRAID_EINVAL,
                              "braid_http_client_set_timeouts (NaN)");
  c->connect_timeout_ms = connect_ms;
  c->timeout_ms = total_ms;
  return 0;
}

int
braid_http_client_set_protocols (braid_http_client *c, const char *protocols)
{
  braid__check_arg (c, "braid_http_client_set_protocols", "client");
  if (!protocols)
    protocols = DEFAULT_PROTOCOLS;
  /* Let libcurl judge the list now rather than fail each request. */
  CURL *probe = curl_easy_init ();
  if (!probe)
    return braid__raise_code (BRAID_ENOMEM, "braid_http_client_set_protocols");
  CURLcode cc = curl_easy_setopt (probe, CURLOPT_PROTOCOLS_STR, protocols);
  curl_easy_cleanup (probe);
  if (cc != CURLE_OK)
    return braid__raise_as (BRAID_VALUE_ERROR, BRAID_EINVAL,
                            "braid_http_client_set_protocols: \"%s\": %s",
                            protocols, curl_easy_strerror (cc));
  free (c->protocols);
  c->protocols = braid__xstrdup (protocols);
  return 0;
}

int
braid_http_client_set_max_redirects (braid_http_client *c, long max)
{
  braid__check_arg (c, "braid_http_client_set_max_redirects", "client");
  if (max < 0)
    return braid__raise_code (BRAID_EINVAL,
                              "braid_http_client_set_max_redirects "
                              "(negative)");
  c->max_redirects = max;
  return 0;
}

/* Requests. */

static size_t
write_cb (char *data, size_t size, size_t n, void *userp)
{
  http_op *h = userp;
  size_t len = size * n;
  if (h->body_cap - h->body_len < len + 1)
    {
      size_t cap = h->body_cap ? h->body_cap : 16384;
      while (cap - h->body_len < len + 1)
        cap *= 2;
      char *nb = realloc (h->body, cap);
      if (!nb)
        {
          /* libcurl fails the transfer with CURLE_WRITE_ERROR. */
          h->out_of_memory = true;
          return 0;
        }
      h->body = nb;
      h->body_cap = cap;
    }
  memcpy (h->body + h->body_len, data, len);
  h->body_len += len;
  h->body[h->body_len] = '\0';
  return len;
}

static void
headers_reset (http_op *h)
{
  for (size_t i = 0; i < h->nheaders; i++)
    {
      free (h->names[i]);
      free (h->values[i]);
    }
  h->nheaders = 0;
}

static size_t
header_cb (char *data, size_t size, size_t n, void *userp)
{
  http_op *h = userp;
  size_t len = size * n;
  h->header_bytes += len;
  if (h->header_bytes > MAX_HEADER_BYTES)
    {
      h->headers_too_large = true;
      return 0;
    }
  /* A status line starts a new response (after a redirect or a 100
   * Continue): only the last response's headers are kept. */
  if (len >= 5 && memcmp (data, "HTTP/", 5) == 0)
    {
      headers_reset (h);
      return len;
    }
  const char *colon = memchr (data, ':', len);
  if (!colon)
    return len;
  size_t end = len;
  while (end > 0 && (data[end - 1] == '\r' || data[end - 1] == '\n'))
    end--;
  const char *v = colon + 1;
  while (v < data + end && (*v == ' ' || *v == '\t'))
    v++;
  if (h->nheaders == h->headers_cap)
    {
      size_t cap = h->headers_cap ? h->headers_cap * 2 : 16;
      char **nn = realloc (h->names, cap * sizeof *nn);
      if (nn)
        h->names = nn;
      char **nv = nn ? realloc (h->values, cap * sizeof *nv) : NULL;
      if (!nv)
        {
          h->out_of_memory = true;
          return 0;
        }
      h->values = nv;
      h->headers_cap = cap;
    }
  char *name = strndup (data, (size_t)(colon - data));
  char *value = strndup (v, (size_t)(data + end - v));
  if (!name || !value)
    {
      free (name);
      free (value);
      h->out_of_memory = true;
      return 0;
    }
  h->names[h->nheaders] = name;
  h->values[h->nheaders] = value;
  h->nheaders++;
  return len;
}

static bool
http_cancel (braid__io_op *op)
{
  http_op *h = (http_op *)op;
  if (h->in_multi)
    {
      /* After this no libcurl callback runs for the transfer. */
      curl_multi_remove_handle (h->c->multi, h->easy);
      h->in_multi = false;
      h->c->active--;
      op->refs--; /* check_info will not complete it */
      client_update_refs (h->c);
      client_maybe_finish (h->c);
    }
  return true;
}

static void
http_free (braid__io_op *op)
{
  http_op *h = (http_op *)op;
  if (h->easy)
    curl_easy_cleanup (h->easy);
  curl_slist_free_all (h->req_headers);
  free (h->body);
  headers_reset (h);
  free (h->names);
  free (h->values);
  braid_http_client *c = h->c;
  free (h);
  client_unref (c);
}

/* Raises the error for a failed transfer of @req: raised by
 * braid_http_client_request, its message names the request ("GET <url>:
 * connection refused"). */
static int
raise_curl (const braid_http_request *req, http_op *h)
{
  static const char call[] = "braid_http_client_request";
  char what[512];
  snprintf (what, sizeof what, "%s %s", req->method ? req->method : "GET",
            req->url);
  const char *detail
      = h->errbuf[0] ? h->errbuf : curl_easy_strerror (h->result);
  if (h->out_of_memory)
    return braid__raise_code_on (BRAID_ENOMEM, call, what);
  if (h->headers_too_large)
    return braid__raise_as_at (BRAID_OS_ERROR, BRAID_EFAILED, NULL, 0, call,
                               "%s: the response headers exceed %zu bytes",
                               what, MAX_HEADER_BYTES);
  int code = 0;
  switch (h->result)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
      code = UV_EAI_NONAME;
      break;
    case CURLE_COULDNT_CONNECT:
      code = UV_ECONNREFUSED;
      break;
    case CURLE_GOT_NOTHING:
      code = UV_ECONNRESET;
      break;
    case CURLE_RECV_ERROR:
      /* Also a malformed response (bad chunked framing): only a reset is
       * one. */
      if (!h->errbuf[0] || strstr (h->errbuf, "reset"))
        code = UV_ECONNRESET;
      break;
    case CURLE_OPERATION_TIMEDOUT:
      return braid__raise_as_at (BRAID_TIMEOUT_ERROR, BRAID_ETIMEDOUT, NULL, 0,
                                 call, "%s: timed out (%s)", what, detail);
    case CURLE_OUT_OF_MEMORY:
      /* libcurl 7.88 fails a response header line longer than its limit
       * (CURL_MAX_HTTP_HEADER, 100 KiB) with this code too, without a
       * message: far likelier than memory running out, and the server's
       * doing, so an OSError that says both. */
      if (!h->errbuf[0])
        detail = "a response header line longer than 100 KiB (or libcurl "
                 "ran out of memory)";
      break;
    default:
      break;
    }
  /* libuv's code where there is one, so callers can test for a refused
   * connection; libcurl's reason in the message either way. */
  if (code)
    return braid__raise_as_at (BRAID_OS_ERROR, code, NULL, 0, call,
                               "%s: %s (%s)", what, uv_strerror (code), detail);
  return braid__raise_as_at (BRAID_OS_ERROR, BRAID_EFAILED, NULL, 0, call,
                             "%s: %s", what, detail);
}

int
braid_http_client_request (braid_http_client *c, const braid_http_request *req,
                           braid_http_response *resp)
{
  if (resp)
    memset (resp, 0, sizeof *resp);
  if (!c || !req || !req->url || !resp || (!req->body && req->body_len))
    return braid__raise_code (BRAID_EINVAL, "braid_http_client_request");
  int bad = 0;
  long total_ms
      = req->timeout == 0 ? c->timeout_ms : timeout_ms (req->timeout, &bad);
  if (bad < 0)
    return braid__raise_code (BRAID_EINVAL, "braid_http_client_request (NaN "
                                            "timeout)");
  if (c->closed)
    return braid__raise_code (BRAID_EINVALSTATE,
                              "braid_http_client_request (the "
                              "client is closed)");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_http_client_request");
  if (braid_loop_current () != c->loop)
    return braid__raise_code (BRAID_EXLOOP, "braid_http_client_request");
  http_op *h = braid__xcalloc (1, sizeof *h);
  braid__io_op_init (&h->op, c->loop, http_cancel, http_free);
  h->c = c;
  c->refs++;
  h->easy = curl_easy_init ();
  if (!h->easy)
    {
      braid__io_op_abandon (&h->op);
      braid__io_op_unref (&h->op);
      return braid__raise_code (BRAID_ENOMEM, "braid_http_client_request");
    }
  const char *method = req->method ? req->method : "GET";
  CURL *e = h->easy;
  curl_easy_setopt (e, CURLOPT_URL, req->url);
  curl_easy_setopt (e, CURLOPT_PRIVATE, (char *)h);
  curl_easy_setopt (e, CURLOPT_ERRORBUFFER, h->errbuf);
  curl_easy_setopt (e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (e, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (e, CURLOPT_WRITEDATA, h);
  curl_easy_setopt (e, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (e, CURLOPT_HEADERDATA, h);
  curl_easy_setopt (e, CURLOPT_FOLLOWLOCATION, req->no_redirects ? 0L : 1L);
  curl_easy_setopt (e, CURLOPT_USERAGENT, "braid/" BRAID_VERSION_STRING);
  /* Only what the client allows: a URL or a redirect to file://, dict://
   * or gopher:// fails, and a redirect loop ends. */
  curl_easy_setopt (e, CURLOPT_PROTOCOLS_STR, c->protocols);
  curl_easy_setopt (e, CURLOPT_REDIR_PROTOCOLS_STR, c->protocols);
  curl_easy_setopt (e, CURLOPT_MAXREDIRS, c->max_redirects);
  curl_easy_setopt (e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
  curl_easy_setopt (e, CURLOPT_TIMEOUT_MS, total_ms);
  if (strcmp (method, "GET") != 0)
    curl_easy_setopt (e, CURLOPT_CUSTOMREQUEST, method);
  if (strcmp (method, "HEAD") == 0)
    curl_easy_setopt (e, CURLOPT_NOBODY, 1L);
  if (req->body)
    {
      curl_easy_setopt (e, CURLOPT_POSTFIELDSIZE_LARGE,
                        (curl_off_t)req->body_len);
      curl_easy_setopt (e, CURLOPT_COPYPOSTFIELDS, req->body);
      if (strcmp (method, "POST") != 0)
        curl_easy_setopt (e, CURLOPT_CUSTOMREQUEST, method);
    }
  for (const char *const *p = req->headers; p && *p; p++)
    h->req_headers = curl_slist_append (h->req_headers, *p);
  if (h->req_headers)
    curl_easy_setopt (e, CURLOPT_HTTPHEADER, h->req_headers);
  uint64_t id = braid__io_object_new (c->loop, "%s %s", method, req->url);
  CURLMcode mc = curl_multi_add_handle (c->multi, e);
  if (mc != CURLM_OK)
    {
      braid__io_op_abandon (&h->op);
      braid__io_op_unref (&h->op);
      braid_raise (BRAID_OS_ERROR, "%s %s: %s", method, req->url,
                   curl_multi_strerror (mc));
      return BRAID_EFAILED;
    }
  h->in_multi = true;
  c->active++;
  client_update_refs (c);
  int rc = braid__io_op_wait (&h->op, BRAID_WAIT_IO, id);
  if (rc == 0 && h->result != CURLE_OK)
    rc = raise_curl (req, h);
  else if (rc == 0)
    {
      resp->status = h->status;
      if (!h->body)
        h->body = braid__xcalloc (1, 1);
      resp->body = h->body;
      resp->body_len = h->body_len;
      resp->header_names = h->names;
      resp->header_values = h->values;
      resp->nheaders = h->nheaders;
      h->body = NULL;
      h->names = h->values = NULL;
      h->nheaders = h->headers_cap = 0;
    }
  braid__io_op_unref (&h->op);
  return rc;
}

int
braid_http_client_get (braid_http_client *c, const char *url,
                       braid_http_response *resp)
{
  braid_http_request req = { 0 };
  req.url = url;
  return braid_http_client_request (c, &req, resp);
}

int
braid_http_get (const char *url, braid_http_response *resp)
{
  if (resp)
    memset (resp, 0, sizeof *resp);
  if (!url || !resp)
    return braid__raise_code (BRAID_EINVAL, "braid_http_get");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_http_get");
  braid_http_client *c = braid_http_client_new ();
  if (!c)
    return BRAID_EFAILED;
  int rc = braid_http_client_get (c, url, resp);
  braid_http_client_close (c);
  return rc;
}

const char *
braid_http_response_header (const braid_http_response *resp, const char *name)
{
  if (!resp || !name)
    return NULL;
  for (size_t i = 0; i < resp->nheaders; i++)
    if (strcasecmp (resp->header_names[i], name) == 0)
      return resp->header_values[i];
  return NULL;
}

void
braid_http_response_clear (braid_http_response *resp)
{
  if (!resp)
    return;
  for (size_t i = 0; i < resp->nheaders; i++)
    {
      free (resp->header_names[i]);
      free (resp->header_values[i]);
    }
  free (resp->header_names);
  free (resp->header_values);
  free (resp->body);
  memset (resp, 0, sizeof *resp);
}
