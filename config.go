package embedis

import (
	"bufio"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
	"github.com/embedis/embedis/types"
)

// The CONFIG parameter table.
//
// Every parameter of Redis 7.4 is listed with its type and default, so
// that CONFIG GET answers like Redis and CONFIG SET validates values with
// Redis's error texts. Parameters that embedis honours have an apply
// function (or are read where they matter: requirepass, maxclients,
// timeout, ...); the others are accepted and stored, as harmless as they
// are in a Redis that does not use the feature (tls-*, cluster-*,
// replica-*, io-threads, ...).

// confKind is a parameter's value type.
type confKind uint8

const (
	confBool    confKind = iota // yes / no
	confInt                     // integer in [min, max]
	confMem                     // memory value: 100, 1k, 1kb, 5mb, 2gb
	confEnum                    // one of enum (case-insensitive)
	confString                  // any string
	confSpecial                 // validated by check
)

// Parameter flags.
const (
	confImmutable = 1 << iota // only settable at startup (redis.conf / flags)
	confProtected             // enable-protected-configs must allow it
	confSensitive             // redacted in MONITOR and SLOWLOG
	confMulti                 // the value may be repeated in redis.conf (save, bind)
	confRebind                // a listener setting: changing it at runtime fails
)

type confParam struct {
	name     string
	aliases  []string
	kind     confKind
	def      string
	min, max int64
	enum     []string
	flags    int
	// check validates (and may normalize) a special value; it returns the
	// text of Redis's error.
	check func(v string) (string, string)
	// apply makes the change take effect; it runs after every value of a
	// CONFIG SET has been validated. s may be nil (no store yet).
	apply func(st *serverState, s *Store, v string)
	// prepare runs after validation and before the value is stored, for a
	// change that can fail (appendonly yes opens a file); its non-empty
	// result is the reason CONFIG SET fails.
	prepare func(s *Store, v string) string
}

var (
	confTable  []*confParam
	confByName = map[string]*confParam{} // lower-case name or alias -> param
)

func defConf(p *confParam) *confParam {
	confTable = append(confTable, p)
	confByName[p.name] = p
	for _, a := range p.aliases {
		confByName[a] = p
	}
	return p
}

func cBool(name, def string) *confParam {
	return defConf(&confParam{name: name, kind: confBool, def: def})
}
func cInt(name, def string, min, max int64) *confParam {
	return defConf(&confParam{name: name, kind: confInt, def: def, min: min, max: max})
}
func cMem(name, def string, min, max int64) *confParam {
	return defConf(&confParam{name: name, kind: confMem, def: def, min: min, max: max})
}
func cEnum(name, def string, opts ...string) *confParam {
	return defConf(&confParam{name: name, kind: confEnum, def: def, enum: opts})
}
func cStr(name, def string) *confParam {
	return defConf(&confParam{name: name, kind: confString, def: def})
}
func cSpecial(name, def string, check func(string) (string, string)) *confParam {
	return defConf(&confParam{name: name, kind: confSpecial, def: def, check: check})
}

func (p *confParam) imm() *confParam    { p.flags |= confImmutable; return p }
func (p *confParam) prot() *confParam   { p.flags |= confProtected; return p }
func (p *confParam) sens() *confParam   { p.flags |= confSensitive; return p }
func (p *confParam) multi() *confParam  { p.flags |= confMulti; return p }
func (p *confParam) rebind() *confParam { p.flags |= confRebind; return p }
func (p *confParam) alias(names ...string) *confParam {
	p.aliases = append(p.aliases, names...)
	for _, a := range names {
		confByName[a] = p
	}
	return p
}
func (p *confParam) onSet(f func(st *serverState, s *Store, v string)) *confParam {
	p.apply = f
	return p
}

// encLimitMu serializes read-modify-write updates of types' limits.
var encLimitMu sync.Mutex

// encLimit applies an encoding threshold (hash-max-listpack-entries and
// friends) through types.SetLimits. The collection types read their
// thresholds from one process-wide value, so CONFIG SET on any Store
// changes them for every Store of the process; a Store that starts with
// the default leaves them alone, one configured otherwise at startup
// applies its value.
func encLimit(def string, set func(l *types.Limits, n int)) func(*serverState, *Store, string) {
	return func(_ *serverState, s *Store, v string) {
		if s == nil && v == def {
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return
		}
		encLimitMu.Lock()
		defer encLimitMu.Unlock()
		l := types.CurrentLimits()
		set(&l, int(min(n, math.MaxInt)))
		types.SetLimits(l)
	}
}

const (
	intMax   = math.MaxInt32
	intMin   = math.MinInt32
	llongMax = math.MaxInt64
	llongMin = math.MinInt64
	uintMax  = math.MaxUint32
)

