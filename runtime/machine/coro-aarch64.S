/* coro-aarch64.S: the context switch on aarch64 (AAPCS64, ELF).
 *
 * Owns braid__coro_swap, the hot path of every task switch, plus the frame
 * a new coroutine starts from and the trampoline that calls its entry.
 * A suspended context's stack holds, from its saved stack pointer up
 * (176 bytes, a multiple of 16 as sp must stay):
 *
 *   +0   x19 x20   +16  x21 x22   +32  x23 x24   +48  x25 x26
 *   +64  x27 x28   +80  x29 x30 (x30: the resume address)
 *   +96  d8 d9     +112 d10 d11   +128 d12 d13   +144 d14 d15
 *   +160 FPCR      +168 unused
 *
 * The switch ends with `br x30` rather than `ret`: `ret` pops the return
 * address predictor, whose top is this call's own return site, never the
 * other stack's. FPCR (rounding mode, flush-to-zero, default NaN, trap
 * enables) is per coroutine and only written when it differs; FPSR, the
 * sticky exception flags, is the thread's, as on x86_64.
 *
 * BTI: the entry points begin with `bti c` and the trampoline with
 * `bti j` (both hints, no-ops on older cores), but resuming with `br` to a
 * return address is not BTI-compatible, so this file carries no
 * .note.gnu.property claiming it; nor is the switch compatible with a
 * shadow call stack or pointer authentication of x30 across stacks.
 */
#if defined(__aarch64__) && defined(__ELF__)

        .text

/* The switch, in two variants that differ only in their last
 * instruction. x0 = where to save the stack pointer, x1 = the target's. */
.macro SWAP ending_ret
        .cfi_startproc
        hint    #34                     /* bti c */
        sub     sp, sp, #176
        .cfi_def_cfa_offset 176
        stp     x19, x20, [sp, #0]
        stp     x21, x22, [sp, #16]
        stp     x23, x24, [sp, #32]
        stp     x25, x26, [sp, #48]
        stp     x27, x28, [sp, #64]
        stp     x29, x30, [sp, #80]
        .cfi_offset x19, -176
        .cfi_offset x20, -168
        .cfi_offset x21, -160
        .cfi_offset x22, -152
        .cfi_offset x23, -144
        .cfi_offset x24, -136
        .cfi_offset x25, -128
        .cfi_offset x26, -120
        .cfi_offset x27, -112
        .cfi_offset x28, -104
        .cfi_offset x29, -96
        .cfi_offset x30, -88
        stp     d8, d9, [sp, #96]
        stp     d10, d11, [sp, #112]
        stp     d12, d13, [sp, #128]
        stp     d14, d15, [sp, #144]
        mrs     x9, fpcr
        str     x9, [sp, #160]

        mov     x10, sp
        str     x10, [x0]
        mov     sp, x1

        ldr     x10, [sp, #160]
        cmp     x9, x10
        b.ne    2f
1:      ldp     x19, x20, [sp, #0]
        ldp     x21, x22, [sp, #16]
        ldp     x23, x24, [sp, #32]
        ldp     x25, x26, [sp, #48]
        ldp     x27, x28, [sp, #64]
        ldp     x29, x30, [sp, #80]
        ldp     d8, d9, [sp, #96]
        ldp     d10, d11, [sp, #112]
        ldp     d12, d13, [sp, #128]
        ldp     d14, d15, [sp, #144]
        add     sp, sp, #176
        .cfi_remember_state
        .cfi_def_cfa_offset 0
.if \ending_ret
        ret
.else
        br      x30
.endif
        .cfi_restore_state
2:      msr     fpcr, x10
        b       1b
        .cfi_endproc
.endm

/* void braid__coro_swap (void **save_sp, void *to_sp) */
        .globl  braid__coro_swap
        .hidden braid__coro_swap
        .type   braid__coro_swap, %function
        .p2align 4
braid__coro_swap:
        SWAP 0
        .size   braid__coro_swap, . - braid__coro_swap

/* void braid__coro_swap_ret (void **save_sp, void *to_sp): the same,
 * ending with `ret`, kept only so bench-switch.c can compare. */
        .globl  braid__coro_swap_ret
        .hidden braid__coro_swap_ret
        .type   braid__coro_swap_ret, %function
        .p2align 4
braid__coro_swap_ret:
        SWAP 1
        .size   braid__coro_swap_ret, . - braid__coro_swap_ret

/* The first code a new coroutine runs: braid__coro_make_frame left
 * start in x19, co in x20, entry in x21, arg in x22, x29 = 0 and a
 * 16-byte aligned sp. The return address is undefined in the CFI, so
 * unwinders and gdb's backtrace stop here. start returns only if the
 * entry returned, which braid__coro_entry_returned reports.
 *
 * The resume address is .Ltrampoline_resume, one instruction in:
 * unwinders look a caller's frame up at its return address less one,
 * which must still fall inside this function's CFI. */
        .type   braid__coro_trampoline, %function
        .p2align 4
braid__coro_trampoline:
        .cfi_startproc
        .cfi_undefined x30
        nop
.Ltrampoline_resume:
        hint    #36                     /* bti j */
        mov     x0, x20
        mov     x1, x21
        mov     x2, x22
        blr     x19
        bl      braid__coro_entry_returned
        brk     #0
        .cfi_endproc
        .size   braid__coro_trampoline, . - braid__coro_trampoline

/* void *braid__coro_make_frame (void *top, start, co, entry, arg)
 * x0 = top, x1 = start, x2 = co, x3 = entry, x4 = arg. */
        .globl  braid__coro_make_frame
        .hidden braid__coro_make_frame
        .type   braid__coro_make_frame, %function
        .p2align 4
braid__coro_make_frame:
        .cfi_startproc
        hint    #34                     /* bti c */
        and     x0, x0, #-16
        sub     x0, x0, #16             /* a null frame record above */
        stp     xzr, xzr, [x0]
        sub     x9, x0, #176            /* the saved stack pointer */
        stp     x1, x2, [x9, #0]        /* x19 = start, x20 = co */
        stp     x3, x4, [x9, #16]       /* x21 = entry, x22 = arg */
        stp     xzr, xzr, [x9, #32]
        stp     xzr, xzr, [x9, #48]
        stp     xzr, xzr, [x9, #64]
        adr     x10, .Ltrampoline_resume
        stp     xzr, x10, [x9, #80]     /* x29 = 0, x30 = trampoline */
        stp     xzr, xzr, [x9, #96]
        stp     xzr, xzr, [x9, #112]
        stp     xzr, xzr, [x9, #128]
        stp     xzr, xzr, [x9, #144]
        mrs     x10, fpcr               /* the creator's modes */
        stp     x10, xzr, [x9, #160]
        mov     x0, x9
        ret
        .cfi_endproc
        .size   braid__coro_make_frame, . - braid__coro_make_frame

#endif /* __aarch64__ && __ELF__ */

#if defined(__ELF__)
        .section .note.GNU-stack, "", %progbits
#endif
