/* coro.h: stackful coroutines, the machine layer under tasks (internal).
 *
 * This owns the context switch (hand-written assembly per architecture,
 * with a portable fallback), the pool the stacks come from, guard pages,
 * stack-overflow reporting, and the annotations that let ASan and valgrind
 * follow a switch. Nothing here knows about tasks, loops or hooks.
 *
 * Hot path: braid__coro_switch, and braid__coro_transfer, the same switch
 * inline in the runtime's callers (x86_64 without ASan), which enters the
 * assembly by a jump so that the return stack buffer stays in step. Both
 * save the callee-saved registers and the floating-point control words
 * (x86_64: MXCSR and the x87 control word; aarch64: FPCR) of the running
 * context and restore those of the target, so a coroutine that changes
 * its rounding mode does not change another's. Under ASan the switch is
 * bracketed with
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
  const uint64_t *canary;        /* the stack's canary zone, or NULL (a
                                    guard page, or the thread's context) */
  void *asan_fake_stack;         /* ASan bookkeeping, unused otherwise */
  const void *asan_bottom;       /* bounds of the stack, for ASan */
  size_t asan_size;
  const char *name;              /* shown in the overflow report (borrowed,
                                    must live as long as the coroutine) */
  /* With name NULL and this set, the report names "Task-N": a task's
   * default name, so that starting a task formats no name. */
  uint64_t name_num;
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
 * calls @entry(@arg) on that stack. @name (may be NULL) names it in the
 * overflow report; co->name_num is set to 0 (see braid__coro). @entry
 * must never return: it ends by switching away for the last time
 * (braid__coro_switch_final or braid__coro_transfer_final).
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

/* The context running on this thread (a coroutine or the thread's own),
 * for the overflow handler. Written by every switch. */
extern __thread braid__coro *braid__coro_running
    __attribute__ ((tls_model ("initial-exec"), visibility ("hidden")));

/* BRAID__CORO_CANARY_INTACT:
 * The canary zone @z below a stack without a guard page must read as
 * zero: a legitimate frame never reaches it, so anything else there was
 * written by an overflow. One cache line, one branch. A macro, so that
 * coro.c can test it in a function ASan leaves uninstrumented and
 * braid__coro_transfer inline. */
#define BRAID__CORO_CANARY_INTACT(z)                                           \
  (((z)[0] | (z)[1] | (z)[2] | (z)[3] | (z)[4] | (z)[5] | (z)[6] | (z)[7])     \
   == 0)

/* Reports the overflow of @co found at a switch (its canary zone was
 * written) and aborts. */
void braid__coro_canary_failed (const braid__coro *co)
    __attribute__ ((noreturn, cold, visibility ("hidden")));

/* A switch inline in its caller (braid__coro_transfer below) is possible
 * where the assembly switch is built (x86_64 ELF) and ASan, which needs
 * its fiber annotations around every switch, is off. */
#if defined(__SANITIZE_ADDRESS__)
#define BRAID__CORO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BRAID__CORO_ASAN 1
#endif
#endif
#if defined(__x86_64__) && defined(__ELF__) && !defined(BRAID__CORO_ASAN)
#define BRAID__CORO_INLINE 1
#else
#define BRAID__CORO_INLINE 0
#endif

#if BRAID__CORO_INLINE
/* The vector registers the System V ABI lets a call clobber, as inline
 * assembly clobbers: SSE always, the upper 16 when the compiler may use
 * them (AVX-512), and the mask registers with them. */
#if defined(__AVX512F__)
#define BRAID__CORO_CLOBBER_VEC                                                \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",      \
      "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16",   \
      "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24",  \
      "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "k0",     \
      "k1", "k2", "k3", "k4", "k5", "k6", "k7"
#else
#define BRAID__CORO_CLOBBER_VEC                                                \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",      \
      "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#endif
#endif

/* braid__coro_transfer:
 * What braid__coro_switch does, inline in the caller: the runtime's hot
 * switches (a task that yields or awaits, the loop's dispatch, a task's
 * end) use it.
 *
 * Why: a switch through a call leaves the return stack buffer one entry
 * off. The call pushes its return address there, and the switch resumes
 * the other context with a jump, so the next `ret` of that context is
 * predicted to go to the call's return address, and misses: one branch
 * misprediction per switch, which was most of the cost of a sleep(0)
 * round. Here the resume address is pushed by hand and the assembly
 * switch is entered by a jump: the return stack buffer is not touched,
 * so two tasks suspended at the same place (two loops of sleep(0), a
 * spawn and await) keep every return predicted.
 *
 * The code after the switch runs after whatever other contexts ran, so
 * every register a call may clobber is declared clobbered (the switch
 * saves and restores the callee-saved ones and the control words, as
 * braid__coro_switch does). The 128 bytes below the stack pointer are
 * skipped first: the compiler may keep data in that red zone, which the
 * pushed address and the saved registers would overwrite. Elsewhere
 * (ASan, the fallback, aarch64) this is braid__coro_switch. */
static inline __attribute__ ((always_inline)) void
braid__coro_transfer (braid__coro *from, braid__coro *to)
{
#if BRAID__CORO_INLINE
  if (from->canary != NULL
      && __builtin_expect (!BRAID__CORO_CANARY_INTACT (from->canary), 0))
    braid__coro_canary_failed (from);
  braid__coro_running = to;
  void **save = &from->sp;
  void *to_sp = to->sp;
  __asm__ volatile ("leaq -128(%%rsp), %%rsp\n\t"
                    "leaq 1f(%%rip), %%rax\n\t"
                    "pushq %%rax\n\t"
                    "jmp braid__coro_swap\n"
                    "1:\n\t"
                    "leaq 128(%%rsp), %%rsp"
                    : "+D"(save), "+S"(to_sp)
                    :
                    : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory",
                      "cc", "st", "st(1)", "st(2)", "st(3)", "st(4)",
                      "st(5)", "st(6)", "st(7)", BRAID__CORO_CLOBBER_VEC);
#else
  braid__coro_switch (from, to);
#endif
}

/* braid__coro_transfer_final:
 * braid__coro_switch_final, inline where braid__coro_transfer is. */
static inline __attribute__ ((always_inline, noreturn)) void
braid__coro_transfer_final (braid__coro *from, braid__coro *to)
{
#if BRAID__CORO_INLINE
  braid__coro_transfer (from, to);
  __builtin_unreachable ();
#else
  braid__coro_switch_final (from, to);
#endif
}

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
