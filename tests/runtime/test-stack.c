/* test-stack.c: where stacks come from and what happens when one overflows.
 *
 * The pool reuses freed stacks without mapping, rounds sizes to pages,
 * gives guard pages only within the map budget, returns the memory of
 * stacks freed past its warm cache, and holds a million live stacks. An
 * overflow into a guard page, or into the canary zone of a stack without
 * one, is reported with the task's name and aborts (checked in
 * subprocesses).
 */
#include <glib.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "braid-config.h"
#include "coro.h"
#include "stack-pool.h"

#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

static braid__coro main_co;

static void
finish_entry (void *p)
{
  braid__coro *self = p;
  braid__coro_switch_final (self, &main_co);
}

/* Switches back once, then finishes. */
static void
pause_entry (void *p)
{
  braid__coro *self = p;
  braid__coro_switch (self, &main_co);
  braid__coro_switch_final (self, &main_co);
}

static void
test_size_is_rounded_to_pages (void)
{
  size_t page = braid__stack_page_size ();
  braid__stack_pool *p = braid__stack_pool_new (0);
  g_assert_cmpuint (braid__stack_pool_stack_size (p), ==, 256 * 1024);
  braid__stack_pool_free (p);
  p = braid__stack_pool_new (1000);
  g_assert_cmpuint (braid__stack_pool_stack_size (p), ==, page);
  braid__stack_pool_free (p);
  p = braid__stack_pool_new (3 * page + 1);
  g_assert_cmpuint (braid__stack_pool_stack_size (p), ==, 4 * page);
  braid__stack_pool_free (p);
  braid__stack_pool_free (NULL);
}

static void
test_freed_stack_is_reused_without_mmap (void)
{
  braid__stack_pool *p = braid__stack_pool_new (0);
  braid__coro co;
  g_assert_cmpint (braid__coro_init (&co, p, finish_entry, &co, "a"), ==, 0);
  const void *first = co.stack->base;
  braid__coro_switch (&main_co, &co);
  braid__coro_release (&co);
  size_t maps = braid__stack_pool_mmap_count (p);
  g_assert_cmpuint (maps, ==, 1);

  /* A warm spawn-and-finish cycle takes the same stack every time. */
  for (int i = 0; i < 1000; i++)
    {
      g_assert_cmpint (braid__coro_init (&co, p, finish_entry, &co, "b"), ==,
                       0);
      g_assert_true (co.stack->base == first);
      braid__coro_switch (&main_co, &co);
      braid__coro_release (&co);
    }
  g_assert_cmpuint (braid__stack_pool_mmap_count (p), ==, maps);
  braid__stack_pool_free (p);
}

static void
test_guard_pages_stop_at_the_budget (void)
{
  size_t before = braid__stack_maps_used ();
  /* Room for the arena and three guards (two map entries each); guards
   * may use 7/8 of the budget. */
  braid__stack_set_map_budget ((before + 1 + 3 * 2) * 8 / 7 + 1);
  braid__stack_pool *p = braid__stack_pool_new (16 * 1024);
  struct braid__stack *s[8];
  for (int i = 0; i < 8; i++)
    {
      s[i] = braid__stack_acquire (p);
      g_assert_nonnull (s[i]);
      g_assert_cmpint (s[i]->guarded, ==, i < 3);
    }
  g_assert_cmpuint (braid__stack_maps_used (), ==, before + 7);
  for (int i = 0; i < 8; i++)
    braid__stack_release (s[i]);
  braid__stack_pool_free (p);
  g_assert_cmpuint (braid__stack_maps_used (), ==, before);
  braid__stack_set_map_budget (SIZE_MAX);
}

/* mincore's view of one stack. */
static size_t
resident_pages (const struct braid__stack *s)
{
  size_t page = braid__stack_page_size ();
  unsigned char vec[64];
  g_assert_cmpuint (s->size / page, <=, sizeof vec);
  g_assert_cmpint (mincore (s->base, s->size, vec), ==, 0);
  size_t n = 0;
  for (size_t i = 0; i < s->size / page; i++)
    n += vec[i] & 1;
  return n;
}

static void
test_cold_freed_stacks_give_memory_back (void)
{
  braid__stack_pool *p = braid__stack_pool_new (64 * 1024);
  enum
  {
    N = 100,
    WARM = 64
  };
  struct braid__stack *s[N];
  for (int i = 0; i < N; i++)
    {
      s[i] = braid__stack_acquire (p);
      memset (s[i]->base, 0xab, s[i]->size);
      g_assert_cmpuint (resident_pages (s[i]), ==, 16);
    }
  for (int i = 0; i < N; i++)
    braid__stack_release (s[i]);
  braid__stack_pool_trim (p);
  size_t warm = 0, cold = 0;
  for (int i = 0; i < N; i++)
    {
      size_t r = resident_pages (s[i]);
      if (r == 16)
        warm++;
      else if (r == 0)
        cold++;
    }
  g_assert_cmpuint (warm, ==, WARM);
  g_assert_cmpuint (cold, ==, N - WARM);
  braid__stack_pool_free (p);
}

