package resp

import (
	"io"
	"strconv"
)

// maxRetainedWriterBuf is the largest buffer a Writer keeps after it has been
// flushed or reset. A connection that once sent a huge reply gives that
// memory back instead of holding it while idle; one that only sends small
// replies never reallocates.
const maxRetainedWriterBuf = 64 << 10

// Writer is a [ReplyWriter] that encodes each reply as RESP2 or RESP3 bytes
// appended to an internal buffer. A server gives each connection one Writer,
// runs the commands of a pipelined batch against it, and then sends the
// whole batch with [Writer.WriteTo]. The zero value is a ready RESP2 writer.
//
// Writing a reply never fails and, once the buffer has grown to fit the
// batch, does not allocate.
type Writer struct {
	buf   []byte
	proto int
}

var _ ReplyWriter = (*Writer)(nil)

// NewWriter returns a Writer for protocol version proto: 3 selects RESP3,
// anything else RESP2.
func NewWriter(proto int) *Writer {
	w := &Writer{}
	w.SetProto(proto)
	return w
}

// Proto returns 3 for a RESP3 writer and 2 otherwise.
func (w *Writer) Proto() int {
	if w.proto == 3 {
		return 3
	}
	return 2
}

// SetProto switches the protocol used by replies written from now on (HELLO
// does this mid-connection): 3 selects RESP3, anything else RESP2. Bytes
// already buffered are unchanged.
func (w *Writer) SetProto(proto int) {
	if proto == 3 {
		w.proto = 3
	} else {
		w.proto = 2
	}
}

// Bytes returns the buffered bytes. The slice aliases the buffer: it is
// valid until the next write, Reset or WriteTo.
func (w *Writer) Bytes() []byte { return w.buf }

// Len returns the number of buffered bytes, for example to enforce an output
// buffer limit.
func (w *Writer) Len() int { return len(w.buf) }

// Reset discards the buffered bytes. It keeps the buffer for reuse unless it
// has grown past 64 KiB.
func (w *Writer) Reset() {
	if cap(w.buf) > maxRetainedWriterBuf {
		w.buf = nil
		return
	}
	w.buf = w.buf[:0]
}

// WriteTo writes the buffered bytes to dst in a single Write call and then
// resets the buffer, so it is the flush of a pipelined batch:
//
//	if !rd.HasCommand() {
//		if _, err := w.WriteTo(conn); err != nil { ... }
//	}
//
// If dst accepts only part of the bytes, the rest stay buffered and the
// error (io.ErrShortWrite if dst gave none) is returned. It implements
// io.WriterTo.
func (w *Writer) WriteTo(dst io.Writer) (int64, error) {
	if len(w.buf) == 0 {
		return 0, nil
	}
	n, err := dst.Write(w.buf)
	if n < 0 || n > len(w.buf) {
		n = 0
		if err == nil {
			err = io.ErrShortWrite
		}
	}
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.buf = w.buf[:copy(w.buf, w.buf[n:])]
		return int64(n), err
	}
	w.Reset()
	return int64(n), nil
}

// Raw appends b verbatim. It is for bytes that are already RESP, such as a
// reply encoded earlier with [Value.AppendRESP] for the same protocol.
func (w *Writer) Raw(b []byte) { w.buf = append(w.buf, b...) }

// header appends prefix, n in decimal and CRLF.
func (w *Writer) header(prefix byte, n int64) {
	if uint64(n) < 10 { // 0 to 9: the common ":0", ":1", "*2" in one append
		w.buf = append(w.buf, prefix, '0'+byte(n), '\r', '\n')
		return
	}
	w.buf = append(w.buf, prefix)
	w.buf = strconv.AppendInt(w.buf, n, 10)
	w.buf = append(w.buf, '\r', '\n')
}

