package resp

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chunkReader returns one chunk per Read call (splitting a chunk only if
// the caller's buffer is smaller), then err (io.EOF if nil).
type chunkReader struct {
	chunks [][]byte
	err    error
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.chunks) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	if n == len(c.chunks[0]) {
		c.chunks = c.chunks[1:]
	} else {
		c.chunks[0] = c.chunks[0][n:]
	}
	return n, nil
}

func chunks(parts ...string) *chunkReader {
	c := &chunkReader{}
	for _, p := range parts {
		c.chunks = append(c.chunks, []byte(p))
	}
	return c
}

// readAll reads commands until an error and returns them as strings along
// with that error.
func readAll(r *Reader) ([][]string, error) {
	var cmds [][]string
	for {
		args, err := r.ReadCommand()
		if err != nil {
			return cmds, err
		}
		cmd := make([]string, len(args))
		for i, a := range args {
			cmd[i] = string(a)
		}
		cmds = append(cmds, cmd)
	}
}

// parseString reads all commands in input delivered in one piece.
func parseString(input string) ([][]string, error) {
	return readAll(NewReader(strings.NewReader(input)))
}

// protoMsg returns the message of a *ProtocolError, or fails.
func protoMsg(t *testing.T, err error) string {
	t.Helper()
	var perr *ProtocolError
	require.ErrorAs(t, err, &perr)
	return perr.Msg
}

func mb(args ...string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

func TestReader_Multibulk_Simple(t *testing.T) {
	cmds, err := parseString("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n")
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"SET", "k", "hello"}}, cmds)
}

func TestReader_Multibulk_BinaryAndEmptyArgs(t *testing.T) {
	cmds, err := parseString(mb("SET", "", "a\r\nb\x00c"))
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"SET", "", "a\r\nb\x00c"}}, cmds)
}

func TestReader_Multibulk_Pipelined(t *testing.T) {
	in := mb("PING") + mb("SET", "a", "1") + "GET a\r\n" + mb("GET", "a")
	r := NewReader(chunks(in))

	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte("PING")}, args)
	assert.True(t, r.HasCommand())
	assert.Equal(t, [][]byte{[]byte("PING")}, args, "HasCommand leaves the last command intact")

	for _, want := range [][]string{{"SET", "a", "1"}, {"GET", "a"}} {
		args, err = r.ReadCommand()
		require.NoError(t, err)
		assert.Equal(t, want, strs(args))
		assert.True(t, r.HasCommand())
	}
	args, err = r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"GET", "a"}, strs(args))
	assert.False(t, r.HasCommand(), "nothing more is buffered")
	assert.Zero(t, r.Buffered())

	_, err = r.ReadCommand()
	assert.Equal(t, io.EOF, err)
}

func strs(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

func TestReader_HasCommand(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{"Nothing", "", false},
		{"PartialHeader", "*2\r", false},
		{"PartialArg", "*2\r\n$3\r\nGET\r\n$1\r\n", false},
		{"PartialPayload", "*1\r\n$4\r\nPIN", false},
		{"PayloadWithoutCRLF", "*1\r\n$4\r\nPING", false},
		{"Whole", "*1\r\n$4\r\nPING\r\n", true},
		{"EmptyOnly", "*0\r\n\r\n*-1\r\n", false},
		{"EmptyThenWhole", "*0\r\n\r\n" + mb("PING"), true},
		{"InlinePartial", "PING", false},
		{"InlineWhole", "PING\n", true},
		{"InlineBlank", "   \r\n", false},
		{"BigArgPartial", "*1\r\n$40000\r\n" + strings.Repeat("x", 100), false},
		{"ProtocolError", "*1\r\n+x\r\n", true},
		{"InlineUnbalanced", "GET \"a\r\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(chunks(tc.input))
			if tc.input != "" {
				require.NoError(t, r.fill())
			}
			assert.Equal(t, tc.want, r.HasCommand())
			assert.Equal(t, len(tc.input), r.Buffered(), "HasCommand consumes nothing")
		})
	}
}

