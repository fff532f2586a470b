/* dedup.c: finds the distinct futures of a combinator's arguments, as
 * asyncio's set(fs) and gather's arg_to_fut do, keeping argument order.
 *
 * Hot path: once per gather, wait or as_completed call. Small inputs use a
 * quadratic scan; large ones sort (pointer, index) pairs so that gathering
 * ten thousand tasks stays O(n log n).
 */
#include <stdint.h>
#include <stdlib.h>

#include "combinator-private.h"

typedef struct slot
{
  uintptr_t key;
  size_t index;
} slot;

static int
slot_compare (const void *a, const void *b)
{
  const slot *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

size_t
braid__dedup_futures (braid_future *const *futures, size_t n, bool *first)
{
  size_t distinct = 0;
  slot *slots;

  if (n <= 16)
    {
      for (size_t i = 0; i < n; i++)
        {
          size_t j = 0;
          while (j < i && futures[j] != futures[i])
            j++;
          first[i] = j == i;
          distinct += first[i];
        }
      return distinct;
    }

  slots = malloc (n * sizeof *slots);
  if (!slots)
    return (size_t)-1;
  for (size_t i = 0; i < n; i++)
    slots[i] = (slot){ (uintptr_t)futures[i], i };
  /* Equal keys end up adjacent, the first occurrence leading its run. */
  qsort (slots, n, sizeof *slots, slot_compare);
  for (size_t k = 0; k < n; k++)
    {
      bool lead = k == 0 || slots[k].key != slots[k - 1].key;
      first[slots[k].index] = lead;
      distinct += lead;
    }
  free (slots);
  return distinct;
}