/* Cold stacks are returned in batches; one taken back from the free list
 * before its batch went must not lose its contents when the batch goes. */
static void
test_reused_cold_stack_keeps_its_contents (void)
{
  braid__stack_pool *p = braid__stack_pool_new (64 * 1024);
  enum
  {
    N = 100,
    WARM = 64,
    REUSED = 10
  };
  struct braid__stack *s[N], *again[REUSED];
  for (int i = 0; i < N; i++)
    s[i] = braid__stack_acquire (p);
  for (int i = 0; i < N; i++)
    {
      memset (s[i]->base, 0xab, s[i]->size);
      braid__stack_release (s[i]);
    }
  /* LIFO: these are the last freed, cold and not yet returned. */
  for (int i = 0; i < REUSED; i++)
    {
      again[i] = braid__stack_acquire (p);
      g_assert_true (again[i] == s[N - 1 - i]);
      memset (again[i]->base, 0xcd, again[i]->size);
    }
  braid__stack_pool_trim (p);
  for (int i = 0; i < REUSED; i++)
    {
      g_assert_cmpuint (resident_pages (again[i]), ==, 16);
      g_assert_cmpuint (again[i]->base[0], ==, 0xcd);
      g_assert_cmpuint (again[i]->base[again[i]->size - 1], ==, 0xcd);
    }
  /* The other cold ones were returned. */
  for (int i = WARM; i < N - REUSED; i++)
    g_assert_cmpuint (resident_pages (s[i]), ==, 0);
  for (int i = 0; i < REUSED; i++)
    braid__stack_release (again[i]);
  braid__stack_pool_free (p);
}

static void
test_resident_counts_touched_pages (void)
{
  braid__stack_pool *p = braid__stack_pool_new (0);
  braid__coro co;
  g_assert_cmpint (braid__coro_init (&co, p, pause_entry, &co, "r"), ==, 0);
  size_t page = braid__stack_page_size ();
  /* A fresh coroutine has touched only the page of its first frame. */
  g_assert_cmpuint (braid__coro_stack_resident (&co), <=, page);
  /* So has one that ran and switched away (the canary check reads
   * outside the usable range, if at all). */
  braid__coro_switch (&main_co, &co);
  g_assert_cmpuint (braid__coro_stack_resident (&co), <=, page);
  /* Below the first frame, which sits in the top page. */
  memset (co.stack->base + co.stack->size - page - 100 * 1024, 1, 100 * 1024);
  g_assert_cmpuint (braid__coro_stack_resident (&co), >=, 100 * 1024);
  g_assert_cmpuint (braid__coro_stack_resident (&main_co), ==, 0);
  braid__coro_switch (&main_co, &co);
  braid__coro_release (&co);
  braid__stack_pool_free (p);
}

/* The process's memory mappings, as the kernel counts them. */
static size_t
count_maps (void)
{
  gchar *text = NULL;
  g_assert_true (g_file_get_contents ("/proc/self/maps", &text, NULL, NULL));
  size_t n = 0;
  for (const char *c = text; *c != '\0'; c++)
    n += *c == '\n';
  g_free (text);
  return n;
}

/* A million live stacks: address space is reserved, not memory, and the
 * pool's mappings stay within the map budget. */
static void
test_a_million_live_stacks_fit (void)
{
  int N = 1000000;
#ifdef HAVE_VALGRIND_H
  /* valgrind reserves far less address space and runs this slowly. */
  if (RUNNING_ON_VALGRIND)
    N = 20000;
#endif
  size_t before = braid__stack_maps_used ();
  braid__stack_set_map_budget (0); /* back to the default */
  braid__stack_pool *p = braid__stack_pool_new (0);
  struct braid__stack **s = g_new (struct braid__stack *, N);
  size_t guarded = 0;
  for (int i = 0; i < N; i++)
    {
      s[i] = braid__stack_acquire (p);
      g_assert_nonnull (s[i]);
      guarded += s[i]->guarded;
    }
  /* Guards are given until the budget (half of vm.max_map_count less
   * what the arenas use) runs out, then stacks rely on the canary. */
  g_assert_cmpuint (guarded, >, 1000);
  if (N == 1000000)
    g_assert_cmpuint (guarded, <, (size_t)N);
  g_assert_cmpuint (braid__stack_maps_used (), <, 65530 / 2 + 1);
  /* The kernel's own count agrees: the process stays far from the limit. */
  size_t real = count_maps ();
  g_assert_cmpuint (real, <, braid__stack_maps_used () + 2000);
  g_test_message ("%zu of %d stacks guarded, %zu mmaps, %zu map entries "
                  "accounted, %zu in /proc/self/maps",
                  guarded, N, braid__stack_pool_mmap_count (p),
                  braid__stack_maps_used (), real);
  for (int i = 0; i < N; i++)
    braid__stack_release (s[i]);
  g_free (s);
  braid__stack_pool_free (p);
  g_assert_cmpuint (braid__stack_maps_used (), ==, before);
}

