package resp

import (
	"errors"
	"strings"
)

// ProtocolError is a malformed request detected by [Reader]. Msg is exactly
// the text Redis 7 sends for the same input, without the "ERR " code, for
// example "Protocol error: invalid multibulk length". Redis replies
// "-ERR " + Msg and closes the connection once the reply is written; a
// server built on this package should do the same:
//
//	var perr *resp.ProtocolError
//	if errors.As(err, &perr) {
//		w.Error("ERR " + perr.Msg)
//		w.WriteTo(conn)
//		conn.Close()
//	}
//
// Once a Reader has returned a ProtocolError it returns the same error from
// every later call.
type ProtocolError struct {
	// Msg is the reply text after "ERR ", with any '\r' or '\n' already
	// replaced by spaces as Redis does.
	Msg string
}

// Error returns Msg.
func (e *ProtocolError) Error() string { return e.Msg }

// Protocol error texts, as in processMultibulkBuffer and processInlineBuffer
// of Redis 7 (src/networking.c).
const (
	msgInvalidMultibulkLen = "Protocol error: invalid multibulk length"
	msgUnauthMultibulkLen  = "Protocol error: unauthenticated multibulk length"
	msgInvalidBulkLen      = "Protocol error: invalid bulk length"
	msgUnauthBulkLen       = "Protocol error: unauthenticated bulk length"
	msgTooBigMbulkCount    = "Protocol error: too big mbulk count string"
	msgTooBigBulkCount     = "Protocol error: too big bulk count string"
	msgTooBigInline        = "Protocol error: too big inline request"
	msgUnbalancedQuotes    = "Protocol error: unbalanced quotes in request"
)

func protoErr(msg string) *ProtocolError { return &ProtocolError{Msg: msg} }

// expectedDollar is Redis's "expected '$', got '%c'" error for byte c. Redis
// builds it with addReplyErrorFormat, which turns '\r' and '\n' into spaces.
func expectedDollar(c byte) *ProtocolError {
	if c == '\r' || c == '\n' {
		c = ' '
	}
	return protoErr("Protocol error: expected '$', got '" + string([]byte{c}) + "'")
}

// ErrQueryBufferLimit is returned by [Reader.ReadCommand] when the bytes
// buffered for one connection (the command being assembled plus any
// pipelined input after it) exceed Reader.MaxQueryBufferLen, Redis's
// client-query-buffer-limit. Redis closes such a connection without sending
// a reply ("Closing client that reached max query buffer length" in its
// log); so should the server. The error is sticky.
var ErrQueryBufferLimit = errors.New("resp: client reached max query buffer length")

// ErrMalformedReply is wrapped by every error [ReadReply] returns for bytes
// that are not a valid RESP2 or RESP3 reply. Test with errors.Is.
var ErrMalformedReply = errors.New("resp: malformed reply")

// ReplyError is an error reply carried as a Go error, as returned by
// [Value.Err]. Its text is the message without the leading '-', for example
// "ERR syntax error" or "WRONGTYPE Operation against a key holding the wrong
// kind of value".
type ReplyError string

// Error returns the message.
func (e ReplyError) Error() string { return string(e) }

// Code returns the error code, the first word of the message ("ERR",
// "WRONGTYPE", "NOSCRIPT", ...).
func (e ReplyError) Code() string {
	s := string(e)
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}
