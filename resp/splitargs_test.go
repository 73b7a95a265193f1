package resp

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitArgs(t *testing.T) {
	tests := []struct {
		line string
		want []string // nil: unbalanced quotes
	}{
		{"", []string{}},
		{"   \t ", []string{}},
		{"GET k", []string{"GET", "k"}},
		{"  SET   k\tv  ", []string{"SET", "k", "v"}},
		{"\v\fGET k", []string{"GET", "k"}},     // leading blanks are any isspace
		{"GET a\vb", []string{"GET", "a\vb"}},   // but \v does not end a bare word
		{"GET a\rb", []string{"GET", "a", "b"}}, // '\r' does
		{`SET "a b" c`, []string{"SET", "a b", "c"}},
		{`SET "" ''`, []string{"SET", "", ""}},
		{`ECHO "\x41\x4a\x4B"`, []string{"ECHO", "AJK"}},
		{`ECHO "\x4"`, []string{"ECHO", "x4"}}, // not two hex digits: \x is x
		{`ECHO "\xZZ"`, []string{"ECHO", "xZZ"}},
		{`ECHO "\n\r\t\b\a"`, []string{"ECHO", "\n\r\t\b\a"}},
		{`ECHO "\"\\\q"`, []string{"ECHO", `"\q`}}, // any other escaped byte is itself
		{`ECHO 'it\'s'`, []string{"ECHO", "it's"}},
		{`ECHO 'a\nb\\x'`, []string{"ECHO", `a\nb\\x`}}, // single quotes keep backslashes
		{`ECHO 'a\\'`, nil},                             // ...but \' is still an escaped quote
		{`ECHO a"b c"`, []string{"ECHO", "ab c"}},       // a quote may open mid-word
		{`ECHO a'b c'`, []string{"ECHO", "ab c"}},
		{`ECHO a\"b`, nil}, // outside quotes '\' is a plain byte; the quote then opens
		{`ECHO "a"` + "\v" + "b", []string{"ECHO", "a", "b"}},
		{`ECHO "a"`, []string{"ECHO", "a"}},
		{`ECHO "a`, nil},
		{`ECHO 'a`, nil},
		{`ECHO "a"b`, nil},
		{`ECHO 'a'b`, nil},
		{`ECHO "a\"`, nil},
		{`ECHO "a\`, nil},
		{`ECHO "`, nil},
	}
	for _, tc := range tests {
		t.Run(strconv.Quote(tc.line), func(t *testing.T) {
			scratch, argv, ok := splitArgs([]byte(tc.line), nil, nil)
			if tc.want == nil {
				assert.False(t, ok)
				return
			}
			assert.True(t, ok)
			got := make([]string, len(argv))
			for i, a := range argv {
				got[i] = string(a)
				assert.Equal(t, len(a), cap(a), "capacity clipped")
			}
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, len(scratch), len(tc.line))
		})
	}
}

func TestSplitArgs_ReusesScratch(t *testing.T) {
	scratch := make([]byte, 0, 64)
	argv := make([][]byte, 0, 4)
	allocs := testing.AllocsPerRun(100, func() {
		_, _, _ = splitArgs([]byte(`SET "k" v`), scratch[:0], argv[:0])
	})
	assert.Zero(t, allocs)
}
