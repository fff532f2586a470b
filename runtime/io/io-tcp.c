/* io-tcp.c: TCP streams and servers on libuv (uv_tcp_t): connect, listen,
 * accept, a server that spawns a task per connection, and buffered reads
 * (some bytes, exactly n, until a delimiter such as a line), writes and
 * shutdown.
 *
 * A braid_stream owns a uv_tcp_t and a read buffer on the heap. A reader
 * task that lacks data starts reading and waits (BRAID_WAIT_IO on the
 * stream's id); the read callback appends to the buffer, stops reading
 * (the buffer is the back-pressure: nothing is read that nobody asked for)
 * and wakes the reader, which looks at the buffer again. Since libuv only
 * ever writes into the stream's own buffer, cancelling a read just stops
 * reading and ends the wait at once; the stream stays usable. Writes copy
 * the caller's bytes into the request, so cancelling a write also ends the
 * wait at once (the bytes still go out). The stream and server structs are
 * reference counted (the user, the libuv handle, each waiting op) and
 * freed only after their close callback (libuv's rule). Streams set
 * TCP_NODELAY, as asyncio does, and the first one sets SIGPIPE to be
 * ignored (a closed peer is then UV_EPIPE, not death). Not hot beyond
 * the memcpy of each chunk.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io-private.h"

#define READ_CHUNK 65536

struct braid_stream
{
  uv_tcp_t tcp;
  braid_loop *loop;
  uint64_t id;
  int refs;    /* the user's, the handle's, each waiting op's */
  bool closed; /* braid_stream_close was called */
  char *buf;   /* received bytes not yet read: [start, len) */
  size_t start, len, cap;
  bool eof;
  int read_error;
  braid__io_op *reader; /* the pending read, if any */
  braid__closer closer; /* registered until braid_stream_close */
};

struct braid_tcp_server
{
  uv_tcp_t tcp;
  braid_loop *loop;
  uint64_t id;
  int refs;
  bool closed;
  int port;
  int error;              /* a failed accept, reported to acceptors */
  int pending;            /* connections waiting for braid_tcp_accept */
  braid__io_op *acceptor; /* the pending accept, if any */
  braid_tcp_handler handler;
  void *handler_arg;
  char *handler_name; /* for the tasks' creation site in traces */
  char *file;
  int line;
  braid__closer closer; /* registered until braid_tcp_server_close */
};

/* Streams and their lifetime. */

static void
stream_unref (braid_stream *s)
{
  if (--s->refs > 0)
    return;
  free (s->buf);
  free (s);
}

static void
stream_close_cb (uv_handle_t *h)
{
  stream_unref (h->data);
}

static void stream_close_at_loop_close (braid__closer *c);

/* A write to a peer that has gone raises SIGPIPE, whose default action
 * kills the process: a server would die of any client that disconnects
 * early. As CPython does at startup (asyncio then sees EPIPE), the first
 * stream ignores SIGPIPE, unless the program installed a handler of its
 * own. A write then fails with UV_EPIPE. */
static pthread_once_t sigpipe_once = PTHREAD_ONCE_INIT;

static void
ignore_sigpipe (void)
{
  struct sigaction old;
  if (sigaction (SIGPIPE, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO)
      && old.sa_handler == SIG_DFL)
    signal (SIGPIPE, SIG_IGN);
}

static braid_stream *
stream_new (braid_loop *loop)
{
  pthread_once (&sigpipe_once, ignore_sigpipe);
  braid_stream *s = braid__xcalloc (1, sizeof *s);
  s->loop = loop;
  s->refs = 2; /* the user's and the handle's */
  uv_tcp_init (braid_loop_uv (loop), &s->tcp);
  s->tcp.data = s;
  s->closer.close = stream_close_at_loop_close;
  braid__loop_add_closer (loop, &s->closer);
  return s;
}

