package main

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// TestCrashAlways runs the example's crash cycle under appendfsync always
// (with the test binary as the child) and checks nothing acknowledged is
// lost.
func TestCrashAlways(t *testing.T) {
	if spec := os.Getenv("DURABLE_CHILD"); spec != "" {
		child(spec)
		return
	}
	dir := t.TempDir()
	acked := crashTest(t, dir, "always", 200*time.Millisecond)
	s, err := embedis.Open(&embedis.Options{Dir: dir, AppendOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < acked; i++ {
		if _, err := s.Get("order:" + strconv.Itoa(i)); err != nil {
			t.Fatalf("acknowledged order:%d lost", i)
		}
	}
	if acked == 0 {
		t.Fatal("the child acknowledged nothing")
	}
}

func crashTest(t *testing.T, dir, policy string, d time.Duration) int {
	t.Setenv("DURABLE_CHILD", "")
	os.Setenv("DURABLE_CHILD", "")
	return crashWith(os.Args[0], []string{"-test.run=^TestCrashAlways$"}, dir, policy, d)
}
