/**
 * Running unmodified Linux x86-64 programs from Java code and JUnit 5 tests, inside the JVM.
 *
 * <ul>
 *   <li>{@link dev.jlibos.junit.Guest}: describe a run (program, argv, environment, stdin, sandbox contents,
 *       limits), then {@code run()} it on the calling thread;</li>
 *   <li>{@link dev.jlibos.junit.GuestResult}: how it ended, its output, its syscalls, the sandbox's files
 *       and a readable report ({@code describe()});</li>
 *   <li>{@link dev.jlibos.junit.JlibosTest} / {@link dev.jlibos.junit.JlibosExtension}: a fresh
 *       {@link dev.jlibos.junit.GuestRunner} per test, with its own work directory;</li>
 *   <li>{@link dev.jlibos.junit.GuestAssertions}: assertions whose failures show the exit status, the tail
 *       of stderr and the last syscalls.</li>
 * </ul>
 *
 * Guests are hermetic by default (an empty sandbox root), independent (one machine per run: processes, pid
 * namespace, memory, descriptors) and may run concurrently; {@code Guest.isolated()} runs one in a child JVM,
 * so that an engine abort cannot take the calling JVM down.
 */
package dev.jlibos.junit;
