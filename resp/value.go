package resp

import (
	"math"
	"strconv"
	"strings"
)

// Kind is the RESP type of a [Value].
type Kind uint8

// The kinds of Value. The zero Kind is KindNull, so the zero Value is a null.
const (
	// KindNull is a null whose RESP2 shape is unknown: RESP3 "_" read off
	// the wire. Written to a RESP2 writer it becomes "$-1".
	KindNull Kind = iota
	// KindNullBulk is a null bulk string: RESP2 "$-1", RESP3 "_".
	KindNullBulk
	// KindNullArray is a null array: RESP2 "*-1", RESP3 "_".
	KindNullArray
	// KindSimpleString is a status reply such as "+OK"; the text is in Str.
	KindSimpleString
	// KindError is an error reply; Str is the message without the '-', for
	// example "ERR syntax error". A RESP3 blob error ("!") reads as one too.
	KindError
	// KindInt is an integer reply; the value is in Int.
	KindInt
	// KindBulk is a bulk string; the bytes are in Str.
	KindBulk
	// KindArray is an array; the elements are in Elems.
	KindArray
	// KindMap is a map; Elems holds 2×n values, each key followed by its
	// value, in reply order.
	KindMap
	// KindSet is a set; the elements are in Elems, in reply order.
	KindSet
	// KindPush is an out-of-band push; the elements are in Elems.
	KindPush
	// KindDouble is a double: Str is the exact text sent (RESP3 ",text",
	// RESP2 bulk) and Float its value.
	KindDouble
	// KindBool is a boolean; Int is 1 for true and 0 for false.
	KindBool
	// KindVerbatim is a verbatim string: Format is the three-letter format
	// ("txt", "mkd") and Str the text.
	KindVerbatim
	// KindBigNumber is a big number; Str holds its decimal digits.
	KindBigNumber
)

var kindNames = [...]string{
	KindNull:         "null",
	KindNullBulk:     "null-bulk",
	KindNullArray:    "null-array",
	KindSimpleString: "simple-string",
	KindError:        "error",
	KindInt:          "integer",
	KindBulk:         "bulk",
	KindArray:        "array",
	KindMap:          "map",
	KindSet:          "set",
	KindPush:         "push",
	KindDouble:       "double",
	KindBool:         "bool",
	KindVerbatim:     "verbatim",
	KindBigNumber:    "big-number",
}

// String returns the kind's name, such as "bulk" or "null-array".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one reply as a Go value: what Store.Do returns, what MULTI/EXEC
// and scripts record before replaying, and what [ReadReply] parses. Kind
// says which fields are meaningful; the others are zero.
//
// A Value keeps the full RESP3 type even when it was produced for a RESP2
// client, so writing it with [WriteValue] or [Value.AppendRESP] renders it
// correctly for either protocol. Values share nothing with the buffers they
// were built from and are safe to keep and to read from many goroutines.
type Value struct {
	// Kind is the reply type.
	Kind Kind
	// Str is the text of a simple string, error, bulk, double, verbatim
	// string or big number.
	Str string
	// Int is the value of an integer, and 1 or 0 for a boolean.
	Int int64
	// Float is the value of a double.
	Float float64
	// Format is the three-letter format of a verbatim string.
	Format string
	// Elems are the elements of an array, set or push, and the keys and
	// values of a map (2×n, alternating). An empty aggregate has nil Elems.
	Elems []Value
}

// SimpleStringValue returns a status reply ("+s").
func SimpleStringValue(s string) Value { return Value{Kind: KindSimpleString, Str: s} }

// ErrorValue returns an error reply; msg excludes the '-'.
func ErrorValue(msg string) Value { return Value{Kind: KindError, Str: msg} }

// IntValue returns an integer reply.
func IntValue(n int64) Value { return Value{Kind: KindInt, Int: n} }

// BulkValue returns a bulk string reply.
func BulkValue(s string) Value { return Value{Kind: KindBulk, Str: s} }

// NullValue returns the RESP3 null, of unknown RESP2 shape.
func NullValue() Value { return Value{Kind: KindNull} }

// NullBulkValue returns a null bulk string ("$-1").
func NullBulkValue() Value { return Value{Kind: KindNullBulk} }

// NullArrayValue returns a null array ("*-1").
func NullArrayValue() Value { return Value{Kind: KindNullArray} }

// ArrayValue returns an array of elems.
func ArrayValue(elems ...Value) Value { return Value{Kind: KindArray, Elems: elems} }

// MapValue returns a map; kv holds each key followed by its value.
func MapValue(kv ...Value) Value { return Value{Kind: KindMap, Elems: kv} }

// SetValue returns a set of elems.
func SetValue(elems ...Value) Value { return Value{Kind: KindSet, Elems: elems} }

// PushValue returns a push of elems.
func PushValue(elems ...Value) Value { return Value{Kind: KindPush, Elems: elems} }

// DoubleValue returns a double with value f and wire text text (Redis's own
// formatting of f, such as "3.5", "inf" or "-inf"). If text is empty, the
// shortest Go formatting of f is used when the value is written.
func DoubleValue(f float64, text string) Value {
	return Value{Kind: KindDouble, Float: f, Str: text}
}

// BoolValue returns a boolean.
func BoolValue(b bool) Value {
	v := Value{Kind: KindBool}
	if b {
		v.Int = 1
	}
	return v
}

// VerbatimValue returns a verbatim string of the given three-letter format.
func VerbatimValue(format, s string) Value {
	return Value{Kind: KindVerbatim, Format: format, Str: s}
}

