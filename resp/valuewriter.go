package resp

import (
	"math"
	"strconv"
)

// ValueWriter is a [ReplyWriter] that builds [Value] trees instead of
// bytes. Store.Do runs a command against one to return its reply, and
// MULTI/EXEC and scripts use one to record replies that are replayed later
// with [WriteValue].
//
// Aggregates are tracked on a stack: after ArrayLen(n) the next n values
// become its elements (2n for MapLen), and an aggregate is finished when its
// last element arrives, so nested replies need no extra calls. A value
// written while no aggregate is open is a top-level value; Done reports
// whether one is complete. A command normally writes exactly one top-level
// value, but some (SUBSCRIBE to several channels) write several, and all
// are kept in order.
//
// The proto given to NewValueWriter is only what Proto reports, so that
// handlers choose the reply shape a RESP2 or RESP3 client would get; every
// call is recorded with its full type either way.
type ValueWriter struct {
	proto  int
	stack  []frame
	values []Value
}

// frame is an aggregate still waiting for elements.
type frame struct {
	v    Value
	want int
}

var _ ReplyWriter = (*ValueWriter)(nil)

// NewValueWriter returns a ValueWriter that reports protocol proto: 3 for
// RESP3, anything else 2.
func NewValueWriter(proto int) *ValueWriter {
	w := &ValueWriter{}
	w.SetProto(proto)
	return w
}

// Proto returns 3 or 2, as set by NewValueWriter or SetProto.
func (w *ValueWriter) Proto() int {
	if w.proto == 3 {
		return 3
	}
	return 2
}

// SetProto changes what Proto reports: 3 for RESP3, anything else 2.
func (w *ValueWriter) SetProto(proto int) {
	if proto == 3 {
		w.proto = 3
	} else {
		w.proto = 2
	}
}

// Done reports whether at least one top-level value is complete and no
// aggregate is still waiting for elements.
func (w *ValueWriter) Done() bool { return len(w.stack) == 0 && len(w.values) > 0 }

// Value returns the first complete top-level value, or the zero Value (a
// KindNull) if there is none yet.
func (w *ValueWriter) Value() Value {
	if len(w.values) == 0 {
		return Value{}
	}
	return w.values[0]
}

// Values returns every complete top-level value in the order written. The
// slice is owned by w until Reset.
func (w *ValueWriter) Values() []Value { return w.values }

// Reset discards everything written, including an unfinished aggregate,
// and keeps the protocol.
func (w *ValueWriter) Reset() {
	clear(w.stack)
	w.stack = w.stack[:0]
	w.values = nil
}

// add places a finished value in the open aggregate, closing every
// aggregate it completes, or records it as a top-level value.
func (w *ValueWriter) add(v Value) {
	for len(w.stack) > 0 {
		top := &w.stack[len(w.stack)-1]
		top.v.Elems = append(top.v.Elems, v)
		top.want--
		if top.want > 0 {
			return
		}
		v = top.v
		top.v = Value{}
		w.stack = w.stack[:len(w.stack)-1]
	}
	w.values = append(w.values, v)
}

// open starts an aggregate of n elements; a negative n counts as 0.
func (w *ValueWriter) open(kind Kind, n int) {
	if n <= 0 {
		w.add(Value{Kind: kind})
		return
	}
	w.stack = append(w.stack, frame{
		v:    Value{Kind: kind, Elems: make([]Value, 0, min(n, maxPreallocArgs))},
		want: n,
	})
}

// SimpleString records a KindSimpleString.
func (w *ValueWriter) SimpleString(s string) { w.add(SimpleStringValue(s)) }

// Error records a KindError.
func (w *ValueWriter) Error(msg string) { w.add(ErrorValue(msg)) }

// Int records a KindInt.
func (w *ValueWriter) Int(n int64) { w.add(IntValue(n)) }

// Bulk records a KindBulk holding a copy of b.
func (w *ValueWriter) Bulk(b []byte) { w.add(BulkValue(string(b))) }

// BulkString records a KindBulk.
func (w *ValueWriter) BulkString(s string) { w.add(BulkValue(s)) }

// NullBulk records a KindNullBulk.
func (w *ValueWriter) NullBulk() { w.add(NullBulkValue()) }

// NullArray records a KindNullArray.
func (w *ValueWriter) NullArray() { w.add(NullArrayValue()) }

// ArrayLen starts a KindArray of n elements.
func (w *ValueWriter) ArrayLen(n int) { w.open(KindArray, n) }

// MapLen starts a KindMap of n pairs (2n values).
func (w *ValueWriter) MapLen(n int) { w.open(KindMap, 2*n) }

// SetLen starts a KindSet of n elements.
func (w *ValueWriter) SetLen(n int) { w.open(KindSet, n) }

// PushLen starts a KindPush of n elements.
func (w *ValueWriter) PushLen(n int) { w.open(KindPush, n) }

// Double records a KindDouble with Str text and Float parsed from it
// ("inf", "-inf" and "nan" included; NaN if text does not parse).
func (w *ValueWriter) Double(text string) { w.add(DoubleValue(parseDouble(text), text)) }

// Bool records a KindBool.
func (w *ValueWriter) Bool(b bool) { w.add(BoolValue(b)) }

// Verbatim records a KindVerbatim.
func (w *ValueWriter) Verbatim(format, s string) { w.add(VerbatimValue(format, s)) }

// BigNumber records a KindBigNumber.
func (w *ValueWriter) BigNumber(digits string) { w.add(BigNumberValue(digits)) }

// parseDouble parses the text of a double reply. Overflowing text gives
// ±Inf; text that is not a number gives NaN.
func parseDouble(text string) float64 {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f
		}
		return math.NaN()
	}
	return f
}
