/*
 * The engine floor: runs one static x86-64 Linux program on libunicorn with nothing but a syscall hook
 * (and a CPUID hook giving the guest jlibos's CPUID view, so libc picks the same code paths), serving just
 * the calls a simple static program makes. `./jlibos bench` times it beside jlibos on the same library:
 * what jlibos costs above the engine itself.
 *
 *   engine_floor LIBUNICORN PROGRAM [ARGS...]
 *
 * Memory is mapped with all rights (no protection is enforced), mmap is a bump allocator, files are the
 * host's. Any other syscall prints its number and fails with ENOSYS.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef void uc_engine;
static int (*uc_open)(int, int, uc_engine **);
static int (*uc_mem_map_ptr)(uc_engine *, uint64_t, size_t, uint32_t, void *);
static int (*uc_reg_read)(uc_engine *, int, void *);
static int (*uc_reg_write)(uc_engine *, int, const void *);
static int (*uc_hook_add)(uc_engine *, size_t *, int, void *, void *, uint64_t, uint64_t, ...);
static int (*uc_emu_start)(uc_engine *, uint64_t, uint64_t, uint64_t, size_t);
static int (*uc_emu_stop)(uc_engine *);
static int (*uc_ctl)(uc_engine *, int, ...);
static unsigned (*uc_version)(unsigned *, unsigned *);
static const char *(*uc_strerror)(int);

enum { RAX = 35, RBX = 37, RCX = 38, RDX = 40, RSI = 43, RDI = 39, RSP = 44, RIP = 41, R8 = 106, R9 = 107,
       R10 = 108, FS_BASE = 250, CR4 = 54, FPCW = 246, MXCSR = 249 };

struct region { uint64_t guest, size; char *host; int prot; };
static struct region regions[64];
static int nregions;
static uint64_t brk_start, brk_cur, brk_end, mmap_next, mmap_end;
static int exit_code = -1;

static char *map_region(uc_engine *uc, uint64_t guest, uint64_t size, int prot) {
    char *host = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED || uc_mem_map_ptr(uc, guest, size, 7, host)) { fprintf(stderr, "map %lx failed\n", (long)guest); exit(125); }
    regions[nregions++] = (struct region){guest, size, host, prot};
    return host;
}

/*
 * Unicorn 2.1's virtual TLB, filled here with identity addresses and each region's rights: a page whose
 * TLB entry allows execution keeps every store on TCG's slow path (cputlb's notdirty_write), so data
 * pages must not look executable. This is the fastest way the engine runs a guest, hence the floor.
 */
struct tlb_entry { uint64_t paddr; int perms; };
static int on_tlb_fill(uc_engine *uc, uint64_t vaddr, int type, struct tlb_entry *e, void *user) {
    for (int i = 0; i < nregions; i++)
        if (vaddr >= regions[i].guest && vaddr < regions[i].guest + regions[i].size) {
            e->paddr = vaddr; e->perms = regions[i].prot; return 1;
        }
    return 0;
}

static char *host_ptr(uint64_t guest) {
    for (int i = 0; i < nregions; i++)
        if (guest >= regions[i].guest && guest < regions[i].guest + regions[i].size) return regions[i].host + (guest - regions[i].guest);
    return NULL;
}

static uint64_t reg(uc_engine *uc, int id) { uint64_t v = 0; uc_reg_read(uc, id, &v); return v; }
static void set(uc_engine *uc, int id, uint64_t v) { uc_reg_write(uc, id, &v); }

