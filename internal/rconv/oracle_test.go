package rconv

// Differential tests against the real things, off by default:
//
//	RCONV_GLIBC_ORACLE=1   compile testdata/oracle.c with cc and compare
//	                       IncrByFloat, LongDouble.Add (bit for bit),
//	                       ParseFloat, ParseScoreBound, ParseUint64 and
//	                       FormatLongDoubleG17 with glibc on random inputs.
//	RCONV_REDIS_ADDR=host:port
//	                       compare Match with KEYS on that redis-server
//	                       (it uses and flushes database 9).
//	RCONV_REDIS_CLUSTER_ADDR=host:port
//	                       compare KeySlot with CLUSTER KEYSLOT.
//	RCONV_SEED=n           fix the random seed (printed otherwise).
//	RCONV_N=n              cases per comparison (default 100000).
//
// The golden files in testdata were produced the same way (oracle.c for the
// glibc ones, KEYS on redis-server 7.0.15 for glob.txt); each says so in its
// header.
//
// FormatDouble has no oracle here: the redis-server in the dev image is
// 7.0, which formats doubles with %.17g rather than 7.4's fpconv_dtoa.

import (
	"bufio"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func oracleRand(t *testing.T) (*rand.Rand, int) {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RCONV_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
		seed = v
	}
	n := 100000
	if s := os.Getenv("RCONV_N"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(t, err)
		n = v
	}
	t.Logf("RCONV_SEED=%d RCONV_N=%d", seed, n)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), n
}

// buildGlibcOracle compiles testdata/oracle.c, or skips the test.
func buildGlibcOracle(t *testing.T) string {
	t.Helper()
	if os.Getenv("RCONV_GLIBC_ORACLE") == "" {
		t.Skip("set RCONV_GLIBC_ORACLE=1 to compare with glibc")
	}
	bin := filepath.Join(t.TempDir(), "oracle")
	out, err := exec.Command("cc", "-O2", "-o", bin, "testdata/oracle.c", "-lm").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

func runGlibcOracle(t *testing.T, bin, mode string, lines []string) []string {
	t.Helper()
	cmd := exec.Command(bin, mode)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.Output()
	require.NoError(t, err)
	res := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	require.Len(t, res, len(lines))
	return res
}

// randNumber returns a number as text in one of many shapes strtod accepts.
func randNumber(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0:
		return strconv.FormatInt(r.Int64()>>uint(r.IntN(64)), 10)
	case 1:
		return strconv.FormatFloat(r.NormFloat64()*math.Pow(10, float64(r.IntN(30)-15)), 'f', -1, 64)
	case 2:
		return strconv.FormatFloat(math.Float64frombits(r.Uint64()), 'g', -1, 64)
	case 3:
		var b strings.Builder
		if r.IntN(2) == 0 {
			b.WriteByte('-')
		}
		for i := 0; i <= r.IntN(40); i++ {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		if r.IntN(2) == 0 {
			b.WriteByte('.')
			for i := 0; i < r.IntN(30); i++ {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "e%d", r.IntN(200)-100)
		}
		return b.String()
	case 4:
		return fmt.Sprintf("%de%d", r.IntN(1000), r.IntN(9900)-4950)
	case 5:
		return fmt.Sprintf("0x%xp%d", r.Uint64()>>uint(r.IntN(64)), r.IntN(400)-200)
	case 6:
		return fmt.Sprintf("0.%018d", r.Uint64()%1e18)
	case 7:
		return fmt.Sprintf("%d.%d", r.IntN(100), r.IntN(1000000))
	case 8:
		return strconv.FormatUint(r.Uint64(), 10)
	case 9:
		return fmt.Sprintf("%de-%d", r.Uint64()>>uint(r.IntN(64)), r.IntN(25))
	case 10:
		return fmt.Sprintf("%de%d", r.Uint64()>>uint(r.IntN(64)), r.IntN(25))
	default:
		return fmt.Sprintf("%.*e", r.IntN(25), r.Float64()*math.Pow(10, float64(r.IntN(60)-30)))
	}
}

// randEdgeNumber returns numbers near the long double's overflow and
// subnormal ranges, long hex significands and big integers.
func randEdgeNumber(r *rand.Rand) string {
	sign := ""
	if r.IntN(2) == 0 {
		sign = "-"
	}
	switch r.IntN(8) {
	case 0:
		return fmt.Sprintf("%s0x%xp%d", sign, r.Uint64(), 16383-64+r.IntN(6)-3)
	case 1:
		return fmt.Sprintf("%s0x%xp%d", sign, r.Uint64()>>uint(r.IntN(64)), -16445-r.IntN(70)+30)
	case 2:
		return fmt.Sprintf("%s%d.%de%d", sign, 1+r.IntN(9), r.Uint64(), 4932-r.IntN(3))
	case 3:
		return fmt.Sprintf("%s%d.%de-%d", sign, 1+r.IntN(9), r.Uint64(), 4940+r.IntN(15))
	case 4:
		return fmt.Sprintf("%s0x1.%016xp%d", sign, r.Uint64(), r.IntN(200)-100)
	case 5:
		return sign + strconv.FormatUint(r.Uint64(), 10)
	case 6:
		return fmt.Sprintf("%s0x%x%016x.%xp-%d", sign, r.Uint64(), r.Uint64(), r.Uint64(), r.IntN(140))
	default:
		return sign + "1" + strings.Repeat("0", r.IntN(30))
	}
}

// randJunk returns short strings over strtod's alphabet, mostly invalid.
func randJunk(r *rand.Rand) string {
	const alpha = "0123456789.eE+-xXpPaAfFiInNtTyY() _"
	b := make([]byte, 1+r.IntN(12))
	for i := range b {
		b[i] = alpha[r.IntN(len(alpha))]
	}
	return string(b)
}

// negated returns s with its sign flipped, sometimes with a digit appended,
// to make near-cancelling sums.
func negated(r *rand.Rand, s string) string {
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	} else {
		s = "-" + s
	}
	if r.IntN(2) == 0 {
		s += "1"
	}
	return s
}

