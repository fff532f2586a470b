/* test-coro.c: the context switch keeps every context's state.
 *
 * Ping-pong between several coroutines and the thread's context, with
 * values live across switches (the compiler keeps them in callee-saved
 * registers), an assembly check of each callee-saved register on x86_64,
 * deep recursion within the stack limit, braid__coro_current, and a
 * coroutine's frame being the outermost one.
 */
#include <execinfo.h>
#include <glib.h>
#include <stdint.h>

#include "coro.h"
#include "stack-pool.h"

static braid__coro main_co;
static braid__stack_pool *pool;

/* Ping-pong: N coroutines each add their id to a running log, then switch
 * back to the thread, which resumes them round-robin. */
#define N_CORO 4
#define ROUNDS 1000

static braid__coro cor[N_CORO];
static uint64_t progress[N_CORO];

typedef struct
{
  int id;
  uint64_t sum;                 /* checked after the coroutine finishes */
  bool done;
} pp_arg;

static void
ping_pong_entry (void *p)
{
  pp_arg *a = p;
  /* Many values live across each switch: at -O2 they sit in callee-saved
   * registers, which the switch must preserve. */
  uint64_t x1 = (uint64_t) a->id * 1000003u + 1, x2 = x1 * 3, x3 = x1 * 5,
           x4 = x1 * 7, x5 = x1 * 11, x6 = x1 * 13;
  double d = a->id + 0.5;
  for (int r = 0; r < ROUNDS; r++)
    {
      progress[a->id]++;
      braid__coro_switch (&cor[a->id], &main_co);
      x1 += 1;
      x2 += 3;
      x3 += 5;
      x4 += 7;
      x5 += 11;
      x6 += 13;
      d += 1.0;
    }
  uint64_t base = (uint64_t) a->id * 1000003u + 1;
  a->sum = (x1 - base) + (x2 - base * 3) + (x3 - base * 5) + (x4 - base * 7)
           + (x5 - base * 11) + (x6 - base * 13);
  g_assert_cmpfloat (d, ==, a->id + 0.5 + ROUNDS);
  a->done = true;
  braid__coro_switch_final (&cor[a->id], &main_co);
}

static void
test_ping_pong_keeps_locals (void)
{
  pp_arg args[N_CORO];
  for (int i = 0; i < N_CORO; i++)
    {
      args[i] = (pp_arg){ .id = i };
      progress[i] = 0;
      g_assert_cmpint (braid__coro_init (&cor[i], pool, ping_pong_entry,
                                         &args[i], "ping"), ==, 0);
    }
  for (int r = 0; r <= ROUNDS; r++)
    for (int i = 0; i < N_CORO; i++)
      {
        g_assert_false (args[i].done);
        braid__coro_switch (&main_co, &cor[i]);
        if (r < ROUNDS)
          g_assert_cmpuint (progress[i], ==, (uint64_t) r + 1);
      }
  for (int i = 0; i < N_CORO; i++)
    {
      g_assert_true (args[i].done);
      g_assert_cmpuint (args[i].sum, ==, (uint64_t) ROUNDS * (1 + 3 + 5 + 7 + 11 + 13));
      braid__coro_release (&cor[i]);
    }
}

/* Coroutines switching directly to each other, not through the thread:
 * a ring passes a token around. */
static int ring_token;
static int ring_seen[N_CORO];

static void
ring_entry (void *p)
{
  int id = (int) (intptr_t) p;
  for (int r = 0; r < 100; r++)
    {
      g_assert_cmpint (ring_token, ==, r * N_CORO + id);
      ring_token++;
      ring_seen[id]++;
      braid__coro *next = id + 1 < N_CORO ? &cor[id + 1] : &main_co;
      braid__coro_switch (&cor[id], next);
    }
  braid__coro_switch_final (&cor[id], &main_co);
}

static void
test_coroutines_switch_to_each_other (void)
{
  ring_token = 0;
  for (int i = 0; i < N_CORO; i++)
    {
      ring_seen[i] = 0;
      g_assert_cmpint (braid__coro_init (&cor[i], pool, ring_entry,
                                         (void *) (intptr_t) i, "ring"), ==, 0);
    }
  for (int r = 0; r < 100; r++)
    braid__coro_switch (&main_co, &cor[0]);
  g_assert_cmpint (ring_token, ==, 100 * N_CORO);
  /* Let each finish. */
  for (int i = 0; i < N_CORO; i++)
    {
      g_assert_cmpint (ring_seen[i], ==, 100);
      braid__coro_switch (&main_co, &cor[i]);
      braid__coro_release (&cor[i]);
    }
}

