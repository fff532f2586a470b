/* coro-arch.h: what each architecture's switch file provides to coro.c
 * (internal, not installed): coro-x86_64.S, coro-aarch64.S, or the
 * portable coro-fallback.c.
 *
 * A suspended context is one pointer, the stack pointer it saved; what
 * lies at that address is the architecture file's business.
 */
#ifndef BRAID_CORO_ARCH_H
#define BRAID_CORO_ARCH_H

/* The first C function a new coroutine runs, on its own stack. It
 * returns only when the entry it calls returns, which is an error. */
typedef void (*braid__coro_start_fn) (void *co, void *entry, void *arg);

/* Reports that a coroutine's entry function returned, and aborts (what
 * the assembly trampoline calls if the start function returns). */
void braid__coro_entry_returned (void)
    __attribute__ ((noreturn, visibility ("hidden")));

/* braid__coro_swap:
 * Saves the callee-saved registers and the floating-point control words
 * on the running stack, stores the stack pointer in *@save_sp, loads
 * @to_sp and resumes what was saved there. It ends with an indirect jump
 * to the saved resume address, not a return. */
void braid__coro_swap (void **save_sp, void *to_sp);

/* braid__coro_swap_ret:
 * The same switch ending with `ret` (only for bench-switch.c, which
 * compares the two). Not provided by the fallback. */
void braid__coro_swap_ret (void **save_sp, void *to_sp);

/* braid__coro_make_frame:
 * Writes below @top (the stack's highest address) a frame such that the
 * first braid__coro_swap to the returned stack pointer calls
 * @start(@co, @entry, @arg) with a 16-byte aligned stack, in a frame
 * that debuggers and unwinders see as the outermost one. The control
 * words are copied from the caller's, with the exception flags clear. */
void *braid__coro_make_frame (void *top, braid__coro_start_fn start, void *co,
                              void *entry, void *arg);

#endif /* BRAID_CORO_ARCH_H */
