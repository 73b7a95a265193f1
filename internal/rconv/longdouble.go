package rconv

import (
	"math/big"
	"math/bits"
	"strconv"
)

// maxLongDoubleChars is Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses
// inputs of this many bytes or more.
const maxLongDoubleChars = 5 * 1024

// LongDouble is a C long double as Redis on x86-64 Linux computes with it in
// INCRBYFLOAT and HINCRBYFLOAT: the x87 80-bit extended format, with a 64-bit
// significand, binary exponents up to 16383, subnormals down to 2^-16445,
// round to nearest even. The zero value is +0.
//
// Only what those commands need is provided: ParseLongDouble (string2ld),
// Add, and AppendHuman (ld2string in LD_STR_HUMAN mode). A LongDouble is a
// small value type; copy it freely.
type LongDouble struct {
	mant  uint64 // the value is mant·2^exp; 0 means zero
	exp   int
	neg   bool
	class ldClass
}

type ldClass uint8

const (
	ldFinite ldClass = iota
	ldInf
	ldNaN
)

// IsInf reports whether x is +∞ or -∞.
func (x LongDouble) IsInf() bool { return x.class == ldInf }

// IsNaN reports whether x is a NaN (only Add can produce one: ∞ + -∞).
func (x LongDouble) IsNaN() bool { return x.class == ldNaN }

// ParseLongDouble parses b as Redis's string2ld does (strtold with checks),
// the parser for INCRBYFLOAT and HINCRBYFLOAT operands.
//
// The grammar is ParseFloat's (decimal, hexadecimal, inf/infinity; no NaN,
// no white space before or after, no NUL byte), but the value is rounded to
// the 64-bit significand, the range is the long double range (so "1e400" is
// fine and "1e4933" overflows), and b must be shorter than 5120 bytes.
// Overflow and underflow to zero are rejected, as strtold's ERANGE with
// ±HUGE_VALL or 0 is; subnormal results (down to about 1.8e-4951) are kept.
func ParseLongDouble(b []byte) (LongDouble, bool) { return parseLongDouble(b) }

// ParseLongDoubleString is ParseLongDouble for a string.
func ParseLongDoubleString(s string) (LongDouble, bool) { return parseLongDouble(s) }

func parseLongDouble[T ~string | ~[]byte](s T) (LongDouble, bool) {
	n := len(s)
	if n == 0 || n >= maxLongDoubleChars || isCSpace(s[0]) {
		return LongDouble{}, false
	}
	r := scanStrtod(s, 0)
	if r.end != n {
		return LongDouble{}, false
	}
	switch r.kind {
	case numInf:
		return LongDouble{neg: r.neg, class: ldInf}, true
	case numFinite:
	default:
		return LongDouble{}, false
	}
	var mant uint64
	var exp int
	var st roundStatus
	if r.hex {
		mant, exp, st = hexToBinary(s, r, longDoubleFormat)
	} else {
		mant, exp, st = decimalToLongDouble(s, r)
	}
	if st != roundOK {
		return LongDouble{}, false
	}
	return LongDouble{mant: mant, exp: exp, neg: r.neg}, true
}

// decimalToLongDouble rounds the decimal subject sequence r of s to the long
// double format. Up to 19 significant digits with a decimal exponent within
// ±19 are done exactly in 128/192-bit integer arithmetic; anything else goes
// through math/big.
func decimalToLongDouble[T ~string | ~[]byte](s T, r strtodNum) (uint64, int, roundStatus) {
	var m uint64
	nd, zeros := 0, 0 // significant digits in m; zeros seen but not yet in m
	e := r.exp
	inFrac := false
	for i := r.mantStart; i < r.mantEnd; i++ {
		c := s[i]
		if c == '.' {
			inFrac = true
			continue
		}
		if inFrac {
			e--
		}
		d := uint64(c - '0')
		if d == 0 {
			if nd > 0 {
				zeros++
			}
			continue
		}
		if nd+zeros+1 > 19 {
			return decimalToLongDoubleBig(s, r)
		}
		for ; zeros > 0; zeros-- {
			m *= 10
			nd++
		}
		m = m*10 + d
		nd++
	}
	if nd == 0 {
		return 0, 0, roundOK
	}
	e += int64(zeros)
	f := longDoubleFormat
	switch {
	case e == 0:
		return roundBinary(f, 0, m, false, 0)
	case e > 0 && e <= 19:
		hi, lo := bits.Mul64(m, pow10u64[19-e])
		return roundBinary(f, hi, lo, false, 0)
	case e < 0 && e >= -19:
		// m / 10^-e with 128+ quotient bits: long division of m·2^(128+sh)
		// (m normalized by sh) by the 64-bit divisor, three limbs.
		d := pow10u64[19+e]
		sh := bits.LeadingZeros64(m)
		mn := m << uint(sh)
		q1, r1 := bits.Div64(0, mn, d)
		q2, r2 := bits.Div64(r1, 0, d)
		q3, r3 := bits.Div64(r2, 0, d)
		hi, lo, shift, dropped := top128(q1, q2, q3)
		return roundBinary(f, hi, lo, dropped || r3 != 0, shift-128-sh)
	}
	return decimalToLongDoubleBig(s, r)
}

