package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPipeline runs the pipeline at a small rate and checks what it
// prints: every valid event crosses all five stages, each stage ends with
// no backlog, and latency percentiles are reported for every event.
func TestPipeline(t *testing.T) {
	var out bytes.Buffer
	cfg := defaults()
	cfg.rate, cfg.duration = 2000, 300*time.Millisecond
	rep, err := run(&out, cfg)
	require.NoError(t, err, out.String())
	t.Log("\n" + out.String())

	assert.Equal(t, int64(600), rep.Produced)
	assert.Equal(t, int64(2), rep.Invalid, "every 500th reading is out of range")
	valid := rep.Produced - rep.Invalid
	assert.Equal(t, valid, rep.Exported)
	require.Len(t, rep.Stages, 4)
	wantIn := []int64{rep.Produced, valid, valid, valid}
	wantOut := []int64{valid, valid, valid, 0}
	for i, st := range rep.Stages {
		assert.Equal(t, wantIn[i], st.In, "%s reads", st.Name)
		assert.Equal(t, wantOut[i], st.Out, "%s writes", st.Name)
		assert.Equal(t, wantIn[i], st.Len, "%s's input stream keeps its entries (MAXLEN ~ %d)", st.Name, cfg.maxLen)
		assert.Zero(t, st.Lag, "%s has no backlog", st.Name)
		assert.Zero(t, st.Pending, "%s acknowledged everything", st.Name)
	}
	require.Len(t, rep.Latencies, int(valid))
	assert.LessOrEqual(t, rep.percentile(50), rep.percentile(99))
	assert.Positive(t, rep.percentile(50))
	text := out.String()
	for _, s := range []string{"ingest: 600 events", "export: 598 events; end-to-end latency p50 "} {
		assert.True(t, strings.Contains(text, s), "output has %q", s)
	}
	for _, st := range []string{"validate", "enrich", "aggregate", "export"} {
		assert.Contains(t, text, "\n"+st+" ")
	}
}
