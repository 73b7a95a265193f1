package resp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var readerSeeds = []string{
	"",
	"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
	"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n",
	"PING\r\nSET a \"b c\" 'd'\r\n\r\n",
	"SET \"\\x41\\n\" x\n",
	"*0\r\n*-1\r\n\r\n",
	"*2147483647\r\n$3\r\nSET\r\n",
	"*1\r\n$536870912\r\nabc",
	"*1\r\n$40000\r\nabcdef",
	"*1\r\n+x\r\n",
	"*x\r\n",
	"*1\r\n$-1\r\n",
	"GET \"unbalanced\r\n",
	"GET a\x00b\r\n",
	"*1\rX$4\rYPINGZW",
	"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv",
}

// FuzzReader feeds arbitrary bytes to a Reader, whole and in small pieces,
// and checks that it never panics, that it allocates in proportion to its
// input, that both deliveries give the same commands and the same final
// error, and that ReadCommand does not read after HasCommand said true.
func FuzzReader(f *testing.F) {
	for i, s := range readerSeeds {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, step uint8) {
		allocated := allocatedBy(func() {
			r := NewReader(bytes.NewReader(data))
			for {
				if _, err := r.ReadCommand(); err != nil {
					break
				}
			}
		})
		assert.Less(t, allocated, uint64(512<<10+32*len(data)), "allocated %d bytes for %d bytes of input", allocated, len(data))

		whole, wholeErr := readAll(NewReader(bytes.NewReader(data)))
		for _, cmd := range whole {
			require.NotEmpty(t, cmd)
		}
		if len(data) >= DefaultMaxInlineLen {
			return // whether a long line is "too big" depends on the read sizes
		}

		size := int(step%16) + 1
		var parts []string
		for rest := data; len(rest) > 0; {
			n := min(len(rest), size)
			parts = append(parts, string(rest[:n]))
			rest = rest[n:]
		}
		src := &countingReader{r: chunks(parts...)}
		r := NewReader(src)
		var pieces [][]string
		var piecesErr error
		for {
			has := r.HasCommand()
			before := src.reads
			args, err := r.ReadCommand()
			if has {
				require.Equal(t, before, src.reads, "ReadCommand read although HasCommand was true")
			}
			if err != nil {
				piecesErr = err
				break
			}
			pieces = append(pieces, strs(args))
		}
		require.Equal(t, whole, pieces)
		require.Equal(t, errText(wholeErr), errText(piecesErr))
	})
}

// countingReader counts the Read calls made on r.
type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// errText is an error's message, with io.EOF and io.ErrUnexpectedEOF kept
// apart and every protocol error compared by its text.
func errText(err error) string {
	var perr *ProtocolError
	if errors.As(err, &perr) {
		return "protocol: " + perr.Msg
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

var replySeeds = []string{
	"+OK\r\n",
	"-ERR x\r\n",
	":12\r\n",
	"$3\r\nabc\r\n",
	"$-1\r\n",
	"*-1\r\n",
	"*2\r\n$1\r\na\r\n*1\r\n:1\r\n",
	"%1\r\n+k\r\n~1\r\n,1.5\r\n",
	">2\r\n+a\r\n#t\r\n",
	"=15\r\ntxt:Some string\r\n",
	"(123\r\n",
	"_\r\n",
	"!3\r\nERR\r\n",
	"|1\r\n+a\r\n+b\r\n:1\r\n",
	",nan\r\n",
	"$536870912\r\nabc",
	"*2147483647\r\n",
}

// FuzzReadReply checks that ReadReply never panics, allocates in proportion
// to its input, and that encoding what it read and reading it back is
// stable.
func FuzzReadReply(f *testing.F) {
	for _, s := range replySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v Value
		var err error
		allocated := allocatedBy(func() {
			v, err = ReadReply(bufio.NewReader(bytes.NewReader(data)))
		})
		assert.Less(t, allocated, uint64(1<<20+256*len(data)))
		if err != nil {
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				require.ErrorIs(t, err, ErrMalformedReply)
			}
			return
		}
		for _, proto := range []int{2, 3} {
			v2, err := ReadReply(bufio.NewReader(bytes.NewReader(v.AppendRESP(nil, proto))))
			require.NoError(t, err)
			v3, err := ReadReply(bufio.NewReader(bytes.NewReader(v2.AppendRESP(nil, proto))))
			require.NoError(t, err)
			require.Equal(t, v2.String(), v3.String())
		}
	})
}
