package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/server"
)

const usage = `Usage: embedis [/path/to/redis.conf] [options] [-]
       embedis - (read config from stdin)
       embedis -v or --version
       embedis -h or --help

Examples:
       embedis (run the server with default config: 127.0.0.1:6379)
       embedis /etc/redis/6379.conf
       embedis --port 7777
       embedis --port 7777 --replicaof 127.0.0.1 8888
       embedis /etc/myredis.conf --loglevel verbose --requirepass secret

Environment:
       EMBEDIS_GC_HEAP_FLOOR_MB  the Go heap size below which the collector
                                 waits (default 64; 0: as GOGC says). Off when
                                 GOGC is set.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program, returning the exit code.
func run(argv []string, stdin io.Reader, stdout, stderr io.Writer) int {
	dirs, confFile, err := parseArgs(argv, stdin)
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprint(stdout, usage)
		return 0
	case errors.Is(err, errVersion):
		fmt.Fprintf(stdout, "embedis server v=%s (Redis %s compatible)\n", moduleVersion(), embedis.Version)
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "embedis: %v\n", err)
		return 1
	}
	cfg, err := resolve(dirs)
	if err != nil {
		fmt.Fprintf(stderr, "\n*** FATAL CONFIG ERROR (embedis) ***\n%v\n", err)
		return 1
	}
	if confFile != "" {
		if abs, err := filepath.Abs(confFile); err == nil {
			confFile = abs
		}
	}
	return serve(cfg, confFile, stdout, stderr)
}

// config is the resolved configuration: every parameter's final value.
type config struct {
	pairs  []string // name, value pairs for Store.LoadConfig
	values map[string]string
	opts   embedis.Options
}

func (c *config) get(name string) string { return c.values[name] }

// unsupported directives: recognized, but embedis cannot honour them.
var unsupported = map[string]string{
	"loadmodule":     "modules are not supported",
	"user":           "ACL users are not supported (use requirepass)",
	"rename-command": "rename-command is not supported",
	"sentinel":       "sentinel mode is not supported",
}

// resolve validates the directives against embedis's parameter table (in
// a throwaway store, which gives Redis's error texts) and computes the
// final values and the Store options.
func resolve(dirs []directive) (*config, error) {
	// The probe applies the directives for real (appendonly yes opens a
	// log and writes its base): it gets a directory of its own, removed
	// afterwards, so that checking the flags never writes where the
	// server runs or keeps its data.
	tmp, err := os.MkdirTemp("", "embedis-probe-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	probe, err := embedis.Open(&embedis.Options{Dir: tmp})
	if err != nil {
		return nil, err
	}
	defer probe.Close()
	values := map[string]string{}
	var order []string
	for _, d := range dirs {
		if why, ok := unsupported[d.name]; ok {
			return nil, fmt.Errorf("%s: >>> '%s'\n%s", d.where, d.line, why)
		}
		if _, ok := probe.ConfigGet(d.name); !ok {
			return nil, fmt.Errorf("%s: >>> '%s'\nBad directive or wrong number of arguments: unknown option '%s'", d.where, d.line, d.name)
		}
		var v string
		switch d.name {
		case "save":
			// Repeated save lines add save points; save "" clears them.
			joined := strings.Join(d.args, " ")
			prev, seen := values["save"]
			if seen && joined != "" && prev != "" {
				v = prev + " " + joined
			} else {
				v = joined
			}
		case "daemonize":
			if len(d.args) == 1 && strings.EqualFold(d.args[0], "yes") {
				return nil, fmt.Errorf("%s: >>> '%s'\ndaemonize yes is not supported: run embedis in the foreground under a service manager", d.where, d.line)
			}
			v = strings.Join(d.args, " ")
		case "replicaof", "slaveof":
			if len(d.args) > 0 && !(len(d.args) == 2 && strings.EqualFold(d.args[0], "no") && strings.EqualFold(d.args[1], "one")) {
				return nil, fmt.Errorf("%s: >>> '%s'\nreplication is not supported", d.where, d.line)
			}
			v = ""
		default:
			v = strings.Join(d.args, " ")
		}
		if err := probe.LoadConfig(d.name, v); err != nil {
			msg := err.Error()
			if i := strings.Index(msg, ") - "); i >= 0 {
				msg = msg[i+4:]
			}
			return nil, fmt.Errorf("%s: >>> '%s'\n%s", d.where, d.line, msg)
		}
		if _, seen := values[d.name]; !seen {
			order = append(order, d.name)
		}
		values[d.name] = v
	}
	cfg := &config{values: map[string]string{}}
	for _, name := range order {
		norm, _ := probe.ConfigGet(name)
		cfg.values[name] = norm
		cfg.pairs = append(cfg.pairs, name, norm)
	}
	if err := cfg.storeOptions(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// storeOptions maps the parameters the Store needs at Open onto Options.
func (c *config) storeOptions() error {
	o := &c.opts
	num := func(name string) int64 {
		n, _ := strconv.ParseInt(c.values[name], 10, 64)
		return n
	}
	has := func(name string) bool { _, ok := c.values[name]; return ok }
	if has("databases") {
		o.Databases = int(num("databases"))
	}
	if has("hz") {
		hz := num("hz")
		o.Hz = int(min(max(hz, 1), 500)) // Redis clamps hz to 1..500
	}
	if has("proto-max-bulk-len") {
		o.ProtoMaxBulkLen = num("proto-max-bulk-len")
	}
	if has("notify-keyspace-events") {
		o.NotifyKeyspaceEvents = c.values["notify-keyspace-events"]
	}
	if has("maxmemory") {
		o.MaxMemory = num("maxmemory")
	}
	o.MaxMemoryPolicy = c.values["maxmemory-policy"]
	if has("maxmemory-samples") {
		o.MaxMemorySamples = int(num("maxmemory-samples"))
	}
	if has("lfu-log-factor") {
		o.LFULogFactor = int(num("lfu-log-factor"))
	}
	if has("lfu-decay-time") {
		o.LFUDecayTime = int(num("lfu-decay-time"))
	}
	if has("dir") {
		o.Dir = c.values["dir"]
	}
	o.DBFilename = c.values["dbfilename"]
	if f := strings.Fields(c.values["save"]); len(f) > 0 {
		for i := 0; i+1 < len(f); i += 2 {
			secs, _ := strconv.Atoi(f[i])
			changes, _ := strconv.Atoi(f[i+1])
			o.Save = append(o.Save, embedis.SavePoint{Seconds: secs, Changes: changes})
		}
	}
	o.AppendOnly = c.values["appendonly"] == "yes"
	o.AppendFsync = c.values["appendfsync"]
	o.AppendFilename = c.values["appendfilename"]
	o.AppendDirname = c.values["appenddirname"]
	if has("auto-aof-rewrite-percentage") {
		o.AutoAOFRewritePercentage = int(num("auto-aof-rewrite-percentage"))
	}
	if has("auto-aof-rewrite-min-size") {
		o.AutoAOFRewriteMinSize = num("auto-aof-rewrite-min-size")
	}
	if has("aof-load-truncated") {
		b := c.values["aof-load-truncated"] == "yes"
		o.AOFLoadTruncated = &b
	}
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o755); err != nil {
			return fmt.Errorf("dir %s: %w", o.Dir, err)
		}
	}
	return nil
}

// newLogger writes Redis-style log lines to logfile ("" = stdout) at the
// loglevel given.
func newLogger(cfg *config, stdout io.Writer) (*slog.Logger, func(), error) {
	out, closeFn := stdout, func() {}
	if f := cfg.get("logfile"); f != "" {
		file, err := os.OpenFile(f, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, err
		}
		out, closeFn = file, func() { file.Close() }
	}
	level := slog.LevelInfo
	switch cfg.get("loglevel") {
	case "debug":
		level = slog.LevelDebug
	case "verbose":
		level = slog.LevelDebug + 2
	case "warning":
		level = slog.LevelWarn
	case "nothing":
		level = slog.LevelError + 100
	}
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: level})), closeFn, nil
}

// listeners opens the TCP listeners of bind/port and the unix socket.
func listeners(cfg *config) ([]net.Listener, error) {
	var ls []net.Listener
	fail := func(err error) ([]net.Listener, error) {
		for _, l := range ls {
			l.Close()
		}
		return nil, err
	}
	port := cfg.get("port")
	if port == "" {
		port = "6379"
	}
	if port != "0" {
		bind := cfg.get("bind")
		if bind == "" {
			bind = "127.0.0.1" // never every interface unless asked
		}
		for _, addr := range strings.Fields(bind) {
			optional := strings.HasPrefix(addr, "-")
			addr = strings.TrimPrefix(addr, "-")
			switch addr {
			case "*":
				addr = "0.0.0.0"
			case "::*":
				addr = "::"
			}
			l, err := net.Listen("tcp", net.JoinHostPort(addr, port))
			if err != nil {
				if optional {
					continue
				}
				return fail(fmt.Errorf("could not create server TCP listening socket %s: %w", net.JoinHostPort(addr, port), err))
			}
			ls = append(ls, l)
		}
	}
	if sock := cfg.get("unixsocket"); sock != "" {
		_ = os.Remove(sock)
		l, err := net.Listen("unix", sock)
		if err != nil {
			return fail(fmt.Errorf("opening unix socket %s: %w", sock, err))
		}
		if perm := cfg.get("unixsocketperm"); perm != "" && perm != "0" {
			p, _ := strconv.ParseUint(perm, 8, 32)
			if err := os.Chmod(sock, os.FileMode(p)); err != nil {
				l.Close()
				return fail(err)
			}
		}
		ls = append(ls, l)
	}
	if len(ls) == 0 {
		return nil, errors.New("no listening socket configured (port 0 and no unixsocket)")
	}
	return ls, nil
}

// serve opens the store, listens and serves until a signal or SHUTDOWN.
func serve(cfg *config, confFile string, stdout, stderr io.Writer) int {
	log, closeLog, err := newLogger(cfg, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "embedis: %v\n", err)
		return 1
	}
	defer closeLog()
	floor, err := heapFloorFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "embedis: %v\n", err)
		return 1
	}
	defer startHeapFloor(floor)()
	cfg.opts.Logf = func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) }
	store, err := embedis.Open(&cfg.opts)
	if err != nil {
		log.Error("opening the store", "err", err)
		fmt.Fprintf(stderr, "embedis: %v\n", err)
		return 1
	}
	if err := store.LoadConfig(cfg.pairs...); err != nil {
		store.Close()
		fmt.Fprintf(stderr, "embedis: %v\n", err)
		return 1
	}
	if confFile != "" {
		store.SetConfigFile(confFile)
	}
	if pid := cfg.get("pidfile"); pid != "" {
		if err := os.WriteFile(pid, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			log.Warn("writing the pid file", "err", err)
		} else {
			defer os.Remove(pid)
		}
	}
	srv, err := server.New(store, &server.Options{Logger: log})
	if err != nil {
		store.Close()
		fmt.Fprintf(stderr, "embedis: %v\n", err)
		return 1
	}
	ls, err := listeners(cfg)
	if err != nil {
		store.Close()
		log.Error(err.Error())
		fmt.Fprintf(stderr, "embedis: %v\n", err)
		return 1
	}

	type stopReq struct{ save, nosave bool }
	stop := make(chan stopReq, 1)
	store.SetShutdownHandler(func(save, nosave, now, force, abort bool) error {
		if abort {
			return errors.New("No shutdown in progress.")
		}
		req := stopReq{save: save, nosave: nosave}
		select {
		case stop <- req:
		default:
			return errors.New("Errors trying to SHUTDOWN. Check logs.")
		}
		return nil
	})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)

	serveErr := make(chan error, len(ls))
	for _, l := range ls {
		log.Info("Ready to accept connections", "addr", l.Addr().String())
		go func(l net.Listener) { serveErr <- srv.Serve(l) }(l)
	}

	var req stopReq
	code := 0
	select {
	case sig := <-sigs:
		log.Info("Received signal, scheduling shutdown...", "signal", sig.String())
	case req = <-stop:
		log.Info("User requested shutdown...")
	case err := <-serveErr:
		log.Error("serving", "err", err)
		code = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("connections closed before they finished", "err", err)
	}
	// Like Redis: save a final snapshot when save points are configured
	// (or SHUTDOWN SAVE asked for it), unless SHUTDOWN NOSAVE.
	if (req.save || cfg.get("save") != "") && !req.nosave {
		log.Info("Saving the final snapshot before exiting.")
		if err := store.Save(ctx); err != nil {
			log.Error("saving the final snapshot", "err", err)
			code = 1
		}
	}
	if err := store.Close(); err != nil {
		log.Error("closing the store", "err", err)
		code = 1
	}
	log.Info("embedis is now ready to exit, bye bye...")
	return code
}

// moduleVersion is the embedis version this binary was built from.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
