package resp

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readReplyString(s string) (Value, error) {
	return ReadReply(bufio.NewReader(strings.NewReader(s)))
}

func TestReadReply_Types(t *testing.T) {
	tests := []struct {
		in   string
		want Value
	}{
		{"+OK\r\n", SimpleStringValue("OK")},
		{"+\r\n", SimpleStringValue("")},
		{"-ERR unknown command\r\n", ErrorValue("ERR unknown command")},
		{":0\r\n", IntValue(0)},
		{":-9223372036854775808\r\n", IntValue(math.MinInt64)},
		{"$5\r\nhello\r\n", BulkValue("hello")},
		{"$0\r\n\r\n", BulkValue("")},
		{"$4\r\na\r\nb\r\n", BulkValue("a\r\nb")},
		{"$-1\r\n", NullBulkValue()},
		{"*-1\r\n", NullArrayValue()},
		{"_\r\n", NullValue()},
		{"*0\r\n", ArrayValue()},
		{"*2\r\n$1\r\na\r\n:1\r\n", ArrayValue(BulkValue("a"), IntValue(1))},
		{"%1\r\n+k\r\n*1\r\n#t\r\n", MapValue(SimpleStringValue("k"), ArrayValue(BoolValue(true)))},
		{"~2\r\n:1\r\n:2\r\n", SetValue(IntValue(1), IntValue(2))},
		{">2\r\n+pubsub\r\n+x\r\n", PushValue(SimpleStringValue("pubsub"), SimpleStringValue("x"))},
		{",3.25\r\n", DoubleValue(3.25, "3.25")},
		{",inf\r\n", DoubleValue(math.Inf(1), "inf")},
		{",-inf\r\n", DoubleValue(math.Inf(-1), "-inf")},
		{",1e400\r\n", DoubleValue(math.Inf(1), "1e400")},
		{"#t\r\n", BoolValue(true)},
		{"#f\r\n", BoolValue(false)},
		{"=15\r\ntxt:Some string\r\n", VerbatimValue("txt", "Some string")},
		{"=4\r\nmkd:\r\n", VerbatimValue("mkd", "")},
		{"(3492890328409238509324850943850943825024385\r\n", BigNumberValue("3492890328409238509324850943850943825024385")},
		{"(-1\r\n", BigNumberValue("-1")},
		{"!21\r\nSYNTAX invalid syntax\r\n", ErrorValue("SYNTAX invalid syntax")},
		{"|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:7\r\n", ArrayValue(IntValue(7))},
		{"*1\r\n|1\r\n+ttl\r\n:10\r\n+v\r\n", ArrayValue(SimpleStringValue("v"))},
		{"|1\r\n+a\r\n+b\r\n|0\r\n:5\r\n", IntValue(5)},
	}
	for _, tc := range tests {
		t.Run(strconv.Quote(tc.in), func(t *testing.T) {
			got, err := readReplyString(tc.in + "+next\r\n")
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReadReply_NaN(t *testing.T) {
	v, err := readReplyString(",nan\r\n")
	require.NoError(t, err)
	assert.Equal(t, KindDouble, v.Kind)
	assert.True(t, math.IsNaN(v.Float))
	assert.Equal(t, "nan", v.Str)
}

func TestReadReply_Sequence(t *testing.T) {
	r := bufio.NewReader(strings.NewReader("+OK\r\n:1\r\n"))
	v, err := ReadReply(r)
	require.NoError(t, err)
	assert.Equal(t, SimpleStringValue("OK"), v)
	v, err = ReadReply(r)
	require.NoError(t, err)
	assert.Equal(t, IntValue(1), v)
	_, err = ReadReply(r)
	assert.Equal(t, io.EOF, err, "clean end between replies")
}

func TestReadReply_Malformed(t *testing.T) {
	for _, in := range []string{
		"\r\n",
		"?\r\n",
		"+OK\n",
		":abc\r\n",
		":\r\n",
		"$-2\r\n",
		"$x\r\n",
		"$3\r\nabcde\r\n",
		"*-2\r\n",
		"%-1\r\n",
		"!-1\r\n",
		"=3\r\ntxt\r\n",
		"=5\r\ntxt-x\r\n",
		",abc\r\n",
		"#x\r\n",
		"(12a\r\n",
		"(\r\n",
		"_x\r\n",
		"$?\r\n",
		"*?\r\n",
		"|-1\r\n",
		"|1\r\n+a\r\n+b\r\n\r\n",
	} {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			_, err := readReplyString(in)
			assert.ErrorIs(t, err, ErrMalformedReply)
		})
	}
}

func TestReadReply_Truncated(t *testing.T) {
	for _, in := range []string{"+OK", "$5\r\nhel", "$5\r\nhello", "$5\r\nhello\r", "*2\r\n:1\r\n", "%1\r\n+k\r\n", "|1\r\n+a\r\n+b\r\n"} {
		_, err := readReplyString(in)
		assert.Equal(t, io.ErrUnexpectedEOF, err, "input %q", in)
	}
}

func TestReadReply_AttributeChain_NoRecursion(t *testing.T) {
	v, err := readReplyString(strings.Repeat("|0\r\n", 100_000) + ":1\r\n")
	require.NoError(t, err)
	assert.Equal(t, IntValue(1), v)
}

func TestReadReply_LongLine(t *testing.T) {
	long := strings.Repeat("x", 100_000)
	v, err := readReplyString("+" + long + "\r\n")
	require.NoError(t, err)
	assert.Equal(t, long, v.Str)
}

func TestReadReply_HugeClaims_NoUpfrontAllocation(t *testing.T) {
	for _, in := range []string{"$536870912\r\nabc", "*2147483647\r\n:1\r\n", "%1000000000\r\n", "$9223372036854775807\r\n"} {
		allocated := allocatedBy(func() {
			_, err := readReplyString(in)
			assert.Equal(t, io.ErrUnexpectedEOF, err, in)
		})
		assert.Less(t, allocated, uint64(256<<10), in)
	}
}

func TestReadReply_BigPayload(t *testing.T) {
	val := strings.Repeat("p", 300_000)
	v, err := readReplyString("$300000\r\n" + val + "\r\n")
	require.NoError(t, err)
	assert.Equal(t, val, v.Str)
}

func TestReadReply_DepthLimit(t *testing.T) {
	ok := strings.Repeat("*1\r\n", maxReplyDepth) + ":1\r\n"
	_, err := readReplyString(ok)
	assert.NoError(t, err)

	_, err = readReplyString(strings.Repeat("*1\r\n", maxReplyDepth+1) + ":1\r\n")
	assert.ErrorIs(t, err, ErrMalformedReply)
}

func BenchmarkReadReply_Array_10(b *testing.B) {
	v := ArrayValue()
	for range 10 {
		v.Elems = append(v.Elems, BulkValue("member"))
	}
	data := v.AppendRESP(nil, 2)
	lr := &loopReader{data: data}
	r := bufio.NewReader(lr)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadReply(r); err != nil {
			b.Fatal(err)
		}
	}
}