func init() {
	// Parameters embedis honours.
	cInt("maxclients", "10000", 1, uintMax).onSet(func(st *serverState, _ *Store, v string) {
		n, _ := strconv.ParseInt(v, 10, 64)
		st.cfg.maxClients.Store(n)
	})
	cStr("requirepass", "").sens().onSet(func(st *serverState, _ *Store, v string) {
		st.cfg.requirepassV.Store(&v)
	})
	cInt("timeout", "0", 0, intMax).onSet(func(st *serverState, _ *Store, v string) {
		n, _ := strconv.ParseInt(v, 10, 64)
		st.cfg.timeout.Store(n)
	})
	cInt("tcp-keepalive", "300", 0, intMax)
	cMem("proto-max-bulk-len", "536870912", 1<<20, llongMax).onSet(func(st *serverState, s *Store, v string) {
		n, _ := strconv.ParseInt(v, 10, 64)
		st.cfg.maxBulk.Store(n)
		if s != nil {
			s.maxBulk.Store(n)
		}
	})
	cMem("client-query-buffer-limit", "1073741824", 1<<20, llongMax).onSet(func(st *serverState, _ *Store, v string) {
		n, _ := strconv.ParseInt(v, 10, 64)
		st.cfg.queryBufLimit.Store(n)
	})
	cSpecial("notify-keyspace-events", "", checkNotify).onSet(func(st *serverState, _ *Store, v string) {
		f, _ := parseNotifyFlags(v)
		st.ks.SetNotifyFlags(f)
	})
	cInt("databases", "16", 1, intMax).imm()
	cInt("hz", "10", 0, intMax).onSet(func(st *serverState, s *Store, v string) {
		// clamped to 1..500 as Redis's updateHz does; CONFIG GET shows
		// the clamped value
		n, _ := strconv.ParseInt(v, 10, 64)
		n = min(max(n, 1), 500)
		st.cfg.mu.Lock()
		st.cfg.values[confByName["hz"]] = strconv.FormatInt(n, 10)
		st.cfg.mu.Unlock()
		if s != nil {
			s.hz.Store(n)
		}
	})
	cInt("slowlog-log-slower-than", "10000", -1, llongMax).onSet(func(st *serverState, _ *Store, v string) {
		n, _ := strconv.ParseInt(v, 10, 64)
		st.slow.slower.Store(n)
	})
	cInt("slowlog-max-len", "128", 0, llongMax).onSet(func(st *serverState, _ *Store, v string) {
		n, _ := strconv.ParseInt(v, 10, 64)
		st.slow.setMaxLen(n)
	})
	cInt("latency-monitor-threshold", "0", 0, llongMax)
	cEnum("enable-debug-command", "no", "no", "yes", "local").imm()
	cEnum("enable-protected-configs", "no", "no", "yes", "local").imm()
	cEnum("enable-module-command", "no", "no", "yes", "local").imm()
	cInt("port", "6379", 0, 65535).rebind()
	cSpecial("bind", "* -::*", checkBind).rebind().multi()
	cStr("unixsocket", "").imm()
	cSpecial("unixsocketperm", "0", checkOctal).imm()
	cInt("tcp-backlog", "511", 0, intMax).imm()
	cBool("protected-mode", "yes")

	// Memory and eviction (see the evict package).
	atoi := func(v string) int64 { n, _ := strconv.ParseInt(v, 10, 64); return n }
	cMem("maxmemory", "0", 0, llongMax).onSet(func(_ *serverState, s *Store, v string) {
		if s != nil {
			s.SetMaxMemory(atoi(v))
		}
	})
	cEnum("maxmemory-policy", "noeviction", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
		"allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction").onSet(func(_ *serverState, s *Store, v string) {
		if s != nil {
			_ = s.SetMaxMemoryPolicy(v)
		}
	})
	cInt("maxmemory-samples", "5", 1, 64).onSet(func(_ *serverState, s *Store, v string) {
		if s != nil {
			s.SetEvictionTuning(int(atoi(v)), 0, 0)
		}
	})
	cInt("maxmemory-eviction-tenacity", "10", 0, 100)
	cSpecial("maxmemory-clients", "0", checkMemOrPercent)
	cInt("lfu-log-factor", "10", 0, intMax).onSet(func(_ *serverState, s *Store, v string) {
		if s != nil && atoi(v) > 0 {
			s.SetEvictionTuning(0, int(atoi(v)), 0)
		}
	})
	cInt("lfu-decay-time", "1", 0, intMax).onSet(func(_ *serverState, s *Store, v string) {
		if s != nil && atoi(v) > 0 {
			s.SetEvictionTuning(0, 0, int(atoi(v)))
		}
	})
	cInt("active-expire-effort", "1", 1, 10)
	cBool("lazyfree-lazy-eviction", "no")
	cBool("lazyfree-lazy-expire", "no")
	cBool("lazyfree-lazy-server-del", "no")
	cBool("lazyfree-lazy-user-del", "no")
	cBool("lazyfree-lazy-user-flush", "no")
	cBool("replica-ignore-maxmemory", "yes").alias("slave-ignore-maxmemory")

	// Persistence (see the persist package).
	cBool("appendonly", "no").prepare = prepareAppendOnly
	cEnum("appendfsync", "everysec", "always", "everysec", "no")
	cStr("appendfilename", "appendonly.aof").imm()
	cStr("appenddirname", "appendonlydir").imm()
	cSpecial("save", "", checkSave).multi()
	cStr("dir", "").prot()
	cStr("dbfilename", "dump.edb").prot()
	cBool("rdbcompression", "yes")
	cBool("rdbchecksum", "yes").imm()
	cBool("rdb-del-sync-files", "no")
	cBool("rdb-save-incremental-fsync", "yes")
	cBool("stop-writes-on-bgsave-error", "yes")
	cBool("aof-use-rdb-preamble", "yes")
	cBool("aof-load-truncated", "yes")
	cBool("aof-rewrite-incremental-fsync", "yes")
	cBool("aof-timestamp-enabled", "no")
	cBool("aof-disable-auto-gc", "no")
	cBool("no-appendfsync-on-rewrite", "no")
	cInt("auto-aof-rewrite-percentage", "100", 0, intMax)
	cMem("auto-aof-rewrite-min-size", "67108864", 0, llongMax)

	// Encodings (reported by OBJECT ENCODING). The hash, list, set and
	// zset thresholds are honoured process-wide (see encLimit).
	cMem("hash-max-listpack-entries", "512", 0, llongMax).alias("hash-max-ziplist-entries").
		onSet(encLimit("512", func(l *types.Limits, n int) { l.HashMaxListpackEntries = n }))
	cMem("hash-max-listpack-value", "64", 0, llongMax).alias("hash-max-ziplist-value").
		onSet(encLimit("64", func(l *types.Limits, n int) { l.HashMaxListpackValue = n }))
	cInt("list-max-listpack-size", "-2", intMin, intMax).alias("list-max-ziplist-size").
		onSet(encLimit("-2", func(l *types.Limits, n int) { l.ListMaxListpackSize = n }))
	cInt("list-compress-depth", "0", 0, intMax)
	cMem("set-max-intset-entries", "512", 0, llongMax).
		onSet(encLimit("512", func(l *types.Limits, n int) { l.SetMaxIntsetEntries = n }))
	cMem("set-max-listpack-entries", "128", 0, llongMax).
		onSet(encLimit("128", func(l *types.Limits, n int) { l.SetMaxListpackEntries = n }))
	cMem("set-max-listpack-value", "64", 0, llongMax).
		onSet(encLimit("64", func(l *types.Limits, n int) { l.SetMaxListpackValue = n }))
	cMem("zset-max-listpack-entries", "128", 0, llongMax).alias("zset-max-ziplist-entries").
		onSet(encLimit("128", func(l *types.Limits, n int) { l.ZSetMaxListpackEntries = n }))
	cMem("zset-max-listpack-value", "64", 0, llongMax).alias("zset-max-ziplist-value").
		onSet(encLimit("64", func(l *types.Limits, n int) { l.ZSetMaxListpackValue = n }))
	cMem("hll-sparse-max-bytes", "3000", 0, llongMax)
	cMem("stream-node-max-bytes", "4096", 0, llongMax)
	cInt("stream-node-max-entries", "100", 0, llongMax)
	cBool("activerehashing", "yes")

	// Scripting.
	cInt("lua-time-limit", "5000", 0, llongMax).alias("busy-reply-threshold")

	// Logging and process.
	cEnum("loglevel", "notice", "debug", "verbose", "notice", "warning", "nothing")
	cStr("logfile", "").imm()
	cBool("daemonize", "no").imm()
	cStr("pidfile", "").imm()
	cEnum("supervised", "no", "upstart", "systemd", "auto", "no").imm()
	cBool("syslog-enabled", "no").imm()
	cStr("syslog-ident", "redis").imm()
	cEnum("syslog-facility", "local0", "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7").imm()
	cBool("always-show-logo", "no").imm()
	cBool("set-proc-title", "yes").imm()
	cStr("proc-title-template", "{title} {listen-addr} {server-mode}")
	cBool("crash-log-enabled", "yes")
	cBool("crash-memcheck-enabled", "yes")
	cBool("hide-user-data-from-log", "no")
	cStr("locale-collate", "")
	cStr("ignore-warnings", "")
	cEnum("oom-score-adj", "no", "no", "yes", "relative", "absolute")
	cSpecial("oom-score-adj-values", "0 200 800", checkOOMValues)
	cBool("disable-thp", "yes").imm()
	cBool("jemalloc-bg-thread", "yes")
	cBool("dynamic-hz", "yes")
	cInt("io-threads", "1", 1, 128).imm()
	cBool("io-threads-do-reads", "no").imm()
	cStr("server_cpulist", "").imm()
	cStr("bio_cpulist", "").imm()
	cStr("aof_rewrite_cpulist", "").imm()
	cStr("bgsave_cpulist", "").imm()
	cEnum("shutdown-on-sigint", "default", "default", "save", "nosave", "now", "force")
	cEnum("shutdown-on-sigterm", "default", "default", "save", "nosave", "now", "force")
	cInt("shutdown-timeout", "10", 0, intMax)
	cInt("max-new-connections-per-cycle", "10", 1, 1000)
	cInt("max-new-tls-connections-per-cycle", "1", 1, 1000)
	cSpecial("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", checkCOBL)
	cInt("tracking-table-max-keys", "1000000", 0, llongMax)
	cBool("latency-tracking", "yes")
	cSpecial("latency-tracking-info-percentiles", "50 99 99.9", checkPercentiles)
	cInt("acllog-max-len", "128", 0, llongMax)
	cStr("aclfile", "").imm()
	cEnum("acl-pubsub-default", "resetchannels", "allchannels", "resetchannels")
	cEnum("sanitize-dump-payload", "no", "no", "yes", "clients")
	cEnum("propagation-error-behavior", "ignore", "ignore", "panic", "panic-on-replicas")
	cInt("socket-mark-id", "0", 0, uintMax)
	cBool("activedefrag", "no")
	cInt("active-defrag-cycle-min", "1", 1, 99)
	cInt("active-defrag-cycle-max", "25", 1, 99)
	cMem("active-defrag-ignore-bytes", "104857600", 1, llongMax)
	cInt("active-defrag-max-scan-fields", "1000", 1, llongMax)
	cInt("active-defrag-threshold-lower", "10", 0, 1000)
	cInt("active-defrag-threshold-upper", "100", 0, 1000)

	// Replication (embedis is always a primary).
	cSpecial("replicaof", "", checkAny).imm().alias("slaveof")
	cStr("masterauth", "").sens()
	cStr("masteruser", "")
	cBool("replica-read-only", "yes").alias("slave-read-only")
	cBool("replica-serve-stale-data", "yes").alias("slave-serve-stale-data")
	cBool("replica-lazy-flush", "no").alias("slave-lazy-flush")
	cInt("replica-priority", "100", 0, intMax).alias("slave-priority")
	cStr("replica-announce-ip", "").alias("slave-announce-ip")
	cInt("replica-announce-port", "0", 0, 65535).alias("slave-announce-port")
	cBool("replica-announced", "yes")
	cBool("replica-ignore-disk-write-errors", "no")
	cInt("repl-ping-replica-period", "10", 1, intMax).alias("repl-ping-slave-period")
	cInt("repl-timeout", "60", 1, intMax)
	cMem("repl-backlog-size", "1048576", 1, llongMax)
	cInt("repl-backlog-ttl", "3600", 0, intMax)
	cBool("repl-disable-tcp-nodelay", "no")
	cBool("repl-diskless-sync", "yes")
	cInt("repl-diskless-sync-delay", "5", 0, intMax)
	cInt("repl-diskless-sync-max-replicas", "0", 0, intMax)
	cEnum("repl-diskless-load", "disabled", "disabled", "on-empty-db", "swapdb")
	cInt("min-replicas-to-write", "0", 0, intMax).alias("min-slaves-to-write")
	cInt("min-replicas-max-lag", "10", 0, intMax).alias("min-slaves-max-lag")
	cStr("bind-source-addr", "")

	// Cluster (disabled in embedis).
	cBool("cluster-enabled", "no").imm()
	cStr("cluster-config-file", "nodes.conf").imm()
	cInt("cluster-node-timeout", "15000", 0, llongMax)
	cInt("cluster-port", "0", 0, 65535).imm()
	cInt("cluster-migration-barrier", "1", 0, intMax)
	cBool("cluster-require-full-coverage", "yes")
	cBool("cluster-replica-no-failover", "no").alias("cluster-slave-no-failover")
	cInt("cluster-replica-validity-factor", "10", 0, intMax).alias("cluster-slave-validity-factor")
	cBool("cluster-allow-reads-when-down", "no")
	cBool("cluster-allow-pubsubshard-when-down", "yes")
	cBool("cluster-allow-replica-migration", "yes")
	cStr("cluster-announce-ip", "")
	cStr("cluster-announce-hostname", "")
	cStr("cluster-announce-human-nodename", "")
	cInt("cluster-announce-port", "0", 0, 65535)
	cInt("cluster-announce-bus-port", "0", 0, 65535)
	cInt("cluster-announce-tls-port", "0", 0, 65535)
	cEnum("cluster-preferred-endpoint-type", "ip", "ip", "hostname", "unknown-endpoint")
	cMem("cluster-link-sendbuf-limit", "0", 0, llongMax)

	// TLS (not supported: settable, never used).
	cInt("tls-port", "0", 0, 65535).imm()
	for _, n := range []string{"tls-cert-file", "tls-key-file", "tls-client-cert-file", "tls-client-key-file",
		"tls-dh-params-file", "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites"} {
		cStr(n, "")
	}
	cStr("tls-key-file-pass", "").sens()
	cStr("tls-client-key-file-pass", "").sens()
	cEnum("tls-auth-clients", "yes", "no", "yes", "optional")
	cBool("tls-replication", "no")
	cBool("tls-cluster", "no")
	cBool("tls-prefer-server-ciphers", "no")
	cBool("tls-session-caching", "yes")
	cInt("tls-session-cache-size", "20480", 0, intMax)
	cInt("tls-session-cache-timeout", "300", 0, intMax)
}

