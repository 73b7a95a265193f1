package rconv

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scores below came back from ZSCAN on a skiplist-encoded sorted set of
// redis-server 7.0.15 (ld2string LD_STR_AUTO, as in 7.4); the others follow
// printf's %g rules.
func TestFormatLongDoubleG17_Table(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0.1, "0.10000000000000001"},       // server
		{-0.3, "-0.29999999999999999"},     // server
		{123456789.123, "123456789.123"},   // server
		{1e21, "1e+21"},                    // server
		{1.5e-5, "1.5e-05"},                // server
		{1e300, "1.0000000000000001e+300"}, // server
		{math.Inf(-1), "-inf"},             // server
		{math.Inf(1), "inf"},
		{math.NaN(), "nan"},
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{1, "1"},
		{130, "130"},
		{1e16, "10000000000000000"},
		{1e17, "1e+17"}, // exponent 17 >= precision
		{123456789012345678, "1.2345678901234568e+17"},
		{0.0001, "0.0001"}, // exponent -4 stays fixed
		{0.00001, "1.0000000000000001e-05"},
		{1.5, "1.5"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{5e-324, "4.9406564584124654e-324"}, // as ZSCORE showed it in 7.0
		{1e-320, "9.9998886718268301e-321"}, // as ZSCORE showed it in 7.0
		{1e100, "1e+100"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, FormatLongDoubleG17(tc.in), "FormatLongDoubleG17(%v)", tc.in)
		assert.Equal(t, "x"+tc.want, string(AppendLongDoubleG17([]byte("x"), tc.in)))
	}
}

// TestFormatLongDoubleG17_Golden compares with glibc's printf("%.17Lg").
func TestFormatLongDoubleG17_Golden(t *testing.T) {
	for _, g := range readGolden(t, "g17.txt") {
		require.Len(t, g.fields, 2, "line %d", g.line)
		b, err := strconv.ParseUint(g.fields[0], 16, 64)
		require.NoError(t, err)
		f := math.Float64frombits(b)
		assert.Equal(t, g.fields[1], FormatLongDoubleG17(f), "line %d: %v", g.line, f)
	}
}
