package dev.jlibos.host.unicorn;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * The subset of the Unicorn 2 C API jlibos binds (unicorn.h, libunicorn.so.2). Every function returns
 * a {@code uc_err}. Variadic functions are declared with their fixed x86-64 register arguments, which
 * the SysV calling convention passes the same way as non-variadic ones.
 */
@IgnoreError
public interface UnicornLibrary {
    int UC_ARCH_X86 = 4;
    int UC_MODE_64 = 8;

    int UC_HOOK_INTR = 1;
    int UC_HOOK_INSN = 2;
    /** UC_HOOK_CODE: before each instruction in [begin, end]; jlibos bounds it to single instructions. */
    int UC_HOOK_CODE = 4;
    int UC_HOOK_BLOCK = 8;
    /** UC_HOOK_MEM_WRITE (1 << 11): before each guest store in [begin, end]. */
    int UC_HOOK_MEM_WRITE = 1 << 11;
    /** READ/WRITE/FETCH x UNMAPPED/PROT. */
    int UC_HOOK_MEM_INVALID = 1008;

    int UC_X86_INS_SYSCALL = 699;
    int UC_X86_INS_CPUID = 113;

    int UC_MEM_READ = 16, UC_MEM_WRITE = 17, UC_MEM_FETCH = 18;
    int UC_MEM_READ_UNMAPPED = 19, UC_MEM_WRITE_UNMAPPED = 20, UC_MEM_FETCH_UNMAPPED = 21;
    int UC_MEM_WRITE_PROT = 22, UC_MEM_READ_PROT = 23, UC_MEM_FETCH_PROT = 24;

    int UC_ERR_OK = 0;
    int UC_ERR_INSN_INVALID = 10;
    int UC_ERR_EXCEPTION = 21;

    /** UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2). */
    int UC_CTL_TB_REMOVE_CACHE_WRITE = 1207959561;
    /** UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1): before the engine is first used. */
    int UC_CTL_CPU_MODEL_WRITE = 1140850695;
    /** UC_CTL_WRITE(UC_CTL_TLB_FLUSH, 0), 2.1+: drops every TLB entry (not translated code). */
    int UC_CTL_TLB_FLUSH_WRITE = 1073741835;
    /** UC_CTL_WRITE(UC_CTL_TLB_TYPE, 1), 2.1+. */
    int UC_CTL_TLB_TYPE_WRITE = 1140850700;
    /** uc_tlb_type: UC_TLB_VIRTUAL, the TLB is filled by UC_HOOK_TLB_FILL hooks. */
    int UC_TLB_VIRTUAL = 1;
    /** UC_HOOK_TLB_FILL (1 << 17), 2.1+. */
    int UC_HOOK_TLB_FILL = 1 << 17;

    /** uc_cpu_x86: the 2.0 default (and what CpuidModel's allow-lists were measured on). */
    int UC_CPU_X86_QEMU64 = 0;
    /** uc_cpu_x86: the default from 2.1.3 on; it executes POPCNT, MOVBE, BMI2 and PCLMULQDQ. */
    int UC_CPU_X86_HASWELL = 19;

    /** major << 24 | minor << 16 | patch << 8 | extra; both pointers may be null. */
    int uc_version(Pointer major, Pointer minor);

    int uc_open(int arch, int mode, PointerByReference uc);

    int uc_close(Pointer uc);

    String uc_strerror(int code);

    int uc_mem_map_ptr(Pointer uc, long address, long size, int perms, Pointer hostMemory);

    int uc_mem_unmap(Pointer uc, long address, long size);

    int uc_mem_protect(Pointer uc, long address, long size, int perms);

    int uc_mem_read(Pointer uc, long address, Pointer bytes, long size);

    int uc_reg_read(Pointer uc, int regid, Pointer value);

    int uc_reg_write(Pointer uc, int regid, Pointer value);

    int uc_reg_read_batch(Pointer uc, Pointer regids, Pointer values, int count);

    int uc_emu_start(Pointer uc, long begin, long until, long timeoutMicros, long count);

    int uc_emu_stop(Pointer uc);

    /** uc_hook_add(uc, hh, type, callback, user_data, begin, end, ...): the instruction id for UC_HOOK_INSN. */
    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, SyscallHook callback, Pointer userData,
                    long begin, long end, int instruction);

    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, CpuidHook callback, Pointer userData,
                    long begin, long end, int instruction);

    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, InvalidMemoryHook callback, Pointer userData,
                    long begin, long end, int unused);

    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, InterruptHook callback, Pointer userData,
                    long begin, long end, int unused);

    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, TlbFillHook callback, Pointer userData,
                    long begin, long end, int unused);

    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, CodeHook callback, Pointer userData,
                    long begin, long end, int unused);

    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, StoreHook callback, Pointer userData,
                    long begin, long end, int unused);

    /** A native callback by address (see StopAtBlockHook). */
    int uc_hook_add(Pointer uc, LongLongByReference handle, int type, Pointer callback, Pointer userData,
                    long begin, long end, int unused);

    int uc_hook_del(Pointer uc, long handle);

    /** uc_ctl(uc, control, ...): two integer arguments are enough for the controls used here. */
    int uc_ctl(Pointer uc, int control, long arg0, long arg1);

    /** void (*)(uc_engine *uc, void *user_data) for UC_X86_INS_SYSCALL. */
    interface SyscallHook {
        @Delegate
        void invoke(Pointer uc, Pointer userData);
    }

    /** int (*)(uc_engine *uc, void *user_data) for UC_X86_INS_CPUID: non-zero skips the instruction. */
    interface CpuidHook {
        @Delegate
        int invoke(Pointer uc, Pointer userData);
    }

    /** bool (*)(uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *user_data). */
    interface InvalidMemoryHook {
        @Delegate
        boolean invoke(Pointer uc, int type, long address, int size, long value, Pointer userData);
    }

    /**
     * bool (*)(uc_engine *uc, uint64_t vaddr, uc_mem_type type, uc_tlb_entry *result, void *user_data):
     * fills {@code result} ({@code uint64_t paddr; uc_prot perms;}) for the page at {@code vaddr}.
     */
    interface TlbFillHook {
        @Delegate
        boolean invoke(Pointer uc, long vaddr, int type, Pointer result, Pointer userData);
    }

    /** void (*)(uc_engine *uc, uint64_t address, uint32_t size, void *user_data) for UC_HOOK_CODE. */
    interface CodeHook {
        @Delegate
        void invoke(Pointer uc, long address, int size, Pointer userData);
    }

    /** void (*)(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value, void *user_data). */
    interface StoreHook {
        @Delegate
        void invoke(Pointer uc, int type, long address, int size, long value, Pointer userData);
    }

    /** void (*)(uc_engine *uc, uint32_t intno, void *user_data). */
    interface InterruptHook {
        @Delegate
        void invoke(Pointer uc, int intno, Pointer userData);
    }
}