// config is a store's parameter values. Values are kept as the text
// CONFIG GET returns; the ones read on hot paths are mirrored in atomics.
type config struct {
	mu     sync.RWMutex
	values map[*confParam]string
	file   string // the redis.conf path, for CONFIG REWRITE

	maxClients    atomic.Int64
	requirepassV  atomic.Pointer[string]
	timeout       atomic.Int64
	maxBulk       atomic.Int64
	queryBufLimit atomic.Int64
}

func (c *config) init(st *serverState) {
	c.values = make(map[*confParam]string, len(confTable))
	for _, p := range confTable {
		c.values[p] = p.def
	}
	// Defaults that come from the store's Options.
	o := st.opts
	c.values[confByName["databases"]] = strconv.Itoa(o.Databases)
	c.values[confByName["hz"]] = strconv.Itoa(o.Hz)
	c.values[confByName["proto-max-bulk-len"]] = strconv.FormatInt(o.ProtoMaxBulkLen, 10)
	flags, _ := parseNotifyFlags(o.NotifyKeyspaceEvents)
	c.values[confByName["notify-keyspace-events"]] = notifyFlagsString(flags)
	set := func(name, v string) { c.values[confByName[name]] = v }
	set("maxmemory", strconv.FormatInt(o.MaxMemory, 10))
	if o.MaxMemoryPolicy != "" {
		set("maxmemory-policy", o.MaxMemoryPolicy)
	}
	if o.MaxMemorySamples > 0 {
		set("maxmemory-samples", strconv.Itoa(o.MaxMemorySamples))
	}
	if o.LFULogFactor > 0 {
		set("lfu-log-factor", strconv.Itoa(o.LFULogFactor))
	}
	if o.LFUDecayTime > 0 {
		set("lfu-decay-time", strconv.Itoa(o.LFUDecayTime))
	}
	var save []string
	for _, sp := range o.Save {
		save = append(save, strconv.Itoa(sp.Seconds), strconv.Itoa(sp.Changes))
	}
	set("save", strings.Join(save, " "))
	set("appendonly", map[bool]string{true: "yes", false: "no"}[o.AppendOnly])
	if o.AppendFsync != "" {
		set("appendfsync", o.AppendFsync)
	}
	if o.AppendFilename != "" {
		set("appendfilename", o.AppendFilename)
	}
	if o.AppendDirname != "" {
		set("appenddirname", o.AppendDirname)
	}
	if o.DBFilename != "" {
		set("dbfilename", o.DBFilename)
	}
	if o.AutoAOFRewritePercentage > 0 {
		set("auto-aof-rewrite-percentage", strconv.Itoa(o.AutoAOFRewritePercentage))
	}
	if o.AutoAOFRewriteMinSize > 0 {
		set("auto-aof-rewrite-min-size", strconv.FormatInt(o.AutoAOFRewriteMinSize, 10))
	}
	if o.AOFLoadTruncated != nil && !*o.AOFLoadTruncated {
		set("aof-load-truncated", "no")
	}
	dir := o.Dir
	if dir == "" || dir == "." {
		dir, _ = os.Getwd()
	} else if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	set("dir", dir)
	for _, p := range confTable {
		if p.apply != nil {
			p.apply(st, nil, c.values[p])
		}
	}
}