static void on_syscall(uc_engine *uc, void *user) {
    uint64_t nr = reg(uc, RAX), a0 = reg(uc, RDI), a1 = reg(uc, RSI), a2 = reg(uc, RDX), a3 = reg(uc, R10);
    int64_t r;
    switch (nr) {
    case SYS_read: r = read(a0, host_ptr(a1), a2); break;
    case SYS_write: r = write(a0, host_ptr(a1), a2); break;
    case SYS_openat: r = openat((int)a0, host_ptr(a1), (int)a2, (int)a3); break;
    case SYS_open: r = open(host_ptr(a0), (int)a1, (int)a2); break;
    case SYS_close: r = close(a0); break;
    case SYS_lseek: r = lseek(a0, a1, a2); break;
    case SYS_fstat: r = fstat(a0, (struct stat *)host_ptr(a1)); break;
    case SYS_newfstatat: r = fstatat((int)a0, host_ptr(a1), (struct stat *)host_ptr(a2), (int)a3); break;
    case SYS_brk: r = a0 >= brk_start && a0 <= brk_end ? (brk_cur = a0) : brk_cur; goto done;
    case SYS_mmap:
        if (a0 || (a3 & MAP_ANONYMOUS) == 0 || mmap_next + ((a1 + 4095) & ~4095ul) > mmap_end) { r = -ENOMEM; goto done; }
        r = mmap_next; mmap_next += (a1 + 4095) & ~4095ul; goto done;
    case SYS_munmap: case SYS_mprotect: case SYS_madvise: case SYS_set_robust_list: case SYS_prctl:
    case SYS_rt_sigaction: case SYS_rt_sigprocmask: case SYS_getuid: case SYS_geteuid: case SYS_getgid: case SYS_getegid:
        r = 0; goto done;
    case SYS_arch_prctl: if (a0 == 0x1002) { set(uc, FS_BASE, a1); r = 0; } else r = -EINVAL; goto done;
    case SYS_set_tid_address: case SYS_getpid: case SYS_gettid: r = 1000; goto done;
    case SYS_ioctl: r = -ENOTTY; goto done;
    case SYS_rseq: r = -ENOSYS; goto done;
    case SYS_readlink: case SYS_readlinkat: r = -ENOENT; goto done;
    case SYS_getrandom: r = getrandom(host_ptr(a0), a1, 0); break;
    case SYS_prlimit64:
        if (a2) memset(host_ptr(a2), 0, 16);
        if (a2 && a1 == 3) { ((uint64_t *)host_ptr(a2))[0] = 8 << 20; ((uint64_t *)host_ptr(a2))[1] = ~0ul; }
        r = 0; goto done;
    case SYS_exit: case SYS_exit_group: exit_code = (int)a0; uc_emu_stop(uc); return;
    default: fprintf(stderr, "engine_floor: syscall %lu not served\n", (unsigned long)nr); r = -ENOSYS; goto done;
    }
    if (r < 0) r = -errno;
done:
    set(uc, RAX, (uint64_t)r);
}

/* jlibos's CPUID view (host-abi CpuidModel) for the calls libc's start-up makes. */
static int on_cpuid(uc_engine *uc, void *user) {
    uint32_t leaf = (uint32_t)reg(uc, RAX), sub = (uint32_t)reg(uc, RCX), r[4] = {0};
    unsigned popcnt = *(unsigned *)user;
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
    if (leaf == 0) r[0] = r[0] < 0xd ? r[0] : 0xd;
    else if (leaf == 1) { r[2] &= 1u | 1u << 9 | 1u << 13 | 1u << 19 | 1u << 20 | 1u << 25 | popcnt << 23;
                          r[3] = 1u | 1u << 4 | 1u << 8 | 1u << 15 | 1u << 19 | 1u << 23 | 1u << 24 | 1u << 25 | 1u << 26; }
    else if (leaf == 7) { r[1] &= 1u << 3 | 1u << 19; r[2] = r[3] = 0; r[0] = 0; }
    else if (leaf == 0xd) r[0] = r[1] = r[2] = r[3] = 0;
    else if (leaf == 0x80000001) { r[2] &= 1u | 1u << 5 | 1u << 8; r[3] &= 1u << 11 | 1u << 20 | 1u << 27 | 1u << 29; }
    set(uc, RAX, r[0]); set(uc, RBX, r[1]); set(uc, RCX, r[2]); set(uc, RDX, r[3]);
    return 1;
}

#define LOAD(sym) if (!(*(void **)&sym = dlsym(lib, #sym))) { fprintf(stderr, "no %s\n", #sym); return 125; }

