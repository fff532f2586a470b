/* test-coro-regs.h: the callee-saved register check shared by
 * test-coro.c and test-coro-cross.c (x86_64 and aarch64 only).
 *
 * check_callee_saved(from, to) loads a known value into every callee-saved
 * register, calls braid__coro_switch(from, to), and returns a bit mask of
 * the registers that changed by the time the switch came back. The peer
 * runs CLOBBER_CALLEE_SAVED() before it switches back, so a switch that
 * fails to restore any of them shows up as a set bit.
 */
#ifndef BRAID_TEST_CORO_REGS_H
#define BRAID_TEST_CORO_REGS_H

#include <stdint.h>

#include "coro.h"

#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__ELF__)
/* Also: the assembly switch is built (see runtime/meson.build). */
#define HAVE_CHECK_CALLEE_SAVED 1
#endif

/* clang-format off: assembly listings keep one instruction group a line. */
#if !defined(HAVE_CHECK_CALLEE_SAVED)
#elif defined(__x86_64__)
/* Bits 0-5: rbx, rbp, r12, r13, r14, r15. */
uint64_t check_callee_saved (braid__coro *from, braid__coro *to);
__asm__(".text\n"
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
        "  movabsq $0x1111111111111111, %rcx\n cmpq %rcx, %rbx\n je 1f\n orq "
        "$1, %rax\n1:\n"
        "  movabsq $0x2222222222222222, %rcx\n cmpq %rcx, %rbp\n je 1f\n orq "
        "$2, %rax\n1:\n"
        "  movabsq $0x3333333333333333, %rcx\n cmpq %rcx, %r12\n je 1f\n orq "
        "$4, %rax\n1:\n"
        "  movabsq $0x4444444444444444, %rcx\n cmpq %rcx, %r13\n je 1f\n orq "
        "$8, %rax\n1:\n"
        "  movabsq $0x5555555555555555, %rcx\n cmpq %rcx, %r14\n je 1f\n orq "
        "$16, %rax\n1:\n"
        "  movabsq $0x6666666666666666, %rcx\n cmpq %rcx, %r15\n je 1f\n orq "
        "$32, %rax\n1:\n"
        "  addq $8, %rsp\n popq %r15\n popq %r14\n popq %r13\n popq %r12\n"
        "  popq %rbx\n popq %rbp\n ret\n"
        ".size check_callee_saved, . - check_callee_saved\n");

#define CLOBBER_CALLEE_SAVED()                                                 \
  __asm__ volatile("movq $-1, %%rbx\n movq $-1, %%r12\n movq $-1, %%r13\n"     \
                   "movq $-1, %%r14\n movq $-1, %%r15\n" ::                    \
                       : "rbx", "r12", "r13", "r14", "r15", "memory")

#elif defined(__aarch64__)
/* Bits 0-9: x19-x28; bits 10-17: d8-d15. */
uint64_t check_callee_saved (braid__coro *from, braid__coro *to);
__asm__(
    ".text\n"
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

#define CLOBBER_CALLEE_SAVED()                                                 \
  __asm__ volatile("mov x19, #-1\n mov x20, #-1\n mov x21, #-1\n"              \
                   "mov x22, #-1\n mov x23, #-1\n mov x24, #-1\n"              \
                   "mov x25, #-1\n mov x26, #-1\n mov x27, #-1\n"              \
                   "mov x28, #-1\n fmov d8, xzr\n fmov d9, xzr\n"              \
                   "fmov d10, xzr\n fmov d11, xzr\n fmov d12, xzr\n"           \
                   "fmov d13, xzr\n fmov d14, xzr\n fmov d15, xzr\n" ::        \
                       : "x19", "x20", "x21", "x22", "x23", "x24", "x25",      \
                         "x26", "x27", "x28", "d8", "d9", "d10", "d11", "d12", \
                         "d13", "d14", "d15", "memory")
#endif
/* clang-format on */

#endif /* BRAID_TEST_CORO_REGS_H */
