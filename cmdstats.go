package embedis

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/embedis/embedis/resp"
)

// Per-command and per-error statistics, as INFO commandstats, INFO
// errorstats and total_error_replies report them. They count what clients
// (sessions) run; the typed Go API is not a client and is not counted.

// cmdStat is one command's counters; every field is atomic.
type cmdStat struct {
	calls    atomic.Int64
	usec     atomic.Int64
	rejected atomic.Int64 // refused before running (arity, auth, OOM, MULTI...)
	failed   atomic.Int64 // ran and replied with an error
}

// errStats counts error replies by their prefix ("ERR", "WRONGTYPE").
type errStats struct {
	mu    sync.Mutex
	count map[string]int64
}

// commandStats is a store's command and error statistics. They live in
// the Store (not the server state) so that counting never creates the
// server state.
type commandStats struct {
	cmds   []cmdStat // by Command.id; made by Open (every command registers in init)
	errs   errStats
	errors atomic.Int64 // total_error_replies
}

// recordError counts one error reply under its prefix.
func (st *commandStats) recordError(msg string) {
	st.errors.Add(1)
	prefix := msg
	if i := strings.IndexByte(msg, ' '); i >= 0 {
		prefix = msg[:i]
	}
	st.errs.mu.Lock()
	if st.errs.count == nil {
		st.errs.count = map[string]int64{}
	}
	if _, ok := st.errs.count[prefix]; !ok && len(st.errs.count) >= 128 {
		// Redis stops tracking new error kinds past 128 and counts them
		// all under ERRORSTATS_DISABLED; do the same.
		prefix = "ERRORSTATS_DISABLED"
	}
	st.errs.count[prefix]++
	st.errs.mu.Unlock()
}

// resetCmdStats clears the command and error statistics (CONFIG RESETSTAT).
func (st *commandStats) reset() {
	st.errors.Store(0)
	for i := range st.cmds {
		c := &st.cmds[i]
		c.calls.Store(0)
		c.usec.Store(0)
		c.rejected.Store(0)
		c.failed.Store(0)
	}
	st.errs.mu.Lock()
	st.errs.count = nil
	st.errs.mu.Unlock()
}

// infoCommandStats renders INFO commandstats: one line per command that
// was called or rejected, in name order.
func (st *commandStats) infoCommandStats(b *strings.Builder) {
	t := st.cmds
	type line struct {
		name string
		c    *cmdStat
	}
	var lines []line
	for i := range t {
		if t[i].calls.Load() != 0 || t[i].rejected.Load() != 0 || t[i].failed.Load() != 0 {
			lines = append(lines, line{commandList[i].Name, &t[i]})
		}
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].name < lines[j].name })
	for _, l := range lines {
		calls, usec := l.c.calls.Load(), l.c.usec.Load()
		per := 0.0
		if calls > 0 {
			per = float64(usec) / float64(calls)
		}
		b.WriteString("cmdstat_")
		b.WriteString(l.name)
		b.WriteString(":calls=")
		b.WriteString(strconv.FormatInt(calls, 10))
		b.WriteString(",usec=")
		b.WriteString(strconv.FormatInt(usec, 10))
		b.WriteString(",usec_per_call=")
		b.WriteString(strconv.FormatFloat(per, 'f', 2, 64))
		b.WriteString(",rejected_calls=")
		b.WriteString(strconv.FormatInt(l.c.rejected.Load(), 10))
		b.WriteString(",failed_calls=")
		b.WriteString(strconv.FormatInt(l.c.failed.Load(), 10))
		b.WriteString("\r\n")
	}
}

// infoErrorStats renders INFO errorstats: errorstat_<PREFIX>:count=N in
// prefix order.
func (st *commandStats) infoErrorStats(b *strings.Builder) {
	st.errs.mu.Lock()
	names := make([]string, 0, len(st.errs.count))
	for k := range st.errs.count {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString("errorstat_")
		b.WriteString(k)
		b.WriteString(":count=")
		b.WriteString(strconv.FormatInt(st.errs.count[k], 10))
		b.WriteString("\r\n")
	}
	st.errs.mu.Unlock()
}

// countingWriter passes replies through and counts the error replies of
// one command, for failed_calls and the error statistics.
type countingWriter struct {
	resp.ReplyWriter
	st   *commandStats
	errs int
}

// Error counts the error and writes it.
func (w *countingWriter) Error(msg string) {
	w.errs++
	w.st.recordError(msg)
	w.ReplyWriter.Error(msg)
}