/* braid__coro_current names the running coroutine, NULL on the thread. */
static braid__coro *seen_current;

static void
current_entry (void *p)
{
  seen_current = braid__coro_current ();
  braid__coro_switch_final (&cor[0], &main_co);
}

static void
test_current_is_the_running_coroutine (void)
{
  g_assert_null (braid__coro_current ());
  g_assert_cmpint (braid__coro_init (&cor[0], pool, current_entry, NULL,
                                     "current"), ==, 0);
  braid__coro_switch (&main_co, &cor[0]);
  g_assert_true (seen_current == &cor[0]);
  g_assert_null (braid__coro_current ());
  braid__coro_release (&cor[0]);
}

/* An unwinder walking a coroutine's stack stops at its first frame (the
 * trampoline's return address is undefined in the CFI) instead of
 * running off the top of the stack. */
static int frames_seen;

static void
backtrace_entry (void *p)
{
  void *frames[64];
  frames_seen = backtrace (frames, 64);
  braid__coro_switch_final (&cor[0], &main_co);
}

static void
test_backtrace_stops_at_the_coroutine_entry (void)
{
  g_assert_cmpint (braid__coro_init (&cor[0], pool, backtrace_entry, NULL,
                                     "bt"), ==, 0);
  braid__coro_switch (&main_co, &cor[0]);
  /* backtrace_entry, coro_start, the trampoline; a little slack for
   * builds that add frames. */
  g_assert_cmpint (frames_seen, >=, 2);
  g_assert_cmpint (frames_seen, <=, 6);
  braid__coro_release (&cor[0]);
}

/* Deep recursion that stays within the stack works and its result is
 * right; it touches most of the stack, which resident size reports. The
 * depth is set by the address reached, since frame sizes differ between
 * builds (ASan's are much larger). */
static __attribute__ ((noinline)) uint64_t
recurse (const char *limit, volatile char *prev)
{
  volatile char pad[200];
  pad[0] = 1;
  pad[199] = prev != NULL ? prev[0] : 1;
  if ((const char *) __builtin_frame_address (0) < limit)
    return 1;
  return recurse (limit, pad) + (uint64_t) pad[0] + (uint64_t) pad[199];
}

static uint64_t deep_result;
static size_t deep_resident;

static void
deep_entry (void *p)
{
  braid__coro *self = p;
  /* Use 190 KiB of the 256 KiB. */
  const char *limit = (const char *) self->stack->base + self->stack->size
                      - 190 * 1024;
  deep_result = recurse (limit, NULL);
  deep_resident = braid__coro_stack_resident (self);
  braid__coro_switch_final (self, &main_co);
}

static void
test_deep_recursion_within_the_limit (void)
{
  g_assert_cmpint (braid__coro_init (&cor[0], pool, deep_entry, &cor[0],
                                     "deep"), ==, 0);
  braid__coro_switch (&main_co, &cor[0]);
  /* Each frame adds 2, the last one returns 1: the result is odd and
   * shows hundreds of frames ran. */
  g_assert_cmpuint (deep_result % 2, ==, 1);
  g_assert_cmpuint (deep_result, >, 2 * 100);
  g_assert_cmpuint (deep_resident, >=, 180 * 1024);
  g_assert_cmpuint (deep_resident, <=, 256 * 1024);
  braid__coro_release (&cor[0]);
}

#if defined(__x86_64__)
/* x86_64: set every callee-saved register to a known value, switch away
 * and back, and report which registers changed (a bit mask). The peer
 * coroutine clobbers all of them in between. */
