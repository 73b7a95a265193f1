package embedis

import (
	"strconv"
	"strings"
)

func init() {
	const g = "generic"
	register(&Command{Name: "del", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: flagWrite, run: cmdDel})
	register(&Command{Name: "unlink", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: flagWrite | flagFast, run: cmdDel})
	register(&Command{Name: "exists", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: flagReadonly | flagFast, run: cmdExists})
	register(&Command{Name: "type", Arity: 2, FirstKey: 1, LastKey: 1, Group: g, flags: flagReadonly | flagFast, run: cmdType})
	register(&Command{Name: "rename", Arity: 3, FirstKey: 1, LastKey: 2, Group: g, flags: flagWrite, run: cmdRename})
	register(&Command{Name: "renamenx", Arity: 3, FirstKey: 1, LastKey: 2, Group: g, flags: flagWrite | flagFast, run: cmdRename})
	register(&Command{Name: "copy", Arity: -3, FirstKey: 1, LastKey: 2, Group: g, flags: flagWrite | flagDenyOOM, run: cmdCopy})
	register(&Command{Name: "move", Arity: 3, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite | flagFast, run: cmdMove})
	for _, n := range []string{"expire", "pexpire", "expireat", "pexpireat"} {
		register(&Command{Name: n, Arity: -3, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite | flagFast, run: cmdExpire})
	}
	for _, n := range []string{"ttl", "pttl", "expiretime", "pexpiretime"} {
		register(&Command{Name: n, Arity: 2, FirstKey: 1, LastKey: 1, Group: g, flags: flagReadonly | flagFast, run: cmdTTL})
	}
	register(&Command{Name: "persist", Arity: 2, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite | flagFast, run: cmdPersist})
	register(&Command{Name: "touch", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: flagReadonly | flagFast, run: cmdTouch})
	register(&Command{Name: "keys", Arity: 2, Group: g, flags: flagReadonly | flagSelfLock, run: cmdKeys})
	register(&Command{Name: "scan", Arity: -2, Group: g, flags: flagReadonly | flagSelfLock, run: cmdScan})
	register(&Command{Name: "randomkey", Arity: 1, Group: g, flags: flagReadonly | flagSelfLock, run: cmdRandomKey})
	register(&Command{Name: "dbsize", Arity: 1, Group: "server", flags: flagReadonly | flagFast | flagSelfLock, run: cmdDBSize})
	register(&Command{Name: "flushdb", Arity: -1, Group: "server", flags: flagWrite | flagSelfLock, run: cmdFlushDB})
	register(&Command{Name: "flushall", Arity: -1, Group: "server", flags: flagWrite | flagSelfLock, run: cmdFlushAll})
	register(&Command{Name: "swapdb", Arity: 3, Group: "server", flags: flagWrite | flagFast | flagSelfLock, run: cmdSwapDB})
	register(&Command{Name: "select", Arity: 2, Group: "connection", flags: flagLoading | flagStale | flagFast, run: cmdSelect})
}

// intArgRange parses argument i as an integer in [min, max] the way
// getRangeLongFromObjectOrReply does; msg replaces both default errors.
func (x *Exec) intArgRange(i int, min, max int64, msg string) (int64, bool) {
	v, ok := parseInt(x.arg(i))
	if !ok {
		if msg != "" {
			x.errStr("ERR " + msg)
		} else {
			x.err(ErrNotInteger)
		}
		return 0, false
	}
	if v < min || v > max {
		if msg != "" {
			x.errStr("ERR " + msg)
		} else {
			x.errStr("ERR value is out of range, value must between " + strconv.FormatInt(min, 10) + " and " + strconv.FormatInt(max, 10))
		}
		return 0, false
	}
	return v, true
}

const (
	minInt32 = -1 << 31
	maxInt32 = 1<<31 - 1
)

func cmdDel(x *Exec) {
	keys := make([]string, len(x.args)-1)
	for i := range keys {
		keys[i] = x.arg(i + 1)
	}
	x.w.Int(int64(delOp(x.c, x.db, keys)))
}

func cmdExists(x *Exec) {
	n := 0
	for i := 1; i < len(x.args); i++ {
		if x.c.LookupNoTouch(x.db, x.arg(i)) != nil {
			n++
		}
	}
	x.w.Int(int64(n))
}