/* Formats the address of @sa as "host:port". */
static void
addr_name (const struct sockaddr *sa, char *out, size_t size)
{
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (sa->sa_family == AF_INET)
    {
      uv_ip4_name ((const struct sockaddr_in *)sa, host, sizeof host);
      port = ntohs (((const struct sockaddr_in *)sa)->sin_port);
      snprintf (out, size, "%s:%d", host, port);
    }
  else if (sa->sa_family == AF_INET6)
    {
      uv_ip6_name ((const struct sockaddr_in6 *)sa, host, sizeof host);
      port = ntohs (((const struct sockaddr_in6 *)sa)->sin6_port);
      snprintf (out, size, "[%s]:%d", host, port);
    }
  else
    snprintf (out, size, "?");
}

/* Closes @s and drops the user's reference (registration already
 * removed). */
static void
stream_close (braid_stream *s)
{
  s->closed = true;
  if (s->reader)
    {
      /* A reader in another task learns of the close. */
      braid__io_op *r = s->reader;
      s->reader = NULL;
      braid__io_op_complete (r, UV_ECANCELED);
    }
  if (!uv_is_closing ((uv_handle_t *)&s->tcp))
    uv_close ((uv_handle_t *)&s->tcp, stream_close_cb);
  stream_unref (s);
}

/* braid_loop_close: the program left @c's stream open. */
static void
stream_close_at_loop_close (braid__closer *c)
{
  stream_close ((braid_stream *)((char *)c - offsetof (braid_stream, closer)));
}

void
braid_stream_close (braid_stream *s)
{
  if (!s)
    return;
  if (s->closed)
    braid__abort ("braid_stream_close", "stream closed twice");
  braid__loop_remove_closer (s->loop, &s->closer);
  stream_close (s);
}

uint64_t
braid_stream_id (const braid_stream *s)
{
  return s ? s->id : 0;
}

/* Reading. */

typedef struct read_op
{
  braid__io_op op; /* first */
  braid_stream *s;
} read_op;

static void
alloc_cb (uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
  (void)suggested;
  braid_stream *s = h->data;
  if (s->start > 0 && (s->start == s->len || s->start > s->cap / 2))
    {
      memmove (s->buf, s->buf + s->start, s->len - s->start);
      s->len -= s->start;
      s->start = 0;
    }
  if (s->cap - s->len < READ_CHUNK)
    {
      size_t cap = s->cap ? s->cap : READ_CHUNK;
      while (cap - s->len < READ_CHUNK)
        cap *= 2;
      char *nb = realloc (s->buf, cap);
      if (!nb)
        {
          /* libuv turns an empty buffer into UV_ENOBUFS. */
          *buf = uv_buf_init (NULL, 0);
          return;
        }
      s->buf = nb;
      s->cap = cap;
    }
  *buf = uv_buf_init (s->buf + s->len, (unsigned)(s->cap - s->len));
}

static void
read_cb (uv_stream_t *h, ssize_t nread, const uv_buf_t *buf)
{
  (void)buf;
  braid_stream *s = h->data;
  if (nread == 0)
    return;
  if (nread > 0)
    s->len += (size_t)nread;
  else if (nread == UV_EOF)
    s->eof = true;
  else
    s->read_error = (int)nread;
  uv_read_stop (h);
  if (s->reader)
    {
      braid__io_op *r = s->reader;
      s->reader = NULL;
      braid__io_op_complete (r, 0);
    }
}

static bool
read_cancel (braid__io_op *op)
{
  braid_stream *s = ((read_op *)op)->s;
  if (s->reader == op)
    {
      s->reader = NULL;
      if (!uv_is_closing ((uv_handle_t *)&s->tcp))
        uv_read_stop ((uv_stream_t *)&s->tcp);
      /* The read callback will not run for this op: drop its reference
       * on its behalf once the wait is over. */
      op->refs--;
    }
  return true;
}

static void
read_free (braid__io_op *op)
{
  stream_unref (((read_op *)op)->s);
  free (op);
}

/* Waits until more bytes, the end of the stream or an error arrive.
 * Returns 0 or a negative code (raised as @what). */
