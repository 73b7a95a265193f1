package embedis

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	const g = "connection"
	register(&Command{Name: "hello", Arity: -1, Group: g, flags: flagNoScript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, run: cmdHello})
	register(&Command{Name: "auth", Arity: -2, Group: g, flags: flagNoScript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, run: cmdAuth})
	register(&Command{Name: "quit", Arity: -1, Group: g, flags: flagNoScript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, run: cmdQuit})
	register(&Command{Name: "reset", Arity: 1, Group: g, flags: flagNoScript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, run: cmdReset})

	register(&Command{Name: "client", Arity: -2, Group: g})
	fl := flagNoScript | flagLoading | flagStale
	sub := func(name string, arity int, flags cmdFlag, run func(*Exec)) {
		registerSub("client", &Command{Name: name, Arity: arity, Group: g, flags: flags, run: run})
	}
	sub("id", 2, fl, cmdClientID)
	sub("info", 2, fl, cmdClientInfo)
	sub("list", -2, fl|flagAdmin, cmdClientList)
	sub("kill", -3, fl|flagAdmin, cmdClientKill)
	sub("setname", 3, fl, cmdClientSetName)
	sub("getname", 2, fl, cmdClientGetName)
	sub("setinfo", 4, fl, cmdClientSetInfo)
	sub("no-evict", 3, fl|flagAdmin, cmdClientNoEvict)
	sub("no-touch", 3, fl|flagFast, cmdClientNoTouch)
	sub("reply", 3, fl, cmdClientReply)
	sub("pause", -3, fl|flagAdmin, cmdClientPause)
	sub("unpause", 2, fl|flagAdmin, cmdClientUnpause)
	sub("unblock", -3, fl|flagAdmin, cmdClientUnblock)
	sub("tracking", -3, fl, cmdClientTracking)
	sub("trackinginfo", 2, fl, cmdClientTrackingInfo)
	sub("getredir", 2, fl, cmdClientGetRedir)
	sub("caching", 3, fl, cmdClientCaching)
	sub("help", 2, flagLoading|flagStale, cmdClientHelp)
}

// setWriterProto switches the reply writer to proto when it can switch
// (the server's Writer and the ValueWriter can), so that HELLO's own reply
// is already in the new protocol.
func setWriterProto(x *Exec, proto int) {
	if p, ok := x.w.(interface{ SetProto(int) }); ok {
		p.SetProto(proto)
	}
	if x.sess.replyW != nil && x.sess.replyW != x.w {
		if p, ok := x.sess.replyW.(interface{ SetProto(int) }); ok {
			p.SetProto(proto)
		}
	}
}

// checkPassword authenticates user/pass against the default user.
func (sess *Session) checkPassword(user, pass string) bool {
	if !strings.EqualFold(user, "default") && user != "default" {
		return false
	}
	req := sess.state().cfg.requirePass()
	return req == "" || pass == req
}

const wrongPass = "WRONGPASS invalid username-password pair or user is disabled."

