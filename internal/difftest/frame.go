package difftest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrProtocol reports a reply that is not a well-formed RESP2/RESP3 frame.
// Errors from the frame scanner wrap it, so errors.Is(err, ErrProtocol)
// tells a broken reply from a broken connection.
var ErrProtocol = errors.New("difftest: malformed RESP frame")

// Limits that keep a bogus length from making the scanner allocate or
// recurse without bound.
const (
	// maxBulkLen is Redis's default proto-max-bulk-len (512 MiB).
	maxBulkLen = 512 << 20
	// maxLineLen bounds a simple-string, error, number or header line.
	maxLineLen = 1 << 20
	// maxDepth bounds aggregate nesting.
	maxDepth = 128
)

// Frame is one parsed RESP2/RESP3 reply. It is built by ParseFrame and used
// by the comparison modes; Conn itself hands out raw bytes only.
type Frame struct {
	// Type is the type byte: one of + - : $ * _ , # ( ! = % ~ >.
	// An attribute ('|') is never a Frame's Type: it is stored in Attr of
	// the reply it precedes.
	Type byte
	// Raw is the exact wire encoding of this frame, including any
	// attribute that precedes it and the trailing CRLF.
	Raw []byte
	// Data is the payload of a non-aggregate frame: the line after the
	// type byte for + - : , # ( _, or the content for $ ! =. It is nil for
	// aggregates and nulls.
	Data []byte
	// Int is the value of an integer (':') frame.
	Int int64
	// Null is set for RESP2 nulls ("$-1" and "*-1"). RESP3's null has
	// Type '_' instead.
	Null bool
	// Elems holds the children of an aggregate. Maps ('%') hold 2n
	// elements: key, value, key, value, … in wire order.
	Elems []*Frame
	// Attr is the attribute map ('|') that preceded this reply on the
	// wire, or nil. Its Elems are flattened key/value pairs like a map's.
	Attr *Frame

	start, end         int // offsets of Raw in the scanner buffer
	dataStart, dataEnd int // offsets of Data; dataStart < 0 means no Data
}

// IsAggregate reports whether f has child elements on the wire:
// arrays, sets, maps and pushes (and their RESP2 null forms).
func (f *Frame) IsAggregate() bool {
	return isAggregateType(f.Type)
}

func isAggregateType(t byte) bool {
	switch t {
	case '*', '~', '%', '>':
		return true
	}
	return false
}

// ParseFrame parses raw, which must hold exactly one complete frame (an
// attribute followed by its reply counts as one frame).
func ParseFrame(raw []byte) (*Frame, error) {
	br := bufio.NewReader(bytes.NewReader(raw))
	s := &scanner{r: br}
	f, err := s.frame(0)
	if err != nil {
		return nil, err
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: %d trailing bytes after the frame", ErrProtocol, len(raw)-len(s.buf))
	}
	s.fill(f)
	return f, nil
}

// readFrame reads one complete frame from r and returns its exact bytes.
// EOF before the first byte is io.EOF; EOF inside a frame is
// io.ErrUnexpectedEOF. Malformed input gives an error wrapping ErrProtocol.
func readFrame(r *bufio.Reader) ([]byte, error) {
	s := &scanner{r: r}
	if _, err := s.frame(0); err != nil {
		if errors.Is(err, io.EOF) && len(s.buf) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return s.buf, err
	}
	return s.buf, nil
}

// scanner reads frames from r, appending every byte it consumes to buf.
type scanner struct {
	r   *bufio.Reader
	buf []byte
}

// line reads one CRLF-terminated line, appends it to buf, and returns the
// offsets of its content (without CRLF) in buf.
func (s *scanner) line() (start, end int, err error) {
	start = len(s.buf)
	for {
		chunk, err := s.r.ReadSlice('\n')
		s.buf = append(s.buf, chunk...)
		if len(s.buf)-start > maxLineLen {
			return 0, 0, fmt.Errorf("%w: line longer than %d bytes", ErrProtocol, maxLineLen)
		}
		if err == nil {
			break
		}
		if err != bufio.ErrBufferFull {
			return 0, 0, err
		}
	}
	end = len(s.buf) - 2
	if end < start || s.buf[end] != '\r' {
		return 0, 0, fmt.Errorf("%w: line not terminated by CRLF: %q", ErrProtocol, s.buf[start:])
	}
	if i := bytes.IndexByte(s.buf[start:end], '\r'); i >= 0 {
		return 0, 0, fmt.Errorf("%w: CR inside a line: %q", ErrProtocol, s.buf[start:])
	}
	return start, end, nil
}

