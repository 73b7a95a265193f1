package embedis

import (
	"sort"
	"strings"
	"unsafe"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
)

// cmdFlag describes a command, as in Redis's command table.
type cmdFlag uint32

const (
	flagWrite       cmdFlag = 1 << iota // modifies the keyspace
	flagReadonly                        // only reads
	flagDenyOOM                         // may grow memory: refused over maxmemory
	flagAdmin                           // administrative
	flagPubSub                          // pub/sub related
	flagNoScript                        // not allowed in scripts
	flagBlocking                        // may block
	flagLoading                         // allowed while loading
	flagStale                           // allowed on a stale replica
	flagFast                            // O(1) or O(log N)
	flagNoMulti                         // not allowed inside MULTI
	flagAllowBusy                       // allowed while a script runs too long
	flagSelfLock                        // the handler takes its own locks
	flagNoAuth                          // allowed before AUTH
	flagMovableKeys                     // key positions depend on arguments
	flagSkipMonitor                     // not shown to MONITOR
)

var flagNames = []struct {
	f    cmdFlag
	name string
}{
	{flagWrite, "write"}, {flagReadonly, "readonly"}, {flagDenyOOM, "denyoom"},
	{flagAdmin, "admin"}, {flagPubSub, "pubsub"}, {flagNoScript, "noscript"},
	{flagBlocking, "blocking"}, {flagLoading, "loading"}, {flagStale, "stale"},
	{flagSkipMonitor, "skip_monitor"}, {flagFast, "fast"}, {flagNoAuth, "no_auth"},
	{flagNoMulti, "no_multi"}, {flagAllowBusy, "allow_busy"}, {flagMovableKeys, "movablekeys"},
}

// Command is one entry of the command table that Do, the RESP server, Lua
// and log replay share.
type Command struct {
	// Name is the lowercase command name ("set", or "object|encoding" for a
	// subcommand's full name).
	Name string
	// Arity is Redis's arity: N means exactly N arguments including the
	// name, -N means at least N.
	Arity int
	// FirstKey, LastKey and Step give key positions as in COMMAND INFO
	// (LastKey -1 is the last argument).
	FirstKey, LastKey, Step int
	// Group is the command's documentation group ("string", "generic"...).
	Group string

	flags cmdFlag
	id    int // index into a store's per-command statistics
	run   func(x *Exec)
	// keys returns key argument positions when they depend on arguments.
	keys func(args [][]byte) []int
	sub  map[string]*Command
}