func cmdType(x *Exec) {
	if e := x.c.LookupNoTouch(x.db, x.arg(1)); e != nil {
		x.w.SimpleString(e.Kind().String())
	} else {
		x.w.SimpleString("none")
	}
}

func cmdRename(x *Exec) {
	nx := x.cmd.Name == "renamenx"
	ok, err := renameOp(x.c, x.db, x.arg(1), x.arg(2), nx)
	switch {
	case err != nil:
		x.err(err)
	case !nx:
		x.ok()
	case ok:
		x.w.Int(1)
	default:
		x.w.Int(0)
	}
}

func cmdCopy(x *Exec) {
	dstDB, replace := x.db, false
	for j := 3; j < len(x.args); j++ {
		switch {
		case x.argIs(j, "replace"):
			replace = true
		case x.argIs(j, "db") && j+1 < len(x.args):
			v, ok := parseInt(x.arg(j + 1))
			if !ok {
				x.err(ErrNotInteger)
				return
			}
			if v < 0 || v >= int64(len(x.s.dbs)) {
				x.err(ErrDBIndex)
				return
			}
			dstDB = int(v)
			j++
		default:
			x.syntaxErr()
			return
		}
	}
	if dstDB == x.db && x.arg(1) == x.arg(2) {
		x.err(ErrSameObject)
		return
	}
	if copyOp(x.c, x.db, x.arg(1), dstDB, x.arg(2), replace) {
		x.w.Int(1)
	} else {
		x.w.Int(0)
	}
}

func cmdMove(x *Exec) {
	v, ok := x.intArgRange(2, minInt32, maxInt32, "")
	if !ok {
		return
	}
	if v < 0 || v >= int64(len(x.s.dbs)) {
		x.err(ErrDBIndex)
		return
	}
	if int(v) == x.db {
		x.err(ErrSameObject)
		return
	}
	if moveOp(x.c, x.db, x.arg(1), int(v)) {
		x.w.Int(1)
	} else {
		x.w.Int(0)
	}
}

func cmdExpire(x *Exec) {
	var a ExpireArgs
	for j := 3; j < len(x.args); j++ {
		switch strings.ToLower(x.arg(j)) {
		case "nx":
			a.NX = true
		case "xx":
			a.XX = true
		case "gt":
			a.GT = true
		case "lt":
			a.LT = true
		default:
			x.errStr(sanitizeErr("ERR Unsupported option " + x.arg(j)))
			return
		}
	}
	if err := a.check(); err != nil {
		x.err(err)
		return
	}
	when, ok := parseInt(x.arg(2))
	if !ok {
		x.err(ErrNotInteger)
		return
	}
	name := x.cmd.Name
	if name == "expire" || name == "expireat" {
		if when > maxInt64/1000 || when < minInt64/1000 {
			x.err(errInvalidExpire(name))
			return
		}
		when *= 1000
	}
	if name == "expire" || name == "pexpire" {
		base := x.c.Now()
		if when > maxInt64-base {
			x.err(errInvalidExpire(name))
			return
		}
		when += base
	}
	if expireOp(x.c, x.db, x.arg(1), when, &a) {
		x.w.Int(1)
	} else {
		x.w.Int(0)
	}
}

func cmdTTL(x *Exec) {
	at := ttlOp(x.c, x.db, x.arg(1))
	if at < 0 {
		x.w.Int(at)
		return
	}
	v := at
	name := x.cmd.Name
	if name == "ttl" || name == "pttl" {
		v = at - x.c.Now()
		if v < 0 {
			v = 0
		}
	}
	if name == "ttl" || name == "expiretime" {
		v = (v + 500) / 1000
	}
	x.w.Int(v)
}

func cmdPersist(x *Exec) {
	if persistOp(x.c, x.db, x.arg(1)) {
		x.w.Int(1)
	} else {
		x.w.Int(0)
	}
}

func cmdTouch(x *Exec) {
	n := 0
	for i := 1; i < len(x.args); i++ {
		if x.c.Lookup(x.db, x.arg(i)) != nil {
			n++
		}
	}
	x.w.Int(int64(n))
}

