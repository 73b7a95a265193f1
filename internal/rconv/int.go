package rconv

import "math"

// maxIntLen is Redis's LONG_STR_SIZE: string2ll rejects inputs of this many
// bytes or more, so the longest accepted text is 20 bytes
// ("-9223372036854775808").
const maxIntLen = 21

// ParseInt parses b as Redis's string2ll does, which is what every integer
// argument and every integer-looking value goes through (INCRBY, EXPIRE,
// LRANGE, the int encoding of strings, ...).
//
// Accepted: an optional '-', then either the single digit "0" or a digit 1-9
// followed by digits, at most 20 bytes in all, within int64. Everything else
// is rejected: "+5", "05", "-0", " 5", "5 ", "5.0", "", "-". A failure
// normally becomes "-ERR value is not an integer or out of range".
func ParseInt(b []byte) (int64, bool) { return parseInt(b) }

// ParseIntString is ParseInt for a string.
func ParseIntString(s string) (int64, bool) { return parseInt(s) }

func parseInt[T ~string | ~[]byte](s T) (int64, bool) {
	n := len(s)
	if n == 0 || n >= maxIntLen {
		return 0, false
	}
	if n == 1 && s[0] == '0' {
		return 0, true
	}
	i := 0
	neg := s[0] == '-'
	if neg {
		i++
		if i == n {
			return 0, false
		}
	}
	if s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	// 20 digits are at least 10^19 > MaxInt64; 19 digits fit in uint64, so
	// the loop needs no overflow checks.
	if n-i > 19 {
		return 0, false
	}
	var v uint64
	for ; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// ParseUint64 parses a SCAN/SSCAN/HSCAN/ZSCAN cursor as Redis 7.4's
// parseScanCursorOrReply does, through string2ull; a failure becomes
// "-ERR invalid cursor".
//
// string2ull sees a C string, so b is first cut at its first NUL byte. It
// then tries string2ll (a negative result is rejected) and falls back to
// strtoull in base 10, which must consume the whole string and not overflow.
// The fallback is what makes these quirks valid cursors: "+5", "05", " 5"
// (leading white space), "-0", and "-18446744073709551615" (strtoull negates
// in unsigned arithmetic, giving 1). Rejected: "", "5 ", "0x10", "-5",
// "18446744073709551616".
//
// Redis 7.0 used strtoul with a leading-space check instead: it accepted ""
// and "-5" and rejected " 5". embedis follows 7.4.
func ParseUint64(b []byte) (uint64, bool) { return parseUint64(b) }

// ParseUint64String is ParseUint64 for a string.
func ParseUint64String(s string) (uint64, bool) { return parseUint64(s) }

func parseUint64[T ~string | ~[]byte](s T) (uint64, bool) {
	s = cutNUL(s)
	if v, ok := parseInt(s); ok {
		if v < 0 {
			return 0, false
		}
		return uint64(v), true
	}
	// strtoull(s, &end, 10), then require *s != '\0' && *end == '\0' and
	// no ERANGE.
	n := len(s)
	i := 0
	for i < n && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < n && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	overflow := false
	for ; i < n && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			overflow = true
		}
		v = v*10 + d
	}
	if i == start || i != n || overflow {
		// No digits means strtoull made no conversion and left end at
		// the start of a non-empty string: rejected as trailing junk.
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// cutNUL returns s up to (not including) its first NUL byte: the view a C
// function using strlen or stopping at '\0' has of a Redis argument.
func cutNUL[T ~string | ~[]byte](s T) T {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// isCSpace reports whether c is white space for isspace() in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}
