package embedis

import (
	"crypto/sha1"
	"encoding/hex"
	"github.com/embedis/embedis/evict"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
)

// Version is the Redis version embedis implements; INFO (redis_version),
// HELLO and LOLWUT report it.
const Version = "7.4.1"

func init() {
	const srv, conn = "server", "connection"
	register(&Command{Name: "ping", Arity: -1, Group: conn, flags: flagFast | flagStale, run: cmdPing})
	register(&Command{Name: "echo", Arity: 2, Group: conn, flags: flagFast | flagLoading | flagStale, run: cmdEcho})
	register(&Command{Name: "time", Arity: 1, Group: srv, flags: flagLoading | flagStale | flagFast, run: cmdTime})
	register(&Command{Name: "lastsave", Arity: 1, Group: srv, flags: flagLoading | flagStale | flagFast, run: cmdLastSave})
	register(&Command{Name: "info", Arity: -1, Group: srv, flags: flagLoading | flagStale, run: cmdInfo})
	register(&Command{Name: "role", Arity: 1, Group: srv, flags: flagNoScript | flagLoading | flagStale | flagFast, run: cmdRole})
	register(&Command{Name: "wait", Arity: 3, Group: "generic", flags: flagNoScript, run: cmdWait})
	register(&Command{Name: "monitor", Arity: 1, Group: srv, flags: flagAdmin | flagNoScript | flagLoading | flagStale, run: cmdMonitor})
	register(&Command{Name: "shutdown", Arity: -1, Group: srv, flags: flagAdmin | flagNoScript | flagLoading | flagStale | flagNoMulti | flagAllowBusy, run: cmdShutdown})
	register(&Command{Name: "debug", Arity: -2, Group: srv, flags: flagAdmin | flagNoScript | flagLoading | flagStale | flagSelfLock, run: cmdDebug})
	for _, n := range []string{"readonly", "readwrite"} {
		register(&Command{Name: n, Arity: 1, Group: "cluster", flags: flagFast | flagLoading | flagStale, run: cmdClusterDisabled})
	}
	register(&Command{Name: "cluster", Arity: -2, Group: "cluster", flags: flagStale, run: cmdClusterDisabled})

	register(&Command{Name: "command", Arity: -1, Group: srv, flags: flagLoading | flagStale, run: cmdCommandAll})
	cf := flagLoading | flagStale
	registerSub("command", &Command{Name: "count", Arity: 2, Group: srv, flags: cf, run: cmdCommandCount})
	registerSub("command", &Command{Name: "list", Arity: -2, Group: srv, flags: cf, run: cmdCommandList})
	registerSub("command", &Command{Name: "info", Arity: -2, Group: srv, flags: cf, run: cmdCommandInfo})
	registerSub("command", &Command{Name: "docs", Arity: -2, Group: srv, flags: cf, run: cmdCommandDocs})
	registerSub("command", &Command{Name: "getkeys", Arity: -4, Group: srv, flags: cf, run: cmdCommandGetKeys})
	registerSub("command", &Command{Name: "getkeysandflags", Arity: -4, Group: srv, flags: cf, run: cmdCommandGetKeys})
	registerSub("command", &Command{Name: "help", Arity: 2, Group: srv, flags: cf, run: cmdCommandHelp})

	register(&Command{Name: "memory", Arity: -2, Group: srv})
	registerSub("memory", &Command{Name: "usage", Arity: -3, FirstKey: 2, LastKey: 2, Group: srv, flags: flagReadonly, run: cmdMemoryUsage})
	registerSub("memory", &Command{Name: "stats", Arity: 2, Group: srv, run: cmdMemoryStats})
	registerSub("memory", &Command{Name: "doctor", Arity: 2, Group: srv, run: cmdMemoryDoctor})
	registerSub("memory", &Command{Name: "malloc-stats", Arity: 2, Group: srv, run: cmdMemoryMallocStats})
	registerSub("memory", &Command{Name: "purge", Arity: 2, Group: srv, run: cmdMemoryPurge})
	registerSub("memory", &Command{Name: "help", Arity: 2, Group: srv, flags: flagLoading | flagStale, run: cmdMemoryHelp})

	register(&Command{Name: "object", Arity: -2, Group: "generic"})
	for _, n := range []string{"encoding", "freq", "idletime", "refcount"} {
		registerSub("object", &Command{Name: n, Arity: 3, FirstKey: 2, LastKey: 2, Group: "generic", flags: flagReadonly, run: cmdObject})
	}
	registerSub("object", &Command{Name: "help", Arity: 2, Group: "generic", flags: flagLoading | flagStale, run: cmdObjectHelp})

	register(&Command{Name: "slowlog", Arity: -2, Group: srv})
	sf := flagAdmin | flagLoading | flagStale
	registerSub("slowlog", &Command{Name: "get", Arity: -2, Group: srv, flags: sf, run: cmdSlowlogGet})
	registerSub("slowlog", &Command{Name: "len", Arity: 2, Group: srv, flags: sf, run: cmdSlowlogLen})
	registerSub("slowlog", &Command{Name: "reset", Arity: 2, Group: srv, flags: sf, run: cmdSlowlogReset})
	registerSub("slowlog", &Command{Name: "help", Arity: 2, Group: srv, flags: flagLoading | flagStale, run: cmdSlowlogHelp})

	register(&Command{Name: "latency", Arity: -2, Group: srv})
	lf := flagAdmin | flagNoScript | flagLoading | flagStale
	registerSub("latency", &Command{Name: "latest", Arity: 2, Group: srv, flags: lf, run: cmdLatencyEmpty})
	registerSub("latency", &Command{Name: "history", Arity: 3, Group: srv, flags: lf, run: cmdLatencyEmpty})
	registerSub("latency", &Command{Name: "reset", Arity: -2, Group: srv, flags: lf, run: cmdLatencyReset})
	registerSub("latency", &Command{Name: "graph", Arity: 3, Group: srv, flags: lf, run: cmdLatencyGraph})
	registerSub("latency", &Command{Name: "doctor", Arity: 2, Group: srv, flags: lf, run: cmdLatencyDoctor})
	registerSub("latency", &Command{Name: "histogram", Arity: -2, Group: srv, flags: lf, run: cmdLatencyHistogram})
	registerSub("latency", &Command{Name: "help", Arity: 2, Group: srv, flags: flagLoading | flagStale, run: cmdLatencyHelp})
}

func cmdPing(x *Exec) {
	if len(x.args) > 2 {
		x.err(errWrongArgs("ping"))
		return
	}
	if x.sess != nil && x.sess.subs.count > 0 && x.w.Proto() == 2 {
		x.w.ArrayLen(2)
		x.w.BulkString("pong")
		if len(x.args) == 2 {
			x.w.Bulk(x.args[1])
		} else {
			x.w.BulkString("")
		}
		return
	}
	if len(x.args) == 2 {
		x.w.Bulk(x.args[1])
		return
	}
	x.w.SimpleString("PONG")
}

