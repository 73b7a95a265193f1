package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOrders runs the example and checks every claim it prints.
func TestOrders(t *testing.T) {
	var out bytes.Buffer
	cfg := defaults()
	rep, err := run(&out, cfg)
	require.NoError(t, err, out.String())
	t.Log("\n" + out.String())

	assert.Equal(t, 1000, rep.Produced)
	for _, g := range []string{"fulfillment", "analytics"} {
		assert.Equal(t, 1000, rep.Delivered[g], "group %s receives every order", g)
		total := 0
		for name, n := range rep.PerConsum[g] {
			total += n
			assert.InDelta(t, 500, n, 250, "%s gets roughly half", name)
		}
		assert.Equal(t, 1000, total, "each order goes to one consumer of %s", g)
		assert.Zero(t, rep.Pending[g], "nothing left pending in %s", g)
	}
	poison := cfg.orders / cfg.poisonEvery
	assert.Equal(t, "packer-2", rep.Crashed)
	assert.Positive(t, rep.Stranded, "the crash strands the batch in hand")
	assert.Equal(t, rep.Stranded, rep.Recovered, "the reclaimer recovers every stranded order")
	assert.Equal(t, poison, rep.Dead, "unshippable orders are dead-lettered")
	assert.Equal(t, int64(poison), rep.DLQLen)
	assert.Equal(t, int(cfg.maxDeliveries), rep.Rounds, "dead after more than N deliveries")
	for _, line := range []string{
		"producer: 1000 orders added",
		"group fulfillment: 1000 of 1000 orders delivered",
		"group analytics: 1000 of 1000 orders delivered",
		"packer-2 crashed holding",
		"reclaim round 1 (+31s)",
		"dead-letter stream \"dlq\": 10 entries (delivered more than 3 times)",
		"pending at the end: fulfillment 0, analytics 0",
	} {
		assert.True(t, strings.Contains(out.String(), line), "output has %q", line)
	}
}
