package rconv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Cases marked (server) were checked with INCRBY against redis-server
// 7.0.15, whose string2ll is the 7.4 one.
func TestParseInt_Table(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, // (server)
		{"1", 1, true},
		{"-1", -1, true},
		{"99", 99, true},
		{"-99", -99, true},
		{"9223372036854775807", math.MaxInt64, true},  // (server)
		{"-9223372036854775808", math.MinInt64, true}, // (server)
		{"9223372036854775808", 0, false},             // (server) overflow
		{"-9223372036854775809", 0, false},            // (server) overflow
		{"18446744073709551615", 0, false},            // fits uint64, not int64
		{"18446744073709551616", 0, false},            // overflows uint64 in the loop
		{"99999999999999999999", 0, false},            // 20 digits
		{"123456789012345678901", 0, false},           // (server) 21 bytes
		{"-0", 0, false},                              // (server)
		{"+5", 0, false},                              // (server)
		{"05", 0, false},                              // (server)
		{"00", 0, false},                              // (server)
		{"-05", 0, false},                             // (server)
		{" 5", 0, false},                              // (server)
		{"5 ", 0, false},                              // (server)
		{"5.0", 0, false},                             // (server)
		{"", 0, false},                                // (server)
		{"-", 0, false},                               // (server)
		{"1\x00", 0, false},                           // (server)
		{"0000000000000000000001", 0, false},          // (server)
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"١", 0, false}, // (server) Arabic-Indic digit
		{"-1-", 0, false},
		{"12a", 0, false},
		{"4611686018427387904", 4611686018427387904, true},
		{"-4611686018427387904", -4611686018427387904, true},
		{"10000000000000000000", 0, false}, // 1e19 > MaxInt64
		{"-1000000000000000000", -1000000000000000000, true},
		{"1000000000000000000", 1000000000000000000, true},
		{"-9999999999999999999", 0, false},
		{"9223372036854775806", math.MaxInt64 - 1, true},
		{"-9223372036854775807", math.MinInt64 + 1, true},
		{"09223372036854775807", 0, false},
		{"-09223372036854775808", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseIntString(tc.in)
		assert.Equal(t, tc.ok, ok, "ParseIntString(%q)", tc.in)
		assert.Equal(t, tc.want, got, "ParseIntString(%q)", tc.in)
		got, ok = ParseInt([]byte(tc.in))
		assert.Equal(t, tc.ok, ok, "ParseInt(%q)", tc.in)
		assert.Equal(t, tc.want, got, "ParseInt(%q)", tc.in)
	}
}

// TestParseInt_CanonicalRoundTrip: string2ll accepts exactly the canonical
// decimal spelling of every int64.
func TestParseInt_CanonicalRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 100000; i++ {
		v := r.Int64() >> uint(r.IntN(64))
		if r.IntN(2) == 0 {
			v = -v
		}
		s := strconv.FormatInt(v, 10)
		got, ok := ParseIntString(s)
		if !assert.True(t, ok, s) || !assert.Equal(t, v, got, s) {
			return
		}
		// Any non-canonical spelling of the same number is rejected.
		for _, bad := range []string{"+" + s, "0" + s, s + " ", " " + s, s + ".0"} {
			_, ok := ParseIntString(bad)
			if !assert.False(t, ok, bad) {
				return
			}
		}
	}
}

// Cases marked (7.0 xrange) were checked against redis-server 7.0.15 through
// stream ID parsing, which uses the same string2ull as 7.4's SCAN cursor;
// the others follow from string2ull's code (string2ll, then strtoull).
func TestParseUint64_Table(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true},
		{"5", 5, true},
		{"18446744073709551615", math.MaxUint64, true}, // (7.0 xrange)
		{"18446744073709551616", 0, false},             // (7.0 xrange) ERANGE
		{"99999999999999999999999", 0, false},          // ERANGE
		{"+5", 5, true},                                // (7.0 xrange) strtoull takes '+'
		{"05", 5, true},                                // (7.0 xrange)
		{" 5", 5, true},                                // (7.0 xrange) strtoull skips spaces
		{"\t\n\v\f\r 7", 7, true},                      // all of isspace()
		{"5 ", 0, false},                               // (7.0 xrange) trailing junk
		{"", 0, false},                                 // (7.0 xrange) *s == '\0'
		{" ", 0, false},                                // no digits
		{"abc", 0, false},
		{"0x10", 0, false}, // (7.0 xrange) base 10 only
		{"-5", 0, false},   // string2ll gives -5: negative
		{"-0", 0, true},    // string2ll rejects, strtoull: 0
		{"-00", 0, true},
		{" -5", math.MaxUint64 - 4, true},  // strtoull negates
		{"-18446744073709551615", 1, true}, // strtoull negates
		{"-9223372036854775809", 9223372036854775807, true},
		{"-18446744073709551616", 0, false},   // ERANGE
		{"000000000000000000000005", 5, true}, // too long for string2ll
		{"5\x00x", 5, true},                   // (7.0 xrange) C string ends at NUL
		{"\x005", 0, false},                   // empty C string
		{"+", 0, false},
		{"-", 0, false},
		{"+-5", 0, false},
		{"9223372036854775808", 9223372036854775808, true},
	}
	for _, tc := range tests {
		got, ok := ParseUint64String(tc.in)
		assert.Equal(t, tc.ok, ok, "ParseUint64String(%q)", tc.in)
		assert.Equal(t, tc.want, got, "ParseUint64String(%q)", tc.in)
		got, ok = ParseUint64([]byte(tc.in))
		assert.Equal(t, tc.ok, ok, "ParseUint64(%q)", tc.in)
		assert.Equal(t, tc.want, got, "ParseUint64(%q)", tc.in)
	}
}

func BenchmarkParseInt(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"small", "42"},
		{"negative", "-123456"},
		{"max", "9223372036854775807"},
		{"invalid", "12a"},
	} {
		in := []byte(bc.in)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = ParseInt(in)
			}
		})
	}
	b.Run("strconv_peer", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = strconv.ParseInt("-123456", 10, 64)
		}
	})
}