func TestReader_HasCommand_DuringBigArg(t *testing.T) {
	val := strings.Repeat("v", 100_000)
	in := mb("SET", "k", val) + mb("PING")
	r := NewReader(chunks(in[:50_000], in[50_000:]))
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"SET", "k", val}, strs(args))
	// The big argument was read exactly, so PING is still in the connection.
	assert.False(t, r.HasCommand())
	args, err = r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"PING"}, strs(args))
}

func TestReader_HasCommand_LookAheadReused(t *testing.T) {
	r := NewReader(chunks(mb("PING") + "*0\r\n" + mb("SET", "k", "v") + mb("GET", "k")))
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"PING"}, strs(args))
	require.True(t, r.HasCommand())
	require.True(t, r.HasCommand(), "asking twice is harmless")
	assert.Equal(t, []string{"PING"}, strs(args), "the look-ahead leaves the last command intact")
	args, err = r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"SET", "k", "v"}, strs(args))
	args, err = r.ReadCommand() // without HasCommand in between
	require.NoError(t, err)
	assert.Equal(t, []string{"GET", "k"}, strs(args))
}

func TestReader_HasCommand_LookAheadRespectsUnauthenticated(t *testing.T) {
	r := NewReader(chunks(mb("RESET") + mb(make([]string, 20)...)))
	_, err := r.ReadCommand()
	require.NoError(t, err)
	require.True(t, r.HasCommand())
	r.Unauthenticated = true // RESET made the client unauthenticated
	_, err = r.ReadCommand()
	assert.Equal(t, "Protocol error: unauthenticated multibulk length", protoMsg(t, err))
}

func TestReader_Multibulk_ByteByByte(t *testing.T) {
	big := strings.Repeat("b", 40_000)
	in := mb("SET", "key", "value") + mb("SET", "big", big) + "PING\r\n" + mb("GET", "key")
	cmds, err := readAll(NewReader(iotest.OneByteReader(strings.NewReader(in))))
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"SET", "key", "value"}, {"SET", "big", big}, {"PING"}, {"GET", "key"}}, cmds)
}

// TestReader_ChunkInvariance parses the same stream split at random points
// and checks that every split gives the same commands and the same error.
func TestReader_ChunkInvariance(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	var in strings.Builder
	var want [][]string
	for i := range 300 {
		switch rng.IntN(5) {
		case 0:
			in.WriteString("*0\r\n")
		case 1:
			in.WriteString("SET k" + strconv.Itoa(i) + " \"v\\x41\\n\" 'it\\'s'\r\n")
			want = append(want, []string{"SET", "k" + strconv.Itoa(i), "vA\n", "it's"})
		default:
			n := rng.IntN(5) + 1
			cmd := []string{"CMD"}
			for range n - 1 {
				size := rng.IntN(64)
				if rng.IntN(20) == 0 {
					size = bigArgLen + rng.IntN(100_000)
				}
				cmd = append(cmd, strings.Repeat(string(rune('a'+rng.IntN(26))), size))
			}
			in.WriteString(mb(cmd...))
			want = append(want, cmd)
		}
	}
	input := in.String()

	for range 20 {
		var parts []string
		for rest := input; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(3000))
			if rng.IntN(4) == 0 {
				n = min(len(rest), 1+rng.IntN(3))
			}
			parts = append(parts, rest[:n])
			rest = rest[n:]
		}
		got, err := readAll(NewReader(chunks(parts...)))
		require.Equal(t, io.EOF, err)
		require.Equal(t, len(want), len(got))
		for i := range want {
			require.Equal(t, want[i], got[i], "command %d", i)
		}
	}
}

func TestReader_Multibulk_ZeroAndNegativeCount_Skipped(t *testing.T) {
	cmds, err := parseString("*0\r\n*-1\r\n*-100\r\n" + mb("PING"))
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"PING"}}, cmds)
}

func TestReader_Multibulk_BadLength(t *testing.T) {
	for _, in := range []string{
		"*\r\n",
		"*x\r\n",
		"*1x\r\n",
		"* 1\r\n",
		"*+1\r\n",
		"*01\r\n",
		"*-0\r\n",
		"*-\r\n",
		"*2147483648\r\n",
		"*9223372036854775808\r\n",
		"*123456789012345678901\r\n",
	} {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			_, err := parseString(in)
			assert.Equal(t, "Protocol error: invalid multibulk length", protoMsg(t, err))
		})
	}
}

