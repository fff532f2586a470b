/* coro.h: stackful coroutines, the machine layer under tasks (internal).
 *
 * This owns the context switch (hand-written assembly per architecture,
 * with a portable fallback), the pool the stacks come from, guard pages,
 * stack-overflow reporting, and the annotations that let ASan and valgrind
 * follow a switch. Nothing here knows about tasks, loops or hooks.
 *
 * Hot path: braid__coro_switch. It saves the callee-saved registers and
 * the floating-point control words (x86_64: MXCSR and the x87 control
 * word; aarch64: FPCR) of the running context and restores those of the
 * target, so a coroutine that changes its rounding mode does not change
 * another's. Under ASan it brackets the switch with
 * __sanitizer_start_switch_fiber/__sanitizer_finish_switch_fiber.
 */
#ifndef BRAID_CORO_H
#define BRAID_CORO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A saved execution context. The thread's own context (the loop) is a
 * braid__coro with no stack, made with braid__coro_init_thread. */
typedef struct braid__coro braid__coro;
typedef void (*braid__coro_entry) (void *arg);

struct braid__stack;

struct braid__coro
{
  void *sp;                      /* saved stack pointer while suspended */
  struct braid__stack *stack;    /* NULL for the thread's own context */
  void *asan_fake_stack;         /* ASan bookkeeping, unused otherwise */
  const void *asan_bottom;       /* bounds of the stack, for ASan */
  size_t asan_size;
  const char *name;              /* shown in the overflow report (borrowed,
                                    must live as long as the coroutine) */
};

/* A stack pool. Stacks are mmap'd with MAP_NORESERVE, so only touched
 * pages become resident; each has a guard page below it while the process's
 * map count stays under budget (vm.max_map_count less a margin), and a
 * canary word checked at every switch otherwise. Freed stacks go back to
 * the pool; at most `max_cached` are kept. One pool per loop; not
 * thread-safe. */
typedef struct braid__stack_pool braid__stack_pool;

/* Creates a pool of stacks of @stack_size usable bytes (rounded up to
 * pages; 0 means the default, 256 KiB). Returns NULL on failure. */
braid__stack_pool *braid__stack_pool_new (size_t stack_size);
/* Frees the pool and every cached stack. Stacks still in use must have
 * been released first. Accepts NULL. */
void braid__stack_pool_free (braid__stack_pool *pool);

/* Prepares the thread's own context (the one the loop runs on). */
void braid__coro_init_thread (braid__coro *self);

/* braid__coro_forget_thread:
 * Says that @self, a context made by braid__coro_init_thread, is about to
 * be freed (its loop is closing): if it is the thread's running context,
 * the thread runs on no recorded context from now on, so the overflow
 * handler of a later fault reads nothing of the freed memory. */
void braid__coro_forget_thread (braid__coro *self);

/* braid__coro_init:
 * Takes a stack from @pool and prepares @co so that the first switch to it
 * calls @entry(@arg) on that stack. @entry must never return: it ends by
 * switching away for the last time (braid__coro_switch_final).
 * Returns 0, or BRAID_ENOMEM when no stack can be mapped. */
int braid__coro_init (braid__coro *co, braid__stack_pool *pool,
                      braid__coro_entry entry, void *arg, const char *name);

/* Returns @co's stack to its pool. @co must not be running or resumable. */
void braid__coro_release (braid__coro *co);

/* braid__coro_switch:
 * Saves the running context into @from and resumes @to. Returns when some
 * context switches back to @from. */
void braid__coro_switch (braid__coro *from, braid__coro *to);

/* braid__coro_switch_final:
 * Like braid__coro_switch, for a coroutine that will never be resumed
 * again (its entry function is ending): tells ASan the fake stack can go.
 * Does not return. */
void braid__coro_switch_final (braid__coro *from, braid__coro *to)
  __attribute__ ((noreturn));

/* Bytes of @co's stack resident in memory now (mincore), whole pages: the
 * pages touched since the stack's pages were last given back to the
 * kernel. 0 for the thread's context. Only the tests call it. */
size_t braid__coro_stack_resident (const braid__coro *co);

/* Installs, once per process, the SIGSEGV/SIGBUS handler on an alternate
 * signal stack that turns a fault on a guard page into
 * "braid: stack overflow in task 'NAME' (stack of N bytes)" on stderr and
 * abort(). Faults elsewhere are re-raised with the default action. */
void braid__coro_install_overflow_handler (void);

/* The coroutine running on this thread, or NULL on the thread's own
 * context (for the overflow report). */
braid__coro *braid__coro_current (void);

#endif /* BRAID_CORO_H */