// top128 returns the 128 most significant bits of the 192-bit q1:q2:q3,
// which must have at least 128 significant bits, the position of the
// window's lowest bit (negative when the window extends below bit 0), and
// whether non-zero bits were left below it.
func top128(q1, q2, q3 uint64) (hi, lo uint64, shift int, dropped bool) {
	if q1 != 0 {
		s := uint(bits.LeadingZeros64(q1))
		hi = q1<<s | q2>>(64-s)
		lo = q2<<s | q3>>(64-s)
		return hi, lo, 64 - int(s), q3<<s != 0
	}
	s := uint(bits.LeadingZeros64(q2))
	hi = q2<<s | q3>>(64-s)
	lo = q3 << s
	return hi, lo, -int(s), false
}

// decimalToLongDoubleBig is the exact slow path: the value d·10^e (d an
// integer of up to 5119 digits) is reduced to 128 significant bits and a
// sticky bit with math/big, then rounded.
func decimalToLongDoubleBig[T ~string | ~[]byte](s T, r strtodNum) (uint64, int, roundStatus) {
	digits := make([]byte, 0, r.mantEnd-r.mantStart)
	e := r.exp
	inFrac := false
	for i := r.mantStart; i < r.mantEnd; i++ {
		c := s[i]
		if c == '.' {
			inFrac = true
			continue
		}
		if inFrac {
			e--
		}
		if len(digits) == 0 && c == '0' {
			continue
		}
		digits = append(digits, c)
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		e++
	}
	if len(digits) == 0 {
		return 0, 0, roundOK
	}
	// The long double range is about [1.8e-4951, 1.19e4932]; decide the
	// hopeless cases before computing powers of ten.
	switch adj := e + int64(len(digits)) - 1; {
	case adj >= 4933:
		return 0, 0, roundOverflow
	case adj <= -4953:
		return 0, 0, roundUnderflow
	}
	var m big.Int
	m.SetString(string(digits), 10)
	f := longDoubleFormat
	if e >= 0 {
		var p big.Int
		p.Exp(big.NewInt(10), big.NewInt(e), nil)
		m.Mul(&m, &p)
		hi, lo, shift, dropped := bigTop128(&m)
		return roundBinary(f, hi, lo, dropped, shift)
	}
	var den big.Int
	den.Exp(big.NewInt(10), big.NewInt(-e), nil)
	t := 130 + den.BitLen() - m.BitLen()
	if t < 0 {
		t = 0
	}
	m.Lsh(&m, uint(t))
	var q, rem big.Int
	q.QuoRem(&m, &den, &rem)
	hi, lo, shift, dropped := bigTop128(&q)
	return roundBinary(f, hi, lo, dropped || rem.Sign() != 0, shift-t)
}

// bigTop128 returns the top 128 bits of x > 0 (all of x if shorter), the
// position of the window's lowest bit, and whether non-zero bits lie below it.
func bigTop128(x *big.Int) (hi, lo uint64, shift int, dropped bool) {
	shift = x.BitLen() - 128
	if shift < 0 {
		shift = 0
	}
	var w big.Int
	w.Rsh(x, uint(shift))
	dropped = shift > 0 && x.TrailingZeroBits() < uint(shift)
	var mask big.Int
	mask.SetUint64(^uint64(0))
	var t big.Int
	lo = t.And(&w, &mask).Uint64()
	hi = t.Rsh(&w, 64).Uint64()
	return hi, lo, shift, dropped
}