// Flags returns the command's flag names as COMMAND INFO lists them.
func (c *Command) Flags() []string {
	var out []string
	for _, f := range flagNames {
		if c.flags&f.f != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// Subcommands returns the subcommands in name order.
func (c *Command) Subcommands() []*Command {
	out := make([]*Command, 0, len(c.sub))
	for _, s := range c.sub {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var commands = map[string]*Command{}

func register(c *Command) *Command {
	if _, dup := commands[c.Name]; dup {
		panic("embedis: duplicate command " + c.Name)
	}
	if c.Step == 0 && c.FirstKey > 0 {
		c.Step = 1
	}
	c.id = len(commandList)
	commandList = append(commandList, c)
	commands[c.Name] = c
	return c
}

// commandList is every command and subcommand by id.
var commandList []*Command

// registerSub adds a subcommand to the container command parent.
func registerSub(parent string, c *Command) {
	p := commands[parent]
	if p.sub == nil {
		p.sub = map[string]*Command{}
	}
	short := c.Name
	c.Name = parent + "|" + short
	if c.Step == 0 && c.FirstKey > 0 {
		c.Step = 1
	}
	c.id = len(commandList)
	commandList = append(commandList, c)
	p.sub[short] = c
}

// Commands returns the command table in name order.
func Commands() []*Command {
	out := make([]*Command, 0, len(commands))
	for _, c := range commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LookupCommand finds a command by name, case-insensitively.
func LookupCommand(name string) *Command {
	return commands[strings.ToLower(name)]
}

// lookupCommandBytes finds a command without allocating.
func lookupCommandBytes(name []byte) *Command {
	var buf [32]byte
	if len(name) > len(buf) {
		return commands[strings.ToLower(string(name))]
	}
	for i, ch := range name {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	return commands[string(buf[:len(name)])]
}

// KeyPositions returns the argument positions of the keys of a call with
// args (args[0] is the command name), or nil when the command has none.
func (c *Command) KeyPositions(args [][]byte) []int {
	return c.appendKeyPositions(nil, args)
}

// appendKeyPositions appends the key positions to dst, so that the
// dispatcher can use a buffer on its stack.
func (c *Command) appendKeyPositions(dst []int, args [][]byte) []int {
	if c.keys != nil {
		return append(dst, c.keys(args)...)
	}
	if c.FirstKey <= 0 || c.FirstKey >= len(args) {
		return dst
	}
	last := c.LastKey
	if last < 0 {
		last = len(args) + last
	}
	if last >= len(args) {
		last = len(args) - 1
	}
	for i := c.FirstKey; i <= last; i += c.Step {
		dst = append(dst, i)
	}
	return dst
}

// Exec is the state of one command being executed: its arguments, the
// keyspace context (time snapshot, locks, effects), the session it runs in
// and where its reply goes. Handlers receive it.
type Exec struct {
	s    *Store
	sess *Session
	c    *keyspace.Ctx
	w    resp.ReplyWriter
	args [][]byte
	db   int
	cmd  *Command
}

// arg returns argument i as a string that aliases the argument buffer:
// valid only during the command (the keyspace copies keys it keeps).
func (x *Exec) arg(i int) string {
	b := x.args[i]
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// argOwned returns argument i as a string the caller may keep.
func (x *Exec) argOwned(i int) string { return string(x.args[i]) }

// argIs compares argument i with lower, case-insensitively.
func (x *Exec) argIs(i int, lower string) bool {
	return strings.EqualFold(x.arg(i), lower)
}

func (x *Exec) nargs() int { return len(x.args) }

// reply helpers

func (x *Exec) ok() { x.w.SimpleString("OK") }

func (x *Exec) err(e error) {
	if re, ok := e.(*Error); ok {
		x.w.Error(re.msg)
		return
	}
	x.w.Error("ERR " + e.Error())
}

func (x *Exec) errStr(msg string) { x.w.Error(msg) }

// reply01 replies err, or :1 when ok and :0 when not.
func (x *Exec) reply01(ok bool, err error) {
	switch {
	case err != nil:
		x.err(err)
	case ok:
		x.w.Int(1)
	default:
		x.w.Int(0)
	}
}

func (x *Exec) syntaxErr() { x.w.Error(ErrSyntax.msg) }

// lockAndRun runs the handler with the shards of its keys locked, then
// releases them.
func (x *Exec) lockAndRun() {
	if x.cmd.flags&flagSelfLock != 0 || x.c.InExclusive() {
		x.cmd.run(x)
		return
	}
	c := x.cmd
	if c.keys == nil && c.FirstKey > 0 && c.LastKey == c.FirstKey {
		// The common single-key command: no key list to build.
		if c.FirstKey >= len(x.args) {
			x.cmd.run(x)
			return
		}
		x.c.Lock(x.arg(c.FirstKey))
		x.cmd.run(x)
		x.c.Unlock()
		return
	}
	var posBuf [16]int
	pos := c.appendKeyPositions(posBuf[:0], x.args)
	switch len(pos) {
	case 0:
		x.cmd.run(x)
		return
	case 1:
		x.c.Lock(x.arg(pos[0]))
	default:
		var keyBuf [16]string
		keys := keyBuf[:0]
		for _, p := range pos {
			keys = append(keys, x.arg(p))
		}
		x.c.Lock(keys...)
	}
	x.cmd.run(x)
	x.c.Unlock()
}

// unknownCommandError builds Redis's reply to an unknown command.
func unknownCommandError(args [][]byte) string {
	var b strings.Builder
	for i := 1; i < len(args) && b.Len() < 128; i++ {
		a := args[i]
		if room := 128 - b.Len(); len(a) > room {
			a = a[:room]
		}
		b.WriteByte('\'')
		b.Write(a)
		b.WriteString("' ")
	}
	name := args[0]
	if len(name) > 128 {
		name = name[:128]
	}
	return sanitizeErr("ERR unknown command '" + string(name) + "', with args beginning with: " + b.String())
}

// sanitizeErr replaces newlines, as Redis does for error texts built from
// client input.
func sanitizeErr(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}

// resolve finds the command (or subcommand) for args and checks arity. It
// returns an error text when the call is invalid; the command is still
// returned when it was found but has the wrong number of arguments (its
// rejected call is counted, as Redis counts it), and is nil for an unknown
// command or subcommand.
func resolve(args [][]byte) (*Command, string) {
	return resolveCmd(lookupCommandBytes(args[0]), args)
}

// resolveCmd is resolve for the command args[0] names, looked up by the
// caller (nil: unknown).
func resolveCmd(cmd *Command, args [][]byte) (*Command, string) {
	if cmd == nil {
		return nil, unknownCommandError(args)
	}
	if cmd.sub != nil {
		if len(args) < 2 {
			if cmd.run != nil { // COMMAND with no subcommand
				return cmd, ""
			}
			return cmd, errWrongArgs(cmd.Name).msg
		}
		sub := cmd.sub[strings.ToLower(string(args[1]))]
		if sub == nil {
			n := args[1]
			if len(n) > 128 {
				n = n[:128]
			}
			return nil, sanitizeErr("ERR unknown subcommand '" + string(n) + "'. Try " + strings.ToUpper(cmd.Name) + " HELP.")
		}
		cmd = sub
	}
	if (cmd.Arity > 0 && len(args) != cmd.Arity) || (cmd.Arity < 0 && len(args) < -cmd.Arity) {
		return cmd, errWrongArgs(cmd.Name).msg
	}
	return cmd, ""
}
