package embedis

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// formatInt gives strconv's text for every value, shared or not.
func TestFormatInt(t *testing.T) {
	for _, n := range []int64{-1 << 63, -10000, -1, 0, 1, 9, 10, 99, 100, 9999, 10000, 123456, 1<<63 - 1} {
		assert.Equal(t, strconv.FormatInt(n, 10), formatInt(n))
	}
	for n := int64(0); n < sharedIntCount; n++ {
		if formatInt(n) != strconv.FormatInt(n, 10) {
			t.Fatalf("formatInt(%d) = %q", n, formatInt(n))
		}
	}
	assert.Equal(t, 0.0, testing.AllocsPerRun(100, func() { _ = formatInt(4242) }), "small values are shared")
}

// A counter stored as a shared string is copied, not changed in place,
// by the commands that edit strings: the other counters keep their text.
func TestIncr_SharedStringsCopiedOnEdit(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	assert.Equal(t, ":5\r\n", do(t, sess, "INCRBY", "a", "5"))
	assert.Equal(t, ":5\r\n", do(t, sess, "INCRBY", "b", "5"))
	assert.Equal(t, ":5\r\n", do(t, sess, "INCRBY", "c", "5"))
	assert.Equal(t, ":2\r\n", do(t, sess, "APPEND", "a", "0"))
	assert.Equal(t, ":1\r\n", do(t, sess, "SETRANGE", "b", "0", "7"))
	assert.Equal(t, ":1\r\n", do(t, sess, "SETBIT", "c", "7", "0"))
	assert.Equal(t, "$2\r\n50\r\n", do(t, sess, "GET", "a"))
	assert.Equal(t, "$1\r\n7\r\n", do(t, sess, "GET", "b"))
	assert.Equal(t, "$1\r\n4\r\n", do(t, sess, "GET", "c"), "'5' with its lowest bit cleared")
	assert.Equal(t, ":5\r\n", do(t, sess, "INCRBY", "d", "5"))
	assert.Equal(t, "$1\r\n5\r\n", do(t, sess, "GET", "d"))
	assert.Equal(t, "5", formatInt(5))
}
