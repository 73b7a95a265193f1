package rconv

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The installed oracle (redis-server 7.0.15) formats double replies with
// %.17g; Redis 7.2+ switched to d2string/fpconv_dtoa, so these expectations
// come from REDIS_SEMANTICS.md A.7 (marked A.7) and from fpconv's layout
// rules applied to the value's digits (the others).
func TestFormatDouble_Table(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{math.NaN(), "nan"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{0.1, "0.1"}, // A.7
		{1.5, "1.5"}, // A.7
		{3.0, "3"},   // A.7
		{-3.0, "-3"},
		{1e15, "1000000000000000"}, // A.7
		{1.5e20, "1.5e+20"},        // A.7
		{1e21, "1e+21"},            // A.7
		{0.0001, "0.0001"},         // A.7
		{1.25e-7, "1.25e-7"},       // A.7
		{1e22, "1e+22"},
		{123456789012345680000, "123456789012345680000"}, // K=4: plain digits and zeros
		{0.00001, "0.00001"},                             // K=-5 > -7
		{0.000001, "0.000001"},                           // K=-6
		{1e-7, "1e-7"},                                   // K=-7 and |exp| = 7
		{1.5e-6, "1.5e-6"},                               // K=-7, |exp| = 6
		{0.000123, "0.000123"},                           // K=-6
		{0.0001234, "1.234e-4"},                          // K=-7, |exp| = 4
		{0.001234, "0.001234"},                           // K=-6
		{1234.5678, "1234.5678"},
		{12345.678901234567, "1.2345678901234567e+4"}, // K=-12, |exp| = 4
		{1234.5678901234567, "1234.5678901234567"},    // K=-13, |exp| = 3
		{0.3, "0.3"},
		{-0.1, "-0.1"},
		{0.30000000000000004, "0.30000000000000004"}, // the double nearest 0.1+0.2
		{1 << 62, "4611686018427387904"},             // double2ll's bound is inclusive
		{-(1 << 62), "-4611686018427387904"},
		{1 << 63, "9223372036854776000"}, // Grisu digits, K=3
		{-(1 << 63), "-9223372036854776000"},
		{1 << 64, "18446744073709552000"},
		{1e19, "1e+19"},     // K=19
		{1.2e19, "1.2e+19"}, // above 2^62: digits "12", K=18
		{-1e-300, "-1e-300"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{2.2250738585072014e-308, "2.2250738585072014e-308"},
		{1e100, "1e+100"}, // three-digit exponent
		{1.5e-100, "1.5e-100"},
		{1e-10, "1e-10"},
		{2251799813685248.5, "2251799813685248.5"}, // 2^51 + 0.5: not integral
		{4503599627370497, "4503599627370497"},     // integral, ll2string
		{123456.5, "123456.5"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, DoubleString(tc.in), "DoubleString(%v)", tc.in)
		assert.Equal(t, "x"+tc.want, string(FormatDouble([]byte("x"), tc.in)), "FormatDouble appends")
	}
}

// TestFormatDouble_RoundTrips checks properties that hold for every double:
// the text parses back to the same value, never has more than 17 significant
// digits, and is never shorter than strconv's shortest digits (Grisu2 is
// sometimes longer, or picks a different last digit, but never shorter).
func TestFormatDouble_RoundTrips(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	notShortest := 0
	const n = 300000
	for i := 0; i < n; i++ {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
			continue
		}
		s := DoubleString(f)
		back, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err, s)
		require.Equal(t, f, back, "%v printed as %s", f, s)

		var digits [24]byte
		nd, _ := grisu2(f, &digits)
		require.True(t, nd >= 1 && nd <= 17, "%v: %d digits", f, nd)
		short := shortestDigits(f)
		require.GreaterOrEqual(t, nd, len(short), "%v", f)
		if string(digits[:nd]) != short {
			notShortest++
		}
	}
	// Grisu2 is optimal for about 99.9% of doubles; it must not be a
	// shortest-digits algorithm in disguise, nor wildly off.
	assert.Greater(t, notShortest, 0)
	assert.Less(t, notShortest, n/200)
}

func shortestDigits(f float64) string {
	s := strconv.FormatFloat(math.Abs(f), 'e', -1, 64)
	s = s[:strings.IndexByte(s, 'e')]
	return strings.Replace(s, ".", "", 1)
}