func cmdEcho(x *Exec) { x.w.Bulk(x.args[1]) }

// cmdTime replies the store clock's time, so an injected clock
// (embedistest's FastForward) moves TIME too.
func cmdTime(x *Exec) {
	now := x.s.ks.Clock().Now()
	x.w.ArrayLen(2)
	x.w.BulkString(strconv.FormatInt(now.Unix(), 10))
	x.w.BulkString(strconv.FormatInt(int64(now.Nanosecond()/1000), 10))
}

func cmdLastSave(x *Exec) { x.w.Int(x.s.LastSave().Unix()) }

func cmdRole(x *Exec) {
	x.w.ArrayLen(3)
	x.w.BulkString("master")
	x.w.Int(0)
	x.w.ArrayLen(0)
}

// cmdWait: embedis has no replicas, so WAIT returns 0 at once.
func cmdWait(x *Exec) {
	if _, ok := parseInt(x.arg(1)); !ok {
		x.err(ErrNotInteger)
		return
	}
	if _, ok := x.parseTimeoutMS(2); !ok {
		return
	}
	x.w.Int(0)
}

func cmdClusterDisabled(x *Exec) { x.errStr("ERR This instance has cluster support disabled") }

// ShutdownHandler is called by SHUTDOWN; see Store.SetShutdownHandler.
type ShutdownHandler func(save, nosave, now, force, abort bool) error

// shutdownHandlers maps a store's state to the handler the server installed.
var shutdownHandlers sync.Map // *serverState -> ShutdownHandler

// SetShutdownHandler installs the function SHUTDOWN calls. The standalone
// server installs one that saves (when asked or configured), stops
// accepting clients and exits. Without a handler SHUTDOWN replies with an
// error. The flags are SHUTDOWN's options: SAVE, NOSAVE, NOW, FORCE, ABORT.
func (s *Store) SetShutdownHandler(h ShutdownHandler) {
	if h == nil {
		shutdownHandlers.Delete(s.state())
		return
	}
	shutdownHandlers.Store(s.state(), h)
}

func cmdShutdown(x *Exec) {
	var save, nosave, now, force, abort bool
	for i := 1; i < len(x.args); i++ {
		switch {
		case x.argIs(i, "save"):
			save = true
		case x.argIs(i, "nosave"):
			nosave = true
		case x.argIs(i, "now"):
			now = true
		case x.argIs(i, "force"):
			force = true
		case x.argIs(i, "abort"):
			abort = true
		default:
			x.syntaxErr()
			return
		}
	}
	if (abort && len(x.args) > 2) || (save && nosave) {
		x.syntaxErr()
		return
	}
	h, ok := shutdownHandlers.Load(x.sess.state())
	if !ok {
		x.errStr("ERR Errors trying to SHUTDOWN. Check logs.")
		return
	}
	if err := h.(ShutdownHandler)(save, nosave, now, force, abort); err != nil {
		x.errStr(sanitizeErr(errText(err)))
		return
	}
	if abort {
		x.ok()
		return
	}
	// Like Redis, a successful SHUTDOWN sends no reply: the connection
	// closes.
	x.sess.closeAfterReply = true
}

// errText returns an error's reply text with an ERR prefix when it has
// no code of its own.
func errText(err error) string {
	if e, ok := err.(*Error); ok {
		return e.msg
	}
	return "ERR " + err.Error()
}

// ---------------------------------------------------------------------
// MONITOR and the slow log.

func cmdMonitor(x *Exec) {
	sess := x.sess
	if x.c.InExclusive() {
		x.errStr("ERR MONITOR isn't allowed for DENY BLOCKING client")
		return
	}
	if sess.monitor {
		x.ok()
		return
	}
	sess.monitor = true
	sess.info.flags.Or(cflagMonitor)
	sess.state().clients.addMonitor(sess)
	x.ok()
}

// afterCommand records a command that took d in the slow log (when timed)
// and feeds MONITOR clients.
func (st *serverState) afterCommand(sess *Session, cmd *Command, args [][]byte, d time.Duration, timed bool) {
	if timed {
		if thr := st.slow.slower.Load(); thr >= 0 {
			if us := d.Microseconds(); us >= thr && cmd.Name != "exec" {
				st.slow.add(sess, args, us)
			}
		}
	}
	if monitorsActive.Load() > 0 && cmd.flags&(flagAdmin|flagSkipMonitor) == 0 {
		st.feedMonitors(sess, cmd, args)
	}
}

// feedMonitors sends a command line to every MONITOR client.
func (st *serverState) feedMonitors(sess *Session, cmd *Command, args [][]byte) {
	st.clients.mu.Lock()
	mons := append([]*Session(nil), st.clients.monitors...)
	st.clients.mu.Unlock()
	if len(mons) == 0 {
		return
	}
	now := time.Now()
	var b []byte
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := now.Nanosecond() / 1000
	b = append(b, strconv.Itoa(1000000 + us)[1:]...)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(sess.db), 10)
	b = append(b, ' ')
	switch {
	case sess.conn.Unix:
		b = append(b, "unix:"...)
		b = append(b, sess.conn.LocalAddr...)
	case sess.conn.Addr != "":
		b = append(b, sess.conn.Addr...)
	default:
		b = append(b, "lua"...)
	}
	b = append(b, ']')
	redact := cmd.Name == "auth" || cmd.Name == "hello" || cmd.Name == "migrate"
	for i, a := range args {
		b = append(b, ' ')
		if redact && i > 0 {
			b = append(b, `"(redacted)"`...)
			continue
		}
		b = appendRepr(b, a)
	}
	line := string(b)
	for _, m := range mons {
		m.deliver(pushMsg{kind: pushMonitor, payload: line})
	}
}

// appendRepr appends s quoted as Redis's sdscatrepr does.
func appendRepr(b, s []byte) []byte {
	b = append(b, '"')
	for _, c := range s {
		switch c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if c >= 0x20 && c < 0x7f {
				b = append(b, c)
			} else {
				b = append(b, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			}
		}
	}
	return append(b, '"')
}

// slowlog is SLOWLOG's list, newest first.
type slowlog struct {
	slower  atomic.Int64 // slowlog-log-slower-than, µs; < 0 disables
	mu      sync.Mutex
	maxLen  int64
	nextID  int64
	entries []slowEntry
}

type slowEntry struct {
	id       int64
	at       int64 // unix seconds
	duration int64 // µs
	args     []string
	addr     string
	name     string
}

const (
	slowlogMaxArgs = 32
	slowlogMaxArg  = 128
)

func (l *slowlog) init() {
	l.slower.Store(10000)
	l.maxLen = 128
}