static int
wait_data (braid_stream *s, const char *what)
{
  if (s->closed)
    return braid__io_raise_uv (UV_EBADF, what);
  if (s->read_error)
    return braid__io_raise_uv (s->read_error, what);
  if (s->reader)
    return braid__raise_code (BRAID_EBUSY, what);
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, what);
  read_op *r = braid__xcalloc (1, sizeof *r);
  braid__io_op_init (&r->op, s->loop, read_cancel, read_free);
  r->s = s;
  s->refs++;
  int rc = uv_read_start ((uv_stream_t *)&s->tcp, alloc_cb, read_cb);
  if (rc < 0)
    {
      braid__io_op_abandon (&r->op);
      braid__io_op_unref (&r->op);
      return braid__io_raise_uv (rc, what);
    }
  s->reader = &r->op;
  rc = braid__io_op_wait (&r->op, BRAID_WAIT_IO, s->id);
  if (rc == 0 && r->op.status < 0)
    rc = braid__io_raise_uv (r->op.status, what);
  else if (rc == 0 && s->read_error)
    rc = braid__io_raise_uv (s->read_error, what);
  braid__io_op_unref (&r->op);
  return rc;
}

static size_t
buffered (const braid_stream *s)
{
  return s->len - s->start;
}

static void
take (braid_stream *s, void *out, size_t n)
{
  memcpy (out, s->buf + s->start, n);
  s->start += n;
}

ssize_t
braid_stream_read (braid_stream *s, void *buf, size_t len)
{
  if (!s || (!buf && len))
    return braid__raise_code (BRAID_EINVAL, "braid_stream_read");
  if (len == 0)
    return 0;
  while (buffered (s) == 0 && !s->eof)
    {
      int rc = wait_data (s, "braid_stream_read");
      if (rc < 0)
        return rc;
    }
  size_t n = buffered (s) < len ? buffered (s) : len;
  take (s, buf, n);
  return (ssize_t)n;
}

int
braid_stream_read_exactly (braid_stream *s, void *buf, size_t len)
{
  if (!s || (!buf && len))
    return braid__raise_code (BRAID_EINVAL, "braid_stream_read_exactly");
  while (buffered (s) < len)
    {
      if (s->eof)
        return braid__io_raise_uv (UV_EOF, "braid_stream_read_exactly "
                                           "(the stream ended early)");
      int rc = wait_data (s, "braid_stream_read_exactly");
      if (rc < 0)
        return rc;
    }
  take (s, buf, len);
  return 0;
}

ssize_t
braid_stream_read_until (braid_stream *s, const void *delim, size_t dlen,
                         void *buf, size_t cap)
{
  if (!s || !delim || dlen == 0 || (!buf && cap))
    return braid__raise_code (BRAID_EINVAL, "braid_stream_read_until");
  size_t searched = 0; /* bytes already known not to start a match */
  for (;;)
    {
      size_t have = buffered (s);
      const char *base = s->buf ? s->buf + s->start : NULL;
      if (have >= dlen)
        {
          const char *hit
              = memmem (base + searched, have - searched, delim, dlen);
          if (hit)
            {
              size_t n = (size_t)(hit - base) + dlen;
              if (n > cap)
                return braid__io_raise_uv (UV_ENOBUFS,
                                           "braid_stream_read_until (the "
                                           "buffer is too small)");
              take (s, buf, n);
              return (ssize_t)n;
            }
          searched = have - dlen + 1;
        }
      if (have >= cap)
        return braid__io_raise_uv (UV_ENOBUFS, "braid_stream_read_until (no "
                                               "delimiter within the buffer)");
      if (s->eof)
        {
          /* As readline(): the rest of the stream, possibly nothing. */
          take (s, buf, have);
          return (ssize_t)have;
        }
      int rc = wait_data (s, "braid_stream_read_until");
      if (rc < 0)
        return rc;
    }
}

ssize_t
braid_stream_read_line (braid_stream *s, char *buf, size_t cap)
{
  if (!s || (!buf && cap))
    return braid__raise_code (BRAID_EINVAL, "braid_stream_read_line");
  return braid_stream_read_until (s, "\n", 1, buf, cap);
}

/* Writing and shutting down. */

typedef struct write_op
{
  braid__io_op op; /* first */
  union
  {
    uv_write_t write;
    uv_shutdown_t shutdown;
    uv_connect_t connect;
  } req;
  char data[];
} write_op;

static void
write_cb (uv_write_t *req, int status)
{
  braid__io_op_complete (req->data, status);
}

static void
shutdown_cb (uv_shutdown_t *req, int status)
{
  braid__io_op_complete (req->data, status);
}

