package embedis

import (
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/embedis/embedis/internal/rconv"
)

// parseInt parses an integer exactly as Redis's string2ll does.
func parseInt(s string) (int64, bool) { return rconv.ParseIntString(s) }

// parseCursor parses a SCAN cursor.
func parseCursor(s string) (uint64, bool) { return rconv.ParseUint64String(s) }

// matchPattern is Redis's glob match (KEYS, SCAN MATCH, PSUBSCRIBE).
func matchPattern(pattern, s string) bool { return rconv.Match(pattern, s, false) }

// incrByFloat adds incr to cur (0 when the key does not exist) in 80-bit precision and formats
// the result as Redis does.
func incrByFloat(cur string, exists bool, incr string) (string, error) {
	var cb []byte
	if exists {
		cb = append(make([]byte, 0, len(cur)), cur...)
	}
	r, err := rconv.IncrByFloat(cb, []byte(incr))
	if err != nil {
		if errors.Is(err, rconv.ErrResultNaNOrInf) {
			return "", ErrNaN
		}
		return "", ErrNotFloat
	}
	return r, nil
}

// formatIncrArg renders a Go float64 increment as text for INCRBYFLOAT.
func formatIncrArg(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// toBytes converts a Do argument to bytes.
func toBytes(a any) []byte {
	switch v := a.(type) {
	case string:
		return []byte(v)
	case []byte:
		return v
	case int:
		return strconv.AppendInt(nil, int64(v), 10)
	case int64:
		return strconv.AppendInt(nil, v, 10)
	case int32:
		return strconv.AppendInt(nil, int64(v), 10)
	case uint64:
		return strconv.AppendUint(nil, v, 10)
	case uint:
		return strconv.AppendUint(nil, uint64(v), 10)
	case float64:
		return strconv.AppendFloat(nil, v, 'f', -1, 64)
	case float32:
		return strconv.AppendFloat(nil, float64(v), 'f', -1, 32)
	case bool:
		if v {
			return []byte("1")
		}
		return []byte("0")
	case nil:
		return []byte{}
	default:
		return []byte(strings.TrimSpace(fmtAny(v)))
	}
}

// errorFromText maps an error reply back to the sentinel of its kind.
func errorFromText(msg string) *Error {
	for _, e := range []*Error{ErrWrongType, ErrSyntax, ErrNotInteger, ErrNotFloat, ErrNoSuchKey,
		ErrIndexOutOfRange, ErrSameObject, ErrOverflow, ErrDecrOverflow, ErrNaN, ErrOOM, ErrDBIndex,
		ErrStringTooLong, ErrBitOffset, ErrInvalidCursor, ErrExecAbort, ErrNoScript, ErrBusyKey, ErrNoAuth} {
		if e.msg == msg {
			return e
		}
	}
	switch {
	case strings.HasPrefix(msg, "ERR invalid expire time in "):
		return newErr(kindInvalidExpire, msg)
	case strings.HasPrefix(msg, "ERR wrong number of arguments for "):
		return newErr(kindWrongArgs, msg)
	case strings.HasPrefix(msg, "ERR unknown command "):
		return newErr(kindUnknownCommand, msg)
	case strings.HasPrefix(msg, "EXECABORT"):
		return newErr(kindExecAbort, msg)
	case strings.HasPrefix(msg, "NOGROUP "):
		return newErr(kindNoGroup, msg)
	case strings.HasPrefix(msg, "BUSYGROUP "):
		return newErr(kindBusyGroup, msg)
	case strings.HasPrefix(msg, "OOM "):
		return newErr(kindOOM, msg)
	}
	return &Error{msg: msg}
}

// sharedInts holds the decimal text of 0 .. sharedIntCount-1 in one
// string, and sharedIntEnd where each ends, built on first use: counters
// (INCR and friends) store these shared immutable strings instead of
// allocating one per write, as Redis shares its small integer objects.
var (
	sharedIntsOnce sync.Once
	sharedInts     string
	sharedIntEnd   []uint32
)

const sharedIntCount = 10000

// formatInt returns n in decimal, without allocating for small values.
func formatInt(n int64) string {
	if n < 0 || n >= sharedIntCount {
		return strconv.FormatInt(n, 10)
	}
	sharedIntsOnce.Do(func() {
		var b []byte
		sharedIntEnd = make([]uint32, sharedIntCount)
		for i := int64(0); i < sharedIntCount; i++ {
			b = strconv.AppendInt(b, i, 10)
			sharedIntEnd[i] = uint32(len(b))
		}
		sharedInts = string(b)
	})
	start := uint32(0)
	if n > 0 {
		start = sharedIntEnd[n-1]
	}
	return sharedInts[start:sharedIntEnd[n]]
}