func (l *slowlog) setMaxLen(n int64) {
	l.mu.Lock()
	l.maxLen = n
	if int64(len(l.entries)) > n {
		l.entries = l.entries[:n]
	}
	l.mu.Unlock()
}

func (l *slowlog) reset() {
	l.mu.Lock()
	l.entries = nil
	l.mu.Unlock()
}

func (l *slowlog) add(sess *Session, args [][]byte, d int64) {
	n := min(len(args), slowlogMaxArgs)
	out := make([]string, n)
	for i := 0; i < n; i++ {
		if i == slowlogMaxArgs-1 && len(args) > slowlogMaxArgs {
			out[i] = "... (" + strconv.Itoa(len(args)-slowlogMaxArgs+1) + " more arguments)"
			break
		}
		a := args[i]
		if len(a) > slowlogMaxArg {
			out[i] = string(a[:slowlogMaxArg]) + "... (" + strconv.Itoa(len(a)-slowlogMaxArg) + " more bytes)"
		} else {
			out[i] = string(a)
		}
	}
	if c := lookupCommandBytes(args[0]); c != nil && c.Name == "auth" {
		for i := 1; i < len(out); i++ {
			out[i] = "(redacted)"
		}
	}
	e := slowEntry{at: time.Now().Unix(), duration: d, args: out, addr: sess.conn.Addr, name: sess.Name()}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.maxLen == 0 {
		return
	}
	e.id = l.nextID
	l.nextID++
	l.entries = append(l.entries, slowEntry{})
	copy(l.entries[1:], l.entries)
	l.entries[0] = e
	if int64(len(l.entries)) > l.maxLen {
		l.entries = l.entries[:l.maxLen]
	}
}

func cmdSlowlogGet(x *Exec) {
	count := int64(10)
	if len(x.args) > 3 {
		x.err(errWrongArgs("slowlog|get"))
		return
	}
	if len(x.args) == 3 {
		v, ok := parseInt(x.arg(2))
		if !ok || v < -1 {
			x.errStr("ERR count should be greater than or equal to -1")
			return
		}
		if v == -1 {
			v = math.MaxInt64
		}
		count = v
	}
	l := &x.sess.state().slow
	l.mu.Lock()
	n := min(int64(len(l.entries)), count)
	entries := append([]slowEntry(nil), l.entries[:n]...)
	l.mu.Unlock()
	x.w.ArrayLen(len(entries))
	for _, e := range entries {
		x.w.ArrayLen(6)
		x.w.Int(e.id)
		x.w.Int(e.at)
		x.w.Int(e.duration)
		x.w.ArrayLen(len(e.args))
		for _, a := range e.args {
			x.w.BulkString(a)
		}
		x.w.BulkString(e.addr)
		x.w.BulkString(e.name)
	}
}

func cmdSlowlogLen(x *Exec) {
	l := &x.sess.state().slow
	l.mu.Lock()
	n := len(l.entries)
	l.mu.Unlock()
	x.w.Int(int64(n))
}

func cmdSlowlogReset(x *Exec) {
	x.sess.state().slow.reset()
	x.ok()
}

