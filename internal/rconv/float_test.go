package rconv

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every case here was checked with ZADD + ZSCORE against redis-server 7.0.15,
// whose string2d is the 7.4 one: ok=false means "-ERR value is not a valid
// float".
func TestParseFloat_RedisServerCases(t *testing.T) {
	inf, ninf := math.Inf(1), math.Inf(-1)
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1", 1, true},
		{"", 0, false},
		{" 1", 0, false},
		{"\t1", 0, false},
		{"1 ", 0, false},
		{"nan", 0, false},
		{"NaN", 0, false},
		{"-nan", 0, false},
		{"nan(123)", 0, false},
		{"inf", inf, true},
		{"+inf", inf, true},
		{"-inf", ninf, true},
		{"INF", inf, true},
		{"Infinity", inf, true},
		{"-INFINITY", ninf, true},
		{"infinit", 0, false},
		{"infinityx", 0, false},
		{"1e3", 1000, true},
		{"1E3", 1000, true},
		{"0x1p4", 16, true},
		{"0X1P4", 16, true},
		{"0x1.8", 1.5, true},
		{"0x.8", 0.5, true},
		{"0x1.", 1, true},
		{"0x1.8p1", 3, true},
		{"0x", 0, false},
		{"0x.", 0, false},
		{"0xp1", 0, false},
		{"0x1p", 0, false},
		{"0x1p+", 0, false},
		{"0xg", 0, false},
		{"00x1", 0, false},
		{"0x1P-1074", 5e-324, true},
		{"0x1p-1075", 0, false}, // halfway to 0: ties to even, underflow
		{"0x1p-1076", 0, false},
		{"0x1p1024", 0, false},
		{"0x1.fffffffffffffp1023", math.MaxFloat64, true},
		{"1e400", 0, false},
		{"-1e400", 0, false},
		{"1e-400", 0, false},
		{"-1e-400", 0, false},
		{"5e-324", 5e-324, true},
		{"4.9e-324", 5e-324, true},
		{"3e-324", 5e-324, true},
		{"2e-324", 0, false},
		{"2.4703282292062328e-324", 5e-324, true},
		{"2.4703282292062327e-324", 0, false},
		{"1e-320", 1e-320, true},
		{"0e-999999", 0, true},
		{"0e999999", 0, true},
		{"1e308", 1e308, true},
		{"1.7976931348623157e308", math.MaxFloat64, true},
		{"1.7976931348623158e308", math.MaxFloat64, true},
		{"1.7976931348623159e308", 0, false},
		{"-0", math.Copysign(0, -1), true},
		{"+1", 1, true},
		{".5", 0.5, true},
		{"5.", 5, true},
		{".", 0, false},
		{"1e", 0, false},
		{"1e+", 0, false},
		{"1_0", 0, false},
		{"+-1", 0, false},
		{"--1", 0, false},
		{"1.5e-7", 1.5e-7, true},
		{"0001", 1, true},
		{"1\x00", 0, false},
		{"+.5e+1", 5, true},
		{"1,5", 0, false},
		{"٣", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseFloatString(tc.in)
		assert.Equal(t, tc.ok, ok, "ParseFloatString(%q)", tc.in)
		assert.Equal(t, math.Float64bits(tc.want), math.Float64bits(got),
			"ParseFloatString(%q) = %v, want %v", tc.in, got, tc.want)
		got2, ok2 := ParseFloat([]byte(tc.in))
		assert.Equal(t, ok, ok2, "ParseFloat(%q)", tc.in)
		assert.Equal(t, math.Float64bits(got), math.Float64bits(got2), "ParseFloat(%q)", tc.in)
	}
}

// TestParseFloat_Golden runs inputs (valid, junk and range edges, decimal and
// hex) whose expected results glibc's strtod computed under string2d's checks.
func TestParseFloat_Golden(t *testing.T) {
	for _, g := range readGolden(t, "strtod.txt") {
		require.Len(t, g.fields, 3, "line %d", g.line)
		in, want := g.fields[0], g.fields[1]
		v, ok := ParseFloatString(in)
		got := "ERR"
		if ok {
			got = fmt.Sprintf("%016x", math.Float64bits(v))
		}
		assert.Equal(t, want, got, "line %d: ParseFloatString(%q)", g.line, in)
	}
}