static void
connect_cb (uv_connect_t *req, int status)
{
  braid__io_op_complete (req->data, status);
}

static bool
req_cancel (braid__io_op *op)
{
  /* The request owns everything it touches: the wait may end now. */
  (void)op;
  return true;
}

static void
req_free (braid__io_op *op)
{
  free (op);
}

static write_op *
req_new (braid_loop *loop, size_t extra)
{
  write_op *w = braid__xcalloc (1, sizeof *w + extra);
  braid__io_op_init (&w->op, loop, req_cancel, req_free);
  w->req.write.data = w;
  return w;
}

/* Waits for @w after a submission that returned @rc; returns 0 or a
 * negative code raised as @what. */
static int
req_finish (write_op *w, int rc, uint64_t id, const char *what)
{
  if (rc < 0)
    {
      braid__io_op_abandon (&w->op);
      braid__io_op_unref (&w->op);
      return braid__io_raise_uv (rc, what);
    }
  rc = braid__io_op_wait (&w->op, BRAID_WAIT_IO, id);
  if (rc == 0 && w->op.status < 0)
    rc = braid__io_raise_uv (w->op.status, what);
  braid__io_op_unref (&w->op);
  return rc;
}

int
braid_stream_write (braid_stream *s, const void *data, size_t len)
{
  if (!s || (!data && len))
    return braid__raise_code (BRAID_EINVAL, "braid_stream_write");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_stream_write");
  if (s->closed)
    return braid__io_raise_uv (UV_EBADF, "braid_stream_write");
  if (len == 0)
    return 0;
  write_op *w = req_new (s->loop, len);
  memcpy (w->data, data, len);
  uv_buf_t b = uv_buf_init (w->data, (unsigned)len);
  int rc = uv_write (&w->req.write, (uv_stream_t *)&s->tcp, &b, 1, write_cb);
  return req_finish (w, rc, s->id, "braid_stream_write");
}

int
braid_stream_write_str (braid_stream *s, const char *text)
{
  if (!s || !text)
    return braid__raise_code (BRAID_EINVAL, "braid_stream_write_str");
  return braid_stream_write (s, text, strlen (text));
}

int
braid_stream_shutdown (braid_stream *s)
{
  if (!s)
    return braid__raise_code (BRAID_EINVAL, "braid_stream_shutdown");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_stream_shutdown");
  if (s->closed)
    return braid__io_raise_uv (UV_EBADF, "braid_stream_shutdown");
  write_op *w = req_new (s->loop, 0);
  w->req.shutdown.data = w;
  int rc = uv_shutdown (&w->req.shutdown, (uv_stream_t *)&s->tcp, shutdown_cb);
  return req_finish (w, rc, s->id, "braid_stream_shutdown");
}

/* Connecting. */

int
braid_tcp_connect (const char *host, int port, braid_stream **out)
{
  if (out)
    *out = NULL;
  if (!host || !out || port <= 0 || port > 65535)
    return braid__raise_code (BRAID_EINVAL, "braid_tcp_connect");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_tcp_connect");
  braid_loop *loop = braid_loop_current ();
  char service[16];
  snprintf (service, sizeof service, "%d", port);
  struct addrinfo *res;
  int rc = braid__io_getaddrinfo (host, service, SOCK_STREAM, &res);
  if (rc < 0)
    return rc;
  rc = UV_EAI_NONAME;
  /* Like asyncio's create_connection: try each address in turn, report
   * the last failure. */
  for (struct addrinfo *a = res; a; a = a->ai_next)
    {
      char name[80];
      addr_name (a->ai_addr, name, sizeof name);
      braid_stream *s = stream_new (loop);
      s->id = braid__io_object_new (loop, "tcp %s", name);
      if (a != res)
        braid_error_clear (); /* the previous address's failure */
      write_op *w = req_new (loop, 0);
      w->req.connect.data = w;
      rc = uv_tcp_connect (&w->req.connect, &s->tcp, a->ai_addr, connect_cb);
      rc = req_finish (w, rc, s->id, "braid_tcp_connect");
      if (rc == 0)
        {
          /* As asyncio: small writes go out at once (no Nagle delay
           * against the peer's delayed ACK). */
          uv_tcp_nodelay (&s->tcp, 1);
          *out = s;
          break;
        }
      braid_stream_close (s);
      if (rc == BRAID_ECANCELLED)
        break;
    }
  uv_freeaddrinfo (res);
  return rc;
}

