package rconv

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every case was run as SET (unless cur is nil) + INCRBYFLOAT against
// redis-server 7.0.15 on x86-64 Linux; incrbyfloatCommand, string2ld and
// ld2string are unchanged in 7.4.
func TestIncrByFloat_RedisServerCases(t *testing.T) {
	tests := []struct {
		cur     []byte
		incr    string
		want    string
		wantErr error
	}{
		{[]byte("0.1"), "0.2", "0.3", nil},
		{nil, "0.1", "0.1", nil},
		{nil, "1e308", "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048", nil},
		{[]byte("1e308"), "1e308", "199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096", nil},
		{[]byte("1e400"), "0", "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880", nil},
		{nil, "5.0e3", "5000", nil},
		{nil, "1e20", "100000000000000000000", nil},
		{nil, "3.0e-5", "0.00003", nil},
		{nil, "1e-20", "0", nil},
		{nil, "-1e-20", "0", nil},
		{nil, "1e-17", "0.00000000000000001", nil},
		{nil, "5e-18", "0", nil},
		{nil, "6e-18", "0.00000000000000001", nil},
		{nil, "1.5", "1.5", nil},
		{[]byte("10.5"), "0.1", "10.6", nil},
		{nil, "-0", "0", nil},
		{[]byte("-0"), "0", "0", nil},
		{nil, "1e4933", "", ErrNotFloat},
		{nil, "1.18973149535723176508e4932", "", ErrNotFloat},
		{nil, "1e-4950", "0", nil},
		{nil, "1e-4952", "", ErrNotFloat},
		{nil, "3.6e-4951", "0", nil},
		{nil, "1.9e-4951", "0", nil},
		{nil, "1.8e-4951", "", ErrNotFloat},
		{nil, "inf", "", ErrResultNaNOrInf},
		{nil, "-inf", "", ErrResultNaNOrInf},
		{nil, "nan", "", ErrNotFloat},
		{nil, "abc", "", ErrNotFloat},
		{nil, " 1", "", ErrNotFloat},
		{nil, "1 ", "", ErrNotFloat},
		{nil, "", "", ErrNotFloat},
		{nil, "0x1p4", "16", nil},
		{nil, "0x1.8p-1", "0.75", nil},
		{[]byte("5"), "-5", "0", nil},
		{nil, "123456789012345678901234567890", "123456789012345678899921813504", nil},
		{nil, "9223372036854775807", "9223372036854775807", nil},
		{[]byte("9223372036854775807"), "9223372036854775807", "18446744073709551614", nil},
		{nil, "18446744073709551615", "18446744073709551615", nil},
		{nil, "18446744073709551617", "18446744073709551616", nil},
		{nil, "0.000003814697265625", "0.00000381469726562", nil},
		{nil, "0.000011444091796875", "0.00001144409179688", nil},
		{nil, "2.5e-17", "0.00000000000000002", nil},
		{nil, "1.5e-17", "0.00000000000000002", nil},
		{nil, "3.14159265358979323846264338327950288", "3.14159265358979324", nil},
		{nil, "-1.1", "-1.1", nil},
		{[]byte("1.1"), "-1.1", "0", nil},
		{nil, "1e17", "100000000000000000", nil},
		{nil, "12345678.123456789", "12345678.12345678899964696", nil},
		{nil, "0.1e1", "1", nil},
		{nil, ".1", "0.1", nil},
		{nil, "1.", "1", nil},
		{nil, "+1", "1", nil},
		{nil, "1e-400", "0", nil},
		{nil, "infinity", "", ErrResultNaNOrInf},
		{nil, "1\u0000", "", ErrNotFloat},
		{[]byte("3"), "0.30000000000000004", "3.30000000000000004", nil},
		{[]byte("abc"), "1", "", ErrNotFloat},
		{nil, "1e-5", "0.00001", nil},
		{nil, "-0.0000000000000000001", "0", nil},
	}
	for _, tc := range tests {
		got, err := IncrByFloat(tc.cur, []byte(tc.incr))
		if tc.wantErr != nil {
			assert.ErrorIs(t, err, tc.wantErr, "%q + %q", tc.cur, tc.incr)
			assert.Empty(t, got)
			continue
		}
		if assert.NoError(t, err, "%q + %q", tc.cur, tc.incr) {
			assert.Equal(t, tc.want, got, "%q + %q", tc.cur, tc.incr)
		}
	}
}

