/* combinator-private.h: what the combinators (gather.c, wait.c,
 * as-completed.c, timeout.c, wait-for.c) share. Not installed.
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

/* braid__raise_timeout_from_current:
 * Python's `raise TimeoutError(@message) from exc` where exc is the current
 * error (the CancelledError of an expired timeout): it becomes the
 * TimeoutError's explicit cause, printed as "the direct cause" (timeout
 * scopes and wait_for, as CPython 3.11.3 on). Returns the TimeoutError's
 * code. */
int braid__raise_timeout_from_current (const char *message);

#endif /* BRAID_COMBINATOR_PRIVATE_H */
