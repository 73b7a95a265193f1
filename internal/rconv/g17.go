package rconv

import (
	"math"
	"strconv"
)

// FormatLongDoubleG17 returns the text of ld2string(..., LD_STR_AUTO) for a
// double widened to long double, that is printf("%.17Lg"): what ZSCAN (and
// other SCAN-family replies) print for the scores of a skiplist-encoded
// sorted set, e.g. 0.1 → "0.10000000000000001", -0.3 →
// "-0.29999999999999999", 1e21 → "1e+21", 1.5e-5 → "1.5e-05",
// 1e300 → "1.0000000000000001e+300". Infinities are "inf" and "-inf", NaN is
// "nan" and the zeros are "0" and "-0".
//
// Widening a double to long double is exact, so the 17 significant digits
// are those of the double itself, rounded half to even as glibc does.
func FormatLongDoubleG17(f float64) string {
	var buf [32]byte
	return string(AppendLongDoubleG17(buf[:0], f))
}

// AppendLongDoubleG17 appends FormatLongDoubleG17(f) to dst.
func AppendLongDoubleG17(dst []byte, f float64) []byte {
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
	// strconv's 'e' format with 16 decimals gives the 17 correctly
	// rounded significant digits and the exponent %g decides on.
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', 16, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		dst = append(dst, '-')
	}
	var digits [17]byte
	digits[0] = e[0]
	copy(digits[1:], e[2:18]) // skip "d."
	x := 0                    // the decimal exponent after "e"
	xs := e[19:]
	xneg := xs[0] == '-'
	for _, c := range xs[1:] {
		x = x*10 + int(c-'0')
	}
	if xneg {
		x = -x
	}
	// %g drops trailing zeros (no '#' flag).
	nd := 17
	for nd > 1 && digits[nd-1] == '0' {
		nd--
	}
	if x < -4 || x >= 17 {
		dst = append(dst, digits[0])
		if nd > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:nd]...)
		}
		dst = append(dst, 'e')
		if x < 0 {
			dst = append(dst, '-')
			x = -x
		} else {
			dst = append(dst, '+')
		}
		if x < 10 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, int64(x), 10)
	}
	if x < 0 {
		dst = append(dst, '0', '.')
		dst = appendZeros(dst, -x-1)
		return append(dst, digits[:nd]...)
	}
	// x+1 integer digits, all present among the 17.
	dst = append(dst, digits[:x+1]...)
	if nd > x+1 {
		dst = append(dst, '.')
		dst = append(dst, digits[x+1:nd]...)
	}
	return dst
}
