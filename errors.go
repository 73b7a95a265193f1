package embedis

import (
	"errors"
	"fmt"
)

// Error is an error with the exact text Redis sends for it (without the
// leading '-'). Errors of the same kind match with errors.Is even when
// their texts differ (ErrInvalidExpire carries the command's name).
type Error struct {
	kind errKind
	msg  string
}

type errKind uint8

const (
	kindOther errKind = iota
	kindWrongType
	kindSyntax
	kindNotInteger
	kindNotFloat
	kindNoSuchKey
	kindOutOfRange
	kindSameObject
	kindOverflow
	kindNaN
	kindInvalidExpire
	kindOOM
	kindDBIndex
	kindWrongArgs
	kindUnknownCommand
	kindExecAbort
	kindNoScript
	kindBusy
	kindBusyKey
	kindNoAuth
	kindStringTooLong
	kindBitOffset
	kindInvalidCursor
)

// Error returns the text Redis sends, e.g. "ERR syntax error".
func (e *Error) Error() string { return e.msg }

// Is reports whether target is an *Error of the same kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	if t.kind == kindOther || e.kind == kindOther {
		return t.msg == e.msg
	}
	return t.kind == e.kind
}

func newErr(k errKind, msg string) *Error { return &Error{kind: k, msg: msg} }

// errf builds an ERR-class error with a formatted message.
func errf(format string, args ...any) *Error {
	return &Error{msg: fmt.Sprintf(format, args...)}
}

// Sentinel errors. Each carries the wire text Redis sends.
var (
	// ErrWrongType: the key holds a value of another type.
	ErrWrongType = newErr(kindWrongType, "WRONGTYPE Operation against a key holding the wrong kind of value")
	// ErrSyntax: the arguments do not form a valid command.
	ErrSyntax = newErr(kindSyntax, "ERR syntax error")
	// ErrNotInteger: a value or argument is not an integer or is out of range.
	ErrNotInteger = newErr(kindNotInteger, "ERR value is not an integer or out of range")
	// ErrNotFloat: a value or argument is not a valid float.
	ErrNotFloat = newErr(kindNotFloat, "ERR value is not a valid float")
	// ErrNoSuchKey: the command needs an existing key.
	ErrNoSuchKey = newErr(kindNoSuchKey, "ERR no such key")
	// ErrIndexOutOfRange: an index is outside the value.
	ErrIndexOutOfRange = newErr(kindOutOfRange, "ERR index out of range")
	// ErrSameObject: source and destination are the same.
	ErrSameObject = newErr(kindSameObject, "ERR source and destination objects are the same")
	// ErrOverflow: an increment or decrement would overflow int64.
	ErrOverflow = newErr(kindOverflow, "ERR increment or decrement would overflow")
	// ErrDecrOverflow: DECRBY by the most negative int64.
	ErrDecrOverflow = newErr(kindOverflow, "ERR decrement would overflow")
	// ErrNaN: a float increment would produce NaN or Infinity.
	ErrNaN = newErr(kindNaN, "ERR increment would produce NaN or Infinity")
	// ErrInvalidExpire: an expire time is out of range; the text names the
	// command ("ERR invalid expire time in 'set' command").
	ErrInvalidExpire = newErr(kindInvalidExpire, "ERR invalid expire time")
	// ErrOOM: maxmemory is reached and the command may grow memory.
	ErrOOM = newErr(kindOOM, "OOM command not allowed when used memory > 'maxmemory'.")
	// ErrDBIndex: a database number is out of range.
	ErrDBIndex = newErr(kindDBIndex, "ERR DB index is out of range")
	// ErrStringTooLong: a string would exceed proto-max-bulk-len.
	ErrStringTooLong = newErr(kindStringTooLong, "ERR string exceeds maximum allowed size (proto-max-bulk-len)")
	// ErrBitOffset: a bit offset is not an integer or out of range.
	ErrBitOffset = newErr(kindBitOffset, "ERR bit offset is not an integer or out of range")
	// ErrInvalidCursor: a SCAN cursor is not a valid number.
	ErrInvalidCursor = newErr(kindInvalidCursor, "ERR invalid cursor")
	// ErrExecAbort: EXEC was refused because of an error while queueing.
	ErrExecAbort = newErr(kindExecAbort, "EXECABORT Transaction discarded because of previous errors.")
	// ErrNoScript: EVALSHA of an unknown script.
	ErrNoScript = newErr(kindNoScript, "NOSCRIPT No matching script. Please use EVAL.")
	// ErrBusyKey: RESTORE/COPY target exists.
	ErrBusyKey = newErr(kindBusyKey, "BUSYKEY Target key name already exists.")
	// ErrNoAuth: the connection has not authenticated.
	ErrNoAuth = newErr(kindNoAuth, "NOAUTH Authentication required.")
)

// Nil is returned by typed accessors when the key or element does not
// exist (the nil reply). Test for it with errors.Is(err, embedis.Nil).
var Nil = errors.New("embedis: nil")

// ErrClosed is returned by calls on a closed Store.
var ErrClosed = errors.New("embedis: store closed")

func errInvalidExpire(cmd string) *Error {
	return newErr(kindInvalidExpire, "ERR invalid expire time in '"+cmd+"' command")
}

func errWrongArgs(fullname string) *Error {
	return newErr(kindWrongArgs, "ERR wrong number of arguments for '"+fullname+"' command")
}