func (c *config) requirePass() string {
	if p := c.requirepassV.Load(); p != nil {
		return *p
	}
	return ""
}

func (c *config) get(p *confParam) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.values[p]
}

// lookupConf finds a parameter by name or alias, case-insensitively.
func lookupConf(name string) *confParam { return confByName[strings.ToLower(name)] }

// validate checks v for p and returns the value to store (normalized) or
// Redis's error text.
func (p *confParam) validate(v string) (string, string) {
	switch p.kind {
	case confBool:
		switch strings.ToLower(v) {
		case "yes":
			return "yes", ""
		case "no":
			return "no", ""
		}
		return "", "argument must be 'yes' or 'no'"
	case confInt:
		n, ok := parseInt(v)
		if !ok {
			return "", "argument couldn't be parsed into an integer"
		}
		if n < p.min || n > p.max {
			return "", "argument must be between " + strconv.FormatInt(p.min, 10) + " and " + strconv.FormatInt(p.max, 10) + " inclusive"
		}
		return strconv.FormatInt(n, 10), ""
	case confMem:
		n, ok := parseMemory(v)
		if !ok {
			return "", "argument must be a memory value"
		}
		if n < p.min || n > p.max {
			return "", "argument must be between " + strconv.FormatInt(p.min, 10) + " and " + strconv.FormatInt(p.max, 10) + " inclusive"
		}
		return strconv.FormatInt(n, 10), ""
	case confEnum:
		for _, e := range p.enum {
			if strings.EqualFold(e, v) {
				return e, ""
			}
		}
		return "", "argument(s) must be one of the following: " + strings.Join(p.enum, ", ")
	case confSpecial:
		return p.check(v)
	}
	return v, ""
}

