/* reader-arena.c: an append-only arena for the reader's strings.
 *
 * Owns the memory of every string a loaded braid_trace hands out: names,
 * sites, messages and the problem texts composed while loading. Strings
 * are never freed one by one; the arena goes with the trace.
 */
#include "trace-private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (64 * 1024)

typedef struct chunk
{
  struct chunk *next;
  size_t used, size;
  char data[];
} chunk;

struct braid__arena
{
  chunk *head;
};

braid__arena *
braid__arena_new (void)
{
  return calloc (1, sizeof (braid__arena));
}

void
braid__arena_free (braid__arena *arena)
{
  if (arena == NULL)
    return;
  chunk *c = arena->head;
  while (c != NULL)
    {
      chunk *next = c->next;
      free (c);
      c = next;
    }
  free (arena);
}

static char *
arena_alloc (braid__arena *arena, size_t n)
{
  chunk *c = arena->head;
  if (c == NULL || c->size - c->used < n)
    {
      size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
      chunk *fresh = malloc (sizeof *fresh + size);
      if (fresh == NULL)
        return NULL;
      fresh->size = size;
      fresh->used = 0;
      /* A big string gets a chunk of its own behind the current one, so
       * the room left in the current chunk is not wasted. */
      if (c != NULL && n > CHUNK_SIZE)
        {
          fresh->next = c->next;
          c->next = fresh;
        }
      else
        {
          fresh->next = c;
          arena->head = fresh;
        }
      c = fresh;
    }
  char *p = c->data + c->used;
  c->used += n;
  return p;
}

char *
braid__arena_strndup (braid__arena *arena, const char *text, size_t len)
{
  char *p = arena_alloc (arena, len + 1);
  if (p == NULL)
    return NULL;
  memcpy (p, text, len);
  p[len] = '\0';
  return p;
}

char *
braid__arena_printf (braid__arena *arena, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char small[512];
  int n = vsnprintf (small, sizeof small, fmt, ap);
  va_end (ap);
  if (n < 0)
    return NULL;
  if ((size_t) n < sizeof small)
    return braid__arena_strndup (arena, small, (size_t) n);
  char *p = arena_alloc (arena, (size_t) n + 1);
  if (p == NULL)
    return NULL;
  va_start (ap, fmt);
  vsnprintf (p, (size_t) n + 1, fmt, ap);
  va_end (ap);
  return p;
}