func cmdHello(x *Exec) {
	sess := x.sess
	var ver int64
	next := 1
	if len(x.args) >= 2 {
		v, ok := parseInt(x.arg(1))
		if !ok {
			x.errStr("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			x.errStr("NOPROTO unsupported protocol version")
			return
		}
		ver = v
		next = 2
	}
	var user, pass, name string
	var hasAuth, hasName bool
	for j := next; j < len(x.args); j++ {
		more := len(x.args) - 1 - j
		switch {
		case x.argIs(j, "auth") && more >= 2:
			user, pass, hasAuth = x.arg(j+1), x.arg(j+2), true
			j += 2
		case x.argIs(j, "setname") && more >= 1:
			name, hasName = x.argOwned(j+1), true
			j++
		default:
			x.errStr(sanitizeErr("ERR Syntax error in HELLO option '" + x.arg(j) + "'"))
			return
		}
	}
	if hasAuth {
		if !sess.checkPassword(user, pass) {
			x.errStr(wrongPass)
			return
		}
		sess.authed = true
	}
	if !sess.authed {
		x.errStr("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if hasName {
		if !validClientName(name) {
			x.errStr("ERR Client names cannot contain spaces, newlines or special characters.")
			return
		}
		sess.SetName(name)
	}
	if ver != 0 {
		sess.SetProto(int(ver))
		setWriterProto(x, int(ver))
	}
	w := x.w
	w.MapLen(7)
	w.BulkString("server")
	w.BulkString("redis")
	w.BulkString("version")
	w.BulkString(Version)
	w.BulkString("proto")
	w.Int(int64(sess.proto))
	w.BulkString("id")
	w.Int(sess.id)
	w.BulkString("mode")
	w.BulkString("standalone")
	w.BulkString("role")
	w.BulkString("master")
	w.BulkString("modules")
	w.ArrayLen(0)
}

func cmdAuth(x *Exec) {
	sess := x.sess
	if len(x.args) > 3 {
		x.syntaxErr()
		return
	}
	user, pass := "default", x.arg(1)
	if len(x.args) == 2 {
		if sess.state().cfg.requirePass() == "" {
			x.errStr("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
			return
		}
	} else {
		user, pass = x.arg(1), x.arg(2)
	}
	if !sess.checkPassword(user, pass) {
		x.errStr(wrongPass)
		return
	}
	sess.authed = true
	x.ok()
}

func cmdQuit(x *Exec) {
	x.ok()
	x.sess.closeAfterReply = true
}

func cmdReset(x *Exec) {
	sess := x.sess
	sess.endMulti()
	sess.info.multi.Store(-1)
	sess.info.flags.And(^(cflagMulti | cflagNoEvict | cflagNoTouch))
	sess.unwatch()
	if sess.st != nil {
		sess.unsubscribeAll()
		if sess.monitor {
			sess.monitor = false
			sess.info.flags.And(^cflagMonitor)
			sess.st.clients.removeMonitor(sess)
		}
	}
	sess.db = 0
	x.db = 0
	sess.info.db.Store(0)
	sess.SetProto(2)
	setWriterProto(x, 2)
	sess.SetName("")
	sess.replyMode = replyOn
	sess.NoTouch = false
	sess.noEvict = false
	if sess.attached {
		sess.authed = sess.st.cfg.requirePass() == ""
	}
	x.w.SimpleString("RESET")
}

// validClientName reports whether name has only printable ASCII without
// spaces, as CLIENT SETNAME requires.
func validClientName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] < '!' || name[i] > '~' {
			return false
		}
	}
	return true
}

func cmdClientID(x *Exec) { x.w.Int(x.sess.id) }

func cmdClientInfo(x *Exec) {
	x.w.Verbatim("txt", x.sess.clientLine(time.Now())+"\n")
}

// parseClientType validates a CLIENT LIST/KILL type.
func parseClientType(t string) (string, bool) {
	switch strings.ToLower(t) {
	case "normal":
		return "normal", true
	case "master":
		return "master", true
	case "replica", "slave":
		return "replica", true
	case "pubsub":
		return "pubsub", true
	}
	return "", false
}

func cmdClientList(x *Exec) {
	var typ string
	var ids map[int64]bool
	switch {
	case len(x.args) == 2:
	case len(x.args) == 4 && x.argIs(2, "type"):
		t, ok := parseClientType(x.arg(3))
		if !ok {
			x.errStr(sanitizeErr("ERR Unknown client type '" + x.arg(3) + "'"))
			return
		}
		typ = t
	case len(x.args) > 3 && x.argIs(2, "id"):
		ids = map[int64]bool{}
		for i := 3; i < len(x.args); i++ {
			v, ok := parseInt(x.arg(i))
			if !ok {
				x.errStr("ERR Invalid client ID")
				return
			}
			ids[v] = true
		}
	default:
		x.syntaxErr()
		return
	}
	now := time.Now()
	var b strings.Builder
	for _, s := range x.sess.state().clients.sessions() {
		if typ != "" && s.clientType() != typ {
			continue
		}
		if ids != nil && !ids[s.id] {
			continue
		}
		b.WriteString(s.clientLine(now))
		b.WriteByte('\n')
	}
	x.w.Verbatim("txt", b.String())
}