func TestOracle_GlibcIncrByFloat(t *testing.T) {
	bin := buildGlibcOracle(t)
	r, n := oracleRand(t)
	curs, incs, lines := make([]string, n), make([]string, n), make([]string, n)
	for i := range lines {
		a, b := randNumber(r), randNumber(r)
		if i%2 == 1 {
			a, b = randEdgeNumber(r), randEdgeNumber(r)
		}
		switch r.IntN(6) {
		case 0:
			a = ""
		case 1:
			b = negated(r, a)
		}
		curs[i], incs[i], lines[i] = a, b, a+"|"+b
	}
	want := runGlibcOracle(t, bin, "incr", lines)
	bad := 0
	for i := range lines {
		var cur []byte
		if curs[i] != "" {
			cur = []byte(curs[i])
		}
		got, err := IncrByFloat(cur, []byte(incs[i]))
		switch err {
		case ErrNotFloat:
			got = "ERR-FLOAT"
		case ErrResultNaNOrInf:
			got = "ERR-NANINF"
		}
		if got != want[i] {
			bad++
			assert.Equal(t, want[i], got, "%q + %q", curs[i], incs[i])
			if bad > 10 {
				t.FailNow()
			}
		}
	}
}

// ldBits renders x as the x87 register image: sign+exponent, significand.
func ldBits(x LongDouble) string {
	var se uint16
	if x.neg {
		se = 0x8000
	}
	switch {
	case x.IsNaN():
		return "NAN"
	case x.IsInf():
		return fmt.Sprintf("%04x %016x", se|0x7fff, uint64(1)<<63)
	case x.mant == 0:
		return fmt.Sprintf("%04x %016x", se, 0)
	}
	l := bits.Len64(x.mant)
	top := x.exp + l - 1
	if top < -16382 {
		return fmt.Sprintf("%04x %016x", se, x.mant<<uint(x.exp+16445))
	}
	return fmt.Sprintf("%04x %016x", se|uint16(top+16383), x.mant<<uint(64-l))
}