// parseMemory parses a memory value as Redis's memtoull: digits with an
// optional unit b, k, kb, m, mb, g, gb (k = 1000, kb = 1024), no sign.
func parseMemory(s string) (int64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false
	}
	mul := uint64(1)
	switch strings.ToLower(s[i:]) {
	case "", "b":
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil || n > math.MaxInt64/mul {
		return 0, false
	}
	return int64(n * mul), true
}

func checkAny(v string) (string, string) { return v, "" }

func checkNotify(v string) (string, string) {
	f, err := parseNotifyFlags(v)
	if err != nil {
		return "", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	}
	return notifyFlagsString(f), ""
}

// notifyFlagsString renders notify-keyspace-events as CONFIG GET shows
// it (keyspaceEventsFlagsToString): A or the class letters, then K, E,
// m and n.
func notifyFlagsString(f uint32) string {
	var b []byte
	if f&keyspace.NotifyAll == keyspace.NotifyAll {
		b = append(b, 'A')
	} else {
		for _, c := range []struct {
			flag uint32
			ch   byte
		}{
			{keyspace.NotifyGeneric, 'g'}, {keyspace.NotifyString, '$'}, {keyspace.NotifyList, 'l'},
			{keyspace.NotifySet, 's'}, {keyspace.NotifyHash, 'h'}, {keyspace.NotifyZSet, 'z'},
			{keyspace.NotifyExpired, 'x'}, {keyspace.NotifyEvicted, 'e'}, {keyspace.NotifyStream, 't'},
			{keyspace.NotifyModule, 'd'},
		} {
			if f&c.flag != 0 {
				b = append(b, c.ch)
			}
		}
	}
	for _, c := range []struct {
		flag uint32
		ch   byte
	}{{keyspace.NotifyKeyspace, 'K'}, {keyspace.NotifyKeyevent, 'E'}, {keyspace.NotifyKeyMiss, 'm'}, {keyspace.NotifyNew, 'n'}} {
		if f&c.flag != 0 {
			b = append(b, c.ch)
		}
	}
	return string(b)
}

