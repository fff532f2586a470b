/* fetch_data.c: the concurrent downloads at the end of seed 001's
 * article: fetch_data(i, url) prints "Starting", GETs the URL with a
 * session of its own, and prints "Finished"; main gathers three of them.
 *
 *   fetch_data [URL...]
 *
 * Without arguments the article's URLs are served on loopback by
 * samples/local-http-server.c with fixed delays (dev.to 150 ms, medium.com
 * 50 ms, python.org 100 ms), so the run is offline and the "Finished"
 * lines come in the article's order: 2, 3, 1. All three "Starting" lines
 * come first, which shows the requests overlap. python/fetch_data.py is
 * the twin on asyncio streams (aiohttp is not in the standard library).
 * Not hot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>
#include "local-http-server.h"

static const local_page pages[] = {
  { "https://dev.to", NULL, 0.15 },
  { "https://medium.com", NULL, 0.05 },
  { "https://python.org", NULL, 0.10 },
};

typedef struct fetch_arg
{
  int i;
  const char *shown; /* the URL printed */
  char *url;         /* the URL fetched */
} fetch_arg;

static void *
fetch_data (void *p)
{
  fetch_arg *a = p;
  braid_print ("Starting %d %s\n", a->i, a->shown);
  /* A session of its own, with timeouts: a server that never answers
   * ends the run with a TimeoutError instead of hanging it. */
  braid_http_client *session = local_http_client_new ();
  if (!session)
    return NULL;
  braid_http_response r;
  int rc = braid_http_client_get (session, a->url, &r);
  braid_http_client_close (session);
  if (rc < 0)
    return NULL;
  braid_http_response_clear (&r);
  braid_print ("Finished %d %s\n", a->i, a->shown);
  return NULL;
}

typedef struct args
{
  int argc;
  char **argv;
} args;

static void *
main_task (void *p)
{
  args *a = p;
  size_t n = a->argc > 1 ? (size_t)a->argc - 1 : 3;
  local_http_server *server = NULL;
  if (a->argc <= 1 && !(server = local_http_server_start (pages, n)))
    return NULL;
  fetch_arg *fa = calloc (n, sizeof *fa);
  braid_task **tasks = calloc (n, sizeof *tasks);
  for (size_t i = 0; i < n; i++)
    {
      fa[i].i = (int)i + 1;
      fa[i].shown = server ? pages[i].url : a->argv[i + 1];
      fa[i].url = strdup (server ? local_http_server_url (server, i)
                                 : a->argv[i + 1]);
      char name[32];
      snprintf (name, sizeof name, "fetch_data%d", fa[i].i);
      tasks[i] = braid_spawn_named (name, fetch_data, &fa[i]);
    }
  braid_gather_tasks (tasks, n, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_error *e = braid_error_ref (braid_error_current ());
  braid_error_clear ();
  for (size_t i = 0; i < n; i++)
    {
      braid_task_unref (tasks[i]);
      free (fa[i].url);
    }
  free (tasks);
  free (fa);
  local_http_server_stop (server);
  if (e)
    {
      braid_reraise (e);
      braid_error_unref (e);
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  args a = { argc, argv };
  if (braid_run (main_task, &a, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
