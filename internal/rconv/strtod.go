package rconv

import "math/bits"

// This file holds what ParseFloat, ParseScoreBound and ParseLongDouble share:
// a scanner for the subject sequence that C's strtod/strtold accept, and
// correct rounding of an exact binary value to a given precision and exponent
// range.

type numKind uint8

const (
	numNone   numKind = iota // no conversion: strtod would leave end at the start
	numFinite                // decimal or hexadecimal number
	numInf                   // "inf" or "infinity"
	numNaN                   // "nan" or "nan(chars)"
)

// expLimit bounds the explicit exponent kept by the scanner. Anything beyond
// it overflows or underflows every format handled here, whatever the
// mantissa (inputs are far shorter than a million digits).
const expLimit = 1 << 30

// strtodNum is the subject sequence strtod would consume from some start.
type strtodNum struct {
	kind numKind
	neg  bool
	hex  bool
	// mantStart:mantEnd is the mantissa: digits with at most one '.', after
	// the sign and any 0x prefix.
	mantStart, mantEnd int
	exp                int64 // the explicit exponent (e or p), clamped to ±expLimit
	end                int   // index just past the subject sequence
}

// scanStrtod scans the longest prefix of s[i:] that glibc's strtod would
// convert, white space excluded (callers handle leading white space, which
// Redis treats differently per call site). The grammar, C locale:
//
//	[+-] ( inf | infinity | nan | nan(n-chars) |
//	       0x hexdigits [. hexdigits] [p [+-] digits] |
//	       digits [. digits] [e [+-] digits] )
//
// case-insensitively, where a mantissa needs at least one digit on either side
// of the '.', and an exponent marker without digits is not consumed.
func scanStrtod[T ~string | ~[]byte](s T, i int) strtodNum {
	n := len(s)
	r := strtodNum{end: i}
	if i < n && (s[i] == '+' || s[i] == '-') {
		r.neg = s[i] == '-'
		i++
	}
	if i >= n {
		return r
	}
	switch s[i] | 0x20 {
	case 'i':
		if hasFoldPrefix(s[i:], "inf") {
			j := i + 3
			if hasFoldPrefix(s[j:], "inity") {
				j += 5
			}
			r.kind, r.end = numInf, j
		}
		return r
	case 'n':
		if hasFoldPrefix(s[i:], "nan") {
			j := i + 3
			if j < n && s[j] == '(' {
				k := j + 1
				for k < n && isNChar(s[k]) {
					k++
				}
				if k < n && s[k] == ')' {
					j = k + 1
				}
			}
			r.kind, r.end = numNaN, j
		}
		return r
	}
	if i+1 < n && s[i] == '0' && s[i+1]|0x20 == 'x' {
		j, nd := i+2, 0
		for j < n && isHexDigit(s[j]) {
			j++
			nd++
		}
		if j < n && s[j] == '.' {
			j++
			for j < n && isHexDigit(s[j]) {
				j++
				nd++
			}
		}
		if nd > 0 {
			r.kind, r.hex = numFinite, true
			r.mantStart, r.mantEnd = i+2, j
			r.end = scanExponent(s, j, 'p', &r.exp)
			return r
		}
		// "0x" without hex digits: strtod converts just the "0".
	}
	j, nd := i, 0
	for j < n && isDigit(s[j]) {
		j++
		nd++
	}
	if j < n && s[j] == '.' {
		j++
		for j < n && isDigit(s[j]) {
			j++
			nd++
		}
	}
	if nd == 0 {
		return r
	}
	r.kind = numFinite
	r.mantStart, r.mantEnd = i, j
	r.end = scanExponent(s, j, 'e', &r.exp)
	return r
}

// scanExponent consumes "<marker>[+-]digits" at s[i:] if it is complete and
// returns the index after it, or returns i unchanged.
func scanExponent[T ~string | ~[]byte](s T, i int, marker byte, exp *int64) int {
	n := len(s)
	if i >= n || s[i]|0x20 != marker {
		return i
	}
	j := i + 1
	neg := false
	if j < n && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	if j >= n || !isDigit(s[j]) {
		return i
	}
	var e int64
	for ; j < n && isDigit(s[j]); j++ {
		if e < expLimit {
			e = e*10 + int64(s[j]-'0')
		}
	}
	if e > expLimit {
		e = expLimit
	}
	if neg {
		e = -e
	}
	*exp = e
	return j
}

