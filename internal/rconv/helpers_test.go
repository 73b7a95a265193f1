package rconv

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenLine is one line of a testdata file: its fields and line number.
type goldenLine struct {
	fields []string
	line   int
}

// readGolden reads a testdata file whose lines hold space-separated fields,
// each a Go-quoted string or a bare word; lines starting with '#' are
// comments. The files were produced from glibc or redis-server, never from
// this package (see the comment at the top of each).
func readGolden(t *testing.T, name string) []goldenLine {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	defer f.Close()
	var out []goldenLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		s := sc.Text()
		if s == "" || s[0] == '#' {
			continue
		}
		var fields []string
		for s = strings.TrimLeft(s, " "); s != ""; s = strings.TrimLeft(s, " ") {
			if s[0] == '"' {
				q, err := strconv.QuotedPrefix(s)
				require.NoError(t, err, "%s:%d", name, n)
				u, err := strconv.Unquote(q)
				require.NoError(t, err, "%s:%d", name, n)
				fields = append(fields, u)
				s = s[len(q):]
				continue
			}
			i := strings.IndexByte(s, ' ')
			if i < 0 {
				i = len(s)
			}
			fields = append(fields, s[:i])
			s = s[i:]
		}
		out = append(out, goldenLine{fields: fields, line: n})
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out)
	return out
}
