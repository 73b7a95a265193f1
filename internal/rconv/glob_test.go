package rconv

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each case was checked against redis-server 7.0.15 (stringmatchlen is the
// 7.4 one) by storing the key alone in a database and running KEYS pattern.
func TestMatch_RedisServerCases(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"hello", "hello", true},
		{"h?llo", "hello", true},
		{"h*llo", "heeeello", true},
		{"h*llo", "hllo", true},
		{"h[ae]llo", "hello", true},
		{"h[ae]llo", "hillo", false},
		{"h[^e]llo", "hallo", true},
		{"h[^e]llo", "hello", false},
		{"h[a-b]llo", "hbllo", true},
		{"h[z-a]llo", "hmllo", true},
		{"h\\*llo", "h*llo", true},
		{"h\\*llo", "hello", false},
		{"[abc", "b", true},
		{"[abc", "d", false},
		{"[", "[", false},
		{"[^", "x", true},
		{"x[^", "xy", true},
		{"[a-]", "]", true},
		{"[a-]", "-", false},
		{"[a-]", "b", false},
		{"[\\]]", "]", true},
		{"[\\\\]", "\\", true},
		{"[]a]", "]", false},
		{"[]a]", "a", false},
		{"[^]a]", "b", false},
		{"a\\", "a\\", true},
		{"a\\", "a", false},
		{"*", "x", true},
		{"**", "x", true},
		{"*a", "a", true},
		{"a*", "a", true},
		{"a**", "a", true},
		{"?", "ab", false},
		{"???", "abc", true},
		{"*b*", "abc", true},
		{"\\a", "a", true},
		{"[\\a-z]", "-", true},
		{"[a\\-z]", "-", true},
		{"[a-z\\]", "\\", false},
		{"h[]", "h]", false},
		{"abc*", "abc", true},
		{"*abc", "xabc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"[!a]", "b", false},
		{"[!a]", "!", true},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Match(tc.pattern, tc.s, false), "Match(%q, %q)", tc.pattern, tc.s)
		assert.Equal(t, tc.want, MatchBytes([]byte(tc.pattern), []byte(tc.s), false), "MatchBytes(%q, %q)", tc.pattern, tc.s)
	}
}

// TestMatch_Golden: random patterns over an alphabet full of metacharacters,
// NUL and bytes >= 0x80, each run with KEYS against redis-server.
func TestMatch_Golden(t *testing.T) {
	for _, g := range readGolden(t, "glob.txt") {
		require.Len(t, g.fields, 3, "line %d", g.line)
		want := g.fields[2] == "1"
		assert.Equal(t, want, Match(g.fields[0], g.fields[1], false), "line %d: Match(%q, %q)", g.line, g.fields[0], g.fields[1])
	}
}

func TestMatch_EmptyString(t *testing.T) {
	assert.True(t, Match("", "", false))
	assert.False(t, Match("*", "", false), "KEYS * short-circuits before the matcher")
	assert.False(t, Match("**", "", false))
	assert.False(t, Match("?", "", false))
	assert.False(t, Match("", "a", false))
}

// TestMatch_NoCase: 20,000 random patterns were compared with CONFIG GET,
// which matches case-insensitively, on redis-server 7.0.15. The cases marked
// (server) are CONFIG GET patterns matched against the name "maxmemory";
// the others follow from the same code path.
func TestMatch_NoCase(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"MAXMEMORY-P*", "maxmemory-policy", true}, // (server)
		{"[A-Z]axmemory", "maxmemory", true},       // (server) bounds and byte are lowered
		{"[^M]axmemory", "maxmemory", false},       // (server)
		{"\\Maxmemor?", "maxmemory", true},         // (server) an escape outside a class folds case
		{"[\\M]axmemor?", "maxmemory", false},      // (server) but not inside a class
		{"[L-n]axmemory", "maxmemory", true},       // (server)
		{"[m-M]axmemory", "maxmemory", true},       // (server) swapped, then lowered to m..m
		{"[Z-a]", "_", false},                      // lowered to 'z'..'a': empty
		{"[Z-a]", "z", false},
		{"\xc9", "\xe9", false}, // no folding beyond ASCII
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Match(tc.pattern, tc.s, true), "Match(%q, %q, nocase)", tc.pattern, tc.s)
	}
	assert.True(t, Match("[Z-a]", "_", false), "case-sensitive 'Z'..'a' holds '_'")
	assert.False(t, Match("MAXMEMORY*", "maxmemory-policy", false))
}

// TestMatch_SignedCharRanges: ranges compare C's signed char on x86-64, so
// bytes >= 0x80 sort below ASCII. Checked with KEYS on redis-server.
func TestMatch_SignedCharRanges(t *testing.T) {
	assert.True(t, Match("[a-\xff]", "\xff", false))
	assert.True(t, Match("[a-\xff]", "\x00", false), "'a'..-1 swaps to -1..'a'")
	assert.True(t, Match("[a-\xff]", "A", false))
	assert.False(t, Match("[a-\xff]", "\x80", false))
	assert.False(t, Match("[a-\xff]", "b", false))
	assert.True(t, Match("[\x80-\xff]", "\x90", false))
}

// TestMatch_Pathological: Redis cuts the backtracking once the tail after a
// '*' has failed everywhere, so this must not take exponential time.
func TestMatch_Pathological(t *testing.T) {
	s := strings.Repeat("a", 10000)
	for _, pattern := range []string{
		strings.Repeat("a*", 30) + "b",
		strings.Repeat("*a", 500) + "b",
		"*" + strings.Repeat("?", 50) + "*b",
		strings.Repeat("*[a-z]", 200) + "[0-9]",
	} {
		start := time.Now()
		assert.False(t, Match(pattern, s, false))
		assert.Less(t, time.Since(start), 2*time.Second, "pattern %.40q", pattern)
	}
}

// TestMatch_NestingLimit: more than 1000 levels of '*' recursion never
// match. Checked with KEYS against a key of 1200 'a's on redis-server
// 7.0.15: 1000 "*a" pairs match, 1001 do not.
func TestMatch_NestingLimit(t *testing.T) {
	s := strings.Repeat("a", 1200)
	assert.True(t, Match(strings.Repeat("*a", 1000), s, false))
	assert.False(t, Match(strings.Repeat("*a", 1001), s, false))
}

func BenchmarkMatch(b *testing.B) {
	for _, bc := range []struct{ name, pattern, s string }{
		{"literal", "user:1234:session", "user:1234:session"},
		{"prefix", "user:*", "user:1234:session"},
		{"suffix", "*.png", "cdn/eu/assets/logo.png"},
		{"class", "[a-z]*:[0-9]*", "user:1234"},
		{"pathological", strings.Repeat("a*", 20) + "b", strings.Repeat("a", 200)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Match(bc.pattern, bc.s, false)
			}
		})
	}
}
