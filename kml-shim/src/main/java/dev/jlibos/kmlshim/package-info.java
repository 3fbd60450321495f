/** Reserved for the in-guest syscall fast path (issue 5); empty until then. */
package dev.jlibos.kmlshim;
