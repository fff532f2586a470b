/* reader-arena.c: the memory of a loaded trace.
 *
 * Owns an append-only arena for every string a loaded braid_trace hands
 * out (names, sites, messages and the problem texts composed while
 * loading; strings are never freed one by one, the arena goes with the
 * trace), and the mappings that hold the model's large arrays while they
 * grow and after (braid__big_*). Nothing here is hot: one call per chunk
 * or per doubling.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* mremap */
#endif
#include "trace-private.h"

#ifdef __linux__
#include <sys/mman.h>
#endif

#include <stdarg.h>
#include <stdint.h>
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

/* The model's large arrays (slices, marks, edges, outputs) are mappings
 * of their own rather than malloc blocks. Doubling one by realloc copies
 * it whenever glibc placed it in the heap, which it does for blocks up
 * to 32 MB once a program has freed a large block (the dynamic mmap
 * threshold): a viewer opening its second trace would briefly hold two
 * copies of its largest arrays. mremap grows a mapping without a copy,
 * and the pages past the end are never touched, so capacity costs no
 * resident memory. */
static size_t
page_round (size_t bytes)
{
  size_t page = 4096;
  return (bytes + page - 1) / page * page;
}

int
braid__big_reserve (void **arr, size_t *bytes, size_t need)
{
  if (need <= *bytes)
    return 0;
  size_t nbytes = *bytes ? *bytes : 64 * 1024;
  while (nbytes < need)
    {
      if (nbytes > SIZE_MAX / 2)
        return -1;
      nbytes *= 2;
    }
#ifdef __linux__
  void *p = *arr == NULL
              ? mmap (NULL, nbytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
              : mremap (*arr, *bytes, nbytes, MREMAP_MAYMOVE);
  if (p == MAP_FAILED)
    return -1;
#else
  void *p = realloc (*arr, nbytes);
  if (p == NULL)
    return -1;
#endif
  *arr = p;
  *bytes = nbytes;
  return 0;
}

void
braid__big_shrink (void **arr, size_t *bytes, size_t need)
{
  if (*arr == NULL)
    return;
  if (need == 0)
    {
      braid__big_free (*arr, *bytes);
      *arr = NULL;
      *bytes = 0;
      return;
    }
  size_t nbytes = page_round (need);
  if (nbytes >= *bytes)
    return;
#ifdef __linux__
  void *p = mremap (*arr, *bytes, nbytes, 0);
  if (p == MAP_FAILED)
    return;
#else
  void *p = realloc (*arr, nbytes);
  if (p == NULL)
    return;
#endif
  *arr = p;
  *bytes = nbytes;
}

void
braid__big_discard (void *arr, size_t from, size_t to)
{
#ifdef __linux__
  size_t page = 4096;
  from = page_round (from);
  to = to / page * page;
  if (arr != NULL && to > from)
    madvise ((char *) arr + from, to - from, MADV_DONTNEED);
#else
  (void) arr, (void) from, (void) to;
#endif
}

void
braid__big_free (void *arr, size_t bytes)
{
  if (arr == NULL)
    return;
#ifdef __linux__
  munmap (arr, bytes);
#else
  (void) bytes;
  free (arr);
#endif
}