// TestFormatDouble_Grisu2NotShortest pins doubles for which Grisu2, and so
// Redis 7.4, does not print the shortest (or closest) digits, as a guard
// against "simplifying" FormatDouble to strconv. The expected strings are
// this package's Grisu2 output; strconv's shortest digits are given for
// contrast.
func TestFormatDouble_Grisu2NotShortest(t *testing.T) {
	tests := []struct {
		in       float64
		want     string
		shortest string
	}{
		{-7.106426066689783e-48, "-7.106426066689782e-48", "-7.106426066689783e-48"},
		{-1.770670666590616e+210, "-1.7706706665906161e+210", "-1.770670666590616e+210"},
		{7.21751015219592e-28, "7.2175101521959204e-28", "7.21751015219592e-28"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, DoubleString(tc.in))
		assert.Equal(t, tc.shortest, strconv.FormatFloat(tc.in, 'g', -1, 64))
	}
}

func TestAppendDigitsLayout_Table(t *testing.T) {
	tests := []struct {
		digits string
		k      int
		neg    bool
		want   string
	}{
		{"1", 0, false, "1"},
		{"1", 7, false, "10000000"},
		{"1", 8, false, "1e+8"},
		{"12", 6, false, "12000000"},
		{"12", 8, false, "1.2e+9"},
		{"12345678901234568", 4, false, "123456789012345680000"},
		{"12345678901234568", 8, false, "1.2345678901234568e+24"},
		{"5", -1, false, "0.5"},
		{"5", -6, false, "0.000005"},
		{"5", -7, false, "5e-7"},
		{"123", -3, false, "0.123"},
		{"123", -2, false, "1.23"},
		{"1234567", -6, false, "1.234567"},   // K=-6 > -7
		{"12345678", -7, false, "1.2345678"}, // K=-7, |exp| = 0
		{"12345678", -4, false, "1234.5678"},
		{"12345678", -3, false, "12345.678"}, // K > -7 wins over |exp| = 4
		{"123456789", -4, false, "12345.6789"},
		{"1234567891", -7, false, "123.4567891"},
		{"12345678912", -7, false, "1234.5678912"}, // K=-7 but |K+n-1| = 3 < 4
		{"1", -100, false, "1e-100"},
		{"1", 100, false, "1e+100"},
		{"17976931348623157", 292, false, "1.7976931348623157e+308"},
		{"123456789012345678", 10, true, "1.2345678901234567e+27"}, // the 17-digit cap for negatives
		{"123456789012345678", 10, false, "1.23456789012345678e+27"},
		{"1", 105, false, "1e+105"},
		{"1", -105, false, "1e-105"},
	}
	for _, tc := range tests {
		got := string(appendDigitsLayout(nil, []byte(tc.digits), tc.k, tc.neg))
		assert.Equal(t, tc.want, got, "%s·10^%d", tc.digits, tc.k)
	}
}

// TestPow10Cache recomputes the Grisu cached powers: 10^k for k = -348 step
// 8, normalized to a 64-bit significand rounded to nearest.
func TestPow10Cache(t *testing.T) {
	for i, c := range pow10Cache {
		k := pow10CacheFirst + i*pow10CacheStep
		exact := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(absInt(k))), nil)
		var f big.Float
		f.SetPrec(64).SetMode(big.ToNearestEven)
		if k >= 0 {
			f.SetInt(exact)
		} else {
			f.Quo(new(big.Float).SetInt64(1), new(big.Float).SetInt(exact))
		}
		var m big.Float
		e := f.MantExp(&m)
		m.SetMantExp(&m, 64)
		u, acc := m.Uint64()
		require.Equal(t, big.Exact, acc)
		assert.Equal(t, u, c.f, "10^%d significand", k)
		assert.Equal(t, e-64, c.e, "10^%d exponent", k)
	}
}

func BenchmarkFormatDouble(b *testing.B) {
	for _, bc := range []struct {
		name string
		v    float64
	}{
		{"integer", 1234567},
		{"0.1", 0.1},
		{"pi", math.Pi},
		{"1e21", 1e21},
		{"small", 1.25e-7},
		{"max", math.MaxFloat64},
	} {
		buf := make([]byte, 0, 32)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = FormatDouble(buf[:0], bc.v)
			}
		})
	}
	b.Run("strconv_peer_pi", func(b *testing.B) {
		buf := make([]byte, 0, 32)
		b.ReportAllocs()
		for b.Loop() {
			buf = strconv.AppendFloat(buf[:0], math.Pi, 'g', -1, 64)
		}
	})
}
