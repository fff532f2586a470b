/* coro.c: the architecture-independent half of the coroutine layer.
 *
 * Owns coroutine set-up and release, the running coroutine of each
 * thread, the canary check, the ASan fiber annotations around every
 * switch, the stack-overflow signal handler with its per-thread alternate
 * signal stacks, and the resident-size probe. The switch itself is in
 * coro-<arch>.S (or coro-fallback.c), behind coro-arch.h.
 *
 * Hot path: braid__coro_switch (the runtime's hot switches use its
 * inline twin, braid__coro_transfer in coro.h). Without ASan it is a
 * canary check, a store of the running coroutine and a tail call to
 * braid__coro_swap, so every switch resumes through the same jump and no
 * extra frame sits between the caller and the switch.
 */
#include "coro.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "braid-config.h"
#include <braid/braid.h>
#include "coro-arch.h"
#include "stack-pool.h"

#if defined(__SANITIZE_ADDRESS__)
#define BRAID_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BRAID_ASAN 1
#endif
#endif

#ifdef BRAID_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define NO_ASAN __attribute__ ((no_sanitize_address))
#else
#define NO_ASAN
#endif

/* initial-exec: read in the signal handler, written on every switch. */
__thread braid__coro *braid__coro_running;

#ifdef BRAID_ASAN
/* The context the last switch on this thread left, so the resumed side
 * can record that context's stack bounds as ASan reports them. */
static __thread braid__coro *switched_from;
#endif

