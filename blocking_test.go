package embedis

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
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

// A command serves the clients blocked on its keys before the session
// runs the next one, as Redis does: what the writer sees next is what
// they left. A BLMOVE served that way serves the readers of its
// destination too. (The typed Go API only signals them; it is tested in
// list_test.go.)
func TestBlocking_ServedBeforeNextCommand(t *testing.T) {
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

	sess := s.NewSession()
	assert.Equal(t, ":3\r\n", do(t, sess, "RPUSH", "q", "a", "b", "c"), "the reply counts what the push made")
	// both waiters on q and the reader of q2 are served already
	assert.Equal(t, ":1\r\n", do(t, sess, "LLEN", "q"))
	assert.Equal(t, ":0\r\n", do(t, sess, "LLEN", "q2"))
	assert.Equal(t, 0, waiters(s, "q"))
	assert.Equal(t, 0, waiters(s, "q2"))
	var all []string
	for i := 0; i < 3; i++ {
		all = append(all, <-got)
	}
	assert.ElementsMatch(t, []string{"a", "moved b", "b"}, all)

	// the same inside MULTI/EXEC: served after EXEC
	go pop("q3")
	waitBlocked(t, s, "q3", 1)
	do(t, sess, "MULTI")
	do(t, sess, "RPUSH", "q3", "x", "y")
	do(t, sess, "LLEN", "q3")
	assert.Equal(t, "*2\r\n:2\r\n:2\r\n", do(t, sess, "EXEC"))
	assert.Equal(t, ":1\r\n", do(t, sess, "LLEN", "q3"))
	assert.Equal(t, "x", <-got)
}

// Many readers of one consumer group blocked on a stream, fed by XADDs of
// a session (which serves blocked readers before it returns, up to a
// bound of idle retries): no entry and no reader is lost, whether served
// by the XADD or left to retry on its own — every entry reaches exactly
// one reader. (The bound itself is not asserted here.)
func TestBlocking_ManyGroupReadersEachServedOnce(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	do(t, sess, "XGROUP", "CREATE", "st", "g", "$", "MKSTREAM")
	const readers = 24
	replies := make([]<-chan string, readers)
	for i := range replies {
		replies[i] = blockedCall(t, s, "XREADGROUP", "GROUP", "g", "c"+strconv.Itoa(i), "COUNT", "1", "BLOCK", "0", "STREAMS", "st", ">")
		waitBlocked(t, s, "st", i+1)
	}
	for i := 0; i < readers; i++ {
		do(t, sess, "XADD", "st", "1-"+strconv.Itoa(i+1), "n", strconv.Itoa(i))
	}
	seen := map[string]bool{}
	for i, ch := range replies {
		r := listRecv(t, ch)
		assert.Contains(t, r, "$2\r\nst\r\n", "reader %d", i)
		seen[r] = true
	}
	assert.Len(t, seen, readers, "each reader got a different entry")
	assert.Equal(t, "*4\r\n:24\r\n$3\r\n1-1\r\n$4\r\n1-24\r\n", do(t, sess, "XPENDING", "st", "g")[:len("*4\r\n:24\r\n$3\r\n1-1\r\n$4\r\n1-24\r\n")])
}