func TestReader_Multibulk_LFOnlyHeaderSearchesForCR(t *testing.T) {
	// Redis looks for '\r', so "*1\n$4\r\n" is one header line "1\n$4".
	_, err := parseString("*1\n$4\r\nPING\r\n")
	assert.Equal(t, "Protocol error: invalid multibulk length", protoMsg(t, err))
}

func TestReader_Multibulk_ByteAfterCRNotChecked(t *testing.T) {
	cmds, err := parseString("*1\rX$4\rYPINGZW")
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"PING"}}, cmds)
}

func TestReader_Multibulk_MaxCount_NoUpfrontAllocation(t *testing.T) {
	r := NewReader(chunks("*2147483647\r\n$3\r\nSET\r\n"))
	allocated := allocatedBy(func() {
		_, err := r.ReadCommand()
		assert.Equal(t, io.ErrUnexpectedEOF, err)
	})
	assert.Less(t, allocated, uint64(256<<10))
}

func TestReader_Multibulk_ConfiguredMaxCount(t *testing.T) {
	r := NewReader(chunks(mb("A", "B", "C")))
	r.MaxMultibulkLen = 2
	_, err := r.ReadCommand()
	assert.Equal(t, "Protocol error: invalid multibulk length", protoMsg(t, err))

	r = NewReader(chunks(mb("A", "B")))
	r.MaxMultibulkLen = 2
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "B"}, strs(args))
}

func TestReader_Multibulk_TooBigCountString(t *testing.T) {
	// Up to 64 KiB without '\r' is waited on; one byte more is refused.
	r := NewReader(chunks("*"+strings.Repeat("1", DefaultMaxInlineLen-1), "1"))
	_, err := r.ReadCommand()
	assert.Equal(t, "Protocol error: too big mbulk count string", protoMsg(t, err))

	_, err = parseString("*" + strings.Repeat("1", DefaultMaxInlineLen-1))
	assert.Equal(t, io.ErrUnexpectedEOF, err, "exactly 64 KiB is still waited on")
}

func TestReader_Bulk_BadLength(t *testing.T) {
	for _, in := range []string{
		"*1\r\n$\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\n$x\r\n",
		"*1\r\n$01\r\n",
		"*1\r\n$ 1\r\n",
		"*1\r\n$536870913\r\n",
		"*1\r\n$9223372036854775808\r\n",
	} {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			_, err := parseString(in)
			assert.Equal(t, "Protocol error: invalid bulk length", protoMsg(t, err))
		})
	}
}

func TestReader_Bulk_ConfiguredMaxLen(t *testing.T) {
	r := NewReader(chunks(mb("GET", "abcdef")))
	r.MaxBulkLen = 5
	_, err := r.ReadCommand()
	assert.Equal(t, "Protocol error: invalid bulk length", protoMsg(t, err))
}

func TestReader_Bulk_ExpectedDollar(t *testing.T) {
	tests := map[string]string{
		"*1\r\n+PING\r\n":          "Protocol error: expected '$', got '+'",
		"*2\r\n$3\r\nGET\r\nk\r\n": "Protocol error: expected '$', got 'k'",
		"*1\r\n\r\n":               "Protocol error: expected '$', got ' '", // '\r' is sent as a space
		"*1\r\n:1\r\n":             "Protocol error: expected '$', got ':'",
	}
	for in, want := range tests {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			_, err := parseString(in)
			assert.Equal(t, want, protoMsg(t, err))
		})
	}
}

func TestReader_Bulk_TooBigCountString(t *testing.T) {
	r := NewReader(chunks("*2\r\n$4\r\nECHO\r\n$"+strings.Repeat("1", DefaultMaxInlineLen-1), "1"))
	_, err := r.ReadCommand()
	assert.Equal(t, "Protocol error: too big bulk count string", protoMsg(t, err))

	// The limit applies before the '$' is checked.
	_, err = parseString("*1\r\n" + strings.Repeat("X", 70_000))
	assert.Equal(t, "Protocol error: too big bulk count string", protoMsg(t, err))
}

