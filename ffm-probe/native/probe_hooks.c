/* Native reference hooks for the ffm-probe (never part of jlibos). */
#include <stdint.h>
#include <unicorn/unicorn.h>

/* UC_HOOK_INSN / UC_X86_INS_SYSCALL callback that does nothing. */
void probe_empty_hook(uc_engine *uc, void *user_data) {
    (void) uc; (void) user_data;
}

/* The same work as the Java "rw" hooks: read RAX, write a result to RAX. */
void probe_rw_hook(uc_engine *uc, void *user_data) {
    uint64_t v;
    uc_reg_read(uc, UC_X86_REG_RAX, &v);
    v = 4242;
    uc_reg_write(uc, UC_X86_REG_RAX, &v);
    (void) user_data;
}

/* jlibos-like: batch-read the 7 syscall registers, write RAX. */
static const int regs[7] = {UC_X86_REG_RAX, UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RDX,
                            UC_X86_REG_R10, UC_X86_REG_R8, UC_X86_REG_R9};
void probe_batch_hook(uc_engine *uc, void *user_data) {
    uint64_t vals[7];
    void *ptrs[7];
    for (int i = 0; i < 7; i++) ptrs[i] = &vals[i];
    uc_reg_read_batch(uc, (int *) regs, ptrs, 7);
    uint64_t r = 4242;
    uc_reg_write(uc, UC_X86_REG_RAX, &r);
    (void) user_data;
}
