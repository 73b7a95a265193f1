package resp

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeCase is one sequence of ReplyWriter calls and the bytes each
// protocol must produce for it.
type writeCase struct {
	name  string
	write func(w ReplyWriter)
	resp2 string
	resp3 string
}

var writeCases = []writeCase{
	{"SimpleString", func(w ReplyWriter) { w.SimpleString("OK") }, "+OK\r\n", "+OK\r\n"},
	{"SimpleString_Empty", func(w ReplyWriter) { w.SimpleString("") }, "+\r\n", "+\r\n"},
	{"Error", func(w ReplyWriter) { w.Error("ERR syntax error") }, "-ERR syntax error\r\n", "-ERR syntax error\r\n"},
	{"Int_Zero", func(w ReplyWriter) { w.Int(0) }, ":0\r\n", ":0\r\n"},
	{"Int_Negative", func(w ReplyWriter) { w.Int(-42) }, ":-42\r\n", ":-42\r\n"},
	{"Int_Min", func(w ReplyWriter) { w.Int(-9223372036854775808) }, ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"},
	{"Bulk", func(w ReplyWriter) { w.Bulk([]byte("hello")) }, "$5\r\nhello\r\n", "$5\r\nhello\r\n"},
	{"Bulk_Nil_IsEmpty", func(w ReplyWriter) { w.Bulk(nil) }, "$0\r\n\r\n", "$0\r\n\r\n"},
	{"Bulk_Binary", func(w ReplyWriter) { w.Bulk([]byte("a\r\nb\x00")) }, "$5\r\na\r\nb\x00\r\n", "$5\r\na\r\nb\x00\r\n"},
	{"BulkString", func(w ReplyWriter) { w.BulkString("héllo") }, "$6\r\nhéllo\r\n", "$6\r\nhéllo\r\n"},
	{"NullBulk", func(w ReplyWriter) { w.NullBulk() }, "$-1\r\n", "_\r\n"},
	{"NullArray", func(w ReplyWriter) { w.NullArray() }, "*-1\r\n", "_\r\n"},
	{"ArrayLen_Empty", func(w ReplyWriter) { w.ArrayLen(0) }, "*0\r\n", "*0\r\n"},
	{"Array", func(w ReplyWriter) {
		w.ArrayLen(2)
		w.BulkString("a")
		w.Int(1)
	}, "*2\r\n$1\r\na\r\n:1\r\n", "*2\r\n$1\r\na\r\n:1\r\n"},
	{"Map", func(w ReplyWriter) {
		w.MapLen(2)
		w.BulkString("a")
		w.Int(1)
		w.BulkString("b")
		w.NullBulk()
	}, "*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n", "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n"},
	{"Map_Empty", func(w ReplyWriter) { w.MapLen(0) }, "*0\r\n", "%0\r\n"},
	{"Set", func(w ReplyWriter) {
		w.SetLen(1)
		w.BulkString("m")
	}, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
	{"Push", func(w ReplyWriter) {
		w.PushLen(3)
		w.BulkString("message")
		w.BulkString("ch")
		w.BulkString("hi")
	}, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"},
	{"Double", func(w ReplyWriter) { w.Double("3.5") }, "$3\r\n3.5\r\n", ",3.5\r\n"},
	{"Double_Inf", func(w ReplyWriter) { w.Double("inf") }, "$3\r\ninf\r\n", ",inf\r\n"},
	{"Double_NegInf", func(w ReplyWriter) { w.Double("-inf") }, "$4\r\n-inf\r\n", ",-inf\r\n"},
	{"Double_NaN", func(w ReplyWriter) { w.Double("nan") }, "$3\r\nnan\r\n", ",nan\r\n"},
	{"Bool_True", func(w ReplyWriter) { w.Bool(true) }, ":1\r\n", "#t\r\n"},
	{"Bool_False", func(w ReplyWriter) { w.Bool(false) }, ":0\r\n", "#f\r\n"},
	{"Verbatim", func(w ReplyWriter) { w.Verbatim("txt", "Some string") }, "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n"},
	{"BigNumber", func(w ReplyWriter) { w.BigNumber("3492890328409238509324850943850943825024385") },
		"$43\r\n3492890328409238509324850943850943825024385\r\n", "(3492890328409238509324850943850943825024385\r\n"},
	{"Nested", func(w ReplyWriter) {
		w.ArrayLen(2)
		w.MapLen(1)
		w.BulkString("k")
		w.SetLen(2)
		w.Int(1)
		w.Int(2)
		w.NullArray()
	}, "*2\r\n*2\r\n$1\r\nk\r\n*2\r\n:1\r\n:2\r\n*-1\r\n", "*2\r\n%1\r\n$1\r\nk\r\n~2\r\n:1\r\n:2\r\n_\r\n"},
}

func TestWriter_Encoding(t *testing.T) {
	for _, tc := range writeCases {
		t.Run(tc.name, func(t *testing.T) {
			w2 := NewWriter(2)
			tc.write(w2)
			assert.Equal(t, tc.resp2, string(w2.Bytes()), "RESP2")
			w3 := NewWriter(3)
			tc.write(w3)
			assert.Equal(t, tc.resp3, string(w3.Bytes()), "RESP3")
		})
	}
}

func TestWriter_Error_ReplacesNewlines(t *testing.T) {
	w := NewWriter(2)
	w.Error("ERR bad\r\nthing\n")
	assert.Equal(t, "-ERR bad  thing \r\n", string(w.Bytes()))
}

func TestWriter_SimpleString_ReplacesNewlines(t *testing.T) {
	w := NewWriter(3)
	w.SimpleString("a\rb\nc")
	assert.Equal(t, "+a b c\r\n", string(w.Bytes()))
}

func TestWriter_ZeroValue_IsRESP2(t *testing.T) {
	var w Writer
	assert.Equal(t, 2, w.Proto())
	w.NullBulk()
	assert.Equal(t, "$-1\r\n", string(w.Bytes()))
}

func TestWriter_SetProto(t *testing.T) {
	w := NewWriter(2)
	w.Bool(true)
	w.SetProto(3)
	assert.Equal(t, 3, w.Proto())
	w.Bool(true)
	w.SetProto(7) // anything but 3 is RESP2
	assert.Equal(t, 2, w.Proto())
	w.Bool(true)
	assert.Equal(t, ":1\r\n#t\r\n:1\r\n", string(w.Bytes()))
	assert.Equal(t, 2, NewWriter(0).Proto())
}

func TestWriter_Len_Reset(t *testing.T) {
	w := NewWriter(2)
	w.SimpleString("OK")
	assert.Equal(t, 5, w.Len())
	w.Reset()
	assert.Equal(t, 0, w.Len())
	w.Int(1)
	assert.Equal(t, ":1\r\n", string(w.Bytes()))
}

func TestWriter_Reset_DropsLargeBuffer(t *testing.T) {
	w := NewWriter(2)
	w.Bulk(make([]byte, 1<<20))
	w.Reset()
	assert.LessOrEqual(t, cap(w.Bytes()), maxRetainedWriterBuf)

	w.Bulk(make([]byte, 100))
	c := cap(w.Bytes())
	w.Reset()
	assert.Equal(t, c, cap(w.Bytes()), "a small buffer is kept")
}

func TestWriter_Raw(t *testing.T) {
	w := NewWriter(2)
	w.Raw([]byte("+PONG\r\n"))
	w.Int(3)
	assert.Equal(t, "+PONG\r\n:3\r\n", string(w.Bytes()))
}

func TestWriter_WriteTo_FlushesAndResets(t *testing.T) {
	w := NewWriter(2)
	w.SimpleString("OK")
	w.Int(7)
	var dst bytes.Buffer
	n, err := w.WriteTo(&dst)
	require.NoError(t, err)
	assert.Equal(t, int64(9), n)
	assert.Equal(t, "+OK\r\n:7\r\n", dst.String())
	assert.Equal(t, 0, w.Len())

	n, err = w.WriteTo(&dst)
	require.NoError(t, err)
	assert.Zero(t, n, "an empty buffer writes nothing")
}

// shortWriter accepts at most max bytes per call and then fails with err.
type shortWriter struct {
	got bytes.Buffer
	max int
	err error
}

func (s *shortWriter) Write(p []byte) (int, error) {
	n := min(len(p), s.max)
	s.got.Write(p[:n])
	if n < len(p) {
		return n, s.err
	}
	return n, nil
}

func TestWriter_WriteTo_ShortWrite_KeepsRest(t *testing.T) {
	w := NewWriter(2)
	w.BulkString("hello")
	sw := &shortWriter{max: 4}
	n, err := w.WriteTo(sw)
	assert.ErrorIs(t, err, io.ErrShortWrite)
	assert.Equal(t, int64(4), n)
	assert.Equal(t, "hello\r\n", string(w.Bytes()), "the unwritten rest stays buffered")

	sw.max = 100
	_, err = w.WriteTo(sw)
	require.NoError(t, err)
	assert.Equal(t, "$5\r\nhello\r\n", sw.got.String())
}

func TestWriter_WriteTo_Error_KeepsRest(t *testing.T) {
	boom := errors.New("boom")
	w := NewWriter(2)
	w.SimpleString("OK")
	sw := &shortWriter{max: 1, err: boom}
	n, err := w.WriteTo(sw)
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, int64(1), n)
	assert.Equal(t, "OK\r\n", string(w.Bytes()))
}

func TestWriter_HotPath_ZeroAllocs(t *testing.T) {
	w := NewWriter(2)
	val := []byte("some value")
	for _, proto := range []int{2, 3} {
		w.SetProto(proto)
		allocs := testing.AllocsPerRun(1000, func() {
			w.Reset()
			w.SimpleString("OK")
			w.Int(123456789)
			w.Bulk(val)
			w.BulkString("abc")
			w.ArrayLen(3)
			w.MapLen(2)
			w.NullBulk()
			w.Double("1.5")
			w.Bool(true)
			w.Error("ERR x")
		})
		assert.Zero(t, allocs, "proto %d", proto)
	}
}

func BenchmarkWriter_SimpleString(b *testing.B) {
	w := NewWriter(2)
	b.ReportAllocs()
	for b.Loop() {
		w.Reset()
		w.SimpleString("OK")
	}
}

func BenchmarkWriter_Int(b *testing.B) {
	w := NewWriter(2)
	b.ReportAllocs()
	for b.Loop() {
		w.Reset()
		w.Int(1234567)
	}
}

func BenchmarkWriter_Bulk_16B(b *testing.B) {
	w := NewWriter(2)
	val := bytes.Repeat([]byte("x"), 16)
	b.ReportAllocs()
	b.SetBytes(16)
	for b.Loop() {
		w.Reset()
		w.Bulk(val)
	}
}

func BenchmarkWriter_Array_100(b *testing.B) {
	for _, proto := range []int{2, 3} {
		b.Run("RESP"+string(rune('0'+proto)), func(b *testing.B) {
			w := NewWriter(proto)
			val := []byte("member")
			b.ReportAllocs()
			for b.Loop() {
				w.Reset()
				w.MapLen(50)
				for range 50 {
					w.Bulk(val)
					w.Double("1.5")
				}
			}
		})
	}
}