// frame reads one frame. depth counts enclosing aggregates.
func (s *scanner) frame(depth int) (*Frame, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: aggregates nested deeper than %d", ErrProtocol, maxDepth)
	}
	start, end, err := s.line()
	if err != nil {
		return nil, err
	}
	if end == start {
		return nil, fmt.Errorf("%w: empty line where a frame was expected", ErrProtocol)
	}
	f := &Frame{Type: s.buf[start], start: start, dataStart: start + 1, dataEnd: end}
	body := s.buf[start+1 : end]
	switch f.Type {
	case '+', '-':
		// Any text; line() already rejected CR and LF.
	case ':':
		n, ok := parseInt(body)
		if !ok {
			return nil, fmt.Errorf("%w: bad integer %q", ErrProtocol, body)
		}
		f.Int = n
	case '(':
		if !isBigNumber(body) {
			return nil, fmt.Errorf("%w: bad big number %q", ErrProtocol, body)
		}
	case ',':
		if len(body) == 0 {
			return nil, fmt.Errorf("%w: empty double", ErrProtocol)
		}
	case '#':
		if len(body) != 1 || (body[0] != 't' && body[0] != 'f') {
			return nil, fmt.Errorf("%w: bad boolean %q", ErrProtocol, body)
		}
	case '_':
		if len(body) != 0 {
			return nil, fmt.Errorf("%w: null with a payload %q", ErrProtocol, body)
		}
		f.dataStart = -1
	case '$', '!', '=':
		if err := s.bulk(f, body); err != nil {
			return nil, err
		}
	case '*', '~', '%', '>', '|':
		return s.aggregate(f, body, depth)
	default:
		return nil, fmt.Errorf("%w: unknown type byte %q", ErrProtocol, f.Type)
	}
	f.end = len(s.buf)
	return f, nil
}

// bulk reads the payload of a $, ! or = frame whose header body is hdr.
func (s *scanner) bulk(f *Frame, hdr []byte) error {
	n, ok := parseInt(hdr)
	if ok && n == -1 && f.Type == '$' {
		f.Null = true
		f.dataStart = -1
		return nil
	}
	if !ok || n < 0 || n > maxBulkLen {
		return fmt.Errorf("%w: bad %q length %q", ErrProtocol, f.Type, hdr)
	}
	if f.Type == '=' && n < 4 {
		return fmt.Errorf("%w: verbatim string shorter than its format prefix", ErrProtocol)
	}
	at := len(s.buf)
	s.buf = append(s.buf, make([]byte, n+2)...)
	if _, err := io.ReadFull(s.r, s.buf[at:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if s.buf[len(s.buf)-2] != '\r' || s.buf[len(s.buf)-1] != '\n' {
		return fmt.Errorf("%w: %d-byte bulk payload not followed by CRLF", ErrProtocol, n)
	}
	if f.Type == '=' && s.buf[at+3] != ':' {
		return fmt.Errorf("%w: verbatim string without a 3-byte format prefix", ErrProtocol)
	}
	f.dataStart, f.dataEnd = at, at+int(n)
	return nil
}

// aggregate reads the children of an aggregate or attribute frame whose
// header body is hdr.
func (s *scanner) aggregate(f *Frame, hdr []byte, depth int) (*Frame, error) {
	f.dataStart = -1
	n, ok := parseInt(hdr)
	if ok && n == -1 && f.Type == '*' {
		f.Null = true
		f.end = len(s.buf)
		return f, nil
	}
	if !ok || n < 0 || n > maxBulkLen {
		return nil, fmt.Errorf("%w: bad %q count %q", ErrProtocol, f.Type, hdr)
	}
	count := n
	if f.Type == '%' || f.Type == '|' {
		count *= 2
	}
	for i := int64(0); i < count; i++ {
		child, err := s.frame(depth + 1)
		if err != nil {
			return nil, err
		}
		f.Elems = append(f.Elems, child)
	}
	f.end = len(s.buf)
	if f.Type != '|' {
		return f, nil
	}
	// An attribute is out-of-band data about the reply that follows it;
	// the two travel as one frame.
	reply, err := s.frame(depth)
	if err != nil {
		return nil, err
	}
	if reply.Attr != nil {
		return nil, fmt.Errorf("%w: two attributes in a row", ErrProtocol)
	}
	reply.Attr = f
	reply.start = f.start
	return reply, nil
}

// fill sets Raw and Data from the offsets once buf no longer moves.
func (s *scanner) fill(f *Frame) {
	f.Raw = s.buf[f.start:f.end:f.end]
	if f.dataStart >= 0 {
		f.Data = s.buf[f.dataStart:f.dataEnd:f.dataEnd]
	}
	if f.Attr != nil {
		s.fill(f.Attr)
	}
	for _, e := range f.Elems {
		s.fill(e)
	}
}

// parseInt parses a strict decimal int64: an optional '-', then digits,
// no '+', no spaces.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || b[0] == '+' {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

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