func TestReader_Bulk_HugeClaim_NoUpfrontAllocation(t *testing.T) {
	for _, n := range []int{DefaultMaxBulkLen, 100 << 20, bigArgLen} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			r := NewReader(chunks("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + strconv.Itoa(n) + "\r\nabc"))
			allocated := allocatedBy(func() {
				_, err := r.ReadCommand()
				assert.Equal(t, io.ErrUnexpectedEOF, err)
			})
			assert.Less(t, allocated, uint64(256<<10))
		})
	}
}

func TestReader_Bulk_TrailingBytesNotChecked(t *testing.T) {
	// Redis skips the two bytes after a payload without looking at them.
	cmds, err := parseString("*2\r\n$3\r\nGETXY$1\r\nkZZ")
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"GET", "k"}}, cmds)
}

func TestReader_Bulk_BigArg_OwnBuffer(t *testing.T) {
	val := strings.Repeat("0123456789", 20_000) // 200 kB
	in := mb("SET", "k", val) + mb("GET", "k")
	var parts []string
	for rest := in; rest != ""; {
		n := min(len(rest), 7_777)
		parts = append(parts, rest[:n])
		rest = rest[n:]
	}
	r := NewReader(chunks(parts...))
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"SET", "k", val}, strs(args))
	assert.Equal(t, len(val), cap(args[2]), "capacity clipped to the argument")
	assert.Less(t, len(r.buf), 64<<10, "the big argument did not go through the input buffer")

	args, err = r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"GET", "k"}, strs(args))
}

func TestReader_Bulk_BigArg_SeveralInOneCommand(t *testing.T) {
	a := strings.Repeat("a", 50_000)
	b := strings.Repeat("b", 33_000)
	in := mb("MSET", "k1", a, "k2", b, "k3", "small")
	r := NewReader(iotest.HalfReader(strings.NewReader(in)))
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"MSET", "k1", a, "k2", b, "k3", "small"}, strs(args))
}

func TestReader_Bulk_BigArg_FullyBufferedIsAliased(t *testing.T) {
	val := strings.Repeat("z", 40_000)
	r := NewReader(chunks())
	in := mb("SET", "k", val)
	r.buf = []byte(in) // as if the whole command had arrived at once
	r.end = len(in)
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, val, string(args[2]))
	assert.Len(t, r.bigs, 0, "no separate buffer for an argument already buffered")
}

func TestReader_Args_CapacityClipped(t *testing.T) {
	r := NewReader(chunks(mb("SET", "k", "v") + "GET \"a\" b\r\n"))
	args, err := r.ReadCommand()
	require.NoError(t, err)
	_ = append(args[0], "XXXX"...)
	assert.Equal(t, []string{"SET", "k", "v"}, strs(args), "appending to one argument leaves the next alone")

	args, err = r.ReadCommand()
	require.NoError(t, err)
	_ = append(args[1], "XXXX"...)
	assert.Equal(t, []string{"GET", "a", "b"}, strs(args))
}

func TestReader_Unauthenticated_Limits(t *testing.T) {
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = "x"
	}
	r := NewReader(chunks(mb(eleven...)))
	r.Unauthenticated = true
	_, err := r.ReadCommand()
	assert.Equal(t, "Protocol error: unauthenticated multibulk length", protoMsg(t, err))

	r = NewReader(chunks(mb(eleven[:10]...)))
	r.Unauthenticated = true
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Len(t, args, 10)

	r = NewReader(chunks("*1\r\n$100000000\r\n"))
	r.Unauthenticated = true
	_, err = r.ReadCommand()
	assert.Equal(t, "Protocol error: unauthenticated bulk length", protoMsg(t, err))

	r = NewReader(chunks(mb("AUTH", strings.Repeat("p", UnauthMaxBulkLen))))
	r.Unauthenticated = true
	args, err = r.ReadCommand()
	require.NoError(t, err)
	assert.Len(t, args[1], UnauthMaxBulkLen)

	// The invalid-length checks come first.
	r = NewReader(chunks("*2147483648\r\n"))
	r.Unauthenticated = true
	_, err = r.ReadCommand()
	assert.Equal(t, "Protocol error: invalid multibulk length", protoMsg(t, err))
}

