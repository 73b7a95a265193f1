package resp

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

const (
	// maxReplyDepth bounds the nesting of aggregates ReadReply accepts.
	maxReplyDepth = 1024
	// replyChunk is the most ReadReply allocates for a bulk payload before
	// its bytes arrive; the buffer then doubles as they do.
	replyChunk = 64 << 10
)

// ReadReply reads one complete reply frame from r: any RESP2 or RESP3 type,
// including the RESP3 blob error "!" (returned as a KindError) and
// attributes "|", which are read and discarded so the value they annotate
// is returned. Streamed (chunked) RESP3 aggregates and strings are not
// supported.
//
// It is meant for clients and tests. A length or count in a header is never
// allocated up front beyond 64 KiB or 1024 elements; memory grows with the
// bytes that actually arrive. Aggregates may nest at most 1024 deep.
//
// A malformed frame gives an error wrapping [ErrMalformedReply]; input that
// ends inside a frame gives io.ErrUnexpectedEOF, and io.EOF is returned only
// when r is at its end before the first byte.
func ReadReply(r *bufio.Reader) (Value, error) {
	return readValue(r, 0)
}

// readValue reads one value at nesting depth depth. A clean io.EOF before
// the first byte of the frame is returned as is; the callers that are
// inside a frame turn it into io.ErrUnexpectedEOF.
func readValue(r *bufio.Reader, depth int) (Value, error) {
	if depth > maxReplyDepth {
		return Value{}, malformed("aggregates nested more than %d deep", maxReplyDepth)
	}
	line, err := readLine(r)
	if err != nil {
		return Value{}, err
	}
	if len(line) == 0 {
		return Value{}, malformed("empty line")
	}
	for line[0] == '|' {
		// An attribute: skip its pairs, then read the value it annotates.
		n, err := parseReplyLen(line[1:])
		if err != nil || n < 0 || n > math.MaxInt64/2 {
			return Value{}, malformed("bad attribute %q", line)
		}
		for range 2 * n {
			if _, err := readValue(r, depth+1); err != nil {
				return Value{}, eofInside(err)
			}
		}
		if line, err = readLine(r); err != nil {
			return Value{}, eofInside(err)
		}
		if len(line) == 0 {
			return Value{}, malformed("empty line")
		}
	}
	typ, rest := line[0], line[1:]
	switch typ {
	case '+':
		return SimpleStringValue(string(rest)), nil
	case '-':
		return ErrorValue(string(rest)), nil
	case ':':
		n, err := strconv.ParseInt(string(rest), 10, 64)
		if err != nil {
			return Value{}, malformed("bad integer %q", rest)
		}
		return IntValue(n), nil
	case '$', '!', '=':
		n, err := parseReplyLen(rest)
		if err != nil {
			return Value{}, err
		}
		if n < 0 {
			if typ != '$' {
				return Value{}, malformed("null %q", line)
			}
			return NullBulkValue(), nil
		}
		b, err := readPayload(r, n)
		if err != nil {
			return Value{}, err
		}
		switch typ {
		case '!':
			return ErrorValue(b), nil
		case '=':
			if len(b) < 4 || b[3] != ':' {
				return Value{}, malformed("verbatim string without a format: %q", b)
			}
			return VerbatimValue(b[:3], b[4:]), nil
		}
		return BulkValue(b), nil
	case '*', '%', '~', '>':
		n, err := parseReplyLen(rest)
		if err != nil {
			return Value{}, err
		}
		if n < 0 {
			if typ != '*' {
				return Value{}, malformed("null %q", line)
			}
			return NullArrayValue(), nil
		}
		count := n
		if typ == '%' {
			if count > math.MaxInt64/2 {
				return Value{}, malformed("bad length %q", rest)
			}
			count *= 2
		}
		var elems []Value
		if count > 0 {
			elems = make([]Value, 0, min(count, maxPreallocArgs))
		}
		for range count {
			e, err := readValue(r, depth+1)
			if err != nil {
				return Value{}, eofInside(err)
			}
			elems = append(elems, e)
		}
		return Value{Kind: aggregateKind(typ), Elems: elems}, nil
	case ',':
		f, err := strconv.ParseFloat(string(rest), 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				return Value{}, malformed("bad double %q", rest)
			}
		}
		return DoubleValue(f, string(rest)), nil
	case '#':
		switch string(rest) {
		case "t":
			return BoolValue(true), nil
		case "f":
			return BoolValue(false), nil
		}
		return Value{}, malformed("bad boolean %q", rest)
	case '(':
		if !isBigNumber(rest) {
			return Value{}, malformed("bad big number %q", rest)
		}
		return BigNumberValue(string(rest)), nil
	case '_':
		if len(rest) != 0 {
			return Value{}, malformed("bad null %q", line)
		}
		return NullValue(), nil
	}
	return Value{}, malformed("unknown type byte %q", typ)
}

// eofInside turns a clean EOF met inside a frame into io.ErrUnexpectedEOF.
func eofInside(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformedReply}, args...)...)
}

// readLine returns the next line without its CRLF. The slice is only valid
// until the next read from r. A line longer than r's buffer is gathered
// into a new slice.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, malformed("line not terminated by CRLF: %q", line)
	}
	return line[:len(line)-2], nil
}

// parseReplyLen parses the length or count of a frame header: -1 or more.
func parseReplyLen(b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < -1 {
		return 0, malformed("bad length %q", b)
	}
	return n, nil
}

// readPayload reads n bytes and the CRLF after them. A payload that fits
// in r's buffer is copied once from it; a bigger one is gathered as its
// bytes arrive rather than allocated at full size up front.
func readPayload(r *bufio.Reader, n int64) (string, error) {
	if n <= int64(r.Size())-2 {
		p, err := r.Peek(int(n) + 2)
		if err != nil {
			return "", eofInside(err)
		}
		if p[n] != '\r' || p[n+1] != '\n' {
			return "", malformed("payload of %d bytes not followed by CRLF", n)
		}
		s := string(p[:n])
		_, _ = r.Discard(int(n) + 2)
		return s, nil
	}
	var b strings.Builder
	b.Grow(int(min(n, replyChunk)))
	if _, err := io.CopyN(&b, r, n); err != nil {
		return "", eofInside(err)
	}
	var crlf [2]byte
	if _, err := io.ReadFull(r, crlf[:]); err != nil {
		return "", eofInside(err)
	}
	if crlf != [2]byte{'\r', '\n'} {
		return "", malformed("payload of %d bytes not followed by CRLF", n)
	}
	return b.String(), nil
}

// isBigNumber reports whether b is an optional '-' and one or more digits.
func isBigNumber(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// aggregateKind maps an aggregate type byte to its Kind.
func aggregateKind(typ byte) Kind {
	switch typ {
	case '%':
		return KindMap
	case '~':
		return KindSet
	case '>':
		return KindPush
	}
	return KindArray
}