// line appends prefix, s with every '\r' and '\n' turned into a space (so
// the reply cannot break the protocol), and CRLF.
func (w *Writer) line(prefix byte, s string) {
	w.buf = append(w.buf, prefix)
	start := len(w.buf)
	w.buf = append(w.buf, s...)
	for i := start; i < len(w.buf); i++ {
		if c := w.buf[i]; c == '\r' || c == '\n' {
			w.buf[i] = ' '
		}
	}
	w.buf = append(w.buf, '\r', '\n')
}

// SimpleString writes "+s". Any '\r' or '\n' in s is written as a space, as
// Redis's addReplyStatusFormat does.
func (w *Writer) SimpleString(s string) { w.line('+', s) }

// Error writes "-msg". Any '\r' or '\n' in msg is written as a space, as
// Redis does for error replies.
func (w *Writer) Error(msg string) { w.line('-', msg) }

// Int writes ":n".
func (w *Writer) Int(n int64) { w.header(':', n) }

// Bulk writes "$len" and b. A nil b is the empty string, not a null.
func (w *Writer) Bulk(b []byte) {
	w.header('$', int64(len(b)))
	w.buf = append(w.buf, b...)
	w.buf = append(w.buf, '\r', '\n')
}

// BulkString writes "$len" and s.
func (w *Writer) BulkString(s string) {
	w.header('$', int64(len(s)))
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// null writes the RESP3 null, or the RESP2 form given.
func (w *Writer) null(resp2 string) {
	if w.proto == 3 {
		w.buf = append(w.buf, "_\r\n"...)
		return
	}
	w.buf = append(w.buf, resp2...)
}

// NullBulk writes "$-1" (RESP3 "_").
func (w *Writer) NullBulk() { w.null("$-1\r\n") }

// NullArray writes "*-1" (RESP3 "_").
func (w *Writer) NullArray() { w.null("*-1\r\n") }

// ArrayLen writes "*n". The caller then writes the n elements.
func (w *Writer) ArrayLen(n int) { w.header('*', int64(n)) }

// MapLen writes "%n" (RESP2 "*2n"). The caller then writes n keys, each
// followed by its value.
func (w *Writer) MapLen(n int) {
	if w.proto == 3 {
		w.header('%', int64(n))
		return
	}
	w.header('*', 2*int64(n))
}

// SetLen writes "~n" (RESP2 "*n").
func (w *Writer) SetLen(n int) {
	if w.proto == 3 {
		w.header('~', int64(n))
		return
	}
	w.header('*', int64(n))
}

// PushLen writes ">n" (RESP2 "*n").
func (w *Writer) PushLen(n int) {
	if w.proto == 3 {
		w.header('>', int64(n))
		return
	}
	w.header('*', int64(n))
}

// Double writes ",text" (RESP2: text as a bulk string). text is written as
// given, so RESP3 infinities are ",inf" and ",-inf" exactly as Redis sends
// them.
func (w *Writer) Double(text string) {
	if w.proto == 3 {
		w.buf = append(w.buf, ',')
		w.buf = append(w.buf, text...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.BulkString(text)
}

// Bool writes "#t" or "#f" (RESP2: ":1" or ":0").
func (w *Writer) Bool(b bool) {
	switch {
	case w.proto == 3 && b:
		w.buf = append(w.buf, "#t\r\n"...)
	case w.proto == 3:
		w.buf = append(w.buf, "#f\r\n"...)
	case b:
		w.buf = append(w.buf, ":1\r\n"...)
	default:
		w.buf = append(w.buf, ":0\r\n"...)
	}
}

// Verbatim writes "=len" and "format:s" (RESP2: s as a bulk string). format
// should be three characters, such as "txt" or "mkd".
func (w *Writer) Verbatim(format, s string) {
	if w.proto != 3 {
		w.BulkString(s)
		return
	}
	w.header('=', int64(len(format)+1+len(s)))
	w.buf = append(w.buf, format...)
	w.buf = append(w.buf, ':')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// BigNumber writes "(digits" (RESP2: digits as a bulk string).
func (w *Writer) BigNumber(digits string) {
	if w.proto == 3 {
		w.buf = append(w.buf, '(')
		w.buf = append(w.buf, digits...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.BulkString(digits)
}
