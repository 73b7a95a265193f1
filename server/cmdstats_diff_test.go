package server

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/internal/difftest"
)

// TestDiff_CommandStats runs the same commands (successes, runtime errors,
// rejections, a transaction with an inner error, an aborted transaction)
// on embedis and a real redis-server, then compares INFO commandstats and
// INFO errorstats with the timings blanked, and total_error_replies.
func TestDiff_CommandStats(t *testing.T) {
	e, r := startPair(t)
	script := [][]string{
		{"SET", "k", "v"}, {"GET", "k"}, {"GET", "nokey"},
		{"INCR", "k"},          // failed: not an integer
		{"LPUSH", "k", "x"},    // failed: WRONGTYPE
		{"GET"},                // rejected: arity
		{"NOSUCHCOMMAND", "a"}, // unknown: error only
		{"CONFIG", "NOSUCH"},   // unknown subcommand: error only
		{"HSET", "h", "f"},     // rejected: arity
		{"CONFIG", "GET"},      // rejected: the subcommand's arity
		{"CLIENT"},             // rejected: the container's arity
		{"MULTI"}, {"SET", "a", "1"}, {"INCR", "k"}, {"EXEC"},
		{"MULTI"}, {"SET", "a"}, {"EXEC"},
		{"EXEC"},
		{"CONFIG", "GET", "maxmemory"},
		{"ZADD", "z", "nan", "m"},
	}
	usec := regexp.MustCompile(`usec=\d+,usec_per_call=[\d.]+`)
	run := func(target difftest.Target) (string, string) {
		c := difftest.Connect(t, target)
		c.SetTimeout(5 * time.Second)
		_, err := c.Do("CONFIG", "RESETSTAT")
		require.NoError(t, err)
		for _, args := range script {
			_, err := c.Do(args...)
			require.NoError(t, err)
		}
		cs, err := c.Do("INFO", "commandstats")
		require.NoError(t, err)
		es, err := c.Do("INFO", "errorstats")
		require.NoError(t, err)
		st, err := c.Do("INFO", "stats")
		require.NoError(t, err)
		var total string
		for _, l := range strings.Split(string(st), "\r\n") {
			if strings.HasPrefix(l, "total_error_replies:") {
				total = l
			}
		}
		// the INFO calls themselves are still running when they render
		// Redis lists commands in its dictionary's order: compare as a set
		lines := strings.Split(usec.ReplaceAllString(string(cs), "usec=_"), "\r\n")
		lines[0] = "" // the bulk length depends on the timings
		sort.Strings(lines)
		return strings.Join(lines, "\n"), string(es) + total
	}
	wantCS, wantES := run(r)
	gotCS, gotES := run(e.target())
	require.Equal(t, wantCS, gotCS)
	require.Equal(t, wantES, gotES)
}
