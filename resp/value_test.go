package resp

import (
	"bufio"
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleValue uses every Kind.
func sampleValue() Value {
	return ArrayValue(
		SimpleStringValue("OK"),
		ErrorValue("ERR boom"),
		IntValue(-7),
		BulkValue("bulk\r\nwith crlf"),
		BulkValue(""),
		NullBulkValue(),
		NullArrayValue(),
		MapValue(BulkValue("k1"), IntValue(1), BulkValue("k2"), SetValue(BulkValue("a"), BulkValue("b"))),
		PushValue(BulkValue("message"), BulkValue("ch"), BulkValue("hi")),
		DoubleValue(1.5, "1.5"),
		DoubleValue(math.Inf(-1), "-inf"),
		BoolValue(true),
		BoolValue(false),
		VerbatimValue("txt", "Some string"),
		BigNumberValue("-3492890328409238509324850943850943825024385"),
		ArrayValue(),
		MapValue(),
	)
}

func TestValueWriter_RecordsEveryKind(t *testing.T) {
	want := sampleValue()
	for _, proto := range []int{2, 3} {
		w := NewValueWriter(proto)
		assert.Equal(t, proto, w.Proto())
		WriteValue(w, want)
		require.True(t, w.Done())
		assert.Equal(t, want, w.Value(), "RESP%d: the full type is kept", proto)
		assert.Len(t, w.Values(), 1)
	}
}

func TestValueWriter_Done(t *testing.T) {
	w := NewValueWriter(3)
	assert.False(t, w.Done(), "nothing written")
	w.ArrayLen(2)
	assert.False(t, w.Done())
	w.MapLen(1)
	w.BulkString("k")
	assert.False(t, w.Done())
	w.ArrayLen(0)
	assert.False(t, w.Done(), "the outer array still waits for one element")
	w.Int(1)
	assert.True(t, w.Done())
	assert.Equal(t, ArrayValue(MapValue(BulkValue("k"), ArrayValue()), IntValue(1)), w.Value())
}

func TestValueWriter_EmptyAggregate_CompletesAtOnce(t *testing.T) {
	w := NewValueWriter(2)
	w.SetLen(0)
	assert.True(t, w.Done())
	assert.Equal(t, SetValue(), w.Value())
	assert.Nil(t, w.Value().Elems)
}

func TestValueWriter_SeveralTopLevelValues(t *testing.T) {
	w := NewValueWriter(3)
	for _, ch := range []string{"a", "b"} {
		w.PushLen(3)
		w.BulkString("subscribe")
		w.BulkString(ch)
		w.Int(1)
	}
	assert.True(t, w.Done())
	assert.Equal(t, []Value{
		PushValue(BulkValue("subscribe"), BulkValue("a"), IntValue(1)),
		PushValue(BulkValue("subscribe"), BulkValue("b"), IntValue(1)),
	}, w.Values())
	assert.Equal(t, "a", w.Value().Elems[1].Str, "Value is the first")
}

func TestValueWriter_Bulk_Copies(t *testing.T) {
	w := NewValueWriter(2)
	b := []byte("abc")
	w.Bulk(b)
	b[0] = 'X'
	assert.Equal(t, "abc", w.Value().Str)
}

func TestValueWriter_Double_ParsesText(t *testing.T) {
	for text, want := range map[string]float64{"3.5": 3.5, "inf": math.Inf(1), "-inf": math.Inf(-1), "1e400": math.Inf(1)} {
		w := NewValueWriter(3)
		w.Double(text)
		assert.Equal(t, DoubleValue(want, text), w.Value(), text)
	}
	w := NewValueWriter(3)
	w.Double("nan")
	assert.True(t, math.IsNaN(w.Value().Float))
	assert.Equal(t, "nan", w.Value().Str)
}

func TestValueWriter_Reset(t *testing.T) {
	w := NewValueWriter(3)
	w.ArrayLen(3)
	w.Int(1)
	w.Reset()
	assert.False(t, w.Done())
	w.Int(2)
	assert.Equal(t, IntValue(2), w.Value())
	assert.Equal(t, 3, w.Proto(), "Reset keeps the protocol")
	w.SetProto(2)
	assert.Equal(t, 2, w.Proto())
}

func TestValueWriter_ZeroValue(t *testing.T) {
	var w ValueWriter
	assert.Equal(t, 2, w.Proto())
	assert.Equal(t, Value{}, w.Value())
	assert.True(t, w.Value().IsNull())
}

// TestWriteValue_SameBytesAsDirectCalls checks that replaying a recorded
// Value into a Writer produces exactly what the handler's calls would have.
func TestWriteValue_SameBytesAsDirectCalls(t *testing.T) {
	for _, tc := range writeCases {
		for _, proto := range []int{2, 3} {
			direct := NewWriter(proto)
			tc.write(direct)

			rec := NewValueWriter(proto)
			tc.write(rec)
			require.True(t, rec.Done(), tc.name)
			replayed := NewWriter(proto)
			WriteValue(replayed, rec.Value())
			assert.Equal(t, string(direct.Bytes()), string(replayed.Bytes()), "%s RESP%d", tc.name, proto)
			assert.Equal(t, string(direct.Bytes()), string(rec.Value().AppendRESP(nil, proto)), "%s RESP%d AppendRESP", tc.name, proto)
		}
	}
}

func TestValue_AppendRESP_RoundTrip(t *testing.T) {
	v := sampleValue()
	b := v.AppendRESP([]byte("prefix"), 3)
	require.Equal(t, "prefix", string(b[:6]))
	got, err := ReadReply(bufio.NewReader(bytes.NewReader(b[6:])))
	require.NoError(t, err)
	// "_" does not say which null it was.
	want := v
	want.Elems = append([]Value(nil), v.Elems...)
	want.Elems[5] = NullValue()
	want.Elems[6] = NullValue()
	assert.Equal(t, want, got)
}

func TestValue_AppendRESP_RESP2Shapes(t *testing.T) {
	v := MapValue(BulkValue("score"), DoubleValue(2.5, "2.5"), BulkValue("ok"), BoolValue(true))
	assert.Equal(t, "*4\r\n$5\r\nscore\r\n$3\r\n2.5\r\n$2\r\nok\r\n:1\r\n", string(v.AppendRESP(nil, 2)))
	assert.Equal(t, "%2\r\n$5\r\nscore\r\n,2.5\r\n$2\r\nok\r\n#t\r\n", string(v.AppendRESP(nil, 3)))
}

func TestValue_AppendRESP_NullKinds(t *testing.T) {
	assert.Equal(t, "$-1\r\n", string(NullValue().AppendRESP(nil, 2)))
	assert.Equal(t, "$-1\r\n", string(Value{}.AppendRESP(nil, 2)), "the zero Value is a null")
	assert.Equal(t, "*-1\r\n", string(NullArrayValue().AppendRESP(nil, 2)))
	assert.Equal(t, "_\r\n", string(NullArrayValue().AppendRESP(nil, 3)))
}

func TestValue_AppendRESP_DoubleWithoutText(t *testing.T) {
	assert.Equal(t, ",0.1\r\n", string(DoubleValue(0.1, "").AppendRESP(nil, 3)))
	assert.Equal(t, ",inf\r\n", string(DoubleValue(math.Inf(1), "").AppendRESP(nil, 3)))
	assert.Equal(t, ",-inf\r\n", string(DoubleValue(math.Inf(-1), "").AppendRESP(nil, 3)))
	assert.Equal(t, ",nan\r\n", string(DoubleValue(math.NaN(), "").AppendRESP(nil, 3)))
}

func TestValue_AppendRESP_InvalidKind(t *testing.T) {
	assert.Equal(t, "-ERR invalid reply kind kind(200)\r\n", string(Value{Kind: 200}.AppendRESP(nil, 2)))
}

func TestValue_String(t *testing.T) {
	assert.Equal(t,
		`[+OK -ERR boom :-7 "bulk\r\nwith crlf" "" (nil-bulk) (nil-array) {"k1": :1, "k2": ~["a" "b"]} >["message" "ch" "hi"] ,1.5 ,-inf #t #f =txt:"Some string" (-3492890328409238509324850943850943825024385 [] {}]`,
		sampleValue().String())
	assert.Equal(t, "(nil)", Value{}.String())
}

func TestValue_Helpers(t *testing.T) {
	assert.True(t, NullBulkValue().IsNull())
	assert.True(t, NullArrayValue().IsNull())
	assert.True(t, NullValue().IsNull())
	assert.False(t, BulkValue("").IsNull())

	assert.NoError(t, IntValue(1).Err())
	err := ErrorValue("WRONGTYPE Operation against a key holding the wrong kind of value").Err()
	var re ReplyError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "WRONGTYPE", re.Code())
	assert.Equal(t, "NOSCRIPT", ReplyError("NOSCRIPT").Code())

	assert.Equal(t, 2, MapValue(IntValue(1), IntValue(2), IntValue(3), IntValue(4)).Len())
	assert.Equal(t, 3, ArrayValue(IntValue(1), IntValue(2), IntValue(3)).Len())
	assert.Equal(t, 0, IntValue(5).Len())

	assert.Equal(t, "big-number", KindBigNumber.String())
	assert.Equal(t, "kind(99)", Kind(99).String())
}

func BenchmarkValueWriter_Array_10(b *testing.B) {
	w := NewValueWriter(3)
	val := []byte("member")
	b.ReportAllocs()
	for b.Loop() {
		w.Reset()
		w.ArrayLen(10)
		for range 10 {
			w.Bulk(val)
		}
	}
}