func cmdKeys(x *Exec) {
	keys := keysOp(x.c, x.db, x.arg(1))
	x.w.ArrayLen(len(keys))
	for _, k := range keys {
		x.w.BulkString(k)
	}
}

// parseScanArgs parses the options of SCAN-family commands from args[from:].
// hscan allows NOVALUES; scan allows TYPE.
func (x *Exec) parseScanArgs(from int, isScan, isHScan bool) (a ScanArgs, novalues bool, ok bool) {
	a.Count = 10
	for i := from; i < len(x.args); i++ {
		rem := len(x.args) - i
		switch {
		case x.argIs(i, "count") && rem >= 2:
			v, good := parseInt(x.arg(i + 1))
			if !good {
				x.err(ErrNotInteger)
				return a, false, false
			}
			if v < 1 {
				x.syntaxErr()
				return a, false, false
			}
			if v > 1<<30 {
				v = 1 << 30
			}
			a.Count = int(v)
			i++
		case x.argIs(i, "match") && rem >= 2:
			a.Match = x.argOwned(i + 1)
			a.matchSet = true
			i++
		case isScan && x.argIs(i, "type") && rem >= 2:
			a.Type = x.argOwned(i + 1)
			if a.Type == "" {
				a.Type = "\x00"
			}
			i++
		case x.argIs(i, "novalues"):
			if !isHScan {
				x.errStr("ERR NOVALUES option can only be used in HSCAN")
				return a, false, false
			}
			novalues = true
		default:
			x.syntaxErr()
			return a, false, false
		}
	}
	return a, novalues, true
}

func (x *Exec) cursorArg(i int) (uint64, bool) {
	v, ok := parseCursor(x.arg(i))
	if !ok {
		x.err(ErrInvalidCursor)
	}
	return v, ok
}

func cmdScan(x *Exec) {
	cur, ok := x.cursorArg(1)
	if !ok {
		return
	}
	a, _, ok := x.parseScanArgs(2, true, false)
	if !ok {
		return
	}
	keys, next := scanOp(x.c, x.db, cur, a)
	x.w.ArrayLen(2)
	x.w.BulkString(strconv.FormatUint(next, 10))
	x.w.ArrayLen(len(keys))
	for _, k := range keys {
		x.w.BulkString(k)
	}
}

func cmdRandomKey(x *Exec) {
	if k, ok := x.c.RandomKey(x.db); ok {
		x.w.BulkString(k)
	} else {
		x.w.NullBulk()
	}
}

func cmdDBSize(x *Exec) { x.w.Int(int64(x.c.DBSize(x.db))) }

// flushArg validates FLUSHDB/FLUSHALL's optional ASYNC|SYNC.
func (x *Exec) flushArg() bool {
	if len(x.args) > 2 || (len(x.args) == 2 && !x.argIs(1, "async") && !x.argIs(1, "sync")) {
		x.syntaxErr()
		return false
	}
	return true
}

func cmdFlushDB(x *Exec) {
	if !x.flushArg() {
		return
	}
	flushOp(x.c, x.db)
	x.ok()
}

func cmdFlushAll(x *Exec) {
	if !x.flushArg() {
		return
	}
	flushAllOp(x.c, len(x.s.dbs))
	x.ok()
}

func cmdSwapDB(x *Exec) {
	a, ok := x.intArgRange(1, minInt32, maxInt32, "invalid first DB index")
	if !ok {
		return
	}
	b, ok := x.intArgRange(2, minInt32, maxInt32, "invalid second DB index")
	if !ok {
		return
	}
	n := int64(len(x.s.dbs))
	if a < 0 || b < 0 || a >= n || b >= n {
		x.err(ErrDBIndex)
		return
	}
	x.c.SwapDB(int(a), int(b))
	x.c.Propagate(0, "SWAPDB", strconv.FormatInt(a, 10), strconv.FormatInt(b, 10))
	x.ok()
}

func cmdSelect(x *Exec) {
	v, ok := x.intArgRange(1, minInt32, maxInt32, "")
	if !ok {
		return
	}
	if v < 0 || v >= int64(len(x.s.dbs)) {
		x.err(ErrDBIndex)
		return
	}
	x.sess.db = int(v)
	x.db = int(v)
	x.ok()
}