/* Writes @s to stderr with write(2) only: used from the signal handler. */
static void
write_str (const char *s)
{
  size_t n = 0;
  while (s[n] != '\0')
    n++;
  while (n > 0)
    {
      ssize_t w = write (STDERR_FILENO, s, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      s += w;
      n -= (size_t)w;
    }
}

/* Writes @v in decimal at the end of @buf (32 bytes); returns where the
 * digits begin. Async-signal-safe. */
static const char *
decimal (char *buf, uint64_t v)
{
  int i = 31;
  buf[i] = '\0';
  do
    {
      buf[--i] = (char)('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  return buf + i;
}

/* Prints the overflow report for @co and aborts; async-signal-safe. */
__attribute__ ((noreturn, cold, noinline)) static void
report_overflow (const braid__coro *co)
{
  char num[32], task[32];

  write_str ("braid: stack overflow in task '");
  if (co->name != NULL)
    write_str (co->name);
  else if (co->name_num != 0)
    {
      write_str ("Task-");
      write_str (decimal (task, co->name_num));
    }
  else
    write_str ("(unnamed)");
  write_str ("' (stack of ");
  write_str (decimal (num, co->stack != NULL ? co->stack->size : 0));
  write_str (" bytes)\n");
  abort ();
}

/* BRAID__CORO_CANARY_INTACT (coro.h) outside ASan's instrumentation. */
NO_ASAN static inline bool
canary_intact (const uint64_t *z)
{
  return BRAID__CORO_CANARY_INTACT (z);
}

static inline void
check_canary (const braid__coro *from)
{
  if (from->canary != NULL
      && __builtin_expect (!canary_intact (from->canary), 0))
    report_overflow (from);
}

void
braid__coro_canary_failed (const braid__coro *co)
{
  report_overflow (co);
}

/* The first C code of every coroutine, entered from the trampoline. The
 * entry is its last call, so that the compiler makes it a jump: the
 * entry never returns (it ends by switching away for good), and a call
 * would leave an entry in the return stack buffer that nothing pops. If
 * it returns anyway, this returns to the trampoline, which calls
 * braid__coro_entry_returned. */
static void
coro_start (void *co_, void *entry_, void *arg)
{
  braid__coro_entry entry = (braid__coro_entry)entry_;
  (void)co_;
#ifdef BRAID_ASAN
  __sanitizer_finish_switch_fiber (NULL, &switched_from->asan_bottom,
                                   &switched_from->asan_size);
#endif
  entry (arg);
}

void
braid__coro_entry_returned (void)
{
  write_str ("braid: a coroutine's entry function returned\n");
  abort ();
}

void
braid__coro_init_thread (braid__coro *self)
{
  memset (self, 0, sizeof *self);
  self->name = "(thread)";
  /* braid__coro_running is left alone: this may run inside a coroutine
   * (a loop created by a task), which is still the one running. */
  /* Every thread that runs coroutines needs its own alternate signal
   * stack for the overflow report. */
  braid__coro_install_overflow_handler ();
}

void
braid__coro_forget_thread (braid__coro *self)
{
  if (braid__coro_running == self)
    braid__coro_running = NULL;
#ifdef BRAID_ASAN
  if (switched_from == self)
    switched_from = NULL;
#endif
}

int
braid__coro_init (braid__coro *co, braid__stack_pool *pool,
                  braid__coro_entry entry, void *arg, const char *name)
{
  struct braid__stack *s = braid__stack_acquire (pool);
  if (s == NULL)
    return BRAID_ENOMEM;

  co->stack = s;
  co->canary = s->canary;
  co->name = name;
  co->name_num = 0;
  co->asan_fake_stack = NULL;
  co->asan_bottom = s->base;
  co->asan_size = s->size;
#ifdef BRAID_ASAN
  /* A coroutine that ended with frames still on its stack left their
   * redzones poisoned; the next user of the stack must not trip on them. */
  __asan_unpoison_memory_region (s->base, s->size);
#endif
  co->sp = braid__coro_make_frame (s->base + s->size, coro_start, co,
                                   (void *)entry, arg);
  return 0;
}

void
braid__coro_release (braid__coro *co)
{
  if (co->stack == NULL)
    return;
  braid__stack_release (co->stack);
  co->stack = NULL;
  co->canary = NULL;
  co->sp = NULL;
}

void
braid__coro_switch (braid__coro *from, braid__coro *to)
{
  check_canary (from);
  braid__coro_running = to;
#ifdef BRAID_ASAN
  switched_from = from;
  __sanitizer_start_switch_fiber (&from->asan_fake_stack, to->asan_bottom,
                                  to->asan_size);
  braid__coro_swap (&from->sp, to->sp);
  __sanitizer_finish_switch_fiber (from->asan_fake_stack,
                                   &switched_from->asan_bottom,
                                   &switched_from->asan_size);
#else
  /* A tail call: the switch resumes the caller directly. */
  braid__coro_swap (&from->sp, to->sp);
#endif
}

void
braid__coro_switch_final (braid__coro *from, braid__coro *to)
{
  check_canary (from);
  braid__coro_running = to;
#ifdef BRAID_ASAN
  switched_from = from;
  /* NULL: this fiber's fake stack can be freed, it never comes back. */
  __sanitizer_start_switch_fiber (NULL, to->asan_bottom, to->asan_size);
#endif
  braid__coro_swap (&from->sp, to->sp);
  __builtin_unreachable ();
}

braid__coro *
braid__coro_current (void)
{
  braid__coro *co = braid__coro_running;
  return co != NULL && co->stack != NULL ? co : NULL;
}

size_t
braid__coro_stack_resident (const braid__coro *co)
{
  if (co->stack == NULL)
    return 0;
  size_t page = braid__stack_page_size ();
  unsigned char *p = co->stack->base;
  size_t pages = co->stack->size / page;
  size_t resident = 0;
  unsigned char vec[256];
  while (pages > 0)
    {
      size_t n = pages < sizeof vec ? pages : sizeof vec;
      if (mincore (p, n * page, vec) != 0)
        return 0;
      for (size_t i = 0; i < n; i++)
        resident += vec[i] & 1;
      p += n * page;
      pages -= n;
    }
  return resident * page;
}

/* The overflow handler. */

static struct sigaction old_segv, old_bus;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
static pthread_key_t altstack_key;
static __thread bool altstack_done;

/* True when @addr lies in the guard page of @co's stack or, since a
 * frame bigger than a page can step over that one, of any stack of its
 * pool: the running coroutine is the one that overflowed either way. */
static bool
in_guard (const braid__coro *co, uintptr_t addr)
{
  const struct braid__stack *s = co->stack;
  if (s == NULL)
    return false;
  uintptr_t base = (uintptr_t)s->base;
  if (s->guarded && addr < base && addr >= base - braid__stack_page_size ())
    return true;
  return braid__stack_pool_is_guard (s->pool, (const void *)addr);
}

static void
overflow_handler (int sig, siginfo_t *info, void *uctx)
{
  const braid__coro *co = braid__coro_running;
  if (co != NULL && in_guard (co, (uintptr_t)info->si_addr))
    report_overflow (co);

  /* Not ours: hand the fault to whoever had it before, or let the default
   * action happen when the faulting instruction runs again. */
  const struct sigaction *old = sig == SIGSEGV ? &old_segv : &old_bus;
  if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction != NULL)
    {
      old->sa_sigaction (sig, info, uctx);
      return;
    }
  if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN
      && old->sa_handler != NULL)
    {
      old->sa_handler (sig);
      return;
    }
  struct sigaction dfl;
  memset (&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset (&dfl.sa_mask);
  sigaction (sig, &dfl, NULL);
}

static size_t
altstack_size (void)
{
  size_t size = (size_t)64 * 1024;
  long min = sysconf (_SC_MINSIGSTKSZ);
  if (min > 0 && (size_t)min * 4 > size)
    size = (size_t)min * 4;
  return size;
}

static void
altstack_free (void *mem)
{
  stack_t ss = { .ss_flags = SS_DISABLE };
  stack_t cur;
  if (sigaltstack (NULL, &cur) == 0 && cur.ss_sp == mem)
    sigaltstack (&ss, NULL);
  munmap (mem, altstack_size ());
}

static void
install_once (void)
{
  pthread_key_create (&altstack_key, altstack_free);

  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_sigaction = overflow_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGSEGV, &sa, &old_segv);
  sigaction (SIGBUS, &sa, &old_bus);
}

/* Gives the calling thread an alternate signal stack unless it has one:
 * the handler cannot run on the stack that just overflowed. */
static void
ensure_altstack (void)
{
  if (altstack_done)
    return;
  altstack_done = true;

  stack_t cur;
  if (sigaltstack (NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE))
    return;
  /* Room for the handler's few frames plus the signal frame, which holds
   * the whole vector register state (large with AVX-512 or AMX). */
  size_t size = altstack_size ();
  void *mem = mmap (NULL, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    return;
  stack_t ss = { .ss_sp = mem, .ss_size = size, .ss_flags = 0 };
  if (sigaltstack (&ss, NULL) != 0)
    {
      munmap (mem, size);
      return;
    }
  pthread_setspecific (altstack_key, mem);
}

void
braid__coro_install_overflow_handler (void)
{
  pthread_once (&handler_once, install_once);
  ensure_altstack ();
}