func cmdSlowlogHelp(x *Exec) {
	writeHelp(x, "SLOWLOG",
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.")
}

// ---------------------------------------------------------------------
// LATENCY: embedis does not sample event latencies (latency-monitor-threshold
// is accepted but nothing is recorded), so the replies are well-formed and
// empty.

func cmdLatencyEmpty(x *Exec) { x.w.ArrayLen(0) }

func cmdLatencyReset(x *Exec) { x.w.Int(0) }

func cmdLatencyGraph(x *Exec) {
	x.errStr(sanitizeErr("ERR No samples available for event '" + x.arg(2) + "'"))
}

func cmdLatencyDoctor(x *Exec) {
	x.w.Verbatim("txt", "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep better tonight.\n")
}

func cmdLatencyHistogram(x *Exec) { x.w.MapLen(0) }

func cmdLatencyHelp(x *Exec) {
	writeHelp(x, "LATENCY",
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.")
}

// ---------------------------------------------------------------------
// INFO.

// infoSection renders one INFO section's lines (without its header).
type infoSection struct {
	name    string // lower-case section name
	title   string // header as written: "Server", "Keyspace", ...
	dflt    bool   // part of INFO / INFO default
	all     bool   // part of INFO all
	compute func(x *Exec, b *strings.Builder)
}

var infoSections = []*infoSection{
	{name: "server", title: "Server", dflt: true, all: true, compute: infoServer},
	{name: "clients", title: "Clients", dflt: true, all: true, compute: infoClients},
	{name: "memory", title: "Memory", dflt: true, all: true, compute: infoMemory},
	{name: "persistence", title: "Persistence", dflt: true, all: true, compute: infoPersistence},
	{name: "stats", title: "Stats", dflt: true, all: true, compute: infoStats},
	{name: "replication", title: "Replication", dflt: true, all: true, compute: infoReplication},
	{name: "cpu", title: "CPU", dflt: true, all: true, compute: infoCPU},
	{name: "modules", title: "Modules", dflt: true, all: true, compute: func(*Exec, *strings.Builder) {}},
	{name: "commandstats", title: "Commandstats", all: true, compute: func(x *Exec, b *strings.Builder) { x.s.cmdStats.infoCommandStats(b) }},
	{name: "errorstats", title: "Errorstats", dflt: true, all: true, compute: func(x *Exec, b *strings.Builder) { x.s.cmdStats.infoErrorStats(b) }},
	{name: "latencystats", title: "Latencystats", all: true, compute: func(*Exec, *strings.Builder) {}},
	{name: "cluster", title: "Cluster", dflt: true, all: true, compute: func(_ *Exec, b *strings.Builder) { infoLine(b, "cluster_enabled", "0") }},
	{name: "keyspace", title: "Keyspace", dflt: true, all: true, compute: infoKeyspace},
}

// setInfoSection replaces (or adds) the renderer of an INFO section, for
// the parts of embedis that own its figures (persistence, eviction).
func setInfoSection(name, title string, compute func(x *Exec, b *strings.Builder)) {
	for _, s := range infoSections {
		if s.name == name {
			s.compute = compute
			return
		}
	}
	infoSections = append(infoSections, &infoSection{name: name, title: title, dflt: true, all: true, compute: compute})
}

func infoLine(b *strings.Builder, k, v string) {
	b.WriteString(k)
	b.WriteByte(':')
	b.WriteString(v)
	b.WriteString("\r\n")
}

func infoInt(b *strings.Builder, k string, v int64) { infoLine(b, k, strconv.FormatInt(v, 10)) }

func cmdInfo(x *Exec) {
	want := map[string]bool{}
	all, everything := false, false
	if len(x.args) == 1 {
		want["default"] = true
	}
	for i := 1; i < len(x.args); i++ {
		want[strings.ToLower(x.arg(i))] = true
	}
	if want["everything"] {
		everything = true
	}
	if want["all"] {
		all = true
	}
	var b strings.Builder
	first := true
	for _, s := range infoSections {
		if !(everything || all && s.all || want["default"] && s.dflt || want[s.name]) {
			continue
		}
		if !first {
			b.WriteString("\r\n")
		}
		first = false
		b.WriteString("# " + s.title + "\r\n")
		s.compute(x, &b)
	}
	x.w.Verbatim("txt", b.String())
}

// listeners describe the server's listening addresses for INFO; the RESP
// server records them with SetListenerInfo.
var listenerInfo sync.Map // *serverState -> []string

// SetListenerInfo records the listener descriptions INFO server shows
// (listener0:name=tcp,bind=127.0.0.1,port=6379, ...). The RESP server
// calls it.
func (s *Store) SetListenerInfo(listeners []string) {
	listenerInfo.Store(s.state(), append([]string(nil), listeners...))
}

func infoServer(x *Exec, b *strings.Builder) {
	st := x.sess.state()
	now := time.Now()
	up := int64(now.Sub(st.started) / time.Second)
	infoLine(b, "redis_version", Version)
	infoLine(b, "redis_git_sha1", "00000000")
	infoLine(b, "redis_git_dirty", "0")
	infoLine(b, "redis_build_id", "0")
	infoLine(b, "redis_mode", "standalone")
	infoLine(b, "os", runtime.GOOS+" "+runtime.GOARCH)
	infoLine(b, "arch_bits", strconv.Itoa(strconv.IntSize))
	infoLine(b, "monotonic_clock", "POSIX clock_gettime")
	infoLine(b, "multiplexing_api", "go")
	infoLine(b, "atomicvar_api", "c11-builtin")
	infoLine(b, "gcc_version", "0.0.0")
	infoLine(b, "go_version", runtime.Version())
	infoInt(b, "process_id", int64(os.Getpid()))
	infoLine(b, "process_supervised", "no")
	infoLine(b, "run_id", st.runID)
	infoLine(b, "tcp_port", st.cfg.get(confByName["port"]))
	infoInt(b, "server_time_usec", now.UnixMicro())
	infoInt(b, "uptime_in_seconds", up)
	infoInt(b, "uptime_in_days", up/86400)
	infoLine(b, "hz", st.cfg.get(confByName["hz"]))
	infoLine(b, "configured_hz", st.cfg.get(confByName["hz"]))
	infoInt(b, "lru_clock", int64(st.ks.LRUClock()))
	exe, _ := os.Executable()
	infoLine(b, "executable", exe)
	st.cfg.mu.RLock()
	file := st.cfg.file
	st.cfg.mu.RUnlock()
	infoLine(b, "config_file", file)
	infoLine(b, "io_threads_active", "0")
	if l, ok := listenerInfo.Load(st); ok {
		for i, s := range l.([]string) {
			infoLine(b, "listener"+strconv.Itoa(i), s)
		}
	}
}

func infoClients(x *Exec, b *strings.Builder) {
	st := x.sess.state()
	sessions := st.clients.sessions()
	var pubsub, watching int64
	var watched int64
	for _, s := range sessions {
		if s.info.flags.Load()&cflagPubSub != 0 {
			pubsub++
		}
		if w := s.info.watching.Load(); w > 0 {
			watching++
			watched += int64(w)
		}
	}
	infoInt(b, "connected_clients", int64(len(sessions)))
	infoLine(b, "cluster_connections", "0")
	infoInt(b, "maxclients", st.cfg.maxClients.Load())
	infoLine(b, "client_recent_max_input_buffer", "0")
	infoLine(b, "client_recent_max_output_buffer", "0")
	infoLine(b, "blocked_clients", strconv.FormatInt(st.blocked.Load(), 10))
	infoLine(b, "tracking_clients", "0")
	infoInt(b, "pubsub_clients", pubsub)
	infoInt(b, "watching_clients", watching)
	infoLine(b, "clients_in_timeout_table", "0")
	infoInt(b, "total_watched_keys", watched)
	infoLine(b, "total_blocking_keys", "0")
	infoLine(b, "total_blocking_keys_on_nokey", "0")
}

// usedMemory reports used_memory: the keyspace's accounted size of the
// data set, the figure maxmemory is compared with.
func usedMemory(s *Store) int64 { return s.ks.UsedMemory() }

// bytesHuman formats n as Redis's bytesToHuman: 1.00K, 2.50M, ...
func bytesHuman(n int64) string {
	f := float64(n)
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + "B"
	case n < 1024*1024:
		return strconv.FormatFloat(f/1024, 'f', 2, 64) + "K"
	case n < 1024*1024*1024:
		return strconv.FormatFloat(f/(1024*1024), 'f', 2, 64) + "M"
	case n < 1024*1024*1024*1024:
		return strconv.FormatFloat(f/(1024*1024*1024), 'f', 2, 64) + "G"
	}
	return strconv.FormatFloat(f/(1024*1024*1024*1024), 'f', 2, 64) + "T"
}

func infoMemory(x *Exec, b *strings.Builder) {
	st := x.sess.state()
	used := usedMemory(x.s)
	sample := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(sample)
	var rss int64
	if sample[0].Value.Kind() == metrics.KindUint64 && sample[1].Value.Kind() == metrics.KindUint64 {
		rss = int64(sample[0].Value.Uint64() - sample[1].Value.Uint64())
	}
	peak := st.stats.peakMemory(used)
	maxmem, _ := strconv.ParseInt(st.cfg.get(confByName["maxmemory"]), 10, 64)
	infoInt(b, "used_memory", used)
	infoLine(b, "used_memory_human", bytesHuman(used))
	infoInt(b, "used_memory_rss", rss)
	infoLine(b, "used_memory_rss_human", bytesHuman(rss))
	infoInt(b, "used_memory_peak", peak)
	infoLine(b, "used_memory_peak_human", bytesHuman(peak))
	infoInt(b, "used_memory_dataset", used) // everything embedis accounts is data set
	infoLine(b, "used_memory_lua", "31744")
	infoLine(b, "used_memory_scripts", "0")
	infoInt(b, "maxmemory", maxmem)
	infoLine(b, "maxmemory_human", bytesHuman(maxmem))
	infoLine(b, "maxmemory_policy", st.cfg.get(confByName["maxmemory-policy"]))
	frag := 1.0
	if used > 0 && rss > 0 {
		frag = float64(rss) / float64(used)
	}
	infoLine(b, "mem_fragmentation_ratio", strconv.FormatFloat(frag, 'f', 2, 64))
	infoLine(b, "mem_allocator", "go")
	infoLine(b, "lazyfree_pending_objects", "0")
}

// peakMemory tracks used_memory_peak.
func (s *serverStats) peakMemory(used int64) int64 {
	for {
		p := s.peak.Load()
		if used <= p {
			return p
		}
		if s.peak.CompareAndSwap(p, used) {
			return used
		}
	}
}

func infoPersistence(x *Exec, b *strings.Builder) {
	for _, kv := range x.s.PersistenceInfo() {
		infoLine(b, kv[0], kv[1])
	}
}

func infoStats(x *Exec, b *strings.Builder) {
	st := x.sess.state()
	cmds, in, out := st.totals()
	ps := &st.ps
	ps.mu.RLock()
	nch, npat, nsh := len(ps.ns[nsChannel]), len(ps.ns[nsPattern]), len(ps.ns[nsShard])
	ps.mu.RUnlock()
	ks := &st.ks.Stats
	infoInt(b, "total_connections_received", st.stats.connections.Load())
	infoInt(b, "total_commands_processed", cmds)
	infoLine(b, "instantaneous_ops_per_sec", "0")
	infoInt(b, "total_net_input_bytes", in)
	infoInt(b, "total_net_output_bytes", out)
	infoLine(b, "total_net_repl_input_bytes", "0")
	infoLine(b, "total_net_repl_output_bytes", "0")
	infoLine(b, "instantaneous_input_kbps", "0.00")
	infoLine(b, "instantaneous_output_kbps", "0.00")
	infoInt(b, "rejected_connections", st.stats.rejected.Load())
	infoLine(b, "sync_full", "0")
	infoLine(b, "sync_partial_ok", "0")
	infoLine(b, "sync_partial_err", "0")
	infoInt(b, "expired_keys", ks.ExpiredKeys.Load())
	infoLine(b, "expired_stale_perc", "0.00")
	infoLine(b, "expired_time_cap_reached_count", "0")
	infoInt(b, "evicted_keys", ks.EvictedKeys.Load())
	infoLine(b, "evicted_clients", "0")
	infoInt(b, "keyspace_hits", st.ks.KeyspaceHits())
	infoInt(b, "keyspace_misses", st.ks.KeyspaceMisses())
	infoInt(b, "pubsub_channels", int64(nch))
	infoInt(b, "pubsub_patterns", int64(npat))
	infoInt(b, "pubsubshard_channels", int64(nsh))
	infoLine(b, "latest_fork_usec", "0")
	infoLine(b, "total_forks", "0")
	infoLine(b, "tracking_total_keys", "0")
	infoLine(b, "tracking_total_items", "0")
	infoLine(b, "tracking_total_prefixes", "0")
	infoLine(b, "unexpected_error_replies", "0")
	infoInt(b, "total_error_replies", x.s.cmdStats.errors.Load())
	infoLine(b, "dump_payload_sanitizations", "0")
	infoLine(b, "client_query_buffer_limit_disconnections", "0")
	infoLine(b, "client_output_buffer_limit_disconnections", "0")
}

func infoReplication(x *Exec, b *strings.Builder) {
	st := x.sess.state()
	infoLine(b, "role", "master")
	infoLine(b, "connected_slaves", "0")
	infoLine(b, "master_failover_state", "no-failover")
	infoLine(b, "master_replid", st.runID)
	infoLine(b, "master_replid2", "0000000000000000000000000000000000000000")
	infoLine(b, "master_repl_offset", "0")
	infoLine(b, "second_repl_offset", "-1")
	infoLine(b, "repl_backlog_active", "0")
	infoLine(b, "repl_backlog_size", st.cfg.get(confByName["repl-backlog-size"]))
	infoLine(b, "repl_backlog_first_byte_offset", "0")
	infoLine(b, "repl_backlog_histlen", "0")
}

func infoCPU(_ *Exec, b *strings.Builder) {
	sys, user := cpuTimes()
	infoLine(b, "used_cpu_sys", strconv.FormatFloat(sys, 'f', 6, 64))
	infoLine(b, "used_cpu_user", strconv.FormatFloat(user, 'f', 6, 64))
	infoLine(b, "used_cpu_sys_children", "0.000000")
	infoLine(b, "used_cpu_user_children", "0.000000")
	infoLine(b, "used_cpu_sys_main_thread", strconv.FormatFloat(sys, 'f', 6, 64))
	infoLine(b, "used_cpu_user_main_thread", strconv.FormatFloat(user, 'f', 6, 64))
}

func infoKeyspace(x *Exec, b *strings.Builder) {
	for db := 0; db < x.s.ks.Databases(); db++ {
		keys, expires := x.s.ks.DBStats(db)
		if keys == 0 {
			continue
		}
		infoLine(b, "db"+strconv.Itoa(db), "keys="+strconv.Itoa(keys)+",expires="+strconv.Itoa(expires)+",avg_ttl=0,subexpiry=0")
	}
}

// ---------------------------------------------------------------------
// COMMAND.

// aclCategories lists a command's ACL categories in Redis's order.
func (c *Command) aclCategories() []string {
	var cats []string
	add := func(cond bool, name string) {
		if cond {
			cats = append(cats, name)
		}
	}
	g := c.Group
	add(g == "generic", "@keyspace")
	add(c.flags&flagReadonly != 0 && g != "scripting", "@read")
	add(c.flags&flagWrite != 0, "@write")
	add(g == "set", "@set")
	add(g == "sorted-set" || g == "sorted_set", "@sortedset")
	add(g == "list", "@list")
	add(g == "hash", "@hash")
	add(g == "string", "@string")
	add(g == "bitmap", "@bitmap")
	add(g == "hyperloglog", "@hyperloglog")
	add(g == "geo", "@geo")
	add(g == "stream", "@stream")
	add(g == "pubsub", "@pubsub")
	add(c.flags&flagAdmin != 0, "@admin")
	add(c.flags&flagFast != 0, "@fast")
	add(c.flags&flagFast == 0, "@slow")
	add(c.flags&flagBlocking != 0, "@blocking")
	add(c.flags&flagAdmin != 0 || c.Name == "keys" || c.Name == "flushdb" || c.Name == "flushall" ||
		c.Name == "swapdb" || c.Name == "sort" || c.Name == "migrate" || c.Name == "restore", "@dangerous")
	add(g == "connection", "@connection")
	add(g == "transactions", "@transaction")
	add(g == "scripting", "@scripting")
	return cats
}

// writeCommandInfo writes one COMMAND INFO entry (10 elements).
func writeCommandInfo(x *Exec, c *Command) {
	w := x.w
	w.ArrayLen(10)
	w.BulkString(c.Name)
	w.Int(int64(c.Arity))
	flags := c.Flags()
	if c.keys != nil && c.flags&flagMovableKeys == 0 {
		flags = append(flags, "movablekeys")
	}
	w.SetLen(len(flags))
	for _, f := range flags {
		w.SimpleString(f)
	}
	first, last, step := c.FirstKey, c.LastKey, c.Step
	if c.keys != nil {
		first, last, step = 0, 0, 0
	}
	w.Int(int64(first))
	w.Int(int64(last))
	w.Int(int64(step))
	cats := c.aclCategories()
	w.SetLen(len(cats))
	for _, cat := range cats {
		w.SimpleString(cat)
	}
	w.SetLen(0) // tips
	writeKeySpecs(x, c)
	subs := c.Subcommands()
	w.SetLen(len(subs))
	for _, s := range subs {
		writeCommandInfo(x, s)
	}
}

// writeKeySpecs writes the key specifications derived from the command's
// key positions.
func writeKeySpecs(x *Exec, c *Command) {
	w := x.w
	if c.FirstKey <= 0 && c.keys == nil {
		w.SetLen(0)
		return
	}
	w.SetLen(1)
	w.MapLen(3)
	w.BulkString("flags")
	var kf []string
	switch {
	case c.flags&flagWrite != 0:
		kf = []string{"RW", "update"}
	case c.flags&flagReadonly != 0:
		kf = []string{"RO", "access"}
	}
	w.SetLen(len(kf))
	for _, f := range kf {
		w.SimpleString(f)
	}
	w.BulkString("begin_search")
	if c.keys != nil {
		w.MapLen(2)
		w.BulkString("type")
		w.BulkString("unknown")
		w.BulkString("spec")
		w.MapLen(0)
		w.BulkString("find_keys")
		w.MapLen(2)
		w.BulkString("type")
		w.BulkString("unknown")
		w.BulkString("spec")
		w.MapLen(0)
		return
	}
	w.MapLen(2)
	w.BulkString("type")
	w.BulkString("index")
	w.BulkString("spec")
	w.MapLen(1)
	w.BulkString("index")
	w.Int(int64(c.FirstKey))
	w.BulkString("find_keys")
	w.MapLen(2)
	w.BulkString("type")
	w.BulkString("range")
	w.BulkString("spec")
	w.MapLen(3)
	last := c.LastKey
	if last > 0 {
		last -= c.FirstKey
	}
	w.BulkString("lastkey")
	w.Int(int64(last))
	w.BulkString("keystep")
	w.Int(int64(max(c.Step, 1)))
	w.BulkString("limit")
	w.Int(0)
}

func cmdCommandAll(x *Exec) {
	cmds := Commands()
	x.w.ArrayLen(len(cmds))
	for _, c := range cmds {
		writeCommandInfo(x, c)
	}
}

func cmdCommandCount(x *Exec) { x.w.Int(int64(len(commands))) }

// allCommandNames lists every command and subcommand full name.
func allCommandNames() []*Command {
	var out []*Command
	for _, c := range Commands() {
		out = append(out, c)
		out = append(out, c.Subcommands()...)
	}
	return out
}

func cmdCommandList(x *Exec) {
	var filter func(c *Command) bool
	switch {
	case len(x.args) == 2:
	case len(x.args) == 5 && x.argIs(2, "filterby"):
		arg := x.arg(4)
		switch {
		case x.argIs(3, "module"):
			filter = func(*Command) bool { return false }
		case x.argIs(3, "aclcat"):
			cat := "@" + strings.ToLower(arg)
			filter = func(c *Command) bool {
				for _, k := range c.aclCategories() {
					if k == cat {
						return true
					}
				}
				return false
			}
		case x.argIs(3, "pattern"):
			filter = func(c *Command) bool { return rconv.Match(arg, c.Name, true) }
		default:
			x.syntaxErr()
			return
		}
	default:
		x.syntaxErr()
		return
	}
	var names []string
	for _, c := range allCommandNames() {
		if filter == nil || filter(c) {
			names = append(names, c.Name)
		}
	}
	x.w.ArrayLen(len(names))
	for _, n := range names {
		x.w.BulkString(n)
	}
}

// lookupFullName finds "name" or "container|sub".
func lookupFullName(name string) *Command {
	name = strings.ToLower(name)
	if parent, sub, ok := strings.Cut(name, "|"); ok {
		p := commands[parent]
		if p == nil || p.sub == nil {
			return nil
		}
		return p.sub[sub]
	}
	return commands[name]
}

func cmdCommandInfo(x *Exec) {
	if len(x.args) == 2 {
		cmdCommandAll(x)
		return
	}
	x.w.ArrayLen(len(x.args) - 2)
	for i := 2; i < len(x.args); i++ {
		if c := lookupFullName(x.arg(i)); c != nil {
			writeCommandInfo(x, c)
		} else {
			x.w.NullBulk()
		}
	}
}

func writeCommandDocs(x *Exec, c *Command) {
	w := x.w
	subs := c.Subcommands()
	n := 4
	if len(subs) > 0 {
		n++
	}
	w.MapLen(n)
	w.BulkString("summary")
	w.BulkString("")
	w.BulkString("since")
	w.BulkString("")
	w.BulkString("group")
	w.BulkString(c.Group)
	w.BulkString("complexity")
	w.BulkString("")
	if len(subs) > 0 {
		w.BulkString("subcommands")
		w.MapLen(len(subs))
		for _, s := range subs {
			w.BulkString(s.Name)
			writeCommandDocs(x, s)
		}
	}
}

func cmdCommandDocs(x *Exec) {
	var list []*Command
	if len(x.args) == 2 {
		list = Commands()
	} else {
		for i := 2; i < len(x.args); i++ {
			if c := lookupFullName(x.arg(i)); c != nil {
				list = append(list, c)
			}
		}
	}
	x.w.MapLen(len(list))
	for _, c := range list {
		x.w.BulkString(c.Name)
		writeCommandDocs(x, c)
	}
}

func cmdCommandGetKeys(x *Exec) {
	args := x.args[2:]
	c := lookupCommandBytes(args[0])
	if c == nil {
		x.errStr("ERR Invalid command specified")
		return
	}
	if c.sub != nil && len(args) >= 2 {
		if s := c.sub[strings.ToLower(string(args[1]))]; s != nil {
			c = s
		}
	}
	if c.keys == nil && c.FirstKey <= 0 {
		x.errStr("ERR The command has no key arguments")
		return
	}
	if (c.Arity > 0 && len(args) != c.Arity) || len(args) < -c.Arity {
		x.errStr("ERR Invalid number of arguments specified for command")
		return
	}
	pos := c.KeyPositions(args)
	withFlags := x.cmd.Name == "command|getkeysandflags"
	x.w.ArrayLen(len(pos))
	for _, p := range pos {
		if !withFlags {
			x.w.Bulk(args[p])
			continue
		}
		x.w.ArrayLen(2)
		x.w.Bulk(args[p])
		var kf []string
		switch {
		case c.flags&flagWrite != 0:
			kf = []string{"RW", "update"}
		case c.flags&flagReadonly != 0:
			kf = []string{"RO", "access"}
		}
		x.w.SetLen(len(kf))
		for _, f := range kf {
			x.w.SimpleString(f)
		}
	}
}

func cmdCommandHelp(x *Exec) {
	writeHelp(x, "COMMAND",
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.")
}

// ---------------------------------------------------------------------
// OBJECT and MEMORY.

// stringEncoding is OBJECT ENCODING for a string value.
func stringEncoding(e *keyspace.Entry) string {
	if e.IsRaw() {
		return "raw"
	}
	v := e.StrView()
	if len(v) <= 20 {
		if _, ok := parseInt(v); ok {
			return "int"
		}
	}
	if len(v) <= 44 {
		return "embstr"
	}
	return "raw"
}

// valueEncoding is OBJECT ENCODING for any value. Collection values report
// their own encoding by implementing Encoding() string.
func valueEncoding(e *keyspace.Entry) string {
	if e.Kind() == keyspace.KindString {
		return stringEncoding(e)
	}
	if enc, ok := e.ObjView().(interface{ Encoding() string }); ok {
		return enc.Encoding()
	}
	switch e.Kind() {
	case keyspace.KindList:
		return "quicklist"
	case keyspace.KindSet, keyspace.KindHash:
		return "hashtable"
	case keyspace.KindZSet:
		return "skiplist"
	case keyspace.KindStream:
		return "stream"
	}
	return "unknown"
}

func (x *Exec) lfuPolicy() bool {
	return strings.Contains(x.sess.state().cfg.get(confByName["maxmemory-policy"]), "lfu")
}

func cmdObject(x *Exec) {
	e := x.c.Peek(x.db, x.arg(2))
	if e == nil {
		x.w.NullBulk()
		return
	}
	switch x.cmd.Name {
	case "object|encoding":
		x.w.BulkString(valueEncoding(e))
	case "object|refcount":
		if e.Kind() == keyspace.KindString && !e.IsRaw() {
			if v, ok := parseInt(e.StrView()); ok && v >= 0 && v < 10000 && len(e.StrView()) <= 20 {
				x.w.Int(math.MaxInt32)
				return
			}
		}
		x.w.Int(1)
	case "object|idletime":
		if x.lfuPolicy() {
			x.errStr("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		x.w.Int(x.s.ks.IdleMS(e) / 1000)
	case "object|freq":
		if !x.lfuPolicy() {
			x.errStr("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		decay := x.s.ks.Eviction().DecayTime
		x.w.Int(int64(evict.LFUDecay(e.Access(), evict.LFUMinutes(x.c.Now()), decay)))
	}
}

func cmdObjectHelp(x *Exec) {
	writeHelp(x, "OBJECT",
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.")
}

// memoryUsage is the bytes a key takes as MEMORY USAGE reports it: the
// keyspace's accounting of the key, its value and the per-key overhead
// (the figure maxmemory counts).
func memoryUsage(e *keyspace.Entry) int64 { return keyspace.EntryMemory(e) }

func cmdMemoryUsage(x *Exec) {
	for i := 3; i < len(x.args); i++ {
		if x.argIs(i, "samples") && i+1 < len(x.args) {
			v, ok := parseInt(x.arg(i + 1))
			if !ok {
				x.err(ErrNotInteger)
				return
			}
			if v < 0 {
				x.syntaxErr()
				return
			}
			i++
			continue
		}
		x.syntaxErr()
		return
	}
	e := x.c.Peek(x.db, x.arg(2))
	if e == nil {
		x.w.NullBulk()
		return
	}
	x.w.Int(memoryUsage(e))
}

func cmdMemoryStats(x *Exec) {
	used := usedMemory(x.s)
	st := x.sess.state()
	dbs := 0
	for db := 0; db < x.s.ks.Databases(); db++ {
		if k, _ := x.s.ks.DBStats(db); k > 0 {
			dbs++
		}
	}
	x.w.MapLen(6 + dbs)
	x.w.BulkString("peak.allocated")
	x.w.Int(st.stats.peakMemory(used))
	x.w.BulkString("total.allocated")
	x.w.Int(used)
	x.w.BulkString("startup.allocated")
	x.w.Int(0)
	x.w.BulkString("clients.normal")
	x.w.Int(0)
	for db := 0; db < x.s.ks.Databases(); db++ {
		k, exp := x.s.ks.DBStats(db)
		if k == 0 {
			continue
		}
		x.w.BulkString("db." + strconv.Itoa(db))
		x.w.MapLen(2)
		x.w.BulkString("overhead.hashtable.main")
		x.w.Int(int64(k) * 8)
		x.w.BulkString("overhead.hashtable.expires")
		x.w.Int(int64(exp) * 8)
	}
	x.w.BulkString("keys.count")
	total := 0
	for db := 0; db < x.s.ks.Databases(); db++ {
		k, _ := x.s.ks.DBStats(db)
		total += k
	}
	x.w.Int(int64(total))
	x.w.BulkString("dataset.bytes")
	x.w.Int(used)
}

func cmdMemoryDoctor(x *Exec) {
	x.w.Verbatim("txt", "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.")
}

func cmdMemoryMallocStats(x *Exec) {
	x.w.Verbatim("txt", "Stats not supported for the current allocator")
}

func cmdMemoryPurge(x *Exec) {
	runtime.GC()
	x.ok()
}

func cmdMemoryHelp(x *Exec) {
	writeHelp(x, "MEMORY",
		"DOCTOR",
		"    Return memory problems reports.",
		"MALLOC-STATS",
		"    Return internal statistics report from the memory allocator.",
		"PURGE",
		"    Attempt to purge dirty pages for reclamation by the allocator.",
		"STATS",
		"    Return information about the memory usage of the server.",
		"USAGE <key> [SAMPLES <count>]",
		"    Return memory in bytes used by <key> and its value. Nested values are",
		"    sampled up to <count> times (default: 5, 0 means sample all).")
}

// ---------------------------------------------------------------------
// DEBUG.

const debugNotAllowed = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."

func cmdDebug(x *Exec) {
	st := x.sess.state()
	switch st.cfg.get(confByName["enable-debug-command"]) {
	case "yes":
	case "local":
		if x.sess.attached && !x.sess.conn.Local {
			x.errStr(debugNotAllowed)
			return
		}
	default:
		if x.sess.attached {
			x.errStr(debugNotAllowed)
			return
		}
	}
	sub := strings.ToLower(x.arg(1))
	switch {
	case sub == "help":
		writeHelp(x, "DEBUG",
			"DIGEST",
			"    Output a hex signature representing the current DB content.",
			"DIGEST-VALUE <key> [<key> ...]",
			"    Output a hex signature of the values of all the specified keys.",
			"OBJECT <key>",
			"    Show low level info about the `key` and associated value.",
			"PROTOCOL <type>",
			"    Reply with a test value of the specified type. <type> can be: string,",
			"    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
			"    true, false.",
			"SET-ACTIVE-EXPIRE <0|1>",
			"    Setting it to 0 disables expiring keys in background when they are not",
			"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
			"    default.",
			"SLEEP <seconds>",
			"    Stop the server for <seconds>. Decimals allowed.")
	case sub == "sleep" && len(x.args) == 3:
		// Like Redis (strtod without checks), a bad number sleeps 0.
		f, ok := rconv.ParseFloatString(x.arg(2))
		if !ok || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			f = 0
		}
		d := time.Duration(f * float64(time.Second))
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-x.sess.Ctx.Done():
			t.Stop()
		}
		x.ok()
	case sub == "digest" && len(x.args) == 2:
		x.w.SimpleString(hex.EncodeToString(digestAll(x)))
	case sub == "digest-value" && len(x.args) >= 2:
		x.w.ArrayLen(len(x.args) - 2)
		for i := 2; i < len(x.args); i++ {
			x.c.Lock(x.arg(i))
			var d [20]byte
			if e := x.c.Peek(x.db, x.arg(i)); e != nil {
				d = digestValue(e)
			}
			x.c.Unlock()
			x.w.SimpleString(hex.EncodeToString(d[:]))
		}
	case sub == "object" && len(x.args) == 3:
		x.c.Lock(x.arg(2))
		e := x.c.Peek(x.db, x.arg(2))
		if e == nil {
			x.c.Unlock()
			x.errStr("ERR no such key")
			return
		}
		ser := int64(e.StrLen())
		if e.Kind() != keyspace.KindString {
			ser = memoryUsage(e)
		}
		line := "Value at:0x0 refcount:1 encoding:" + valueEncoding(e) +
			" serializedlength:" + strconv.FormatInt(ser, 10) +
			" lru:" + strconv.FormatUint(uint64(e.Access()&(1<<24-1)), 10) +
			" lru_seconds_idle:" + strconv.FormatInt(x.s.ks.IdleMS(e)/1000, 10)
		x.c.Unlock()
		x.w.SimpleString(line)
	case sub == "set-active-expire" && len(x.args) == 3:
		x.ok()
	case sub == "protocol" && len(x.args) == 3:
		debugProtocol(x, strings.ToLower(x.arg(2)))
	case sub == "log" && len(x.args) == 3:
		x.ok()
	case sub == "reload" || sub == "jmap" || sub == "quicklist-packed-threshold" || sub == "change-repl-id":
		x.errStr("ERR DEBUG " + strings.ToUpper(sub) + " is not supported by embedis")
	default:
		x.errStr(sanitizeErr("ERR unknown subcommand or wrong number of arguments for '" + x.arg(1) + "'. Try DEBUG HELP."))
	}
}

// debugProtocol is DEBUG PROTOCOL: a sample reply of each RESP type.
func debugProtocol(x *Exec, name string) {
	w := x.w
	switch name {
	case "string":
		w.BulkString("Hello World")
	case "integer":
		w.Int(12345)
	case "double":
		w.Double("3.141")
	case "bignum":
		w.BigNumber("1234567999999999999999999999999999999")
	case "null":
		w.NullBulk()
	case "array":
		w.ArrayLen(3)
		for i := int64(0); i < 3; i++ {
			w.Int(i)
		}
	case "set":
		w.SetLen(3)
		for i := int64(0); i < 3; i++ {
			w.Int(i)
		}
	case "map":
		w.MapLen(3)
		for i := int64(0); i < 3; i++ {
			w.Int(i)
			w.Bool(i == 1)
		}
	case "attrib":
		w.BulkString("Some real reply following the attribute")
	case "push":
		if w.Proto() < 3 {
			x.errStr("ERR RESP2 is not supported by this command")
			return
		}
		w.PushLen(2)
		w.BulkString("server-cpu-usage")
		w.Int(42)
		w.BulkString("Some real reply following the push reply")
	case "true":
		w.Bool(true)
	case "false":
		w.Bool(false)
	case "verbatim":
		w.Verbatim("txt", "This is a verbatim\nstring")
	default:
		x.errStr("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
	}
}

// Redis's DEBUG DIGEST: each key's digest is SHA1-mixed from the key, its
// value and an expire marker, and XORed into a per-database running
// digest that starts by mixing in the database number.

func xorDigest(d *[20]byte, p []byte) {
	h := sha1.Sum(p)
	for i := range d {
		d[i] ^= h[i]
	}
}

func mixDigest(d *[20]byte, p []byte) {
	xorDigest(d, p)
	*d = sha1.Sum(d[:])
}

// ValueDigester is implemented by collection values to take part in DEBUG
// DIGEST and DEBUG DIGEST-VALUE: DigestValue calls mix for each element
// the way Redis's xorObjectDigest does for the type (mix for ordered
// elements, xor for unordered ones). Values that do not implement it are
// digested by their kind only.
type ValueDigester interface {
	DigestValue(mix, xor func(p []byte))
}

// digestInto applies a value's digest operations to d, as
// xorObjectDigest does.
func digestInto(d *[20]byte, e *keyspace.Entry) {
	// The RDB type number of the value comes first.
	var typ byte
	switch e.Kind() {
	case keyspace.KindList:
		typ = 1
	case keyspace.KindSet:
		typ = 2
	case keyspace.KindZSet:
		typ = 3
	case keyspace.KindHash:
		typ = 4
	case keyspace.KindStream:
		typ = 6
	}
	mixDigest(d, []byte{0, 0, 0, typ})
	if e.Kind() == keyspace.KindString {
		mixDigest(d, []byte(e.StrView()))
	} else if v, ok := e.ObjView().(ValueDigester); ok {
		v.DigestValue(func(p []byte) { mixDigest(d, p) }, func(p []byte) { xorDigest(d, p) })
	} else {
		mixDigest(d, []byte(e.Kind().String()))
	}
	if e.ExpireAt() != 0 {
		xorDigest(d, []byte("!!expire!!"))
	}
}

// digestValue is DEBUG DIGEST-VALUE of one key.
func digestValue(e *keyspace.Entry) (d [20]byte) {
	digestInto(&d, e)
	return d
}

// digestAll is DEBUG DIGEST over every database, computed in an
// exclusive section so that it is a point-in-time view.
func digestAll(x *Exec) []byte {
	var final [20]byte
	x.c.Exclusive()
	defer x.c.EndExclusive()
	for db := 0; db < x.s.ks.Databases(); db++ {
		if x.c.DBSize(db) == 0 {
			continue
		}
		aux := []byte{byte(db >> 24), byte(db >> 16), byte(db >> 8), byte(db)}
		mixDigest(&final, aux)
		x.c.Keys(db, func(e *keyspace.Entry) {
			var d [20]byte
			mixDigest(&d, []byte(e.Key()))
			digestInto(&d, e)
			xorDigest(&final, d[:])
		})
	}
	return final[:]
}