uint64_t check_callee_saved (braid__coro *from, braid__coro *to);
__asm__ (".text\n"
         ".globl check_callee_saved\n"
         ".type check_callee_saved, @function\n"
         "check_callee_saved:\n"
         "  pushq %rbp\n pushq %rbx\n pushq %r12\n pushq %r13\n"
         "  pushq %r14\n pushq %r15\n subq $8, %rsp\n"
         "  movabsq $0x1111111111111111, %rbx\n"
         "  movabsq $0x2222222222222222, %rbp\n"
         "  movabsq $0x3333333333333333, %r12\n"
         "  movabsq $0x4444444444444444, %r13\n"
         "  movabsq $0x5555555555555555, %r14\n"
         "  movabsq $0x6666666666666666, %r15\n"
         "  call braid__coro_switch@PLT\n"
         "  xorl %eax, %eax\n"
         "  movabsq $0x1111111111111111, %rcx\n cmpq %rcx, %rbx\n je 1f\n orq $1, %rax\n1:\n"
         "  movabsq $0x2222222222222222, %rcx\n cmpq %rcx, %rbp\n je 1f\n orq $2, %rax\n1:\n"
         "  movabsq $0x3333333333333333, %rcx\n cmpq %rcx, %r12\n je 1f\n orq $4, %rax\n1:\n"
         "  movabsq $0x4444444444444444, %rcx\n cmpq %rcx, %r13\n je 1f\n orq $8, %rax\n1:\n"
         "  movabsq $0x5555555555555555, %rcx\n cmpq %rcx, %r14\n je 1f\n orq $16, %rax\n1:\n"
         "  movabsq $0x6666666666666666, %rcx\n cmpq %rcx, %r15\n je 1f\n orq $32, %rax\n1:\n"
         "  addq $8, %rsp\n popq %r15\n popq %r14\n popq %r13\n popq %r12\n"
         "  popq %rbx\n popq %rbp\n ret\n"
         ".size check_callee_saved, . - check_callee_saved\n");

static void
clobber_entry (void *p)
{
  for (;;)
    {
      __asm__ volatile ("movq $-1, %%rbx\n movq $-1, %%r12\n movq $-1, %%r13\n"
                        "movq $-1, %%r14\n movq $-1, %%r15\n"
                        ::: "rbx", "r12", "r13", "r14", "r15", "memory");
      braid__coro_switch (&cor[1], &main_co);
    }
}

#elif defined(__aarch64__)
/* aarch64: the same with x19-x28 and d8-d15 (bit 0-9: x19-x28, bit
 * 10-17: d8-d15). */
uint64_t check_callee_saved (braid__coro *from, braid__coro *to);
__asm__ (".text\n"
         ".globl check_callee_saved\n"
         ".type check_callee_saved, %function\n"
         "check_callee_saved:\n"
         "  stp x29, x30, [sp, #-160]!\n mov x29, sp\n"
         "  stp x19, x20, [sp, #16]\n stp x21, x22, [sp, #32]\n"
         "  stp x23, x24, [sp, #48]\n stp x25, x26, [sp, #64]\n"
         "  stp x27, x28, [sp, #80]\n stp d8, d9, [sp, #96]\n"
         "  stp d10, d11, [sp, #112]\n stp d12, d13, [sp, #128]\n"
         "  stp d14, d15, [sp, #144]\n"
         "  mov x19, #19\n mov x20, #20\n mov x21, #21\n mov x22, #22\n"
         "  mov x23, #23\n mov x24, #24\n mov x25, #25\n mov x26, #26\n"
         "  mov x27, #27\n mov x28, #28\n"
         "  mov x9, #8\n fmov d8, x9\n mov x9, #9\n fmov d9, x9\n"
         "  mov x9, #10\n fmov d10, x9\n mov x9, #11\n fmov d11, x9\n"
         "  mov x9, #12\n fmov d12, x9\n mov x9, #13\n fmov d13, x9\n"
         "  mov x9, #14\n fmov d14, x9\n mov x9, #15\n fmov d15, x9\n"
         "  bl braid__coro_switch\n"
         "  mov x0, #0\n"
         "  cmp x19, #19\n cset x9, ne\n orr x0, x0, x9, lsl #0\n"
         "  cmp x20, #20\n cset x9, ne\n orr x0, x0, x9, lsl #1\n"
         "  cmp x21, #21\n cset x9, ne\n orr x0, x0, x9, lsl #2\n"
         "  cmp x22, #22\n cset x9, ne\n orr x0, x0, x9, lsl #3\n"
         "  cmp x23, #23\n cset x9, ne\n orr x0, x0, x9, lsl #4\n"
         "  cmp x24, #24\n cset x9, ne\n orr x0, x0, x9, lsl #5\n"
         "  cmp x25, #25\n cset x9, ne\n orr x0, x0, x9, lsl #6\n"
         "  cmp x26, #26\n cset x9, ne\n orr x0, x0, x9, lsl #7\n"
         "  cmp x27, #27\n cset x9, ne\n orr x0, x0, x9, lsl #8\n"
         "  cmp x28, #28\n cset x9, ne\n orr x0, x0, x9, lsl #9\n"
         "  fmov x10, d8\n cmp x10, #8\n cset x9, ne\n orr x0, x0, x9, lsl #10\n"
         "  fmov x10, d9\n cmp x10, #9\n cset x9, ne\n orr x0, x0, x9, lsl #11\n"
         "  fmov x10, d10\n cmp x10, #10\n cset x9, ne\n orr x0, x0, x9, lsl #12\n"
         "  fmov x10, d11\n cmp x10, #11\n cset x9, ne\n orr x0, x0, x9, lsl #13\n"
         "  fmov x10, d12\n cmp x10, #12\n cset x9, ne\n orr x0, x0, x9, lsl #14\n"
         "  fmov x10, d13\n cmp x10, #13\n cset x9, ne\n orr x0, x0, x9, lsl #15\n"
         "  fmov x10, d14\n cmp x10, #14\n cset x9, ne\n orr x0, x0, x9, lsl #16\n"
         "  fmov x10, d15\n cmp x10, #15\n cset x9, ne\n orr x0, x0, x9, lsl #17\n"
         "  ldp x19, x20, [sp, #16]\n ldp x21, x22, [sp, #32]\n"
         "  ldp x23, x24, [sp, #48]\n ldp x25, x26, [sp, #64]\n"
         "  ldp x27, x28, [sp, #80]\n ldp d8, d9, [sp, #96]\n"
         "  ldp d10, d11, [sp, #112]\n ldp d12, d13, [sp, #128]\n"
         "  ldp d14, d15, [sp, #144]\n"
         "  ldp x29, x30, [sp], #160\n ret\n"
         ".size check_callee_saved, . - check_callee_saved\n");

