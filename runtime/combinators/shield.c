/* shield.c: asyncio.shield (braid_shield).
 *
 * Owns the link between an inner future and the plain outer future handed
 * to the caller: a done callback on the inner copies its outcome to the
 * outer (or cancels the outer when the inner was cancelled), and a done
 * callback on the outer unregisters the first when the outer ends first,
 * for instance because the task awaiting it was cancelled. Cancelling the
 * outer never touches the inner (ORDERING.md rule 20). Through a shield the
 * awaiter resumes two iterations after the inner completes (rule 11).
 *
 * Lifetime: the link holds references on both futures and is reference
 * counted by the two callbacks; it goes when both have run or been
 * removed.
 *
 * Not hot: two callbacks per shield.
 */
#include <stdlib.h>

#include "braid-internal.h"

typedef struct shield_link
{
  int refs;
  braid_future *inner;   /* reference */
  braid_future *outer;   /* reference */
  bool inner_registered; /* inner_done has not run */
} shield_link;

/* Drops @n references. */
static void
link_release (shield_link *l, int n)
{
  l->refs -= n;
  if (l->refs > 0)
    return;
  braid_future_unref (l->inner);
  braid_future_unref (l->outer);
  free (l);
}

/* asyncio's _inner_done_callback. */
static void
inner_done (braid_future *inner, void *data)
{
  shield_link *l = data;
  braid_future *outer = l->outer;

  l->inner_registered = false;
  if (braid_future_cancelled (outer))
    {
      /* Nobody will read the inner's outcome through the shield: count
       * its error as retrieved. */
      if (!braid_future_cancelled (inner))
        (void)braid_future_error (inner);
    }
  else if (!braid_future_done (outer))
    {
      braid_error *err;
      if (braid_future_cancelled (inner))
        braid_future_cancel (outer, NULL);
      else if ((err = braid_future_error (inner)) != NULL)
        braid__future_fail (outer, err); /* a CancelledError too (rule 32) */
      else
        {
          void *result = NULL;
          braid_future_result (inner, &result);
          braid_future_set_result (outer, result);
        }
    }
  link_release (l, 1);
}

/* asyncio's _outer_done_callback. */
static void
outer_done (braid_future *outer, void *data)
{
  shield_link *l = data;

  int drop = 1;

  if (l->inner_registered && !braid_future_done (l->inner)
      && braid_future_remove_done_callback (l->inner, inner_done, l) > 0)
    {
      l->inner_registered = false;
      drop++;
    }
  link_release (l, drop);
}

braid_future *
braid_shield (braid_future *future)
{
  shield_link *l;

  if (!future)
    {
      braid__raise_code (BRAID_EINVAL, "braid_shield");
      return NULL;
    }
  /* asyncio's shortcut: a done future is returned as is. */
  if (braid_future_done (future))
    return braid_future_ref (future);

  l = calloc (1, sizeof *l);
  if (!l)
    goto fail;
  l->outer = braid_future_new (braid__future_loop (future));
  if (!l->outer)
    goto fail_link;
  l->inner = braid_future_ref (future);
  l->refs = 2;
  l->inner_registered = true;
  braid_future_add_done_callback (future, inner_done, l);
  braid_future_add_done_callback (l->outer, outer_done, l);
  return braid_future_ref (l->outer);

fail_link:
  free (l);
fail:
  braid__raise_code (BRAID_ENOMEM, "braid_shield");
  return NULL;
}
