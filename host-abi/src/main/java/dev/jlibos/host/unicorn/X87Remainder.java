package dev.jlibos.host.unicorn;

import java.math.BigInteger;

/**
 * The x87 partial remainder (FPREM, and FPREM1's IEEE remainder) computed exactly on 80-bit operands, as
 * the Intel SDM specifies it. Unicorn (QEMU 5.0's helper_fprem) goes through host doubles instead: the
 * low 11 significand bits are lost and large exponent differences give wrong results, so fmodl and
 * remainderl, and musl's strtod, which rounds through fmodl, disagree with Linux.
 *
 * <p>A remainder is always exactly representable, so the result is computed on integers: each operand is
 * {@code m * 2^e} with a 64-bit significand, and the dividend is reduced by a whole multiple of the divisor.
 * Only finite, non-zero, canonical operands are computed here; for NaN, infinity, zero, unnormal or empty
 * registers {@link #compute} returns null and the engine's own instruction runs (it handles those cases).
 */
final class X87Remainder {
    /** FSW bits: C0, C1, C2, C3. */
    static final int C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
    static final int CONDITION_CODES = C0 | C1 | C2 | C3;

    private static final int BIAS = 16383;
    private static final int MAX_EXPONENT = 0x7fff;

    /** The new ST(0) (sign and exponent in the low 16 bits of {@code signExponent}) and the condition codes. */
    record Result(int signExponent, long significand, int conditionCodes) {
    }

    private X87Remainder() {
    }

    /**
     * ST(0) rem ST(1). {@code ieee} selects FPREM1 (quotient rounded to nearest, ties to even) over FPREM
     * (quotient truncated). Returns null when an operand is not a finite non-zero canonical number.
     */
    static Result compute(int signExponent0, long significand0, int signExponent1, long significand1, boolean ieee) {
        if (!ordinary(signExponent0, significand0) || !ordinary(signExponent1, significand1)) return null;
        boolean negative = (signExponent0 & 0x8000) != 0;
        // Normalised binary exponents of the integer significands: value = m * 2^e.
        int shift0 = Long.numberOfLeadingZeros(significand0), shift1 = Long.numberOfLeadingZeros(significand1);
        long m0 = significand0 << shift0, m1 = significand1 << shift1;
        int e0 = exponent(signExponent0) - shift0, e1 = exponent(signExponent1) - shift1;
        int d = e0 - e1;
        if (d >= 64) return partial(negative, m0, m1, e1, d);

        // Both operands on the scale of the smaller exponent: an exact integer division.
        int unit = Math.min(e0, e1);
        BigInteger dividend = unsigned(m0).shiftLeft(e0 - unit), divisor = unsigned(m1).shiftLeft(e1 - unit);
        BigInteger[] qr = dividend.divideAndRemainder(divisor);
        BigInteger q = qr[0], r = qr[1];
        if (ieee) {
            int half = r.shiftLeft(1).compareTo(divisor);
            if (half > 0 || (half == 0 && q.testBit(0))) {
                q = q.add(BigInteger.ONE);
                r = divisor.subtract(r); // the remainder changes sign: its magnitude is divisor - r
                negative = !negative;
            }
        }
        int codes = (q.testBit(2) ? C0 : 0) | (q.testBit(1) ? C3 : 0) | (q.testBit(0) ? C1 : 0);
        if (r.signum() == 0) {
            // A zero remainder keeps the dividend's sign (SDM: "the sign of the result equals the dividend's").
            return new Result(signExponent0 & 0x8000, 0, codes);
        }
        return pack(negative, r, unit, codes);
    }

    /**
     * Exponents 64 or more apart: one step lowers the dividend's exponent by between 32 and 63 and sets C2, so
     * software loops (fmodl does). The step size N = 32 + d mod 32 is the one AMD documents; Intel leaves it
     * to the implementation, and the loop's final result does not depend on it.
     */
    private static Result partial(boolean negative, long m0, long m1, int e1, int d) {
        int n = 32 + d % 32;
        BigInteger dividend = unsigned(m0).shiftLeft(n), divisor = unsigned(m1);
        BigInteger r = dividend.mod(divisor);
        // dividend = m0 * 2^n on the scale 2^(e1 + d - n), the divisor's scale shifted by the step.
        if (r.signum() == 0) return new Result(negative ? 0x8000 : 0, 0, C2);
        return pack(negative, r, e1 + d - n, C2);
    }

    /** r * 2^unit as an 80-bit number; r is below 2^64 and the value is never below the smallest denormal. */
    private static Result pack(boolean negative, BigInteger r, int unit, int codes) {
        int length = r.bitLength();
        long significand = r.shiftLeft(64 - length).longValue();
        int biased = unit + length - 1 + BIAS;
        if (biased <= 0) { // denormal: the exponent field is 0 and the significand has no integer bit
            significand >>>= 1 - biased;
            biased = 0;
        }
        return new Result((negative ? 0x8000 : 0) | biased, significand, codes);
    }

    /** The binary exponent of the significand's lowest bit (denormals have the field 0 but scale as 1). */
    private static int exponent(int signExponent) {
        int field = signExponent & MAX_EXPONENT;
        return Math.max(field, 1) - BIAS - 63;
    }

    /** Finite, non-zero, and not an unnormal (an integer bit of 0 with a non-zero exponent is invalid). */
    private static boolean ordinary(int signExponent, long significand) {
        int field = signExponent & MAX_EXPONENT;
        if (field == MAX_EXPONENT || significand == 0) return false;
        return field == 0 || significand < 0;
    }

    private static BigInteger unsigned(long value) {
        return new BigInteger(1, new byte[] {
            (byte) (value >>> 56), (byte) (value >>> 48), (byte) (value >>> 40), (byte) (value >>> 32),
            (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }
}
