/* io-dns.c: name resolution with uv_getaddrinfo (on the thread pool):
 * braid_dns_resolve for callers, braid__io_getaddrinfo for
 * braid_tcp_connect.
 *
 * The request's outcome lives on the heap op, never on the caller's
 * stack, so a cancellation ends the wait at once: uv_cancel() removes a
 * lookup still queued, and one already running finishes into the op,
 * which frees the list. Not hot.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "io-private.h"

typedef struct dns_op
{
  braid__io_op op; /* first: the op is the dns_op */
  uv_getaddrinfo_t req;
  struct addrinfo *res;
} dns_op;

static void
dns_cb (uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
  dns_op *o = req->data;
  o->res = res;
  braid__io_op_complete (&o->op, status);
}

static bool
dns_cancel (braid__io_op *op)
{
  uv_cancel ((uv_req_t *)&((dns_op *)op)->req);
  return true;
}

static void
dns_free (braid__io_op *op)
{
  dns_op *o = (dns_op *)op;
  if (o->res)
    uv_freeaddrinfo (o->res);
  free (o);
}

int
braid__io_getaddrinfo (const char *host, const char *service, int socktype,
                       struct addrinfo **out)
{
  *out = NULL;
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_dns_resolve");
  braid_loop *loop = braid_loop_current ();
  dns_op *o = braid__xcalloc (1, sizeof *o);
  braid__io_op_init (&o->op, loop, dns_cancel, dns_free);
  o->req.data = o;
  uint64_t id = braid__io_object_new (loop, "dns %s", host ? host : "");
  struct addrinfo hints;
  memset (&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  int rc = uv_getaddrinfo (braid_loop_uv (loop), &o->req, dns_cb, host, service,
                           &hints);
  if (rc < 0)
    {
      braid__io_op_abandon (&o->op);
      braid__io_op_unref (&o->op);
      return braid__io_raise_uv (rc, "braid_dns_resolve");
    }
  rc = braid__io_op_wait (&o->op, BRAID_WAIT_IO, id);
  if (rc == 0)
    {
      rc = o->op.status;
      if (rc < 0)
        rc = braid__io_raise_uv (rc, "braid_dns_resolve");
      else
        {
          *out = o->res;
          o->res = NULL;
        }
    }
  braid__io_op_unref (&o->op);
  return rc;
}

int
braid_dns_resolve (const char *host, char ***addresses)
{
  if (addresses)
    *addresses = NULL;
  if (!host || !addresses)
    return braid__raise_code (BRAID_EINVAL, "braid_dns_resolve");
  struct addrinfo *res;
  int rc = braid__io_getaddrinfo (host, NULL, SOCK_STREAM, &res);
  if (rc < 0)
    return rc;
  size_t n = 0;
  for (struct addrinfo *a = res; a; a = a->ai_next)
    n++;
  char **list = braid__xcalloc (n + 1, sizeof *list);
  size_t k = 0;
  for (struct addrinfo *a = res; a; a = a->ai_next)
    {
      char text[INET6_ADDRSTRLEN];
      if (a->ai_family == AF_INET)
        uv_ip4_name ((struct sockaddr_in *)a->ai_addr, text, sizeof text);
      else if (a->ai_family == AF_INET6)
        uv_ip6_name ((struct sockaddr_in6 *)a->ai_addr, text, sizeof text);
      else
        continue;
      bool seen = false;
      for (size_t i = 0; i < k && !seen; i++)
        seen = strcmp (list[i], text) == 0;
      if (!seen)
        list[k++] = strdup (text);
    }
  uv_freeaddrinfo (res);
  *addresses = list;
  return (int)k;
}

void
braid_dns_free (char **addresses)
{
  if (!addresses)
    return;
  for (char **p = addresses; *p; p++)
    free (*p);
  free (addresses);
}