func TestReader_Unauthenticated_ClearedAfterAuth(t *testing.T) {
	r := NewReader(chunks(mb("AUTH", "pw") + mb(make([]string, 20)...)))
	r.Unauthenticated = true
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"AUTH", "pw"}, strs(args))
	r.Unauthenticated = false
	args, err = r.ReadCommand()
	require.NoError(t, err)
	assert.Len(t, args, 20)
}

func TestReader_Inline_Simple(t *testing.T) {
	cmds, err := parseString("SET k v\r\nGET k\nPING\r\n")
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"SET", "k", "v"}, {"GET", "k"}, {"PING"}}, cmds)
}

func TestReader_Inline_EmptyLinesSkipped(t *testing.T) {
	cmds, err := parseString("\r\n\n  \t \r\nPING\r\n\r\n")
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"PING"}}, cmds)
}

func TestReader_Inline_Quotes(t *testing.T) {
	cmds, err := parseString("SET \"a b\" 'c \\' d' \"\\x41\\n\"\r\n")
	assert.Equal(t, io.EOF, err)
	assert.Equal(t, [][]string{{"SET", "a b", "c ' d", "A\n"}}, cmds)
}

func TestReader_Inline_UnbalancedQuotes(t *testing.T) {
	for _, in := range []string{"SET \"a\r\n", "SET 'a\r\n", "SET \"a\"b\r\n", "GET \"a\\\"\r\n"} {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			_, err := parseString(in)
			assert.Equal(t, "Protocol error: unbalanced quotes in request", protoMsg(t, err))
		})
	}
}

func TestReader_Inline_TooBig(t *testing.T) {
	_, err := parseString(strings.Repeat("A", 100<<10) + "\r\n")
	assert.Equal(t, "Protocol error: too big inline request", protoMsg(t, err))

	r := NewReader(chunks(strings.Repeat("A", DefaultMaxInlineLen), "\r\n"))
	args, err := r.ReadCommand()
	require.NoError(t, err, "exactly 64 KiB without a newline is still waited on")
	assert.Len(t, args[0], DefaultMaxInlineLen)

	r = NewReader(chunks("PING " + strings.Repeat("A", 1000)))
	r.MaxInlineLen = 100
	_, err = r.ReadCommand()
	assert.Equal(t, "Protocol error: too big inline request", protoMsg(t, err))
}

func TestReader_Inline_NULBeforeNewline_Waits(t *testing.T) {
	// Redis finds the line end with strchr, which stops at the NUL.
	r := NewReader(chunks("GET a\x00b\r\n"))
	_, err := r.ReadCommand()
	assert.Equal(t, io.ErrUnexpectedEOF, err)

	r = NewReader(chunks("GET a\x00b\r\n", strings.Repeat("x", DefaultMaxInlineLen)))
	_, err = r.ReadCommand()
	assert.Equal(t, "Protocol error: too big inline request", protoMsg(t, err))
}

func TestReader_Multibulk_NULInHeader_Waits(t *testing.T) {
	r := NewReader(chunks("*1\x00\r\n$4\r\nPING\r\n"))
	_, err := r.ReadCommand()
	assert.Equal(t, io.ErrUnexpectedEOF, err)
}

func TestReader_ProtocolError_Sticky(t *testing.T) {
	r := NewReader(chunks("*x\r\n" + mb("PING")))
	_, err1 := r.ReadCommand()
	_, err2 := r.ReadCommand()
	require.Error(t, err1)
	assert.Same(t, err1, err2)
	assert.True(t, r.HasCommand(), "the pending error is returned without reading")
}

func TestReader_EOF(t *testing.T) {
	_, err := parseString("")
	assert.Equal(t, io.EOF, err)

	_, err = parseString(mb("PING"))
	assert.Equal(t, io.EOF, err, "EOF between commands")

	for _, in := range []string{"*1\r\n", "*1\r\n$4\r\nPI", "PING", "*1", "*1\r\n$40000\r\nabc"} {
		_, err = parseString(in)
		assert.Equal(t, io.ErrUnexpectedEOF, err, "input %q", in)
	}
}

