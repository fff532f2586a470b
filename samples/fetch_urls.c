/* fetch_urls.c: "Implementing Asynchronous Functions" of "Asynchronous
 * Programming in Python" (seed 000): fetch_url() through one shared
 * client session, three fetches run concurrently with gather, then the
 * first 100 characters of each page.
 *
 *   fetch_urls [URL...]
 *
 * Without arguments the article's URLs are served by a local server on
 * loopback (samples/local-http-server.c) with fixed fake pages, so the
 * sample runs offline and prints the same thing every time; with
 * arguments it fetches those URLs for real. The article uses aiohttp, which
 * the standard library lacks: python/fetch_urls.py speaks HTTP/1.1 over
 * asyncio streams instead. Not hot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>
#include "local-http-server.h"

static const local_page pages[] = {
  { "https://www.example.com", NULL, 0.03 },
  { "https://www.python.org", NULL, 0.01 },
  { "https://www.google.com", NULL, 0.02 },
};

typedef struct fetch_arg
{
  braid_http_client *session;
  const char *url;
} fetch_arg;

/* fetch_url: `async with session.get(url) as response: return await
 * response.text()`. Returns the body (to free) or NULL with the error
 * set. */
static void *
fetch_url (void *p)
{
  fetch_arg *a = p;
  braid_http_response r;
  if (braid_http_client_get (a->session, a->url, &r) < 0)
    return NULL;
  char *text = r.body;
  r.body = NULL;
  braid_http_response_clear (&r);
  return text;
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
  if (a->argc <= 1)
    {
      server = local_http_server_start (pages, n);
      if (!server)
        return NULL;
    }
  const char **shown = calloc (n, sizeof *shown);
  fetch_arg *fa = calloc (n, sizeof *fa);
  braid_task **tasks = calloc (n, sizeof *tasks);
  void **results = calloc (n, sizeof *results);
  char **fetched = calloc (n, sizeof *fetched);
  /* With timeouts: a server that never answers ends the run with a
   * TimeoutError instead of hanging it. */
  braid_http_client *session = local_http_client_new ();
  for (size_t i = 0; session && i < n; i++)
    {
      shown[i] = server ? pages[i].url : a->argv[i + 1];
      fetched[i] = strdup (server ? local_http_server_url (server, i)
                                  : a->argv[i + 1]);
      fa[i] = (fetch_arg){ session, fetched[i] };
      char name[32];
      snprintf (name, sizeof name, "fetch_url%zu", i + 1);
      tasks[i] = braid_spawn_named (name, fetch_url, &fa[i]);
    }
  int rc = session ? braid_gather_tasks (tasks, n, results, NULL,
                                         BRAID_GATHER_DEFAULT)
                   : BRAID_EFAILED;
  if (rc == 0)
    for (size_t i = 0; i < n; i++)
      braid_print ("Content from %s: %.100s...\n", shown[i],
                   (char *)results[i]);
  for (size_t i = 0; i < n && tasks[i]; i++)
    {
      free (braid_task_done (tasks[i]) && !braid_task_error (tasks[i])
                ? results[i]
                : NULL);
      braid_task_unref (tasks[i]);
      free (fetched[i]);
    }
  braid_http_client_close (session);
  if (server)
    {
      braid_error *e = braid_error_ref (braid_error_current ());
      braid_error_clear ();
      local_http_server_stop (server);
      if (e)
        {
          braid_reraise (e);
          braid_error_unref (e);
        }
    }
  free (shown);
  free (fa);
  free (tasks);
  free (results);
  free (fetched);
  return NULL;
}

int
main (int argc, char **argv)
{
  args a = { argc, argv };
  int rc = braid_run (main_task, &a, NULL);
  if (rc < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
