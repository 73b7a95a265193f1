package rconv

import (
	"math"
	"math/bits"
	"strconv"
)

// FormatDouble appends to dst the text Redis 7.4's d2string gives f, which is
// how every double reply is written: ZSCORE, ZINCRBY, WITHSCORES, ZRANK
// WITHSCORE, GEODIST, Lua {double=...} and RESP3 doubles. It returns the
// extended slice.
//
//   - NaN is "nan", the infinities "inf" and "-inf", the zeros "0" and "-0".
//   - An integral value with |f| <= 2^62 prints as an integer ("3", not
//     "3.0"; 2^62 itself is "4611686018427387904").
//   - Anything else prints the digits of Grisu2 (fpconv_dtoa) laid out like
//     %g: with digits d (n of them) and f = d·10^K, plain digits followed by
//     K zeros when 0 <= K <= 7 ("123456789012345680000"); a plain decimal
//     when K < 0 and (K > -7 or |K+n-1| < 4) ("0.0001", "0.000123",
//     "1234.5678"); otherwise d.ddde±X with the shortest exponent ("1e+21",
//     "1.5e+20", "1.25e-7", "1.234e-4", "1.2345678901234567e+4").
//
// Grisu2 yields the shortest round-trip digits for the vast majority of
// doubles but not all of them; FormatDouble reproduces Grisu2, not the
// shortest form, so its output can differ from strconv's digits.
func FormatDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	// double2ll: (double)(LLONG_MAX/2) rounds to 2^62, and the test is
	// inclusive, so ±2^62 take the integer path too.
	const limit = 1 << 62
	if f >= -limit && f <= limit {
		if i := int64(f); float64(i) == f {
			return strconv.AppendInt(dst, i, 10)
		}
	}
	return appendFpconv(dst, f)
}

// DoubleString returns FormatDouble(nil, f) as a string.
func DoubleString(f float64) string {
	var buf [32]byte
	return string(FormatDouble(buf[:0], f))
}

// diyFp is an unpacked float: f·2^e.
type diyFp struct {
	f uint64
	e int
}

const (
	dblFracMask  = 1<<52 - 1
	dblHiddenBit = 1 << 52
	dblExpMask   = 0x7FF << 52

	pow10CacheLen   = 87
	pow10CacheFirst = -348 // the decimal exponent of pow10Cache[0]
	pow10CacheStep  = 8
)

// pow10u64 lists 10^19 down to 10^0.
var pow10u64 = [20]uint64{
	1e19, 1e18, 1e17, 1e16, 1e15, 1e14, 1e13, 1e12, 1e11, 1e10,
	1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1e0,
}

// appendFpconv appends fpconv_dtoa's text for a finite non-zero f.
func appendFpconv(dst []byte, f float64) []byte {
	neg := math.Signbit(f)
	if neg {
		dst = append(dst, '-')
	}
	var digits [24]byte
	n, k := grisu2(f, &digits)
	return appendDigitsLayout(dst, digits[:n], k, neg)
}

// grisu2 writes the decimal digits of |v| (finite, non-zero) into digits and
// returns their count n and the exponent K such that |v| ≈ digits·10^K. It is
// Loitsch's Grisu2 exactly as fpconv implements it: boundaries m± computed
// from the unnormalized value, one cached power of ten, boundaries narrowed by
// one unit each, digit generation from the upper boundary, then the
// round-towards-v ("weeding") step on the last digit.
func grisu2(v float64, digits *[24]byte) (n, k int) {
	b := math.Float64bits(v)
	w := diyFp{f: b & dblFracMask, e: int((b & dblExpMask) >> 52)}
	if w.e != 0 {
		w.f += dblHiddenBit
		w.e -= 1075
	} else {
		w.e = -1074
	}

	// Upper boundary m+ = (2f+1)·2^(e-1), normalized to bit 63.
	upper := diyFp{f: w.f<<1 + 1, e: w.e - 1}
	for upper.f&(dblHiddenBit<<1) == 0 {
		upper.f <<= 1
		upper.e--
	}
	upper.f <<= 10
	upper.e -= 10

	// Lower boundary m-: closer when f is a power of two (the gap below
	// is half the gap above), expressed with upper's exponent.
	shift := 1
	if w.f == dblHiddenBit {
		shift = 2
	}
	lower := diyFp{f: w.f<<uint(shift) - 1, e: w.e - shift}
	lower.f <<= uint(lower.e - upper.e)
	lower.e = upper.e

	for w.f&dblHiddenBit == 0 {
		w.f <<= 1
		w.e--
	}
	w.f <<= 11
	w.e -= 11

	c, ck := cachedPow10(upper.e)
	w = mulDiy(w, c)
	upper = mulDiy(upper, c)
	lower = mulDiy(lower, c)
	lower.f++
	upper.f--

	k = -ck
	n = genDigits(w, upper, lower, digits, &k)
	return n, k
}

