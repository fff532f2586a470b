/* coro-x86_64.S: the context switch on x86_64 (System V ABI).
 *
 * Owns braid__coro_swap, the hot path of every task switch, plus the frame
 * a new coroutine starts from and the trampoline that calls its entry.
 * A suspended context's stack holds, from its saved stack pointer up:
 *
 *   +0   MXCSR (4 bytes), x87 control word (2 bytes), 2 bytes unused
 *   +8   r15, r14, r13, r12, rbx, rbp
 *   +56  the resume address
 *
 * The switch ends with an indirect jump to the resume address rather than
 * `ret`: a `ret` into another stack never matches the return stack
 * buffer's prediction (its top is this call's own return address), and
 * the misprediction costs several times the rest of the switch.
 *
 * CET: the entry points begin with endbr64 (a no-op on older CPUs) and the
 * resume jump is `notrack`, since a return address is not an endbr64
 * landing pad. The switch is not shadow-stack compatible, so this file
 * deliberately carries no .note.gnu.property marking it as such.
 */
#if defined(__x86_64__)

        .text

/* The switch, in two variants that differ only in their last
 * instruction. Save the running context on its stack, store the stack
 * pointer in *%rdi, load %rsi and restore that context. Both stacks have
 * the same layout at the same point, so the CFI stays true across the
 * switch.
 *
 * The control words are only written when they differ, and MXCSR's
 * exception flags (bits 0-5) are left as they are: writing MXCSR with a
 * different value costs about 40 ns here (ten switches), and the flags
 * differ between any two contexts that did arithmetic. So rounding,
 * flush-to-zero, denormals-are-zero and exception masks are per
 * coroutine, while the sticky exception flags belong to the thread, as
 * the x87 status word's do. */
.macro SWAP ending_ret
        .cfi_startproc
        endbr64
        pushq   %rbp
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbp, 0
        pushq   %rbx
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %rbx, 0
        pushq   %r12
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r12, 0
        pushq   %r13
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r13, 0
        pushq   %r14
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r14, 0
        pushq   %r15
        .cfi_adjust_cfa_offset 8
        .cfi_rel_offset %r15, 0
        subq    $8, %rsp
        .cfi_adjust_cfa_offset 8
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movl    (%rsp), %eax            /* the running MXCSR */
        movzwl  4(%rsp), %ecx           /* the running x87 control word */

        movq    %rsp, (%rdi)
        movq    %rsi, %rsp

        movl    (%rsp), %edx
        xorl    %eax, %edx
        testl   $0xffc0, %edx           /* do the MXCSR controls differ? */
        jnz     2f
1:      cmpw    4(%rsp), %cx
        jne     3f
4:      addq    $8, %rsp
        .cfi_remember_state
        .cfi_adjust_cfa_offset -8
        popq    %r15
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r15
        popq    %r14
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r14
        popq    %r13
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r13
        popq    %r12
        .cfi_adjust_cfa_offset -8
        .cfi_restore %r12
        popq    %rbx
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbx
        popq    %rbp
        .cfi_adjust_cfa_offset -8
        .cfi_restore %rbp
.if \ending_ret
        ret
.else
        popq    %r8
        .cfi_adjust_cfa_offset -8
        notrack jmp *%r8
.endif
        .cfi_restore_state
        /* The target's MXCSR controls with the running flags. */
2:      xorl    %eax, %edx              /* the target's MXCSR again */
        andl    $0xffc0, %edx
        andl    $0x3f, %eax
        orl     %eax, %edx
        movl    %edx, (%rsp)
        ldmxcsr (%rsp)
        jmp     1b
3:      fldcw   4(%rsp)
        jmp     4b
        .cfi_endproc
.endm

/* void braid__coro_swap (void **save_sp, void *to_sp) */
        .globl  braid__coro_swap
        .hidden braid__coro_swap
        .type   braid__coro_swap, @function
        .p2align 4
braid__coro_swap:
        SWAP 0
        .size   braid__coro_swap, . - braid__coro_swap

/* void braid__coro_swap_ret (void **save_sp, void *to_sp): the same,
 * ending with `ret`, kept only so bench-switch.c can compare. */
        .globl  braid__coro_swap_ret
        .hidden braid__coro_swap_ret
        .type   braid__coro_swap_ret, @function
        .p2align 4
braid__coro_swap_ret:
        SWAP 1
        .size   braid__coro_swap_ret, . - braid__coro_swap_ret

/* The first code a new coroutine runs: braid__coro_make_frame left
 * start in r12, co in r13, entry in r14, arg in r15, and a 16-byte
 * aligned stack pointer. The return address is undefined in the CFI, so
 * unwinders and gdb's backtrace stop here; rbp is 0 for frame-pointer
 * walkers.
 *
 * start is entered by a jump with .Ltrampoline_returned pushed as its
 * return address, not by a call: start tail-calls the entry, which ends
 * by switching away for good, so a call's entry in the return stack
 * buffer would never be popped and would put every later return of the
 * context switched to one entry off (a misprediction per spawned task).
 * Unwinders look the return address less one up, the last byte of the
 * jump, inside this function's CFI. If start returns after all, it lands
 * on .Ltrampoline_returned, which reports it.
 *
 * The resume address is .Ltrampoline_resume, one byte in, for the same
 * reason (a suspended new coroutine shows the trampoline as the caller
 * of braid__coro_swap). */
        .type   braid__coro_trampoline, @function
        .p2align 4
braid__coro_trampoline:
        .cfi_startproc
        .cfi_undefined %rip
        nop
.Ltrampoline_resume:
        endbr64
        movq    %r13, %rdi
        movq    %r14, %rsi
        movq    %r15, %rdx
        leaq    .Ltrampoline_returned(%rip), %rax
        pushq   %rax
        jmp     *%r12
.Ltrampoline_returned:
        call    braid__coro_entry_returned
        ud2
        .cfi_endproc
        .size   braid__coro_trampoline, . - braid__coro_trampoline

/* void *braid__coro_make_frame (void *top, start, co, entry, arg)
 * rdi = top, rsi = start, rdx = co, rcx = entry, r8 = arg. */
        .globl  braid__coro_make_frame
        .hidden braid__coro_make_frame
        .type   braid__coro_make_frame, @function
        .p2align 4
braid__coro_make_frame:
        .cfi_startproc
        endbr64
        andq    $-16, %rdi
        subq    $16, %rdi               /* 16 zero bytes: a null return address */
        movq    $0, (%rdi)
        movq    $0, 8(%rdi)
        leaq    -64(%rdi), %rax         /* the saved stack pointer */
        stmxcsr (%rax)
        andl    $~0x3f, (%rax)          /* no exception flags inherited */
        fnstcw  4(%rax)
        movw    $0, 6(%rax)
        movq    %r8, 8(%rax)            /* r15 = arg */
        movq    %rcx, 16(%rax)          /* r14 = entry */
        movq    %rdx, 24(%rax)          /* r13 = co */
        movq    %rsi, 32(%rax)          /* r12 = start */
        movq    $0, 40(%rax)            /* rbx */
        movq    $0, 48(%rax)            /* rbp: end of the frame chain */
        leaq    .Ltrampoline_resume(%rip), %rcx
        movq    %rcx, 56(%rax)          /* resume address */
        ret
        .cfi_endproc
        .size   braid__coro_make_frame, . - braid__coro_make_frame

#endif /* __x86_64__ */

        .section .note.GNU-stack, "", @progbits