func checkBind(v string) (string, string) {
	f := strings.Fields(v)
	if len(f) > 16 {
		return "", "Too many bind addresses specified."
	}
	return strings.Join(f, " "), ""
}

func checkOctal(v string) (string, string) {
	n, err := strconv.ParseUint(v, 8, 32)
	if err != nil {
		return "", "argument couldn't be parsed into an integer"
	}
	return strconv.FormatUint(n, 8), ""
}

func checkMemOrPercent(v string) (string, string) {
	if strings.HasSuffix(v, "%") {
		n, ok := parseInt(v[:len(v)-1])
		if !ok || n < 0 {
			return "", "argument must be a memory or percent value"
		}
		return v, ""
	}
	n, ok := parseMemory(v)
	if !ok {
		return "", "argument must be a memory or percent value"
	}
	return strconv.FormatInt(n, 10), ""
}

// checkSave validates "seconds changes [seconds changes ...]" or "".
func checkSave(v string) (string, string) {
	f := strings.Fields(v)
	if len(f)%2 != 0 {
		return "", "Invalid save parameters"
	}
	for _, x := range f {
		if n, ok := parseInt(x); !ok || n < 0 {
			return "", "Invalid save parameters"
		}
	}
	return strings.Join(f, " "), ""
}

func checkOOMValues(v string) (string, string) {
	f := strings.Fields(v)
	if len(f) != 3 {
		return "", "wrong number of arguments"
	}
	for _, x := range f {
		n, ok := parseInt(x)
		if !ok || n < -2000 || n > 2000 {
			return "", "Invalid oom-score-adj-values"
		}
	}
	return strings.Join(f, " "), ""
}

func checkPercentiles(v string) (string, string) {
	f := strings.Fields(v)
	for _, x := range f {
		p, err := strconv.ParseFloat(x, 64)
		if err != nil || p < 0 || p > 100 {
			return "", "Invalid latency-tracking-info-percentiles parameters"
		}
	}
	return strings.Join(f, " "), ""
}

// checkCOBL validates client-output-buffer-limit: groups of
// "class hard soft seconds", merged into the current full setting.
func checkCOBL(v string) (string, string) {
	f := strings.Fields(v)
	if len(f)%4 != 0 {
		return "", "Wrong number of arguments in buffer limit configuration."
	}
	cur := map[string][3]string{
		"normal": {"0", "0", "0"},
		"slave":  {"268435456", "67108864", "60"},
		"pubsub": {"33554432", "8388608", "60"},
	}
	for i := 0; i < len(f); i += 4 {
		class := strings.ToLower(f[i])
		if class == "replica" {
			class = "slave"
		}
		if _, ok := cur[class]; !ok {
			return "", "Invalid client class specified in buffer limit configuration."
		}
		hard, ok1 := parseMemory(f[i+1])
		soft, ok2 := parseMemory(f[i+2])
		secs, ok3 := parseInt(f[i+3])
		if !ok1 || !ok2 || !ok3 || secs < 0 {
			return "", "Error in hard, soft or soft_seconds setting in buffer limit configuration."
		}
		cur[class] = [3]string{strconv.FormatInt(hard, 10), strconv.FormatInt(soft, 10), strconv.FormatInt(secs, 10)}
	}
	var b strings.Builder
	for i, class := range []string{"normal", "slave", "pubsub"} {
		if i > 0 {
			b.WriteByte(' ')
		}
		c := cur[class]
		b.WriteString(class + " " + c[0] + " " + c[1] + " " + c[2])
	}
	return b.String(), ""
}

