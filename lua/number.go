package lua

import (
	"math"
	"strconv"
	"strings"

	glua "github.com/yuin/gopher-lua"

	"github.com/embedis/embedis/internal/rconv"
)

// fmtNumber formats n as Lua 5.1 does (LUAI_NUMFFORMAT "%.14g"): what
// tostring, cjson.encode and string coercion print in Redis.
func fmtNumber(n float64) string {
	var buf [32]byte
	return string(appendNumber(buf[:0], n))
}

// appendNumber appends "%.14g" of n, with C's spelling of the special
// values ("inf", "-inf", "nan", "-nan").
func appendNumber(dst []byte, n float64) []byte {
	switch {
	case math.IsNaN(n):
		if math.Signbit(n) {
			return append(dst, "-nan"...)
		}
		return append(dst, "nan"...)
	case math.IsInf(n, 1):
		return append(dst, "inf"...)
	case math.IsInf(n, -1):
		return append(dst, "-inf"...)
	}
	if n == 0 && math.Signbit(n) {
		return append(dst, "-0"...)
	}
	if n == math.Trunc(n) && math.Abs(n) < 1e14 {
		return strconv.AppendInt(dst, int64(n), 10)
	}
	return strconv.AppendFloat(dst, n, 'g', 14, 64)
}

// appendArg appends the text redis.call sends for a Lua number argument:
// integer digits when the value is integral and within ±2^62, otherwise
// the shortest round-trip form (Redis 7.4's fpconv_dtoa).
func appendArg(dst []byte, n float64) []byte {
	const limit = 1 << 62
	if n >= -limit && n <= limit {
		if i := int64(n); float64(i) == n {
			return strconv.AppendInt(dst, i, 10)
		}
	}
	return rconv.FormatDouble(dst, n)
}

// toInteger converts a Lua number to a RESP integer the way C's
// (long long) cast does on x86-64: truncation toward zero, and the
// "integer indefinite" value math.MinInt64 for NaN and out-of-range values.
func toInteger(n float64) int64 {
	if math.IsNaN(n) || n >= 9223372036854775808.0 || n < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(n)
}

// numberValue returns n as a Lua number, boxed once for the small whole
// numbers (smallNumbers; -0 keeps its sign, as Lua 5.1 shows it).
func numberValue(n float64) glua.LValue {
	if n >= 0 && n < float64(len(smallNumbers)) && n == float64(int(n)) && !math.Signbit(n) {
		return smallNumbers[int(n)]
	}
	return glua.LNumber(n)
}

// parseLuaNumber converts a string to a number as Lua 5.1's
// luaO_str2d does: strtod with surrounding whitespace allowed, plus
// hexadecimal integers ("0x1F").
func parseLuaNumber(s string) (float64, bool) {
	if n, ok := parseSmallDecimal(s); ok {
		return n, true
	}
	s = strings.TrimFunc(s, isLuaSpace)
	if s == "" {
		return 0, false
	}
	t := s
	neg := false
	if t[0] == '-' || t[0] == '+' {
		neg = t[0] == '-'
		t = t[1:]
	}
	if len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		u, err := strconv.ParseUint(t[2:], 16, 64)
		if err != nil {
			return 0, false
		}
		f := float64(u)
		if neg {
			f = -f
		}
		return f, true
	}
	if strings.IndexByte(s, '_') >= 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return f, true
}

// parseSmallDecimal is parseLuaNumber's fast path: an optional '-' and 1
// to 15 decimal digits, an integer a float64 holds exactly (so strtod
// would give the same value).
func parseSmallDecimal(s string) (float64, bool) {
	neg := len(s) > 1 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		if n == 0 {
			return math.Copysign(0, -1), true // strtod("-0") is -0
		}
		return float64(-n), true
	}
	return float64(n), true
}

func isLuaSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v'
}
