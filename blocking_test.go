package embedis

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlocking_TimeoutParsing(t *testing.T) {
	s, _ := openTest(t)
	x := s.NewSession()
	cases := map[string]string{
		"abc":    "-ERR timeout is not a float or out of range\r\n",
		"-1":     "-ERR timeout is negative\r\n",
		"-0.5":   "-ERR timeout is negative\r\n",
		"inf":    "-ERR timeout is out of range\r\n",
		"1e400":  "-ERR timeout is out of range\r\n",
		"-inf":   "-ERR timeout is negative\r\n",
		"0.0001": "*-1\r\n",
		"0.01":   "*-1\r\n",
	}
	for arg, want := range cases {
		assert.Equal(t, want, do(t, x, "BLPOP", "nokey", arg), "BLPOP nokey %s", arg)
	}
}

// A write serves the clients blocked on its key before it returns, as
// Redis serves them before running the next command: what the writer sees
// next is what they left. A BLMOVE served that way serves the readers of
// its destination too.
func TestBlocking_ServedBeforeWriteReturns(t *testing.T) {
	s, _ := openTest(t)
	d := s.Select(0)
	got := make(chan string, 3)
	pop := func(key string) {
		_, v, err := d.BLPop(context.Background(), 0, key)
		if err != nil {
			v = err.Error()
		}
		got <- v
	}
	go pop("q")
	waitBlocked(t, s, "q", 1)
	go func() {
		v, err := d.BLMove(context.Background(), "q", "q2", Left, Right, 0)
		if err != nil {
			v = err.Error()
		}
		got <- "moved " + v
	}()
	waitBlocked(t, s, "q", 2)
	go pop("q2")
	waitBlocked(t, s, "q2", 1)

	n, err := d.RPush("q", "a", "b", "c")
	require.NoError(t, err)
	assert.Equal(t, 3, n, "the reply counts what the push made")
	// both waiters on q and the reader of q2 are served already
	for key, want := range map[string]int{"q": 1, "q2": 0} {
		l, err := d.LLen(key)
		require.NoError(t, err)
		assert.Equal(t, want, l, key)
	}
	assert.Equal(t, 0, waiters(s, "q"))
	assert.Equal(t, 0, waiters(s, "q2"))
	var all []string
	for i := 0; i < 3; i++ {
		all = append(all, <-got)
	}
	assert.ElementsMatch(t, []string{"a", "moved b", "b"}, all)

	// a session's pipelined commands see the same
	go pop("q3")
	waitBlocked(t, s, "q3", 1)
	sess := s.NewSession()
	assert.Equal(t, ":1\r\n", do(t, sess, "RPUSH", "q3", "x"))
	assert.Equal(t, ":0\r\n", do(t, sess, "LLEN", "q3"))
	assert.Equal(t, "x", <-got)
}
