/* coro-fallback.c: the portable context switch, for architectures without
 * a coro-<arch>.S (built instead of one by runtime/meson.build).
 *
 * Owns braid__coro_swap and braid__coro_make_frame on top of ucontext
 * (getcontext/makecontext/swapcontext), which is slower (it saves the
 * signal mask with a system call on most libcs) but correct wherever the
 * libc has it. A suspended context's saved "stack pointer" is the address
 * of its ucontext_t: a local of braid__coro_swap for a context that
 * switched away, or a block at the top of a new coroutine's stack.
 */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>

#include "coro-arch.h"

/* What a new coroutine's first switch needs, at the top of its stack. */
typedef struct
{
  ucontext_t uc;
  braid__coro_start_fn start;
  void *co;
  void *entry;
  void *arg;
} first_frame;

/* The context being switched to, read by a new coroutine's start
 * function: makecontext only passes int arguments portably. */
static __thread void *switch_target;

static void
fallback_start (void)
{
  first_frame *f = switch_target;
  f->start (f->co, f->entry, f->arg);
  braid__coro_entry_returned (); /* start returned: its entry did */
}

void
braid__coro_swap (void **save_sp, void *to_sp)
{
  ucontext_t here;
  *save_sp = &here;
  switch_target = to_sp;
  if (swapcontext (&here, (ucontext_t *)to_sp) != 0)
    abort ();
}

void *
braid__coro_make_frame (void *top, braid__coro_start_fn start, void *co,
                        void *entry, void *arg)
{
  uintptr_t t = (uintptr_t)top & ~(uintptr_t)15;
  first_frame *f = (first_frame *)((t - sizeof (first_frame)) & ~(uintptr_t)63);
  if (getcontext (&f->uc) != 0)
    abort ();
  f->start = start;
  f->co = co;
  f->entry = entry;
  f->arg = arg;
  /* makecontext starts the stack at ss_sp + ss_size, just below this
   * block; the stack's low end is not known here and does not matter to
   * makecontext, which never looks at it. */
  f->uc.uc_stack.ss_sp = (char *)f - 4096;
  f->uc.uc_stack.ss_size = 4096;
  f->uc.uc_link = NULL;
  makecontext (&f->uc, fallback_start, 0);
  return f;
}