/* Servers. */

static void server_close (braid_tcp_server *srv);

static void
server_unref (braid_tcp_server *srv)
{
  if (--srv->refs > 0)
    return;
  free (srv->handler_name);
  free (srv->file);
  free (srv);
}

static void
server_close_cb (uv_handle_t *h)
{
  server_unref (h->data);
}

typedef struct conn_ctx
{
  braid_stream *s;
  braid_tcp_handler handler;
  void *arg;
} conn_ctx;

static void *
conn_main (void *p)
{
  conn_ctx ctx = *(conn_ctx *)p;
  free (p);
  void *r = ctx.handler (ctx.s, ctx.arg);
  braid_stream_close (ctx.s);
  return r;
}

/* Accepts a waiting connection into a new stream. Returns 0 or a libuv
 * code. */
static int
accept_one (braid_tcp_server *srv, braid_stream **out)
{
  braid_stream *s = stream_new (srv->loop);
  int rc = uv_accept ((uv_stream_t *)&srv->tcp, (uv_stream_t *)&s->tcp);
  if (rc < 0)
    {
      braid_stream_close (s);
      return rc;
    }
  uv_tcp_nodelay (&s->tcp, 1); /* as asyncio, see braid_tcp_connect */
  struct sockaddr_storage peer;
  int len = sizeof peer;
  char name[80] = "?";
  if (uv_tcp_getpeername (&s->tcp, (struct sockaddr *)&peer, &len) == 0)
    addr_name ((struct sockaddr *)&peer, name, sizeof name);
  s->id = braid__io_object_new (srv->loop, "tcp %s (accepted on :%d)", name,
                                srv->port);
  *out = s;
  return 0;
}

static void
connection_cb (uv_stream_t *h, int status)
{
  braid_tcp_server *srv = h->data;
  if (status < 0)
    srv->error = status;
  else if (srv->handler)
    {
      braid_stream *s;
      if (accept_one (srv, &s) < 0)
        return;
      conn_ctx *ctx = braid__xcalloc (1, sizeof *ctx);
      ctx->s = s;
      ctx->handler = srv->handler;
      ctx->arg = srv->handler_arg;
      braid_task *t
          = braid_spawn_at (srv->loop, NULL, conn_main, srv->handler_name, ctx,
                            srv->file, srv->line);
      braid_task_unref (t);
      return;
    }
  else
    srv->pending++;
  if (srv->acceptor)
    {
      braid__io_op *op = srv->acceptor;
      srv->acceptor = NULL;
      braid__io_op_complete (op, 0);
    }
}

typedef struct accept_op
{
  braid__io_op op; /* first */
  braid_tcp_server *srv;
} accept_op;

static bool
accept_cancel (braid__io_op *op)
{
  braid_tcp_server *srv = ((accept_op *)op)->srv;
  if (srv->acceptor == op)
    {
      srv->acceptor = NULL;
      op->refs--; /* the connection callback will not complete it */
    }
  return true;
}

static void
accept_free (braid__io_op *op)
{
  server_unref (((accept_op *)op)->srv);
  free (op);
}

static void
server_close_at_loop_close (braid__closer *c)
{
  server_close (
      (braid_tcp_server *)((char *)c - offsetof (braid_tcp_server, closer)));
}