// set validates and applies name/value pairs all or nothing, as CONFIG
// SET does. startup skips the immutable and protected checks (redis.conf
// and command-line flags). It returns the error reply text.
func (st *serverState) setConfig(s *Store, pairs []string, startup bool) string {
	type change struct {
		p   *confParam
		arg string
		v   string
	}
	changes := make([]change, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		name := pairs[i]
		p := lookupConf(name)
		if p == nil {
			return "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'"
		}
		if !startup {
			if p.flags&confImmutable != 0 {
				return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config"
			}
			if p.flags&confProtected != 0 && st.cfg.get(confByName["enable-protected-configs"]) != "yes" {
				return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set protected config"
			}
		}
		for _, c := range changes {
			if c.p == p {
				return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - duplicate parameter"
			}
		}
		changes = append(changes, change{p: p, arg: name, v: pairs[i+1]})
	}
	for i := range changes {
		c := &changes[i]
		v, msg := c.p.validate(c.v)
		if msg != "" {
			return "ERR CONFIG SET failed (possibly related to argument '" + c.p.name + "') - " + msg
		}
		c.v = v
		// The server cannot move its listeners: a new port or bind
		// address fails as a failed listen does in Redis.
		if c.p.flags&confRebind != 0 && !startup && v != st.cfg.get(c.p) {
			msg := "Unable to listen on this port. Check server logs."
			if c.p.name == "bind" {
				msg = "Failed to bind to specified addresses."
			}
			return "ERR CONFIG SET failed (possibly related to argument '" + c.p.name + "') - " + msg
		}
	}
	for _, c := range changes {
		if c.p.prepare != nil && s != nil {
			if msg := c.p.prepare(s, c.v); msg != "" {
				return "ERR CONFIG SET failed (possibly related to argument '" + c.p.name + "') - " + msg
			}
		}
	}
	st.cfg.mu.Lock()
	for _, c := range changes {
		st.cfg.values[c.p] = c.v
	}
	st.cfg.mu.Unlock()
	for _, c := range changes {
		if c.p.apply != nil {
			c.p.apply(st, s, c.v)
		}
		for _, h := range confHooks[c.p.name] {
			h(s, c.v)
		}
	}
	return ""
}

// confHooks are functions other parts of embedis register to learn about
// changes of a parameter (eviction reads maxmemory, persistence appendonly).
var confHooks = map[string][]func(s *Store, value string){}

// onConfigChange registers fn to run after parameter name is set by
// CONFIG SET, LoadConfig or ConfigSet. Call it from an init function.
func onConfigChange(name string, fn func(s *Store, value string)) {
	confHooks[name] = append(confHooks[name], fn)
}

// ConfigGet returns the value of a configuration parameter as CONFIG GET
// shows it, and whether the parameter exists. Names are case-insensitive
// and may be aliases (slave-read-only).
func (s *Store) ConfigGet(name string) (string, bool) {
	p := lookupConf(name)
	if p == nil {
		return "", false
	}
	return s.state().cfg.get(p), true
}

// ConfigSet sets configuration parameters, given as name, value pairs,
// exactly as CONFIG SET does: every value is validated first and then all
// are applied, or none. The error is an *Error with Redis's text.
func (s *Store) ConfigSet(nameValues ...string) error {
	if len(nameValues) == 0 || len(nameValues)%2 != 0 {
		return ErrSyntax
	}
	if msg := s.state().setConfig(s, nameValues, false); msg != "" {
		return &Error{msg: msg}
	}
	return nil
}

// LoadConfig sets configuration parameters (name, value pairs) the way
// redis.conf and redis-server's command-line flags do at startup:
// immutable and protected parameters are accepted too. cmd/embedis and the
// RESP server use it to record their port, bind address and the like.
func (s *Store) LoadConfig(nameValues ...string) error {
	if len(nameValues)%2 != 0 {
		return ErrSyntax
	}
	if msg := s.state().setConfig(s, nameValues, true); msg != "" {
		return &Error{msg: msg}
	}
	return nil
}

// SetConfigFile records the path of the configuration file the server
// was started with; CONFIG REWRITE writes it.
func (s *Store) SetConfigFile(path string) {
	st := s.state()
	st.cfg.mu.Lock()
	st.cfg.file = path
	st.cfg.mu.Unlock()
}

// ---------------------------------------------------------------------
// CONFIG command.

func init() {
	register(&Command{Name: "config", Arity: -2, Group: "server"})
	fl := flagAdmin | flagNoScript | flagLoading | flagStale
	registerSub("config", &Command{Name: "get", Arity: -3, Group: "server", flags: fl, run: cmdConfigGet})
	registerSub("config", &Command{Name: "set", Arity: -4, Group: "server", flags: fl, run: cmdConfigSet})
	registerSub("config", &Command{Name: "resetstat", Arity: 2, Group: "server", flags: fl, run: cmdConfigResetStat})
	registerSub("config", &Command{Name: "rewrite", Arity: 2, Group: "server", flags: fl, run: cmdConfigRewrite})
	registerSub("config", &Command{Name: "help", Arity: 2, Group: "server", flags: flagLoading | flagStale, run: cmdConfigHelp})
}

func cmdConfigGet(x *Exec) {
	st := x.sess.state()
	type match struct {
		name string
		p    *confParam
	}
	var out []match
	seen := map[string]bool{}
	for i := 2; i < len(x.args); i++ {
		pat := x.arg(i)
		if !strings.ContainsAny(pat, "[*?") {
			if seen[pat] {
				continue
			}
			if p := lookupConf(pat); p != nil {
				seen[pat] = true
				out = append(out, match{x.argOwned(i), p})
			}
			continue
		}
		names := make([]string, 0, len(confByName))
		for n := range confByName {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			p := confByName[n]
			if seen[n] || seen[p.name] && n == p.name {
				continue
			}
			if rconv.Match(pat, n, true) {
				seen[n] = true
				out = append(out, match{n, p})
			}
		}
	}
	x.w.MapLen(len(out))
	for _, m := range out {
		x.w.BulkString(m.name)
		x.w.BulkString(st.cfg.get(m.p))
	}
}