func hasFoldPrefix[T ~string | ~[]byte](s T, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		if s[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

func hexVal(c byte) uint64 {
	if c <= '9' {
		return uint64(c - '0')
	}
	return uint64(c|0x20-'a') + 10
}

// isNChar reports whether c may appear inside "nan(...)".
func isNChar(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c == '_'
}

// hasNonZeroDigit reports whether the mantissa s[a:b] has a non-zero digit,
// which tells an underflow (non-zero text rounded to 0) from a true zero.
func hasNonZeroDigit[T ~string | ~[]byte](s T, a, b int) bool {
	for i := a; i < b; i++ {
		if c := s[i]; c != '0' && c != '.' {
			return true
		}
	}
	return false
}

// binFormat describes a binary floating-point format for roundBinary.
type binFormat struct {
	prec   int // significand bits, including the integer bit
	minLSB int // exponent of the least significant bit of the smallest subnormal
	maxMSB int // exponent of the most significant bit of the largest finite value
}

var (
	float64Format    = binFormat{prec: 53, minLSB: -1074, maxMSB: 1023}
	longDoubleFormat = binFormat{prec: 64, minLSB: -16445, maxMSB: 16383}
)

type roundStatus uint8

const (
	roundOK        roundStatus = iota
	roundUnderflow             // a non-zero value rounded to zero (ERANGE, 0)
	roundOverflow              // the value rounded beyond the largest finite one (ERANGE, HUGE_VAL)
)

// roundBinary rounds the non-negative value (hi·2⁶⁴ + lo + ε)·2^e to format
// f, to nearest with ties to even, where ε is 0 when sticky is false and lies
// strictly between 0 and 1 when it is true. Callers set sticky only when
// hi:lo holds at least f.prec+2 significant bits, so that ε can only break
// ties. The result is mant·2^exp.
func roundBinary(f binFormat, hi, lo uint64, sticky bool, e int) (mant uint64, exp int, st roundStatus) {
	l := bitLen128(hi, lo)
	if l == 0 {
		return 0, 0, roundOK
	}
	drop := l - f.prec
	if m := f.minLSB - e; m > drop {
		drop = m
	}
	if drop <= 0 {
		// Exact. l <= prec <= 64, so hi is zero.
		mant, exp = lo, e
	} else {
		kept, half, rest := shiftRight128(hi, lo, drop)
		rest = rest || sticky
		if half && (rest || kept&1 == 1) {
			kept++
			if kept == 0 || (f.prec < 64 && kept == 1<<f.prec) {
				// Carried out of the significand: 2^prec = 2^(prec-1)·2.
				kept = 1 << (f.prec - 1)
				drop++
			}
		}
		mant, exp = kept, e+drop
	}
	if mant == 0 {
		return 0, 0, roundUnderflow
	}
	if exp+bits.Len64(mant)-1 > f.maxMSB {
		return 0, 0, roundOverflow
	}
	return mant, exp, roundOK
}

func bitLen128(hi, lo uint64) int {
	if hi != 0 {
		return 64 + bits.Len64(hi)
	}
	return bits.Len64(lo)
}

// shiftRight128 returns the low 64 bits of (hi:lo) >> n for 1 <= n, the
// highest bit shifted out (half) and whether any lower bit shifted out was
// set (rest). Callers use it only where the kept part fits in 64 bits.
func shiftRight128(hi, lo uint64, n int) (kept uint64, half, rest bool) {
	if n > 128 {
		return 0, false, hi|lo != 0
	}
	half = bitAt128(hi, lo, n-1)
	rest = lowBitsSet128(hi, lo, n-1)
	switch {
	case n == 128:
		kept = 0
	case n >= 64:
		kept = hi >> uint(n-64)
	default:
		kept = lo>>uint(n) | hi<<uint(64-n)
	}
	return kept, half, rest
}

// bitAt128 reports whether bit i (0 <= i < 128) of hi:lo is set.
func bitAt128(hi, lo uint64, i int) bool {
	if i >= 64 {
		return (hi>>uint(i-64))&1 == 1
	}
	return (lo>>uint(i))&1 == 1
}

// lowBitsSet128 reports whether any of the lowest n bits of hi:lo is set
// (0 <= n <= 128).
func lowBitsSet128(hi, lo uint64, n int) bool {
	switch {
	case n <= 0:
		return false
	case n < 64:
		return lo<<uint(64-n) != 0
	case n == 64:
		return lo != 0
	case n < 128:
		return lo != 0 || hi<<uint(128-n) != 0
	default:
		return hi|lo != 0
	}
}
