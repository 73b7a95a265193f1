package main

import (
	"strings"
	"testing"
)

// TestRateLimit checks the example's claim: the seed's script, run by
// many goroutines for many devices, allows and denies exactly the
// expected numbers of requests.
func TestScript_RateLimitExample(t *testing.T) {
	var out strings.Builder
	const devices = 400
	got, err := run(&out, devices, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if want := expected(devices); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if !strings.Contains(out.String(), "every count matches") {
		t.Errorf("output does not confirm the counts:\n%s", out.String())
	}
}
