package difftest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

var validFrames = []struct {
	name  string
	raw   string
	typ   byte
	elems int
}{
	{"simple", "+OK\r\n", '+', 0},
	{"simple empty", "+\r\n", '+', 0},
	{"error", "-ERR syntax error\r\n", '-', 0},
	{"integer", ":-42\r\n", ':', 0},
	{"integer max", ":9223372036854775807\r\n", ':', 0},
	{"bulk", "$5\r\nhello\r\n", '$', 0},
	{"bulk binary", "$4\r\n\r\n\x00\n\r\n", '$', 0},
	{"bulk empty", "$0\r\n\r\n", '$', 0},
	{"null bulk", "$-1\r\n", '$', 0},
	{"array", "*2\r\n$1\r\na\r\n:1\r\n", '*', 2},
	{"array empty", "*0\r\n", '*', 0},
	{"null array", "*-1\r\n", '*', 0},
	{"nested", "*2\r\n*1\r\n*0\r\n%1\r\n+k\r\n~2\r\n:1\r\n:2\r\n", '*', 2},
	{"null", "_\r\n", '_', 0},
	{"double", ",3.14\r\n", ',', 0},
	{"double inf", ",-inf\r\n", ',', 0},
	{"boolean", "#t\r\n", '#', 0},
	{"big number", "(-3492890328409238509324850943850943825024385\r\n", '(', 0},
	{"bulk error", "!21\r\nSYNTAX invalid syntax\r\n", '!', 0},
	{"verbatim", "=15\r\ntxt:Some string\r\n", '=', 0},
	{"map", "%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", '%', 4},
	{"set", "~1\r\n+x\r\n", '~', 1},
	{"push", ">2\r\n+message\r\n$2\r\nhi\r\n", '>', 2},
	{"attribute", "|1\r\n+ttl\r\n:3600\r\n$5\r\nhello\r\n", '$', 0},
	{"nested attribute", "*1\r\n|1\r\n+a\r\n+b\r\n:1\r\n", '*', 1},
}

func TestParseFrame_Valid(t *testing.T) {
	for _, tc := range validFrames {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFrame([]byte(tc.raw))
			if err != nil {
				t.Fatalf("ParseFrame(%q): %v", tc.raw, err)
			}
			if f.Type != tc.typ || len(f.Elems) != tc.elems || string(f.Raw) != tc.raw {
				t.Errorf("ParseFrame(%q) = type %q, %d elems, raw %q; want %q, %d, the input",
					tc.raw, f.Type, len(f.Elems), f.Raw, tc.typ, tc.elems)
			}
		})
	}
}

func TestParseFrame_Fields(t *testing.T) {
	f, err := ParseFrame([]byte("|1\r\n+ttl\r\n:3600\r\n*3\r\n$5\r\nhello\r\n:-7\r\n$-1\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Attr == nil || len(f.Attr.Elems) != 2 || string(f.Attr.Elems[0].Data) != "ttl" || f.Attr.Elems[1].Int != 3600 {
		t.Errorf("attribute not parsed: %+v", f.Attr)
	}
	if got := string(f.Elems[0].Data); got != "hello" {
		t.Errorf("bulk Data = %q, want hello", got)
	}
	if f.Elems[1].Int != -7 {
		t.Errorf("Int = %d, want -7", f.Elems[1].Int)
	}
	if !f.Elems[2].Null || f.Elems[2].Data != nil {
		t.Errorf("null bulk: Null=%v Data=%q", f.Elems[2].Null, f.Elems[2].Data)
	}
	if string(f.Elems[0].Raw) != "$5\r\nhello\r\n" {
		t.Errorf("element Raw = %q", f.Elems[0].Raw)
	}
}

func TestParseFrame_Invalid(t *testing.T) {
	for _, raw := range []string{
		"",                   // nothing
		"\r\n",               // empty line
		"+OK\n",              // LF without CR
		"+O\rK\r\n",          // CR inside a line
		"?what\r\n",          // unknown type
		":12a\r\n",           // bad integer
		":+1\r\n",            // explicit plus
		":\r\n",              // empty integer
		"$3\r\nab\r\n",       // short payload (CRLF in the wrong place)
		"$2\r\nabcd\r\n",     // long payload
		"$-2\r\n",            // negative length
		"$?\r\n",             // streamed string: not supported
		"*-2\r\n",            // negative count
		"~-1\r\n",            // only '*' and '$' have a null form
		"#x\r\n",             // bad boolean
		"_x\r\n",             // null with payload
		",\r\n",              // empty double
		"(12.5\r\n",          // big number with a dot
		"=3\r\ntxt\r\n",      // verbatim too short
		"=5\r\ntxt-a\r\n",    // verbatim without ':'
		"+OK\r\n+OK\r\n",     // two frames
		"|1\r\n+a\r\n+b\r\n", // attribute without a reply
		"|0\r\n|0\r\n+a\r\n", // two attributes
		"$536870913\r\n",     // above proto-max-bulk-len
		"*1\r\n",             // truncated
		"%1\r\n+k\r\n",       // map missing its value
		"$3\r\nabc",          // payload without CRLF
		strings.Repeat("*1\r\n", maxDepth+2) + ":1\r\n", // too deep
	} {
		if f, err := ParseFrame([]byte(raw)); err == nil {
			t.Errorf("ParseFrame(%q) = %q, want an error", raw, f.Raw)
		}
	}
}

// Every strict prefix of a frame is a truncated frame, never a wrong one.
func TestReadFrame_Truncated(t *testing.T) {
	for _, tc := range validFrames {
		for n := 0; n < len(tc.raw); n++ {
			_, err := readFrame(bufio.NewReader(strings.NewReader(tc.raw[:n])))
			want := io.ErrUnexpectedEOF
			if n == 0 {
				want = io.EOF
			}
			if !errors.Is(err, want) {
				t.Errorf("readFrame(%q) error = %v, want %v", tc.raw[:n], err, want)
			}
		}
	}
}

func TestReadFrame_Stream(t *testing.T) {
	var all bytes.Buffer
	for _, tc := range validFrames {
		all.WriteString(tc.raw)
	}
	br := bufio.NewReaderSize(&all, 16) // small buffer: lines span reads
	for _, tc := range validFrames {
		raw, err := readFrame(br)
		if err != nil || string(raw) != tc.raw {
			t.Fatalf("readFrame = %q, %v; want %q", raw, err, tc.raw)
		}
	}
	if _, err := readFrame(br); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
}

func TestReadFrame_LongLine(t *testing.T) {
	long := "-ERR " + strings.Repeat("x", 100_000) + "\r\n"
	raw, err := readFrame(bufio.NewReader(strings.NewReader(long)))
	if err != nil || string(raw) != long {
		t.Fatalf("readFrame(long line) = %d bytes, %v", len(raw), err)
	}
	tooLong := "+" + strings.Repeat("x", maxLineLen+10) + "\r\n"
	if _, err := readFrame(bufio.NewReader(strings.NewReader(tooLong))); !errors.Is(err, ErrProtocol) {
		t.Errorf("readFrame(line over the limit) error = %v, want ErrProtocol", err)
	}
}
