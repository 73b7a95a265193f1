package difftest

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"", nil},
		{"   \t ", nil},
		{"GET k", []string{"GET", "k"}},
		{"  SET   k\tv  ", []string{"SET", "k", "v"}},
		{`SET "a b" 'c d'`, []string{"SET", "a b", "c d"}},
		{`""`, []string{""}},
		{`''`, []string{""}},
		{`"\x41\x62\x00\xff"`, []string{"Ab\x00\xff"}},
		{`"\xZZ"`, []string{"xZZ"}}, // not hex: backslash drops, x stays
		{`"\n\r\t\b\a\\\"\q"`, []string{"\n\r\t\b\a\\\"q"}},
		{`'it\'s' 'a\nb'`, []string{"it's", `a\nb`}},
		{`a"b c"`, []string{"ab c"}},
		{`foo\bar`, []string{`foo\bar`}},
		{"#not-a-comment here", []string{"#not-a-comment", "here"}},
	} {
		got, err := SplitArgs(tc.line)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("SplitArgs(%q) = %q, %v; want %q", tc.line, got, err, tc.want)
		}
	}
}

func TestSplitArgs_Unbalanced(t *testing.T) {
	for _, line := range []string{`"abc`, `'abc`, `"a"b`, `'a'b`, `"abc\"`, `"\`} {
		if got, err := SplitArgs(line); err == nil {
			t.Errorf("SplitArgs(%q) = %q, want unbalanced quotes", line, got)
		}
	}
}

// QuoteArgs must round-trip any bytes through SplitArgs.
func TestQuoteArgs_RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab \"'\\\n\r\t\x00\xff#!xX0")
	for range 2000 {
		args := make([]string, 1+r.IntN(4))
		for i := range args {
			b := make([]byte, r.IntN(6))
			for j := range b {
				b[j] = alphabet[r.IntN(len(alphabet))]
			}
			args[i] = string(b)
		}
		line := QuoteArgs(args)
		got, err := SplitArgs(line)
		if err != nil || !slices.Equal(got, args) {
			t.Fatalf("SplitArgs(QuoteArgs(%q)) = SplitArgs(%q) = %q, %v", args, line, got, err)
		}
	}
	if got := QuoteArgs([]string{"SET", "k", "a b", ""}); got != `SET k "a b" ""` {
		t.Errorf("QuoteArgs = %s", got)
	}
}

func TestEncodeCommand(t *testing.T) {
	got := string(EncodeCommand("SET", "k", ""))
	if want := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"; got != want {
		t.Errorf("EncodeCommand = %q, want %q", got, want)
	}
}