/* The overflow reports, in subprocesses. The child marks abort() on
 * stderr so the parent can tell it aborted rather than crashed. */
static void
on_abort (int sig)
{
  static const char msg[] = "test: aborted\n";
  (void)write (STDERR_FILENO, msg, sizeof msg - 1);
  signal (SIGABRT, SIG_DFL);
  raise (SIGABRT);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static __attribute__ ((noinline)) int
recurse_forever (int depth)
{
  volatile char pad[512];
  pad[0] = (char)depth;
  pad[511] = (char)depth;
  return recurse_forever (depth + 1) + pad[0] + pad[511];
}

static void
overflow_entry (void *p)
{
  recurse_forever (0);
  g_assert_not_reached ();
}

static void
test_overflow_names_the_task (void)
{
  if (g_test_subprocess ())
    {
      signal (SIGABRT, on_abort);
      braid__coro_install_overflow_handler ();
      braid__stack_pool *p = braid__stack_pool_new (0);
      braid__coro co;
      g_assert_cmpint (
          braid__coro_init (&co, p, overflow_entry, NULL, "deep-diver"), ==, 0);
      g_assert_true (co.stack->guarded);
      braid__coro_switch (&main_co, &co);
      g_assert_not_reached ();
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid: stack overflow in task 'deep-diver'"
                             " (stack of 262144 bytes)\n*test: aborted*");
}

/* A coroutine with no name but a task number (a task with its default
 * name, which a spawn does not format) is reported as Task-N. */
static void
test_overflow_names_a_default_named_task (void)
{
  if (g_test_subprocess ())
    {
      signal (SIGABRT, on_abort);
      braid__coro_install_overflow_handler ();
      braid__stack_pool *p = braid__stack_pool_new (0);
      braid__coro co;
      g_assert_cmpint (braid__coro_init (&co, p, overflow_entry, NULL, NULL),
                       ==, 0);
      co.name_num = 1207;
      braid__coro_switch (&main_co, &co);
      g_assert_not_reached ();
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid: stack overflow in task 'Task-1207'"
                             " (stack of 262144 bytes)\n*test: aborted*");
}

/* A frame bigger than a page can step over its own guard page and the
 * stack below it; when it then faults in that stack's guard, the running
 * task is still reported. The slot below is the previous one of the same
 * arena: [guard 0][stack 0][guard 1][stack 1]. */
static const unsigned char *lower_guard;

static __attribute__ ((noinline)) void
frame_over_the_guard (void)
{
  const unsigned char *frame = __builtin_frame_address (0);
  /* Aim at the middle of the guard page: alloca's rounding and the
   * frame's own locals move the block by a few dozen bytes. */
  size_t n = (size_t)(frame - (lower_guard + 2048));
  volatile unsigned char *big = __builtin_alloca (n);
  big[0] = 1;
}

static void
over_guard_entry (void *p)
{
  frame_over_the_guard ();
  g_assert_not_reached ();
}

static void
test_frame_over_the_guard_names_the_task (void)
{
  if (g_test_subprocess ())
    {
      signal (SIGABRT, on_abort);
      braid__stack_pool *p = braid__stack_pool_new (64 * 1024);
      struct braid__stack *below = braid__stack_acquire (p);
      braid__coro co;
      g_assert_cmpint (
          braid__coro_init (&co, p, over_guard_entry, NULL, "long-jumper"), ==,
          0);
      g_assert_true (below->guarded && co.stack->guarded);
      g_assert_true (co.stack->base
                     == below->base + below->size + braid__stack_page_size ());
      lower_guard = below->base - braid__stack_page_size ();
      braid__coro_switch (&main_co, &co);
      g_assert_not_reached ();
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid: stack overflow in task 'long-jumper'"
                             " (stack of 65536 bytes)\n*test: aborted*");
}

/* Without a guard page, a coroutine whose frame reaches below its stack
 * (into the canary zone, but not past the unused guard page below it, so
 * the test is safe) is caught at its next switch. The frame is an alloca
 * sized to end 16 bytes below the zone's top, as a big local array would. */
static __attribute__ ((noinline)) void
frame_below_bottom (const unsigned char *base)
{
  const unsigned char *frame = __builtin_frame_address (0);
  size_t n = (size_t)(frame - (base - 80));
  volatile unsigned char *big = __builtin_alloca (n);
  g_assert_true ((const unsigned char *)big <= base - 80);
  g_assert_true ((const unsigned char *)big >= base - 4096);
  for (size_t i = 0; i < n; i++)
    big[i] = 0x5a;
}

static void
bottom_entry (void *p)
{
  braid__coro *self = p;
  frame_below_bottom (self->stack->base);
  braid__coro_switch (self, &main_co);
  g_assert_not_reached ();
}

static void
test_canary_catches_overflow_without_guard (void)
{
  if (g_test_subprocess ())
    {
      signal (SIGABRT, on_abort);
      braid__stack_set_map_budget (1); /* no room for any guard */
      braid__stack_pool *p = braid__stack_pool_new (64 * 1024);
      braid__coro co;
      g_assert_cmpint (braid__coro_init (&co, p, bottom_entry, &co, "no-guard"),
                       ==, 0);
      g_assert_false (co.stack->guarded);
      braid__coro_switch (&main_co, &co);
      g_assert_not_reached ();
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid: stack overflow in task 'no-guard'"
                             " (stack of 65536 bytes)\n*test: aborted*");
}

/* Each thread has its own alternate signal stack and running coroutine:
 * an overflow on a second thread is reported with that thread's task. */
static void *
overflow_thread (void *p)
{
  braid__coro thread_co;
  braid__coro_init_thread (&thread_co);
  braid__stack_pool *pool = braid__stack_pool_new (128 * 1024);
  braid__coro co;
  g_assert_cmpint (
      braid__coro_init (&co, pool, overflow_entry, NULL, "second-thread-task"),
      ==, 0);
  g_assert_true (co.stack->guarded);
  braid__coro_switch (&thread_co, &co);
  g_assert_not_reached ();
  return NULL;
}

static void
test_overflow_on_a_second_thread_names_its_task (void)
{
  if (g_test_subprocess ())
    {
      signal (SIGABRT, on_abort);
      pthread_t th;
      g_assert_cmpint (pthread_create (&th, NULL, overflow_thread, NULL), ==,
                       0);
      pthread_join (th, NULL);
      g_assert_not_reached ();
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid: stack overflow in task "
                             "'second-thread-task' (stack of 131072 bytes)\n"
                             "*test: aborted*");
}

/* A fault that is not a stack overflow still crashes as a fault. */
static void
test_other_faults_are_not_reported_as_overflow (void)
{
  if (g_test_subprocess ())
    {
      braid__coro_install_overflow_handler ();
      volatile int *volatile nowhere = (int *)16;
      *nowhere = 1;
      g_assert_not_reached ();
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr_unmatched ("*stack overflow*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  braid__coro_init_thread (&main_co);

  g_test_add_func ("/runtime/stack/size-is-rounded-to-pages",
                   test_size_is_rounded_to_pages);
  g_test_add_func ("/runtime/stack/freed-stack-is-reused-without-mmap",
                   test_freed_stack_is_reused_without_mmap);
  g_test_add_func ("/runtime/stack/guard-pages-stop-at-the-budget",
                   test_guard_pages_stop_at_the_budget);
  g_test_add_func ("/runtime/stack/cold-freed-stacks-give-memory-back",
                   test_cold_freed_stacks_give_memory_back);
  g_test_add_func ("/runtime/stack/reused-cold-stack-keeps-its-contents",
                   test_reused_cold_stack_keeps_its_contents);
  g_test_add_func ("/runtime/stack/resident-counts-touched-pages",
                   test_resident_counts_touched_pages);
  g_test_add_func ("/runtime/stack/a-million-live-stacks-fit",
                   test_a_million_live_stacks_fit);
  g_test_add_func ("/runtime/coro/overflow-names-the-task",
                   test_overflow_names_the_task);
  g_test_add_func ("/runtime/coro/overflow-names-a-default-named-task",
                   test_overflow_names_a_default_named_task);
  g_test_add_func ("/runtime/coro/frame-over-the-guard-names-the-task",
                   test_frame_over_the_guard_names_the_task);
  g_test_add_func ("/runtime/coro/canary-catches-overflow-without-guard",
                   test_canary_catches_overflow_without_guard);
  g_test_add_func ("/runtime/coro/overflow-on-a-second-thread-names-its-task",
                   test_overflow_on_a_second_thread_names_its_task);
  g_test_add_func ("/runtime/coro/other-faults-are-not-reported-as-overflow",
                   test_other_faults_are_not_reported_as_overflow);

  return g_test_run ();
}