int main(int argc, char **argv, char **envp) {
    if (argc < 3) { fprintf(stderr, "usage: engine_floor LIBUNICORN PROGRAM [ARGS...]\n"); return 2; }
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 125; }
    LOAD(uc_open) LOAD(uc_mem_map_ptr) LOAD(uc_reg_read) LOAD(uc_reg_write) LOAD(uc_hook_add) LOAD(uc_emu_start)
    LOAD(uc_emu_stop) LOAD(uc_ctl) LOAD(uc_version) LOAD(uc_strerror)
    unsigned v = uc_version(0, 0), v21 = (v >> 16) >= 0x0201;

    int fd = open(argv[2], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) { perror(argv[2]); return 127; }
    unsigned char *file = mmap(0, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)file;
    Elf64_Phdr *ph = (Elf64_Phdr *)(file + eh->e_phoff);
    uint64_t base = eh->e_type == ET_DYN ? 0x400000 : 0, top = 0, phdr = 0;

    uc_engine *uc;
    if (uc_open(4, 8, &uc)) return 125; /* UC_ARCH_X86, UC_MODE_64 */
    /* The CPU model jlibos picks: Haswell on 2.1, QEMU64 on 2.0. UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1). */
    uc_ctl(uc, 7 | 1 << 26 | 1 << 30, v21 ? 19 : 0);
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP) { fprintf(stderr, "engine_floor: static programs only\n"); return 126; }
        if (ph[i].p_type != PT_LOAD) continue;
        uint64_t start = (base + ph[i].p_vaddr) & ~4095ul, end = (base + ph[i].p_vaddr + ph[i].p_memsz + 4095) & ~4095ul;
        int prot = 1 | (ph[i].p_flags & PF_W ? 2 : 0) | (ph[i].p_flags & PF_X ? 4 : 0);
        char *host = map_region(uc, start, end - start, prot | 2); /* writable: the harness applies no relro */
        memcpy(host + (base + ph[i].p_vaddr - start), file + ph[i].p_offset, ph[i].p_filesz);
        if (ph[i].p_offset == 0) phdr = base + ph[i].p_vaddr + eh->e_phoff;
        if (end > top) top = end;
    }
    brk_start = brk_cur = top; brk_end = top + (256ul << 20);
    map_region(uc, brk_start, brk_end - brk_start, 3);
    mmap_next = 0x7f0000000000ul; mmap_end = mmap_next + (4ul << 30);
    map_region(uc, mmap_next, mmap_end - mmap_next, 3);
    uint64_t stack_top = 0x7ffffffff000ul, stack_size = 8 << 20;
    char *stack = map_region(uc, stack_top - stack_size, stack_size, 3);

    /* Initial stack: strings, AT_RANDOM bytes, then argc, argv, envp (none), auxv. */
    uint64_t sp = stack_top, ptrs[256];
    int n = 0;
    for (int i = 2; i < argc && n < 200; i++) {
        size_t len = strlen(argv[i]) + 1;
        sp -= len; memcpy(stack + (sp - (stack_top - stack_size)), argv[i], len); ptrs[n++] = sp;
    }
    sp -= 16; uint64_t random = sp; getrandom(stack + (sp - (stack_top - stack_size)), 16, 0);
    uint64_t aux[][2] = {{AT_PHDR, phdr}, {AT_PHENT, sizeof(Elf64_Phdr)}, {AT_PHNUM, eh->e_phnum}, {AT_PAGESZ, 4096},
                         {AT_ENTRY, base + eh->e_entry}, {AT_RANDOM, random}, {AT_UID, 0}, {AT_EUID, 0}, {AT_GID, 0},
                         {AT_EGID, 0}, {AT_SECURE, 0}, {AT_NULL, 0}};
    int words = 1 + n + 1 + 1 + (int)(sizeof aux / sizeof aux[0]) * 2;
    sp = (sp - words * 8) & ~15ul;
    uint64_t *w = (uint64_t *)(stack + (sp - (stack_top - stack_size)));
    *w++ = n;
    for (int i = 0; i < n; i++) *w++ = ptrs[i];
    *w++ = 0; *w++ = 0;
    for (size_t i = 0; i < sizeof aux / sizeof aux[0]; i++) { *w++ = aux[i][0]; *w++ = aux[i][1]; }

    /* As jlibos starts a process: CR4.OSFXSR|OSXMMEXCPT, x87 control word 0x37f, MXCSR 0x1f80. */
    set(uc, CR4, 1 << 9 | 1 << 10); set(uc, FPCW, 0x37f); uint32_t mxcsr = 0x1f80; uc_reg_write(uc, MXCSR, &mxcsr);
    set(uc, RSP, sp);
    size_t h;
    uc_hook_add(uc, &h, 2, on_syscall, 0, 1, 0, 699);          /* UC_HOOK_INSN, UC_X86_INS_SYSCALL */
    uc_hook_add(uc, &h, 2, on_cpuid, &v21, 1, 0, 113);         /* UC_HOOK_INSN, UC_X86_INS_CPUID */
    if (v21) {
        uc_ctl(uc, 12 | 1 << 26 | 1 << 30, 1);                 /* UC_CTL_TLB_TYPE: UC_TLB_VIRTUAL */
        uc_hook_add(uc, &h, 1 << 17, on_tlb_fill, 0, 1, 0);    /* UC_HOOK_TLB_FILL */
    }
    int err = uc_emu_start(uc, base + eh->e_entry, 0, 0, 0);
    if (exit_code < 0) { fprintf(stderr, "engine_floor: stopped: %s at %lx\n", uc_strerror(err), (long)reg(uc, RIP)); return 125; }
    return exit_code;
}