func cmdClientKill(x *Exec) {
	sess := x.sess
	st := sess.state()
	if len(x.args) == 3 {
		addr := x.arg(2)
		for _, s := range st.clients.sessions() {
			if s.conn.Addr == addr {
				killSession(sess, s)
				x.ok()
				return
			}
		}
		x.errStr("ERR No such client")
		return
	}
	if len(x.args)%2 != 0 {
		x.syntaxErr()
		return
	}
	var (
		id          int64
		typ, user   string
		addr, laddr string
		skipme      = true
		maxAge      int64
	)
	for i := 2; i < len(x.args); i += 2 {
		v := x.arg(i + 1)
		switch {
		case x.argIs(i, "id"):
			n, ok := parseInt(v)
			if !ok || n <= 0 {
				x.errStr("ERR client-id should be greater than 0")
				return
			}
			id = n
		case x.argIs(i, "type"):
			t, ok := parseClientType(v)
			if !ok {
				x.errStr(sanitizeErr("ERR Unknown client type '" + v + "'"))
				return
			}
			typ = t
		case x.argIs(i, "addr"):
			addr = v
		case x.argIs(i, "laddr"):
			laddr = v
		case x.argIs(i, "user"):
			if v != "default" {
				x.errStr(sanitizeErr("ERR No such user '" + v + "'"))
				return
			}
			user = v
		case x.argIs(i, "skipme"):
			switch strings.ToLower(v) {
			case "yes":
				skipme = true
			case "no":
				skipme = false
			default:
				x.syntaxErr()
				return
			}
		case x.argIs(i, "maxage"):
			n, ok := parseInt(v)
			if !ok {
				x.syntaxErr()
				return
			}
			maxAge = n
		default:
			x.syntaxErr()
			return
		}
	}
	_ = user
	now := time.Now()
	killed := 0
	for _, s := range st.clients.sessions() {
		switch {
		case id != 0 && s.id != id,
			typ != "" && s.clientType() != typ,
			addr != "" && s.conn.Addr != addr,
			laddr != "" && s.conn.LocalAddr != laddr,
			skipme && s == sess,
			maxAge > 0 && int64(now.Sub(s.info.created)/time.Second) < maxAge:
			continue
		}
		killSession(sess, s)
		killed++
	}
	x.w.Int(int64(killed))
}

// killSession disconnects target; when it is the caller itself, only
// after the reply has been written.
func killSession(self, target *Session) {
	if target == self {
		self.closeAfterReply = true
		return
	}
	target.kill()
}

func cmdClientSetName(x *Exec) {
	name := x.argOwned(2)
	if !validClientName(name) {
		x.errStr("ERR Client names cannot contain spaces, newlines or special characters.")
		return
	}
	x.sess.SetName(name)
	x.ok()
}

func cmdClientGetName(x *Exec) {
	if n := x.sess.Name(); n != "" {
		x.w.BulkString(n)
		return
	}
	x.w.NullBulk()
}

func cmdClientSetInfo(x *Exec) {
	attr := strings.ToLower(x.arg(2))
	if attr != "lib-name" && attr != "lib-ver" {
		x.errStr(sanitizeErr("ERR Unrecognized option '" + x.arg(2) + "'"))
		return
	}
	v := x.argOwned(3)
	if !validClientName(v) {
		x.errStr("ERR " + attr + " cannot contain spaces, newlines or special characters.")
		return
	}
	in := &x.sess.info
	in.mu.Lock()
	if attr == "lib-name" {
		in.libName = v
	} else {
		in.libVer = v
	}
	in.mu.Unlock()
	x.ok()
}

// onOff parses ON/OFF arguments of CLIENT subcommands.
func (x *Exec) onOff(i int) (bool, bool) {
	switch {
	case x.argIs(i, "on"):
		return true, true
	case x.argIs(i, "off"):
		return false, true
	}
	x.syntaxErr()
	return false, false
}

func cmdClientNoEvict(x *Exec) {
	on, ok := x.onOff(2)
	if !ok {
		return
	}
	x.sess.noEvict = on
	x.sess.setFlag(cflagNoEvict, on)
	x.ok()
}

func cmdClientNoTouch(x *Exec) {
	on, ok := x.onOff(2)
	if !ok {
		return
	}
	x.sess.NoTouch = on
	x.sess.setFlag(cflagNoTouch, on)
	x.ok()
}

func cmdClientReply(x *Exec) {
	sess := x.sess
	switch {
	case x.argIs(2, "on"):
		sess.replyMode = replyOn
		sess.replyW.SimpleString("OK")
	case x.argIs(2, "off"):
		sess.replyMode = replyOff
	case x.argIs(2, "skip"):
		if sess.replyMode != replyOff {
			sess.replyMode = replySkip
		}
	default:
		x.syntaxErr()
	}
}

// clientPause is CLIENT PAUSE's state, per store: commands of other
// clients wait while it lasts (all of them, or only writes).
type clientPause struct {
	mu      sync.Mutex
	until   time.Time
	all     bool
	changed chan struct{} // closed and replaced at every change
}

var (
	pauses       sync.Map // *serverState -> *clientPause
	pausesActive atomic.Int32
)

func (st *serverState) pause() *clientPause {
	v, _ := pauses.LoadOrStore(st, &clientPause{changed: make(chan struct{})})
	return v.(*clientPause)
}