func TestOracle_GlibcLongDoubleBits(t *testing.T) {
	bin := buildGlibcOracle(t)
	r, n := oracleRand(t)
	lines := make([]string, n)
	for i := range lines {
		a, b := randEdgeNumber(r), randEdgeNumber(r)
		if i%2 == 1 {
			a, b = randNumber(r), randNumber(r)
		}
		if r.IntN(3) == 0 {
			b = negated(r, a)
		}
		lines[i] = a + "|" + b
	}
	want := runGlibcOracle(t, bin, "ldbits", lines)
	bad := 0
	for i, line := range lines {
		a, b, _ := strings.Cut(line, "|")
		x, ok1 := ParseLongDoubleString(a)
		y, ok2 := ParseLongDoubleString(b)
		got := "ERR"
		if ok1 && ok2 {
			got = ldBits(x.Add(y))
		}
		if got != want[i] {
			bad++
			assert.Equal(t, want[i], got, "%q + %q", a, b)
			if bad > 10 {
				t.FailNow()
			}
		}
	}
}

func TestOracle_GlibcParsers(t *testing.T) {
	bin := buildGlibcOracle(t)
	r, n := oracleRand(t)
	lines := make([]string, n)
	for i := range lines {
		var s string
		switch i % 4 {
		case 0:
			s = randJunk(r)
		case 1:
			s = randNumber(r)
		case 2:
			s = randEdgeNumber(r)
		default:
			s = strings.Repeat(" ", r.IntN(2)) + strconv.FormatUint(r.Uint64()>>uint(r.IntN(64)), 10)
			if r.IntN(2) == 0 {
				s = "-" + s
			}
			if r.IntN(4) == 0 {
				s = "+" + s
			}
			if r.IntN(4) == 0 {
				s = "0" + s
			}
		}
		if r.IntN(4) == 0 {
			s = "(" + s
		}
		if r.IntN(8) == 0 {
			s = " " + s
		}
		lines[i] = s
	}
	strtod := runGlibcOracle(t, bin, "strtod", lines)
	bound := runGlibcOracle(t, bin, "bound", lines)
	cursor := runGlibcOracle(t, bin, "cursor", lines)
	bad := 0
	check := func(want, got, what, in string) {
		if got != want {
			bad++
			assert.Equal(t, want, got, "%s(%q)", what, in)
			if bad > 10 {
				t.FailNow()
			}
		}
	}
	for i, s := range lines {
		got := "ERR"
		if v, ok := ParseFloatString(s); ok {
			got = fmt.Sprintf("%016x", math.Float64bits(v))
		}
		check(strtod[i], got, "ParseFloat", s)

		got = "ERR"
		if v, ex, ok := ParseScoreBound([]byte(s)); ok {
			e := 0
			if ex {
				e = 1
			}
			got = fmt.Sprintf("%d %016x", e, math.Float64bits(v))
		}
		check(bound[i], got, "ParseScoreBound", s)

		got = "ERR"
		if v, ok := ParseUint64String(s); ok {
			got = strconv.FormatUint(v, 10)
		}
		check(cursor[i], got, "ParseUint64", s)
	}
}

func TestOracle_GlibcG17(t *testing.T) {
	bin := buildGlibcOracle(t)
	r, n := oracleRand(t)
	vals := make([]float64, n)
	lines := make([]string, n)
	for i := range vals {
		var f float64
		switch i % 4 {
		case 0:
			f = math.Float64frombits(r.Uint64())
		case 1:
			f = float64(r.IntN(100000)) / 1000
		case 2:
			f = r.Float64() * math.Pow(10, float64(r.IntN(44)-22))
		default:
			f = math.Ldexp(float64(r.Uint64()>>uint(r.IntN(64))), r.IntN(200)-100)
		}
		vals[i], lines[i] = f, fmt.Sprintf("%016x", math.Float64bits(f))
	}
	want := runGlibcOracle(t, bin, "g17", lines)
	bad := 0
	for i, f := range vals {
		if got := FormatLongDoubleG17(f); got != want[i] {
			bad++
			assert.Equal(t, want[i], got, "%v", f)
			if bad > 10 {
				t.FailNow()
			}
		}
	}
}