func TestReader_DataWithError_DeliveredFirst(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(iotest.DataErrReader(&chunkReader{chunks: [][]byte{[]byte(mb("PING") + mb("ECHO", "x"))}, err: boom}))
	cmds, err := readAll(r)
	assert.Equal(t, [][]string{{"PING"}, {"ECHO", "x"}}, cmds)
	assert.Equal(t, boom, err)
}

func TestReader_TransientError_Resumes(t *testing.T) {
	big := strings.Repeat("q", 50_000)
	in := mb("SET", "k", big)
	for _, cut := range []int{3, 12, 20, 30_000} {
		src := &timeoutReader{parts: []string{in[:cut], in[cut:]}}
		r := NewReader(src)
		_, err := r.ReadCommand()
		require.ErrorIs(t, err, os.ErrDeadlineExceeded, "cut %d", cut)
		args, err := r.ReadCommand()
		require.NoError(t, err, "cut %d", cut)
		assert.Equal(t, []string{"SET", "k", big}, strs(args))
	}
}

// timeoutReader returns its parts one per Read, with a deadline error
// between them.
type timeoutReader struct {
	parts   []string
	timeout bool
}

func (t *timeoutReader) Read(p []byte) (int, error) {
	if t.timeout {
		t.timeout = false
		return 0, os.ErrDeadlineExceeded
	}
	if len(t.parts) == 0 {
		return 0, io.EOF
	}
	n := copy(p, t.parts[0])
	t.parts[0] = t.parts[0][n:]
	if t.parts[0] == "" {
		t.parts = t.parts[1:]
		t.timeout = true
	}
	return n, nil
}

func TestReader_NoProgress(t *testing.T) {
	r := NewReader(iotest.ErrReader(nil))
	_, err := r.ReadCommand()
	assert.Equal(t, io.ErrNoProgress, err)
}

func TestReader_QueryBufferLimit(t *testing.T) {
	r := NewReader(chunks(mb("SET", "k", strings.Repeat("v", 10_000))))
	r.MaxQueryBufferLen = 4096
	_, err := r.ReadCommand()
	assert.Equal(t, ErrQueryBufferLimit, err)
	_, err = r.ReadCommand()
	assert.Equal(t, ErrQueryBufferLimit, err, "sticky")

	// Big arguments count too.
	r = NewReader(iotest.OneByteReader(strings.NewReader(mb("SET", "k", strings.Repeat("v", 100_000)))))
	r.MaxQueryBufferLen = 80_000
	_, err = r.ReadCommand()
	assert.Equal(t, ErrQueryBufferLimit, err)

	// A command under the limit passes.
	r = NewReader(chunks(mb("SET", "k", strings.Repeat("v", 100_000))))
	r.MaxQueryBufferLen = 200_000
	_, err = r.ReadCommand()
	assert.NoError(t, err)
}

func TestReader_ManyArgs_GrowsBuffer(t *testing.T) {
	args := make([]string, 100_000)
	for i := range args {
		args[i] = strconv.Itoa(i)
	}
	r := NewReader(chunks(mb(args...) + mb("PING")))
	got, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, args, strs(got))
	got, err = r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"PING"}, strs(got))
	_, err = r.ReadCommand()
	assert.Equal(t, io.EOF, err)
	assert.LessOrEqual(t, len(r.buf), maxIdleBufLen, "the grown buffer is dropped once idle")
}

func TestReader_Reset(t *testing.T) {
	r := NewReader(chunks("*2\r\n$3\r\nGET"))
	r.MaxBulkLen = 10
	_, err := r.ReadCommand()
	assert.Equal(t, io.ErrUnexpectedEOF, err)

	r.Reset(chunks(mb("PING")))
	args, err := r.ReadCommand()
	require.NoError(t, err)
	assert.Equal(t, []string{"PING"}, strs(args))
	assert.Equal(t, int64(10), r.MaxBulkLen, "limits survive Reset")
}