static void
clobber_entry (void *p)
{
  for (;;)
    {
      __asm__ volatile ("mov x19, #-1\n mov x20, #-1\n mov x21, #-1\n"
                        "mov x22, #-1\n mov x23, #-1\n mov x24, #-1\n"
                        "mov x25, #-1\n mov x26, #-1\n mov x27, #-1\n"
                        "mov x28, #-1\n fmov d8, xzr\n fmov d9, xzr\n"
                        "fmov d10, xzr\n fmov d11, xzr\n fmov d12, xzr\n"
                        "fmov d13, xzr\n fmov d14, xzr\n fmov d15, xzr\n"
                        ::: "x19", "x20", "x21", "x22", "x23", "x24", "x25",
                        "x26", "x27", "x28", "d8", "d9", "d10", "d11",
                        "d12", "d13", "d14", "d15", "memory");
      braid__coro_switch (&cor[1], &main_co);
    }
}
#endif

#if defined(__x86_64__) || defined(__aarch64__)
static void
test_callee_saved_registers_survive (void)
{
  g_assert_cmpint (braid__coro_init (&cor[1], pool, clobber_entry, NULL,
                                     "clobber"), ==, 0);
  for (int i = 0; i < 3; i++)
    g_assert_cmphex (check_callee_saved (&main_co, &cor[1]), ==, 0);
  /* The clobbering coroutine never ends; its stack can still go back,
   * since it will never be resumed. */
  braid__coro_release (&cor[1]);
}
#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  braid__coro_init_thread (&main_co);
  pool = braid__stack_pool_new (0);

  g_test_add_func ("/runtime/coro/ping-pong-keeps-locals",
                   test_ping_pong_keeps_locals);
  g_test_add_func ("/runtime/coro/coroutines-switch-to-each-other",
                   test_coroutines_switch_to_each_other);
  g_test_add_func ("/runtime/coro/current-is-the-running-coroutine",
                   test_current_is_the_running_coroutine);
  g_test_add_func ("/runtime/coro/backtrace-stops-at-the-coroutine-entry",
                   test_backtrace_stops_at_the_coroutine_entry);
  g_test_add_func ("/runtime/coro/deep-recursion-within-the-limit",
                   test_deep_recursion_within_the_limit);
#if defined(__x86_64__) || defined(__aarch64__)
  g_test_add_func ("/runtime/coro/callee-saved-registers-survive",
                   test_callee_saved_registers_survive);
#endif

  int ret = g_test_run ();
  braid__stack_pool_free (pool);
  return ret;
}