// respConn is a minimal RESP2 client for the server comparisons.
type respConn struct {
	r *bufio.Reader
	w *bufio.Writer
}

func dialRedis(t *testing.T, env string) *respConn {
	t.Helper()
	addr := os.Getenv(env)
	if addr == "" {
		t.Skipf("set %s to compare with a redis-server", env)
	}
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &respConn{bufio.NewReader(c), bufio.NewWriter(c)}
}

func (c *respConn) do(t *testing.T, args ...string) any {
	t.Helper()
	fmt.Fprintf(c.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(c.w, "$%d\r\n%s\r\n", len(a), a)
	}
	require.NoError(t, c.w.Flush())
	return c.read(t)
}

func (c *respConn) read(t *testing.T) any {
	t.Helper()
	line, err := c.r.ReadString('\n')
	require.NoError(t, err)
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil
		}
		b := make([]byte, n+2)
		_, err := readFull(c.r, b)
		require.NoError(t, err)
		return string(b[:n])
	case '*':
		n, _ := strconv.Atoi(line[1:])
		out := make([]any, max(n, 0))
		for i := range out {
			out[i] = c.read(t)
		}
		return out
	}
	return line
}

func readFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func TestOracle_RedisKeys(t *testing.T) {
	c := dialRedis(t, "RCONV_REDIS_ADDR")
	r, n := oracleRand(t)
	c.do(t, "select", "9")
	c.do(t, "flushdb")
	t.Cleanup(func() { c.do(t, "flushdb") })
	const keyAlpha = "ab-]^[\\*?AZz\xff\x80\x00"
	seen := map[string]bool{}
	var keys []string
	for len(keys) < 300 {
		b := make([]byte, 1+r.IntN(6))
		for i := range b {
			b[i] = keyAlpha[r.IntN(len(keyAlpha))]
		}
		if !seen[string(b)] {
			seen[string(b)] = true
			keys = append(keys, string(b))
			c.do(t, "set", string(b), "1")
		}
	}
	const patAlpha = "ab-]^[\\*?AZz\xff\x80"
	patterns := max(n/50, 100)
	bad := 0
	for i := 0; i < patterns; i++ {
		b := make([]byte, 1+r.IntN(8))
		for j := range b {
			b[j] = patAlpha[r.IntN(len(patAlpha))]
		}
		pattern := string(b)
		if pattern == "*" {
			continue // KEYS short-circuits it
		}
		var want, got []string
		for _, k := range c.do(t, "keys", pattern).([]any) {
			want = append(want, k.(string))
		}
		for _, k := range keys {
			if Match(pattern, k, false) {
				got = append(got, k)
			}
		}
		sort.Strings(want)
		sort.Strings(got)
		if !assert.Equal(t, want, got, "KEYS %q", pattern) {
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}

func TestOracle_RedisClusterKeySlot(t *testing.T) {
	c := dialRedis(t, "RCONV_REDIS_CLUSTER_ADDR")
	r, n := oracleRand(t)
	const alpha = "{}ab\x00\xff1"
	for i := 0; i < max(n/10, 100); i++ {
		b := make([]byte, r.IntN(10))
		for j := range b {
			b[j] = alpha[r.IntN(len(alpha))]
		}
		reply := c.do(t, "cluster", "keyslot", string(b)).(string)
		want, err := strconv.Atoi(strings.TrimPrefix(reply, ":"))
		require.NoError(t, err, reply)
		if !assert.Equal(t, want, KeySlotBytes(b), "%q", b) {
			t.FailNow()
		}
	}
}
