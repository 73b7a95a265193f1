package rconv

import (
	"math"
	"strconv"
)

// ParseFloat parses b as Redis's string2d does: the parser behind ZADD
// scores, ZINCRBY, weights, GEO coordinates and every other double argument
// (getDoubleFromObject). A failure normally becomes
// "-ERR value is not a valid float".
//
// The whole of b must be one strtod subject sequence with no white space
// before it: decimal ("1", "-2.5", ".5", "5.", "1e3", "+1E-3"), hexadecimal
// ("0x1p4", "0X1.8", "0x.8p-1") or infinity ("inf", "+Inf", "-infinity", any
// case). Rejected: "", " 1", "1 ", "nan" in any form, "1e", "0x", "1_0", an
// embedded NUL, overflow ("1e400": strtod's ERANGE with ±HUGE_VAL) and
// underflow to zero ("1e-400": ERANGE with 0). Results that underflow only to
// a subnormal ("5e-324", "1e-320") are accepted, and "0e-99999" is exactly 0.
func ParseFloat(b []byte) (float64, bool) { return parseFloat(b) }

// ParseFloatString is ParseFloat for a string.
func ParseFloatString(s string) (float64, bool) { return parseFloat(s) }

func parseFloat[T ~string | ~[]byte](s T) (float64, bool) {
	n := len(s)
	if n == 0 || isCSpace(s[0]) {
		return 0, false
	}
	r := scanStrtod(s, 0)
	if r.end != n {
		return 0, false
	}
	v, st := strtodValue(s, r)
	if st != roundOK || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// strtodValue converts a scanned, non-empty subject sequence to float64. For
// numNaN it returns NaN; for overflow it returns ±Inf with roundOverflow and
// for underflow ±0 with roundUnderflow, as strtod returns ±HUGE_VAL or ±0
// with ERANGE.
func strtodValue[T ~string | ~[]byte](s T, r strtodNum) (float64, roundStatus) {
	switch r.kind {
	case numNone:
		return 0, roundOK
	case numNaN:
		return math.NaN(), roundOK
	case numInf:
		if r.neg {
			return math.Inf(-1), roundOK
		}
		return math.Inf(1), roundOK
	}
	if r.hex {
		mant, exp, st := hexToBinary(s, r, float64Format)
		v := math.Ldexp(float64(mant), exp)
		if st == roundOverflow {
			v = math.Inf(1)
		}
		if r.neg {
			v = -v
		}
		return v, st
	}
	if v, ok := exactDecimal(s, r); ok {
		return v, roundOK
	}
	// The scanner has checked the syntax, which is a subset of what
	// strconv accepts (no underscores, no hex here), and strconv rounds
	// correctly, as glibc's strtod does.
	start := r.mantStart
	if start > 0 && (s[start-1] == '+' || s[start-1] == '-') {
		start--
	}
	v, err := strconv.ParseFloat(string(s[start:r.end]), 64)
	if err != nil {
		return v, roundOverflow // strconv reports only ErrRange here, with ±Inf
	}
	if v == 0 && hasNonZeroDigit(s, r.mantStart, r.mantEnd) {
		return v, roundUnderflow
	}
	return v, roundOK
}

// float64Pow10 holds the powers of ten that float64 represents exactly.
var float64Pow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// exactDecimal converts the common short decimals directly: when the digits
// form an integer m < 2^53 and the decimal exponent e is within ±22, both m
// and 10^|e| are exact doubles, so one IEEE multiplication or division
// rounds the exact value correctly.
func exactDecimal[T ~string | ~[]byte](s T, r strtodNum) (float64, bool) {
	var m uint64
	nd := 0
	e := r.exp
	inFrac := false
	for i := r.mantStart; i < r.mantEnd; i++ {
		c := s[i]
		if c == '.' {
			inFrac = true
			continue
		}
		if nd++; nd > 19 {
			return 0, false
		}
		m = m*10 + uint64(c-'0')
		if inFrac {
			e--
		}
	}
	if m >= 1<<53 || e < -22 || e > 22 {
		return 0, false
	}
	v := float64(m)
	if e >= 0 {
		v *= float64Pow10[e]
	} else {
		v /= float64Pow10[-e]
	}
	if r.neg {
		v = -v
	}
	return v, true
}

// hexToBinary rounds the hexadecimal subject sequence r of s to format f.
func hexToBinary[T ~string | ~[]byte](s T, r strtodNum, f binFormat) (uint64, int, roundStatus) {
	var hi, lo uint64
	var sticky bool
	kept := 0  // significant hex digits in hi:lo (at most 32)
	e := r.exp // the binary exponent of the lowest bit of hi:lo
	inFrac, seen := false, false
	for i := r.mantStart; i < r.mantEnd; i++ {
		c := s[i]
		if c == '.' {
			inFrac = true
			continue
		}
		d := hexVal(c)
		if !seen && d == 0 {
			if inFrac {
				e -= 4
			}
			continue
		}
		seen = true
		if kept < 32 {
			hi = hi<<4 | lo>>60
			lo = lo<<4 | d
			kept++
			if inFrac {
				e -= 4
			}
			continue
		}
		sticky = sticky || d != 0
		if !inFrac {
			e += 4
		}
	}
	if !seen {
		return 0, 0, roundOK
	}
	return roundBinary(f, hi, lo, sticky, clampExp(e))
}

// clampExp keeps an exponent in a range where roundBinary's int arithmetic
// cannot overflow while still over- or underflowing every format.
func clampExp(e int64) int {
	const lim = 1 << 40
	if e > lim {
		e = lim
	} else if e < -lim {
		e = -lim
	}
	return int(e)
}

// ParseScoreBound parses one bound of ZRANGEBYSCORE, ZCOUNT,
// ZREMRANGEBYSCORE, ZRANGE BYSCORE and the like, as Redis's zslParseRange
// does; a failure becomes "-ERR min or max is not a float".
//
// A leading '(' makes the bound exclusive. The rest goes to plain strtod and
// is rejected only for trailing junk or NaN, so unlike ParseFloat it accepts
// leading white space (" 5"), overflow (→ ±Inf) and underflow (→ 0). Quirks
// kept from the C code: the empty string and a bare "(" parse as 0, and the
// argument ends at its first NUL byte ("5\x00junk" is 5). White space alone
// is rejected.
func ParseScoreBound(b []byte) (v float64, exclusive bool, ok bool) {
	b = cutNUL(b)
	if len(b) > 0 && b[0] == '(' {
		exclusive = true
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, exclusive, true
	}
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	r := scanStrtod(b, i)
	if r.kind == numNone || r.kind == numNaN || r.end != len(b) {
		return 0, false, false
	}
	v, _ = strtodValue(b, r)
	return v, exclusive, true
}

// LexBoundKind says what a ZRANGEBYLEX-style bound means.
type LexBoundKind uint8

const (
	// LexInclusive is "[value": members >= (or <=) value.
	LexInclusive LexBoundKind = iota
	// LexExclusive is "(value": members > (or <) value.
	LexExclusive
	// LexNegInf is "-": below every member.
	LexNegInf
	// LexPosInf is "+": above every member.
	LexPosInf
)

// ParseLexBound parses one bound of ZRANGEBYLEX, ZLEXCOUNT,
// ZREMRANGEBYLEX and ZRANGE BYLEX as Redis's zslParseLexRangeItem does; a
// failure becomes "-ERR min or max not valid string range item".
//
// "[x" is inclusive and "(x" exclusive, with x possibly empty; "-" and "+"
// are the infinities. The C code tests the byte after '-' or '+' against the
// NUL terminator, so "+\x00anything" is +inf too. Anything else, including
// "", is rejected. For LexInclusive and LexExclusive, value aliases b.
func ParseLexBound(b []byte) (value []byte, kind LexBoundKind, ok bool) {
	if len(b) == 0 {
		return nil, 0, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) > 1 && b[1] != 0 {
			return nil, 0, false
		}
		if b[0] == '+' {
			return nil, LexPosInf, true
		}
		return nil, LexNegInf, true
	case '(':
		return b[1:], LexExclusive, true
	case '[':
		return b[1:], LexInclusive, true
	}
	return nil, 0, false
}