// TestIncrByFloat_HugeResults covers the server cases whose replies are
// thousands of digits long: the exact decimal expansion of the long double.
func TestIncrByFloat_HugeResults(t *testing.T) {
	tests := []struct {
		incr           string
		n              int
		prefix, suffix string
	}{
		{"1e4932", 4933, "1000000000000000000006018949387963891323837774254533114773785041352533", "38418113791886622720"},
		{"1.18973149535723176502e4932", 4933, "1189731495357231765021263853030970205169063322294624200440323733891737", "19552086811989770240"},
	}
	for _, tc := range tests {
		got, err := IncrByFloat(nil, []byte(tc.incr))
		require.NoError(t, err)
		assert.Len(t, got, tc.n, tc.incr)
		assert.True(t, strings.HasPrefix(got, tc.prefix), tc.incr)
		assert.True(t, strings.HasSuffix(got, tc.suffix), tc.incr)
	}
}

// TestIncrByFloat_Golden: random operands (decimal, hexadecimal, integers,
// subnormal and near-overflow ranges, near-cancelling pairs) with results
// from glibc, the libc Redis uses.
func TestIncrByFloat_Golden(t *testing.T) {
	for _, g := range readGolden(t, "incrbyfloat.txt") {
		require.Len(t, g.fields, 3, "line %d", g.line)
		var cur []byte
		if g.fields[0] != "nil" {
			cur = []byte(g.fields[0])
		}
		got, err := IncrByFloat(cur, []byte(g.fields[1]))
		switch {
		case errors.Is(err, ErrNotFloat):
			got = "ERR-FLOAT"
		case errors.Is(err, ErrResultNaNOrInf):
			got = "ERR-NANINF"
		default:
			require.NoError(t, err)
		}
		assert.Equal(t, g.fields[2], got, "line %d: %q + %q", g.line, g.fields[0], g.fields[1])
	}
}

func TestIncrByFloat_MissingVersusEmpty(t *testing.T) {
	got, err := IncrByFloat(nil, []byte("1.5"))
	require.NoError(t, err)
	assert.Equal(t, "1.5", got)

	_, err = IncrByFloat([]byte(""), []byte("1.5"))
	assert.ErrorIs(t, err, ErrNotFloat)
	_, err = IncrByFloat([]byte{}, []byte("1.5"))
	assert.ErrorIs(t, err, ErrNotFloat)
}

// The order of HINCRBYFLOAT's checks was run against redis-server 7.0.15:
//
//	HINCRBYFLOAT h f inf        -> -ERR value is NaN or Infinity
//	HINCRBYFLOAT h f nan        -> -ERR value is not a valid float
//	HSET h g abc; HINCRBYFLOAT h g 1    -> -ERR hash value is not a float
//	HINCRBYFLOAT h g inf        -> -ERR value is NaN or Infinity (before the field)
//	HINCRBYFLOAT h g x          -> -ERR value is not a valid float
//	HSET h i inf; HINCRBYFLOAT h i 1    -> -ERR increment would produce NaN or Infinity
//	SET s x; HINCRBYFLOAT s f abc       -> -ERR value is not a valid float (before WRONGTYPE)
//	HINCRBYFLOAT s f inf        -> -ERR value is NaN or Infinity (before WRONGTYPE)
//	HINCRBYFLOAT s f 1          -> -WRONGTYPE ...
//	HSET h n 5; HINCRBYFLOAT h n 0.1    -> "5.1"
//	HINCRBYFLOAT h new 1e-5     -> "0.00001"
func TestHIncrByFloat_OrderOfChecks(t *testing.T) {
	_, err := HIncrByFloatIncrement([]byte("inf"))
	assert.ErrorIs(t, err, ErrIncrementNaNOrInf)
	_, err = HIncrByFloatIncrement([]byte("-Infinity"))
	assert.ErrorIs(t, err, ErrIncrementNaNOrInf)
	_, err = HIncrByFloatIncrement([]byte("nan"))
	assert.ErrorIs(t, err, ErrNotFloat)
	_, err = HIncrByFloatIncrement([]byte("x"))
	assert.ErrorIs(t, err, ErrNotFloat)

	one, err := HIncrByFloatIncrement([]byte("1"))
	require.NoError(t, err)
	_, err = HIncrByFloat([]byte("abc"), one)
	assert.ErrorIs(t, err, ErrHashValueNotFloat)
	_, err = HIncrByFloat([]byte("inf"), one)
	assert.ErrorIs(t, err, ErrResultNaNOrInf)

	inc, err := HIncrByFloatIncrement([]byte("0.1"))
	require.NoError(t, err)
	got, err := HIncrByFloat([]byte("5"), inc)
	require.NoError(t, err)
	assert.Equal(t, "5.1", got)

	inc, err = HIncrByFloatIncrement([]byte("1e-5"))
	require.NoError(t, err)
	got, err = HIncrByFloat(nil, inc)
	require.NoError(t, err)
	assert.Equal(t, "0.00001", got)
}