// Cases marked (server) were checked with ZCOUNT against redis-server 7.0.15
// (zslParseRange is unchanged in 7.4); ok=false means "-ERR min or max is not
// a float".
func TestParseScoreBound_Table(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		in   string
		want float64
		ex   bool
		ok   bool
	}{
		{"", 0, false, true},        // (server) quirk: empty means 0
		{"(", 0, true, true},        // (server) quirk: bare "(" means exclusive 0
		{" 5", 5, false, true},      // (server) strtod skips white space
		{"( 5", 5, true, true},      // (server)
		{"\t5", 5, false, true},     // (server)
		{"\v5", 5, false, true},     // (server)
		{"\n5", 5, false, true},     // (server)
		{"5 ", 0, false, false},     // (server) trailing junk
		{"  ", 0, false, false},     // (server) no conversion
		{" ", 0, false, false},      // (server)
		{"nan", 0, false, false},    // (server)
		{"(nan", 0, false, false},   // (server)
		{"1e400", inf, false, true}, // (server) overflow is +inf here
		{"(1e400", inf, true, true}, // (server)
		{"-1e400", -inf, false, true},
		{"1e-400", 0, false, true}, // (server) underflow is 0 here
		{"((1", 0, false, false},   // (server)
		{"(inf", inf, true, true},  // (server)
		{"(-inf", -inf, true, true},
		{"+inf", inf, false, true},
		{"-inf", -inf, false, true},
		{"abc", 0, false, false},     // (server)
		{"5\x00abc", 5, false, true}, // (server) the C string ends at NUL
		{"\x00", 0, false, true},     // (server)
		{"(\x00", 0, true, true},     // (server)
		{"\x00(5", 0, false, true},
		{"0x10", 16, false, true}, // (server)
		{"(0x10", 16, true, true}, // (server)
		{"5e", 0, false, false},   // (server)
		{"-", 0, false, false},    // (server)
		{"+", 0, false, false},    // (server)
		{"1.5", 1.5, false, true},
		{"(2.5", 2.5, true, true},
		{"-0", math.Copysign(0, -1), false, true},
	}
	for _, tc := range tests {
		got, ex, ok := ParseScoreBound([]byte(tc.in))
		assert.Equal(t, tc.ok, ok, "ParseScoreBound(%q) ok", tc.in)
		assert.Equal(t, tc.ex, ex, "ParseScoreBound(%q) exclusive", tc.in)
		assert.Equal(t, math.Float64bits(tc.want), math.Float64bits(got), "ParseScoreBound(%q) = %v", tc.in, got)
	}
}

// TestParseScoreBound_Golden uses the same inputs as TestParseFloat_Golden
// with expectations from glibc's strtod under zslParseRange's checks.
func TestParseScoreBound_Golden(t *testing.T) {
	for _, g := range readGolden(t, "strtod.txt") {
		in, want := g.fields[0], g.fields[2]
		v, ex, ok := ParseScoreBound([]byte(in))
		got := "ERR"
		if ok {
			got = fmt.Sprintf("%d %016x", map[bool]int{false: 0, true: 1}[ex], math.Float64bits(v))
		}
		assert.Equal(t, want, got, "line %d: ParseScoreBound(%q)", g.line, in)
	}
}

// Cases marked (server) were checked with ZLEXCOUNT against redis-server
// 7.0.15; ok=false means "-ERR min or max not valid string range item".
func TestParseLexBound_Table(t *testing.T) {
	tests := []struct {
		in    string
		value string
		kind  LexBoundKind
		ok    bool
	}{
		{"-", "", LexNegInf, true},      // (server)
		{"+", "", LexPosInf, true},      // (server)
		{"[", "", LexInclusive, true},   // (server) empty inclusive
		{"(", "", LexExclusive, true},   // (server)
		{"[b", "b", LexInclusive, true}, // (server)
		{"(b", "b", LexExclusive, true}, // (server)
		{"(-", "-", LexExclusive, true}, // (server)
		{"[\x00", "\x00", LexInclusive, true},
		{"+\x00", "", LexPosInf, true},  // (server) c[1] is tested against '\0'
		{"-\x00x", "", LexNegInf, true}, // (server)
		{"", "", 0, false},              // (server)
		{"a", "", 0, false},             // (server)
		{"+x", "", 0, false},            // (server)
		{"-x", "", 0, false},            // (server)
		{"++", "", 0, false},            // (server)
		{" [a", "", 0, false},           // (server)
	}
	for _, tc := range tests {
		v, kind, ok := ParseLexBound([]byte(tc.in))
		assert.Equal(t, tc.ok, ok, "ParseLexBound(%q) ok", tc.in)
		assert.Equal(t, tc.kind, kind, "ParseLexBound(%q) kind", tc.in)
		assert.Equal(t, tc.value, string(v), "ParseLexBound(%q) value", tc.in)
	}
}

func TestParseLexBound_ValueAliasesInput(t *testing.T) {
	in := []byte("[member")
	v, _, ok := ParseLexBound(in)
	require.True(t, ok)
	in[1] = 'M'
	assert.Equal(t, "Member", string(v))
}

func BenchmarkParseFloat(b *testing.B) {
	for _, in := range []string{"1.5", "3.141592653589793", "-1e-300", "inf", "0x1p4"} {
		buf := []byte(in)
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = ParseFloat(buf)
			}
		})
	}
	b.Run("strconv_peer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = strconv.ParseFloat("3.141592653589793", 64)
		}
	})
}