func cmdConfigSet(x *Exec) {
	if len(x.args)%2 != 0 {
		x.syntaxErr()
		return
	}
	pairs := make([]string, 0, len(x.args)-2)
	for i := 2; i < len(x.args); i++ {
		pairs = append(pairs, x.argOwned(i))
	}
	if msg := x.sess.state().setConfig(x.s, pairs, false); msg != "" {
		x.errStr(sanitizeErr(msg))
		return
	}
	x.ok()
}

func cmdConfigResetStat(x *Exec) {
	st := x.sess.state()
	st.resetStats()
	x.s.cmdStats.reset()
	x.ok()
}

func cmdConfigRewrite(x *Exec) {
	st := x.sess.state()
	if err := st.rewriteConfig(); err != nil {
		x.errStr(err.Error())
		return
	}
	x.ok()
}

func cmdConfigHelp(x *Exec) {
	writeHelp(x, "CONFIG",
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.")
}

// resetStats is CONFIG RESETSTAT.
func (st *serverState) resetStats() {
	st.stats.rejected.Store(0)
	st.stats.connections.Store(0)
	st.stats.commands.Store(0)
	st.stats.pubsubMessages.Store(0)
	st.stats.netInput.Store(0)
	st.stats.netOutput.Store(0)
	st.clients.mu.Lock()
	for _, sess := range st.clients.m {
		sess.info.cmds.Store(0)
		sess.info.netIn.Store(0)
		sess.info.netOut.Store(0)
	}
	st.clients.mu.Unlock()
	st.ks.ResetStats()
	st.slow.reset()
}

// rewriteConfig is CONFIG REWRITE: the config file keeps its comments and
// unknown lines; each parameter that differs from its default is written
// on the line where it appeared (or appended), and lines of parameters
// now at their default are removed, as Redis does.
func (st *serverState) rewriteConfig() error {
	st.cfg.mu.RLock()
	file := st.cfg.file
	values := make(map[*confParam]string, len(st.cfg.values))
	for p, v := range st.cfg.values {
		values[p] = v
	}
	st.cfg.mu.RUnlock()
	if file == "" {
		return errors.New("ERR The server is running without a config file")
	}
	var lines []string
	if f, err := os.Open(file); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		f.Close()
	} else if !os.IsNotExist(err) {
		return errors.New("ERR Rewriting config file: " + err.Error())
	}
	written := map[*confParam]bool{}
	var out []string
	const marker = "# Generated by CONFIG REWRITE"
	hasMarker := false
	for _, line := range lines {
		hasMarker = hasMarker || line == marker
		args := strings.Fields(line)
		if len(args) == 0 || strings.HasPrefix(args[0], "#") {
			out = append(out, line)
			continue
		}
		p := lookupConf(args[0])
		if p == nil {
			out = append(out, line)
			continue
		}
		if written[p] {
			continue
		}
		written[p] = true
		out = append(out, configLines(p, values[p])...)
	}
	var extra []string
	wd, _ := os.Getwd()
	for _, p := range confTable {
		if written[p] || values[p] == p.def || p.name == "dir" && (values[p] == "" || values[p] == wd) {
			continue
		}
		extra = append(extra, configLines(p, values[p])...)
	}
	if len(extra) > 0 {
		if !hasMarker {
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			out = append(out, marker)
		}
		out = append(out, extra...)
	}
	tmp := filepath.Join(filepath.Dir(file), ".embedis-rewrite-"+strconv.Itoa(os.Getpid())+".conf")
	data := strings.Join(out, "\n") + "\n"
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		return errors.New("ERR Rewriting config file: " + err.Error())
	}
	if err := os.Rename(tmp, file); err != nil {
		os.Remove(tmp)
		return errors.New("ERR Rewriting config file: " + err.Error())
	}
	return nil
}

// configLines renders parameter p with value v as redis.conf lines.
func configLines(p *confParam, v string) []string {
	switch {
	case p.name == "save" && v == "":
		return []string{`save ""`}
	case p.name == "save":
		f := strings.Fields(v)
		var out []string
		for i := 0; i+1 < len(f); i += 2 {
			out = append(out, "save "+f[i]+" "+f[i+1])
		}
		return out
	case p.name == "client-output-buffer-limit":
		f := strings.Fields(v)
		var out []string
		for i := 0; i+3 < len(f); i += 4 {
			out = append(out, "client-output-buffer-limit "+strings.Join(f[i:i+4], " "))
		}
		return out
	case p.kind == confSpecial && p.name == "bind":
		return []string{"bind " + v}
	}
	return []string{p.name + " " + quoteConfValue(v)}
}

// quoteConfValue quotes a value for redis.conf when it is empty or has
// spaces or special characters.
func quoteConfValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\r\n\"'\\") {
		return v
	}
	return strconv.Quote(v)
}

// writeHelp writes a HELP reply: the header line "<CMD> <subcommand> ..."
// then lines, then the generic HELP line, as addReplyHelp does.
func writeHelp(x *Exec, cmd string, lines ...string) {
	w := x.w
	w.ArrayLen(len(lines) + 3)
	w.SimpleString(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		w.SimpleString(l)
	}
	w.SimpleString("HELP")
	w.SimpleString("    Print this help.")
}

var _ = resp.KindError
