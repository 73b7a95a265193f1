package difftest

import (
	"errors"
	"strings"

	"github.com/embedis/embedis/resp"
)

// SplitArgs splits line into arguments with the rules Redis uses for inline
// commands and redis-cli input (sdssplitargs in sds.c; see resp.SplitArgs).
// An unterminated quote, or a closing quote followed by something else, is
// an error, as it is for Redis ("unbalanced quotes").
func SplitArgs(line string) ([]string, error) {
	args, ok := resp.SplitArgs(line)
	if !ok {
		return nil, errUnbalanced
	}
	return args, nil
}

var errUnbalanced = errors.New("unbalanced quotes")

// QuoteArgs is the inverse of SplitArgs: it renders args as one line that
// SplitArgs splits back into the same arguments. Plain printable arguments
// stay bare; anything else is double-quoted with escapes.
func QuoteArgs(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Quote(a))
	}
	return b.String()
}

// Quote renders one argument for a golden file: bare if that is
// unambiguous, otherwise double-quoted with \n \r \t \" \\ and \xHH escapes.
func Quote(s string) string {
	if s != "" && !needsQuotes(s) {
		return s
	}
	const hexDigits = "0123456789abcdef"
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func needsQuotes(s string) bool {
	// A line starting with # or ! would read as a comment or directive.
	if s[0] == '#' || s[0] == '!' {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\'' || c == '\\' {
			return true
		}
	}
	return false
}