// Add returns x+y rounded to the long double format as the x87 FPU rounds
// it: to nearest even, overflowing to ±∞. ∞ + -∞ is NaN.
func (x LongDouble) Add(y LongDouble) LongDouble {
	if x.class == ldNaN || y.class == ldNaN {
		return LongDouble{class: ldNaN}
	}
	if x.class == ldInf || y.class == ldInf {
		if x.class == ldInf && y.class == ldInf && x.neg != y.neg {
			return LongDouble{class: ldNaN}
		}
		if x.class == ldInf {
			return x
		}
		return y
	}
	if x.mant == 0 {
		if y.mant == 0 {
			return LongDouble{neg: x.neg && y.neg}
		}
		return y
	}
	if y.mant == 0 {
		return x
	}
	a, b := x, y
	if magnitudeLess(a, b) {
		a, b = b, a
	}
	// Put a's significand at the top of a 128-bit frame whose lowest bit is
	// worth 2^fe, and b in the same frame; b's top is not above a's.
	la := bits.Len64(a.mant)
	fe := a.exp - (128 - la)
	ahi := a.mant << uint(64-la)
	var bhi, blo uint64
	sticky := false // true when b lost non-zero bits below the frame
	if sh := b.exp - fe; sh >= 0 {
		if sh >= 64 {
			bhi = b.mant << uint(sh-64)
		} else {
			bhi, blo = b.mant>>uint(64-sh), b.mant<<uint(sh)
		}
	} else if n := -sh; n >= 64 {
		sticky = true
	} else {
		blo = b.mant >> uint(n)
		sticky = b.mant<<uint(64-n) != 0
	}
	var hi, lo uint64
	e := fe
	if a.neg == b.neg {
		var c uint64
		lo, c = bits.Add64(0, blo, 0)
		hi, c = bits.Add64(ahi, bhi, c)
		if c != 0 {
			sticky = sticky || lo&1 == 1
			lo = lo>>1 | hi<<63
			hi = hi>>1 | 1<<63
			e++
		}
	} else {
		var bw uint64
		lo, bw = bits.Sub64(0, blo, 0)
		hi, _ = bits.Sub64(ahi, bhi, bw)
		if sticky {
			// b's true value exceeds blo by a fraction of a unit: take one
			// more unit off and keep the (1-fraction) as the sticky part.
			lo, bw = bits.Sub64(lo, 1, 0)
			hi, _ = bits.Sub64(hi, 0, bw)
		}
		if hi == 0 && lo == 0 && !sticky {
			return LongDouble{} // x + (-x) is +0 when rounding to nearest
		}
	}
	mant, exp, st := roundBinary(longDoubleFormat, hi, lo, sticky, e)
	switch st {
	case roundOverflow:
		return LongDouble{neg: a.neg, class: ldInf}
	case roundUnderflow:
		return LongDouble{neg: a.neg}
	}
	return LongDouble{mant: mant, exp: exp, neg: a.neg}
}

// magnitudeLess reports whether |x| < |y| for finite non-zero x and y.
func magnitudeLess(x, y LongDouble) bool {
	lx, ly := bits.Len64(x.mant), bits.Len64(y.mant)
	if tx, ty := x.exp+lx, y.exp+ly; tx != ty {
		return tx < ty
	}
	return x.mant<<uint(64-lx) < y.mant<<uint(64-ly)
}

// AppendHuman appends x as Redis's ld2string prints it in LD_STR_HUMAN mode,
// the INCRBYFLOAT/HINCRBYFLOAT reply and stored value: printf("%.17Lf"),
// then trailing zeros and a trailing '.' removed, and "-0" turned into "0".
// The result never uses an exponent, so 1e20 is "100000000000000000000" and
// 3e-5 is "0.00003"; below 5e-18 in magnitude everything prints "0". The
// decimal expansion is exact and the 17th decimal is rounded half to even,
// like glibc. Infinities print "inf" and "-inf" and NaN "nan", as
// ld2string does, though the commands never store them.
func (x LongDouble) AppendHuman(dst []byte) []byte {
	switch x.class {
	case ldNaN:
		return append(dst, "nan"...)
	case ldInf:
		if x.neg {
			return append(dst, "-inf"...)
		}
		return append(dst, "inf"...)
	}
	if x.mant == 0 {
		return append(dst, '0')
	}
	if x.exp >= 0 {
		if x.neg {
			dst = append(dst, '-')
		}
		if bits.Len64(x.mant)+x.exp <= 64 {
			return strconv.AppendUint(dst, x.mant<<uint(x.exp), 10)
		}
		var n big.Int
		n.SetUint64(x.mant)
		n.Lsh(&n, uint(x.exp))
		return n.Append(dst, 10)
	}
	s := -x.exp
	var ip, frac uint64
	if s < 64 {
		ip, frac = x.mant>>uint(s), x.mant&(1<<uint(s)-1)
	} else {
		frac = x.mant
	}
	// q = frac·10^17 / 2^s, rounded half to even: the 17 decimals.
	hi, lo := bits.Mul64(frac, 1e17)
	q, half, rest := shiftRight128(hi, lo, s)
	if half && (rest || q&1 == 1) {
		q++
		if q == 1e17 {
			q = 0
			ip++
		}
	}
	if ip == 0 && q == 0 {
		return append(dst, '0') // "-0" becomes "0" too
	}
	if x.neg {
		dst = append(dst, '-')
	}
	dst = strconv.AppendUint(dst, ip, 10)
	if q == 0 {
		return dst
	}
	var fd [17]byte
	for i := 16; i >= 0; i-- {
		fd[i] = byte('0' + q%10)
		q /= 10
	}
	n := 17
	for fd[n-1] == '0' {
		n--
	}
	dst = append(dst, '.')
	return append(dst, fd[:n]...)
}

// String returns x.AppendHuman(nil) as a string.
func (x LongDouble) String() string {
	var buf [48]byte
	return string(x.AppendHuman(buf[:0]))
}