int
braid_tcp_listen (const char *host, int port, braid_tcp_server **out)
{
  if (out)
    *out = NULL;
  if (!host || !out || port < 0 || port > 65535)
    return braid__raise_code (BRAID_EINVAL, "braid_tcp_listen");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_tcp_listen");
  braid_loop *loop = braid_loop_current ();
  char service[16];
  snprintf (service, sizeof service, "%d", port);
  struct addrinfo *res;
  int rc = braid__io_getaddrinfo (host, service, SOCK_STREAM, &res);
  if (rc < 0)
    return rc;
  braid_tcp_server *srv = braid__xcalloc (1, sizeof *srv);
  srv->loop = loop;
  srv->refs = 2;
  uv_tcp_init (braid_loop_uv (loop), &srv->tcp);
  srv->tcp.data = srv;
  rc = uv_tcp_bind (&srv->tcp, res->ai_addr, 0);
  char name[80];
  addr_name (res->ai_addr, name, sizeof name);
  uv_freeaddrinfo (res);
  if (rc == 0)
    rc = uv_listen ((uv_stream_t *)&srv->tcp, 128, connection_cb);
  if (rc < 0)
    {
      srv->closed = true;
      uv_close ((uv_handle_t *)&srv->tcp, server_close_cb);
      server_unref (srv);
      return braid__io_raise_uv (rc, "braid_tcp_listen");
    }
  struct sockaddr_storage addr;
  int len = sizeof addr;
  if (uv_tcp_getsockname (&srv->tcp, (struct sockaddr *)&addr, &len) == 0)
    {
      addr_name ((struct sockaddr *)&addr, name, sizeof name);
      srv->port = ntohs (((struct sockaddr_in *)&addr)->sin_port);
    }
  srv->id = braid__io_object_new (loop, "tcp server %s", name);
  srv->closer.close = server_close_at_loop_close;
  braid__loop_add_closer (loop, &srv->closer);
  *out = srv;
  return 0;
}

int
braid_tcp_serve_at (const char *host, int port, braid_tcp_handler handler,
                    const char *handler_name, void *arg, braid_tcp_server **out,
                    const char *file, int line)
{
  if (!handler)
    {
      if (out)
        *out = NULL;
      return braid__raise_code (BRAID_EINVAL, "braid_tcp_serve (NULL "
                                              "handler)");
    }
  int rc = braid_tcp_listen (host, port, out);
  if (rc < 0)
    return rc;
  (*out)->handler = handler;
  (*out)->handler_arg = arg;
  (*out)->handler_name = strdup (handler_name ? handler_name : "handler");
  (*out)->file = strdup (file ? file : "?");
  (*out)->line = line;
  return 0;
}

int
braid_tcp_server_port (const braid_tcp_server *srv)
{
  return srv ? srv->port : 0;
}

int
braid_tcp_accept (braid_tcp_server *srv, braid_stream **out)
{
  if (out)
    *out = NULL;
  if (!srv || !out || srv->handler)
    return braid__raise_code (BRAID_EINVAL, "braid_tcp_accept");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_tcp_accept");
  for (;;)
    {
      if (srv->closed)
        return braid__io_raise_uv (UV_EBADF, "braid_tcp_accept");
      if (srv->pending > 0)
        {
          srv->pending--;
          int rc = accept_one (srv, out);
          return rc < 0 ? braid__io_raise_uv (rc, "braid_tcp_accept") : 0;
        }
      if (srv->error)
        {
          int e = srv->error;
          srv->error = 0;
          return braid__io_raise_uv (e, "braid_tcp_accept");
        }
      if (srv->acceptor)
        return braid__raise_code (BRAID_EBUSY, "braid_tcp_accept");
      accept_op *a = braid__xcalloc (1, sizeof *a);
      braid__io_op_init (&a->op, srv->loop, accept_cancel, accept_free);
      a->srv = srv;
      srv->refs++;
      srv->acceptor = &a->op;
      int rc = braid__io_op_wait (&a->op, BRAID_WAIT_IO, srv->id);
      braid__io_op_unref (&a->op);
      if (rc < 0)
        return rc;
    }
}

void
braid_tcp_server_close (braid_tcp_server *srv)
{
  if (!srv)
    return;
  if (srv->closed)
    braid__abort ("braid_tcp_server_close", "server closed twice");
  braid__loop_remove_closer (srv->loop, &srv->closer);
  server_close (srv);
}

/* Closes @srv and drops the user's reference (registration already
 * removed). */
static void
server_close (braid_tcp_server *srv)
{
  srv->closed = true;
  if (srv->acceptor)
    {
      braid__io_op *op = srv->acceptor;
      srv->acceptor = NULL;
      braid__io_op_complete (op, UV_ECANCELED);
    }
  uv_close ((uv_handle_t *)&srv->tcp, server_close_cb);
  server_unref (srv);
}