// cachedPow10 returns the cached power c = 10^k whose product with a
// normalized value of binary exponent e has an exponent in [-60, -32].
func cachedPow10(e int) (diyFp, int) {
	const log10of2 = 0.30102999566398114
	approx := int(float64(-(e + pow10CacheLen)) * log10of2) // truncates, as C does
	i := (approx - pow10CacheFirst) / pow10CacheStep
	for {
		cur := e + pow10Cache[i].e + 64
		switch {
		case cur < -60:
			i++
		case cur > -32:
			i--
		default:
			return pow10Cache[i], pow10CacheFirst + i*pow10CacheStep
		}
	}
}

// mulDiy returns a·b keeping the high 64 bits of the 128-bit product of the
// significands, rounded half up.
func mulDiy(a, b diyFp) diyFp {
	hi, lo := bits.Mul64(a.f, b.f)
	return diyFp{f: hi + lo>>63, e: a.e + b.e + 64}
}

// genDigits produces the digits of upper that are needed to land within
// delta = upper-lower, adding the count of dropped positions to *k, then
// moves the last digit towards w.
func genDigits(w, upper, lower diyFp, digits *[24]byte, k *int) int {
	wfrac := upper.f - w.f
	delta := upper.f - lower.f
	sh := uint(-upper.e)
	one := uint64(1) << sh
	part1 := upper.f >> sh // < 2^32, so at most 10 integer digits
	part2 := upper.f & (one - 1)

	n, kappa := 0, 10
	for i := 10; kappa > 0; i++ {
		div := pow10u64[i]
		d := part1 / div
		if d != 0 || n != 0 {
			digits[n] = byte('0' + d)
			n++
		}
		part1 -= d * div
		kappa--
		if rem := part1<<sh + part2; rem <= delta {
			*k += kappa
			weedDigit(digits[:n], delta, rem, div<<sh, wfrac)
			return n
		}
	}

	unit := 18 // pow10u64[18] == 10: wfrac is scaled like part2
	for {
		part2 *= 10
		delta *= 10
		kappa--
		d := part2 >> sh
		if d != 0 || n != 0 {
			digits[n] = byte('0' + d)
			n++
		}
		part2 &= one - 1
		if part2 < delta {
			*k += kappa
			weedDigit(digits[:n], delta, part2, one, wfrac*pow10u64[unit])
			return n
		}
		unit--
	}
}

// weedDigit lowers the last digit while that keeps the number inside the
// boundaries and brings it closer to the scaled value (wfrac below upper).
// All arithmetic wraps modulo 2^64 exactly like the C original.
func weedDigit(digits []byte, delta, rem, ten, wfrac uint64) {
	last := len(digits) - 1
	for rem < wfrac && delta-rem >= ten &&
		(rem+ten < wfrac || wfrac-rem > rem+ten-wfrac) {
		digits[last]--
		rem += ten
	}
}

// appendDigitsLayout lays out digits·10^k as fpconv's emit_digits does. The
// sign has already been written; neg only matters for the digit cap of the
// exponent form, which Grisu2's at most 17 digits never reach.
func appendDigitsLayout(dst []byte, digits []byte, k int, neg bool) []byte {
	nd := len(digits)
	exp := absInt(k + nd - 1)

	if k >= 0 && exp < nd+7 { // integer: digits then k zeros
		dst = append(dst, digits...)
		return appendZeros(dst, k)
	}

	if k < 0 && (k > -7 || exp < 4) { // plain decimal
		offset := nd - absInt(k)
		if offset <= 0 {
			dst = append(dst, '0', '.')
			dst = appendZeros(dst, -offset)
			return append(dst, digits...)
		}
		dst = append(dst, digits[:offset]...)
		dst = append(dst, '.')
		return append(dst, digits[offset:]...)
	}

	limit := 18
	if neg {
		limit = 17
	}
	if nd > limit {
		nd = limit
	}
	dst = append(dst, digits[0])
	if nd > 1 {
		dst = append(dst, '.')
		dst = append(dst, digits[1:nd]...)
	}
	dst = append(dst, 'e')
	if k+nd-1 < 0 {
		dst = append(dst, '-')
	} else {
		dst = append(dst, '+')
	}
	cent := 0
	if exp > 99 {
		cent = exp / 100
		dst = append(dst, byte('0'+cent))
		exp -= cent * 100
	}
	if exp > 9 {
		dec := exp / 10
		dst = append(dst, byte('0'+dec))
		exp -= dec * 10
	} else if cent != 0 {
		dst = append(dst, '0')
	}
	return append(dst, byte('0'+exp%10))
}

func appendZeros(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, '0')
	}
	return dst
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
