/* combinator-private.h: what the combinators (gather.c, wait.c,
 * as-completed.c) share. Not installed.
 */
#ifndef BRAID_COMBINATOR_PRIVATE_H
#define BRAID_COMBINATOR_PRIVATE_H

#include "braid-internal.h"

/* braid__dedup_futures:
 * asyncio works on set(fs): sets @first[i] to true when @futures[i] is the
 * first occurrence of its future in @futures, false for a repeat. Returns
 * the number of distinct futures, or (size_t) -1 when memory runs out.
 * O(n log n). */
size_t braid__dedup_futures (braid_future *const *futures, size_t n,
                             bool *first);

#endif /* BRAID_COMBINATOR_PRIVATE_H */
