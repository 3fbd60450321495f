package dev.jlibos.host.unicorn;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The arithmetic alone; compat-tests' x87rem.c compares the whole instruction with a real CPU. */
class X87RemainderTest {
    private static final int BIAS = 16383;

    /** An integer as an 80-bit number. */
    private static long[] of(long n) {
        int shift = Long.numberOfLeadingZeros(Math.abs(n));
        return new long[] {(n < 0 ? 0x8000 : 0) | (BIAS + 63 - shift), Math.abs(n) << shift};
    }

    private static BigDecimal value(int signExponent, long significand) {
        int field = signExponent & 0x7fff;
        BigDecimal m = new BigDecimal(new BigInteger(Long.toUnsignedString(significand)));
        int e = Math.max(field, 1) - BIAS - 63;
        BigDecimal v = e >= 0 ? m.multiply(new BigDecimal(BigInteger.TWO.pow(e))) : m.divide(new BigDecimal(BigInteger.TWO.pow(-e)));
        return (signExponent & 0x8000) != 0 ? v.negate() : v;
    }

    private static X87Remainder.Result rem(long a, long b, boolean ieee) {
        long[] x = of(a), y = of(b);
        return X87Remainder.compute((int) x[0], x[1], (int) y[0], y[1], ieee);
    }

    @Test
    void truncatedQuotientSetsItsLowBitsInC0C3C1() {
        X87Remainder.Result r = rem(10, 3, false); // q = 3
        assertEquals(BigDecimal.ONE, value(r.signExponent(), r.significand()).stripTrailingZeros());
        assertEquals(X87Remainder.C3 | X87Remainder.C1, r.conditionCodes());
        r = rem(-14, 4, false); // q = 3, remainder -2
        assertEquals(new BigDecimal(-2), value(r.signExponent(), r.significand()).stripTrailingZeros());
    }

    @Test
    void roundedQuotientMayGiveANegativeRemainder() {
        X87Remainder.Result r = rem(11, 3, true); // 11/3 rounds to 4: 11 - 12 = -1, q2 -> C0
        assertEquals(new BigDecimal(-1), value(r.signExponent(), r.significand()).stripTrailingZeros());
        assertEquals(X87Remainder.C0, r.conditionCodes());
        r = rem(5, 2, true); // 2.5 ties to even 2: remainder +1
        assertEquals(BigDecimal.ONE, value(r.signExponent(), r.significand()).stripTrailingZeros());
    }

    @Test
    void zeroRemainderKeepsTheDividendsSign() {
        X87Remainder.Result r = rem(-12, 3, false);
        assertEquals(0x8000, r.signExponent());
        assertEquals(0, r.significand());
    }

    @Test
    void farApartExponentsReduceOnlyPartlyAndSetC2() {
        long[] y = of(3);
        X87Remainder.Result r = X87Remainder.compute(BIAS + 1000, 0x8000000000000000L, (int) y[0], y[1], false);
        assertEquals(X87Remainder.C2, r.conditionCodes());
        int before = 1000, after = (r.signExponent() & 0x7fff) - BIAS;
        assertTrue(after < before && after >= before - 63, "one step lowers the exponent by at most 63: " + after);
    }

    @Test
    void specialOperandsAreLeftToTheEngine() {
        long[] one = of(1);
        assertNull(X87Remainder.compute(0x7fff, 0x8000000000000000L, (int) one[0], one[1], false)); // infinity
        assertNull(X87Remainder.compute((int) one[0], one[1], 0, 0, false)); // zero divisor
        assertNull(X87Remainder.compute(BIAS, 0x4000000000000000L, (int) one[0], one[1], false)); // unnormal
    }

    @Test
    void everyCompleteResultIsTheExactRemainder() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            int ea = BIAS + random.nextInt(-40, 40), eb = ea - random.nextInt(-2, 63);
            long ma = random.nextLong() | Long.MIN_VALUE, mb = random.nextLong() | Long.MIN_VALUE;
            boolean ieee = random.nextBoolean();
            X87Remainder.Result r = X87Remainder.compute(ea, ma, eb, mb, ieee);
            BigDecimal a = value(ea, ma), b = value(eb, mb);
            BigDecimal q = a.divide(b, 0, ieee ? RoundingMode.HALF_EVEN : RoundingMode.DOWN);
            BigDecimal expected = a.subtract(b.multiply(q));
            assertEquals(0, expected.compareTo(value(r.signExponent(), r.significand())), "case " + i);
            assertEquals(q.toBigInteger().testBit(0), (r.conditionCodes() & X87Remainder.C1) != 0, "q0 of case " + i);
        }
    }
}