func TestParseLL(t *testing.T) {
	good := map[string]int64{
		"0": 0, "1": 1, "-1": -1, "123": 123,
		"9223372036854775807":  9223372036854775807,
		"-9223372036854775808": -9223372036854775808,
	}
	for in, want := range good {
		got, ok := parseLL([]byte(in))
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-", "+1", "01", "-0", "00", " 1", "1 ", "1a", "9223372036854775808",
		"-9223372036854775809", "18446744073709551616", "99999999999999999999", "123456789012345678901"} {
		_, ok := parseLL([]byte(in))
		assert.False(t, ok, "%q", in)
	}
}

// allocatedBy returns the bytes allocated on the heap while f runs
// (TotalAlloc is cumulative, so no GC is needed).
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// loopReader serves the same bytes forever.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.data[l.off:])
	l.off = (l.off + n) % len(l.data)
	return n, nil
}

func benchmarkReaderPipeline(b *testing.B, cmd string) {
	var in bytes.Buffer
	for range 1000 {
		in.WriteString(cmd)
	}
	r := NewReader(&loopReader{data: in.Bytes()})
	b.ReportAllocs()
	b.SetBytes(int64(len(cmd)))
	for b.Loop() {
		if _, err := r.ReadCommand(); err != nil {
			b.Fatal(err)
		}
		r.HasCommand()
	}
}

func BenchmarkReader_PipelinedSet_16B(b *testing.B) {
	benchmarkReaderPipeline(b, mb("SET", "key:000000000001", strings.Repeat("v", 16)))
}

func BenchmarkReader_PipelinedSet_1KB(b *testing.B) {
	benchmarkReaderPipeline(b, mb("SET", "key:000000000001", strings.Repeat("v", 1024)))
}

func BenchmarkReader_PipelinedSet_100KB(b *testing.B) {
	benchmarkReaderPipeline(b, mb("SET", "key:000000000001", strings.Repeat("v", 100<<10)))
}

func BenchmarkReader_Inline(b *testing.B) {
	benchmarkReaderPipeline(b, "SET key:000000000001 \"some value\"\r\n")
}

// TestQuickHeader_MatchesGeneralPath checks the header fast path against
// cIndex and parseLL: whenever quickHeader accepts a line, the general
// path finds the same '\r' with its next byte present and the same number.
// Random lines over a small alphabet (digits, signs, CR, LF, NUL, letters)
// with a printed seed, plus the edge cases by hand.
func TestQuickHeader_MatchesGeneralPath(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		n, i, ok := quickHeader(b)
		if !ok {
			return
		}
		ci := cIndex(b, '\r')
		require.Equal(t, ci, i, "%q", b)
		require.LessOrEqual(t, i, len(b)-2, "%q: the byte after CR", b)
		ln, lok := parseLL(b[1:i])
		require.True(t, lok, "%q", b)
		require.Equal(t, ln, n, "%q", b)
	}
	for _, s := range []string{
		"$0\r\n", "$0\r", "$00\r\n", "$01\r\n", "$1\r\n", "$1\r", "$-1\r\n", "$+1\r\n",
		"$123456789012345678\r\n", "$1234567890123456789\r\n", "$9223372036854775807\r\n",
		"$99999999999999999999\r\n", "$1\x00\r\n", "$ 1\r\n", "$1 \r\n", "*3\r\n", "*\r\n",
	} {
		check([]byte(s))
	}
	// The usual headers are taken by the fast path (else it would do
	// nothing and the checks above would pass vacuously).
	for _, s := range []string{"$1\r\n", "*3\r\n", "$16\r\n", "$12345678\r\n"} {
		_, _, ok := quickHeader([]byte(s))
		assert.True(t, ok, "%q", s)
	}
	// "$1\r" lacks the byte after CR; "$01" has a leading zero; neither is
	// taken by the fast path.
	for _, s := range []string{"$1\r", "$0\r", "$01\r\n", "$1234567890123456789\r\n"} {
		_, _, ok := quickHeader([]byte(s))
		assert.False(t, ok, "%q", s)
	}
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	const alphabet = "0123456789012345678901-+\r\n\x00a$*"
	b := make([]byte, 0, 32)
	for range 200000 {
		b = append(b[:0], "$*"[rng.IntN(2)])
		for range rng.IntN(24) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		check(b)
	}
}