func cmdClientPause(x *Exec) {
	timeout, ok := x.parseTimeoutMS(2)
	if !ok {
		return
	}
	all := true
	if len(x.args) == 4 {
		switch {
		case x.argIs(3, "write"):
			all = false
		case x.argIs(3, "all"):
		default:
			x.errStr("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	} else if len(x.args) > 4 {
		x.syntaxErr()
		return
	}
	p := x.sess.state().pause()
	p.mu.Lock()
	until := time.Now().Add(timeout)
	wasActive := time.Now().Before(p.until)
	// A pause can only be extended or made stricter, as in Redis.
	if until.After(p.until) {
		p.until = until
	}
	p.all = p.all && wasActive || all
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
	if !wasActive {
		pausesActive.Add(1)
		time.AfterFunc(time.Until(until), func() { p.expire(until) })
	}
	x.ok()
}

// expire ends a pause whose deadline was at (unless it was extended).
func (p *clientPause) expire(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.until.After(at) {
		time.AfterFunc(time.Until(p.until), func() { p.expire(p.until) })
		return
	}
	p.end()
}

// end lifts the pause; p.mu is held.
func (p *clientPause) end() {
	if p.until.IsZero() {
		return
	}
	p.until = time.Time{}
	p.all = false
	pausesActive.Add(-1)
	close(p.changed)
	p.changed = make(chan struct{})
}

func cmdClientUnpause(x *Exec) {
	p := x.sess.state().pause()
	p.mu.Lock()
	p.end()
	p.mu.Unlock()
	x.ok()
}

// waitPause blocks a command while CLIENT PAUSE applies to it. CLIENT
// UNPAUSE itself is never held back.
func (sess *Session) waitPause(cmd *Command) {
	if cmd.Name == "client|unpause" {
		return
	}
	p := sess.state().pause()
	for {
		p.mu.Lock()
		active := time.Now().Before(p.until)
		applies := active && (p.all || cmd.flags&flagWrite != 0)
		ch := p.changed
		until := p.until
		p.mu.Unlock()
		if !applies {
			return
		}
		t := time.NewTimer(time.Until(until))
		select {
		case <-ch:
		case <-t.C:
		case <-sess.Ctx.Done():
			t.Stop()
			return
		}
		t.Stop()
	}
}

// cmdClientUnblock ends another client's blocking command: as if its
// timeout passed (TIMEOUT, the default) or with -UNBLOCKED (ERROR).
func cmdClientUnblock(x *Exec) {
	if len(x.args) > 4 {
		x.errStr(sanitizeErr("ERR unknown subcommand or wrong number of arguments for '" + x.arg(1) + "'. Try CLIENT HELP."))
		return
	}
	reason := unblockTimeout
	if len(x.args) == 4 {
		switch {
		case x.argIs(3, "timeout"):
		case x.argIs(3, "error"):
			reason = unblockError
		default:
			x.errStr("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	id, ok := parseInt(x.arg(2))
	if !ok {
		x.err(ErrNotInteger)
		return
	}
	if t := x.sess.state().clients.sessionByID(id); t != nil && t.unblock(reason) {
		x.w.Int(1)
		return
	}
	x.w.Int(0)
}

func cmdClientTracking(x *Exec) {
	on, ok := x.onOff(2)
	if !ok {
		return
	}
	if on {
		x.errStr("ERR client-side caching (CLIENT TRACKING) is not supported by embedis")
		return
	}
	x.ok()
}

func cmdClientTrackingInfo(x *Exec) {
	x.w.MapLen(3)
	x.w.BulkString("flags")
	x.w.SetLen(1)
	x.w.BulkString("off")
	x.w.BulkString("redirect")
	x.w.Int(-1)
	x.w.BulkString("prefixes")
	x.w.ArrayLen(0)
}

func cmdClientGetRedir(x *Exec) { x.w.Int(-1) }

func cmdClientCaching(x *Exec) {
	x.errStr("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
}

func cmdClientHelp(x *Exec) {
	writeHelp(x, "CLIENT",
		"CACHING (YES|NO)",
		"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
		"GETREDIR",
		"    Return the client ID we are redirecting to when tracking is enabled.",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"    * ID <client-id>",
		"      Kill connections by client id.",
		"    * MAXAGE <maxage>",
		"      Kill connections older than the specified age.",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"UNPAUSE",
		"    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]",
		"    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)",
		"    Control the replies sent to the current connection.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.",
		"SETINFO <option> <value>",
		"    Set client meta attr. Options are:",
		"    * LIB-NAME: the client lib name.",
		"    * LIB-VER: the client lib version.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]",
		"    Unblock the specified blocked client.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
		"         [OPTIN] [OPTOUT] [NOLOOP]",
		"    Control server assisted client side caching.",
		"TRACKINGINFO",
		"    Report tracking status for the current connection.",
		"NO-EVICT (ON|OFF)",
		"    Protect current client connection from eviction.",
		"NO-TOUCH (ON|OFF)",
		"    Will not touch LRU/LFU stats when this mode is on.")
}

var _ = strconv.Itoa