func TestErrors_WireText(t *testing.T) {
	assert.Equal(t, "ERR value is not a valid float", ErrNotFloat.Error())
	assert.Equal(t, "ERR hash value is not a float", ErrHashValueNotFloat.Error())
	assert.Equal(t, "ERR value is NaN or Infinity", ErrIncrementNaNOrInf.Error())
	assert.Equal(t, "ERR increment would produce NaN or Infinity", ErrResultNaNOrInf.Error())
}

func TestLongDouble_Add(t *testing.T) {
	p := func(s string) LongDouble {
		t.Helper()
		x, ok := ParseLongDoubleString(s)
		require.True(t, ok, s)
		return x
	}
	assert.True(t, p("inf").Add(p("-inf")).IsNaN())
	assert.True(t, p("inf").Add(p("1")).IsInf())
	assert.True(t, p("-inf").Add(p("-inf")).IsInf())
	assert.True(t, p("0x1.fffffffffffffffep16383").Add(p("0x1p16320")).IsInf(), "overflow rounds to inf")
	assert.True(t, p("0x1.fffffffffffffffep16383").Add(p("0x1p16319")).IsInf(), "a tie rounds to even, which is up here")
	assert.False(t, p("0x1.fffffffffffffffep16383").Add(p("0x1.fffffffffffffffep16318")).IsInf(), "below the tie")
	assert.Equal(t, "0", p("-0").Add(p("-0")).String())
	assert.Equal(t, "0", p("1.5").Add(p("-1.5")).String())
	assert.Equal(t, "0.3", p("0.1").Add(p("0.2")).String())
	assert.Equal(t, "0.3", p("0.2").Add(p("0.1")).String())
	// Above 2^64 the spacing is 2, so odd sums are ties, rounded to even
	// significands (x87 agrees).
	assert.Equal(t, "18446744073709551616", p("18446744073709551616").Add(p("1")).String())
	assert.Equal(t, "18446744073709551620", p("18446744073709551616").Add(p("3")).String())
	assert.Equal(t, "nan", LongDouble{class: ldNaN}.String())
	assert.Equal(t, "-inf", p("-inf").String())
	assert.Equal(t, "inf", p("inf").String())
	var zero LongDouble
	assert.Equal(t, "0", zero.String())
	assert.Equal(t, "7", zero.Add(p("7")).String())
}

func TestParseLongDouble_Limits(t *testing.T) {
	_, ok := ParseLongDoubleString("1." + strings.Repeat("0", 5117))
	assert.True(t, ok, "5119 bytes is the longest accepted input")
	_, ok = ParseLongDoubleString("1." + strings.Repeat("0", 5118))
	assert.False(t, ok, "MAX_LONG_DOUBLE_CHARS bytes are rejected")
	x, ok := ParseLongDoubleString("0." + strings.Repeat("0", 4000) + "1e4000")
	require.True(t, ok)
	assert.Equal(t, "0.1", x.String())
	x, ok = ParseLongDouble([]byte("0x1p-16445"))
	require.True(t, ok, "the smallest subnormal")
	assert.Equal(t, "0", x.String())
	_, ok = ParseLongDouble([]byte("0x1p-16446"))
	assert.False(t, ok, "half the smallest subnormal ties to 0: underflow")
	_, ok = ParseLongDouble([]byte("0x1.8p-16446"))
	assert.True(t, ok)
	_, ok = ParseLongDouble([]byte("0x1p16384"))
	assert.False(t, ok)
	_, ok = ParseLongDouble([]byte("1e99999999999999999999"))
	assert.False(t, ok)
	x, ok = ParseLongDouble([]byte("0e99999999999999999999"))
	require.True(t, ok)
	assert.Equal(t, "0", x.String())
}

func BenchmarkIncrByFloat(b *testing.B) {
	for _, bc := range []struct{ name, cur, incr string }{
		{"integers", "41", "1"},
		{"decimals", "10.5", "0.1"},
		{"exponent", "1.5e10", "2.5e-3"},
		{"long_digits", "3.14159265358979323846", "2.71828182845904523536"},
	} {
		cur, incr := []byte(bc.cur), []byte(bc.incr)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = IncrByFloat(cur, incr)
			}
		})
	}
}
