package dev.jlibos.loader;

import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the process's initial stack the way Linux's execve leaves it (fs/exec.c, binfmt_elf.c): from
 * the top, the AT_EXECFN string, the environment strings, the argument strings, the platform string and
 * the 16 AT_RANDOM bytes; below them, 16-byte aligned, argc, argv[], NULL, envp[], NULL, and the auxv
 * pairs ending with AT_NULL. RSP points at argc.
 */
final class InitialStack {
    /** Linux's MAX_ARG_STRLEN and the overall limit (a quarter of the 8 MiB stack). */
    private static final int MAX_ARG_STRLEN = 32 * 4096;
    private static final long MAX_ARG_TOTAL = (8L << 20) / 4;

    private final AddressSpace space;
    private long sp;

    private InitialStack(AddressSpace space, long top) {
        this.space = space;
        this.sp = top;
    }

    static long build(AddressSpace space, LoadOptions options, boolean executable, List<String> argv,
                      List<String> envp, String execFn, Map<Integer, Long> auxv) throws LoadException {
        long size = options.stackSize();
        long top = options.stackTop();
        int prot = Cpu.PROT_READ | Cpu.PROT_WRITE | (executable ? Cpu.PROT_EXEC : 0);
        checkArgumentSize(argv, envp);
        space.map(top - size, size, prot, "[stack]");
        InitialStack s = new InitialStack(space, top - 8); // Linux keeps the top word as an end marker
        long execFnAddr = s.pushString(execFn);
        List<Long> envAddrs = s.pushStrings(envp);
        List<Long> argAddrs = s.pushStrings(argv);
        long platform = s.pushString("x86_64");
        s.sp -= 16;
        long random = s.sp;
        space.initWrite(random, options.random16().get());
        auxv.put(Auxv.AT_RANDOM, random);
        auxv.put(Auxv.AT_EXECFN, execFnAddr);
        auxv.put(Auxv.AT_PLATFORM, platform);

        long words = 1 + argAddrs.size() + 1 + envAddrs.size() + 1 + 2L * (auxv.size() + 1);
        s.sp = (s.sp - words * 8) & -16L;
        long p = s.sp;
        p = s.put(p, argAddrs.size());
        for (long a : argAddrs) p = s.put(p, a);
        p = s.put(p, 0);
        for (long e : envAddrs) p = s.put(p, e);
        p = s.put(p, 0);
        for (Map.Entry<Integer, Long> e : auxv.entrySet()) {
            p = s.put(p, e.getKey());
            p = s.put(p, e.getValue());
        }
        p = s.put(p, Auxv.AT_NULL);
        s.put(p, 0);
        return s.sp;
    }

    private static void checkArgumentSize(List<String> argv, List<String> envp) throws LoadException {
        long total = 0;
        for (List<String> l : List.of(argv, envp)) {
            for (String a : l) {
                int n = a.getBytes(StandardCharsets.UTF_8).length + 1;
                if (n > MAX_ARG_STRLEN) throw new LoadException(dev.jlibos.core.Errno.E2BIG, "argument list too long");
                total += n + 8;
            }
        }
        if (total > MAX_ARG_TOTAL) throw new LoadException(dev.jlibos.core.Errno.E2BIG, "argument list too long");
    }

    private long put(long address, long value) {
        space.initWriteLong(address, value);
        return address + 8;
    }

    private long pushString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sp -= b.length + 1;
        space.initWrite(sp, b);
        space.initWrite(sp + b.length, new byte[1]);
        return sp;
    }

    /** Pushes strings so that they end up in ascending order in memory (last pushed first). */
    private List<Long> pushStrings(List<String> strings) {
        List<Long> addrs = new ArrayList<>(strings.size());
        for (int i = strings.size() - 1; i >= 0; i--) addrs.add(0, pushString(strings.get(i)));
        return addrs;
    }
}
