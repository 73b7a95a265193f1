package embedis

import (
	"context"
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