// BigNumberValue returns a big number given as decimal digits.
func BigNumberValue(digits string) Value { return Value{Kind: KindBigNumber, Str: digits} }

// IsNull reports whether v is any of the three nulls.
func (v Value) IsNull() bool {
	return v.Kind == KindNull || v.Kind == KindNullBulk || v.Kind == KindNullArray
}

// Err returns the error reply as a [ReplyError], or nil if v is not one.
func (v Value) Err() error {
	if v.Kind != KindError {
		return nil
	}
	return ReplyError(v.Str)
}

// Len returns the number of elements of an array, set or push, the number
// of pairs of a map, and 0 for anything else.
func (v Value) Len() int {
	if v.Kind == KindMap {
		return len(v.Elems) / 2
	}
	return len(v.Elems)
}

// doubleText is the wire text of a double.
func (v Value) doubleText() string {
	if v.Str != "" {
		return v.Str
	}
	switch {
	case math.IsInf(v.Float, 1):
		return "inf"
	case math.IsInf(v.Float, -1):
		return "-inf"
	case math.IsNaN(v.Float):
		return "nan"
	}
	return strconv.FormatFloat(v.Float, 'g', -1, 64)
}

// String returns a compact, unambiguous rendering for logs and test
// failures: +OK, -ERR msg, :1, "bulk" (Go-quoted), (nil), (nil-bulk),
// (nil-array), [a b] for arrays, {k: v, ...} for maps, ~[...] for sets,
// >[...] for pushes, ,1.5 for doubles, #t/#f, =txt:"..." for verbatim and
// (123 for big numbers.
func (v Value) String() string {
	var b strings.Builder
	v.format(&b)
	return b.String()
}

func (v Value) format(b *strings.Builder) {
	switch v.Kind {
	case KindNull:
		b.WriteString("(nil)")
	case KindNullBulk:
		b.WriteString("(nil-bulk)")
	case KindNullArray:
		b.WriteString("(nil-array)")
	case KindSimpleString:
		b.WriteString("+" + v.Str)
	case KindError:
		b.WriteString("-" + v.Str)
	case KindInt:
		b.WriteString(":" + strconv.FormatInt(v.Int, 10))
	case KindBulk:
		b.WriteString(strconv.Quote(v.Str))
	case KindArray, KindSet, KindPush:
		switch v.Kind {
		case KindSet:
			b.WriteByte('~')
		case KindPush:
			b.WriteByte('>')
		}
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(' ')
			}
			e.format(b)
		}
		b.WriteByte(']')
	case KindMap:
		b.WriteByte('{')
		for i, e := range v.Elems {
			switch {
			case i == 0:
			case i%2 == 1:
				b.WriteString(": ")
			default:
				b.WriteString(", ")
			}
			e.format(b)
		}
		b.WriteByte('}')
	case KindDouble:
		b.WriteString("," + v.doubleText())
	case KindBool:
		if v.Int != 0 {
			b.WriteString("#t")
		} else {
			b.WriteString("#f")
		}
	case KindVerbatim:
		b.WriteString("=" + v.Format + ":" + strconv.Quote(v.Str))
	case KindBigNumber:
		b.WriteString("(" + v.Str)
	default:
		b.WriteString("(" + v.Kind.String() + ")")
	}
}

// AppendRESP appends v encoded for protocol proto (3 for RESP3, anything
// else RESP2) to dst and returns the extended slice. RESP2 renders the
// RESP3-only types as [ReplyWriter] documents.
func (v Value) AppendRESP(dst []byte, proto int) []byte {
	w := &Writer{buf: dst}
	w.SetProto(proto)
	WriteValue(w, v)
	return w.buf
}

// WriteValue replays v into w as the sequence of calls that produces it,
// for example to send a reply recorded by a [ValueWriter] (inside MULTI, or
// by a script) to a client. A KindNull becomes NullBulk.
func WriteValue(w ReplyWriter, v Value) {
	switch v.Kind {
	case KindArray, KindMap, KindSet, KindPush:
		writeAggregate(w, v)
		for _, e := range v.Elems {
			WriteValue(w, e)
		}
	default:
		writeScalar(w, v)
	}
}

// writeAggregate writes the header of an aggregate Value.
func writeAggregate(w ReplyWriter, v Value) {
	switch v.Kind {
	case KindArray:
		w.ArrayLen(len(v.Elems))
	case KindMap:
		w.MapLen(len(v.Elems) / 2)
	case KindSet:
		w.SetLen(len(v.Elems))
	case KindPush:
		w.PushLen(len(v.Elems))
	}
}

// writeScalar writes a non-aggregate Value.
func writeScalar(w ReplyWriter, v Value) {
	switch v.Kind {
	case KindNull, KindNullBulk:
		w.NullBulk()
	case KindNullArray:
		w.NullArray()
	case KindSimpleString:
		w.SimpleString(v.Str)
	case KindError:
		w.Error(v.Str)
	case KindInt:
		w.Int(v.Int)
	case KindBulk:
		w.BulkString(v.Str)
	case KindDouble:
		w.Double(v.doubleText())
	case KindBool:
		w.Bool(v.Int != 0)
	case KindVerbatim:
		w.Verbatim(v.Format, v.Str)
	case KindBigNumber:
		w.BigNumber(v.Str)
	default:
		w.Error("ERR invalid reply kind " + v.Kind.String())
	}
}
