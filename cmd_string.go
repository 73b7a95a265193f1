package embedis

import (
	"strings"

	"github.com/embedis/embedis/keyspace"
)

func init() {
	const rw = flagWrite | flagDenyOOM
	register(&Command{Name: "get", Arity: 2, FirstKey: 1, LastKey: 1, Group: "string", flags: flagReadonly | flagFast, run: cmdGet})
	register(&Command{Name: "set", Arity: -3, FirstKey: 1, LastKey: 1, Group: "string", flags: rw, run: cmdSet})
	register(&Command{Name: "setnx", Arity: 3, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdSetNX})
	register(&Command{Name: "setex", Arity: 4, FirstKey: 1, LastKey: 1, Group: "string", flags: rw, run: cmdSetEX})
	register(&Command{Name: "psetex", Arity: 4, FirstKey: 1, LastKey: 1, Group: "string", flags: rw, run: cmdSetEX})
	register(&Command{Name: "getset", Arity: 3, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdGetSet})
	register(&Command{Name: "getdel", Arity: 2, FirstKey: 1, LastKey: 1, Group: "string", flags: flagWrite | flagFast, run: cmdGetDel})
	register(&Command{Name: "getex", Arity: -2, FirstKey: 1, LastKey: 1, Group: "string", flags: flagWrite | flagFast, run: cmdGetEx})
	register(&Command{Name: "mset", Arity: -3, FirstKey: 1, LastKey: -1, Step: 2, Group: "string", flags: rw, run: cmdMSet})
	register(&Command{Name: "msetnx", Arity: -3, FirstKey: 1, LastKey: -1, Step: 2, Group: "string", flags: rw, run: cmdMSet})
	register(&Command{Name: "mget", Arity: -2, FirstKey: 1, LastKey: -1, Group: "string", flags: flagReadonly | flagFast, run: cmdMGet})
	register(&Command{Name: "incr", Arity: 2, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdIncr})
	register(&Command{Name: "decr", Arity: 2, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdIncr})
	register(&Command{Name: "incrby", Arity: 3, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdIncr})
	register(&Command{Name: "decrby", Arity: 3, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdIncr})
	register(&Command{Name: "incrbyfloat", Arity: 3, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdIncrByFloat})
	register(&Command{Name: "append", Arity: 3, FirstKey: 1, LastKey: 1, Group: "string", flags: rw | flagFast, run: cmdAppend})
	register(&Command{Name: "strlen", Arity: 2, FirstKey: 1, LastKey: 1, Group: "string", flags: flagReadonly | flagFast, run: cmdStrLen})
	register(&Command{Name: "getrange", Arity: 4, FirstKey: 1, LastKey: 1, Group: "string", flags: flagReadonly, run: cmdGetRange})
	register(&Command{Name: "substr", Arity: 4, FirstKey: 1, LastKey: 1, Group: "string", flags: flagReadonly, run: cmdGetRange})
	register(&Command{Name: "setrange", Arity: 4, FirstKey: 1, LastKey: 1, Group: "string", flags: rw, run: cmdSetRange})
}

func cmdGet(x *Exec) {
	e, err := getOp(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
	case e == nil:
		x.w.NullBulk()
	default:
		x.w.BulkString(e.StrView())
	}
}

// parseSetOptions parses the options of SET (get=true allows NX/XX/GET/
// KEEPTTL) or GETEX (get=false allows PERSIST), from args[from:], exactly
// in Redis's order of checks. It returns the flag kind of the expiry and
// the index of its value argument (0 if none).
type setFlags struct {
	nx, xx, get, keepTTL, persist bool
	unit                          byte // 0, 'E' EX, 'P' PX, 'e' EXAT, 'p' PXAT
	valIdx                        int
}

func (x *Exec) parseSetFlags(from int, isSet bool) (setFlags, bool) {
	var f setFlags
	n := len(x.args)
	for j := from; j < n; j++ {
		a := x.arg(j)
		hasNext := j < n-1
		switch {
		case isSet && strings.EqualFold(a, "nx") && !f.xx:
			f.nx = true
		case isSet && strings.EqualFold(a, "xx") && !f.nx:
			f.xx = true
		case isSet && strings.EqualFold(a, "get"):
			f.get = true
		case isSet && strings.EqualFold(a, "keepttl") && !f.persist && f.unit == 0:
			f.keepTTL = true
		case !isSet && strings.EqualFold(a, "persist") && f.unit == 0 && !f.keepTTL:
			f.persist = true
		case hasNext && !f.keepTTL && !f.persist && len(a) <= 4:
			var u byte
			switch strings.ToLower(a) {
			case "ex":
				u = 'E'
			case "px":
				u = 'P'
			case "exat":
				u = 'e'
			case "pxat":
				u = 'p'
			default:
				return f, false
			}
			if f.unit != 0 && f.unit != u {
				return f, false
			}
			f.unit = u
			f.valIdx = j + 1
			j++
		default:
			return f, false
		}
	}
	return f, true
}

// expireArg parses the expiry value of SET and friends to absolute ms.
func (x *Exec) expireArg(f setFlags) (int64, error) {
	return parseExpireValue(x.c, x.arg(f.valIdx), f.unit, x.cmd.Name)
}

func cmdSet(x *Exec) {
	f, ok := x.parseSetFlags(3, true)
	if !ok {
		x.syntaxErr()
		return
	}
	sp := setSpec{nx: f.nx, xx: f.xx, get: f.get, keepTTL: f.keepTTL}
	if f.unit != 0 {
		at, err := x.expireArg(f)
		if err != nil {
			x.err(err)
			return
		}
		sp.expireAt = at
	}
	old, had, did, err := setOp(x.c, x.db, x.arg(1), x.argOwned(2), sp)
	switch {
	case err != nil:
		x.err(err)
	case sp.get && had:
		x.w.BulkString(old)
	case sp.get || !did:
		x.w.NullBulk()
	default:
		x.ok()
	}
}

func cmdSetNX(x *Exec) {
	_, _, did, _ := setOp(x.c, x.db, x.arg(1), x.argOwned(2), setSpec{nx: true})
	if did {
		x.w.Int(1)
	} else {
		x.w.Int(0)
	}
}

func cmdSetEX(x *Exec) {
	f := setFlags{unit: 'E', valIdx: 2}
	if x.cmd.Name == "psetex" {
		f.unit = 'P'
	}
	at, err := x.expireArg(f)
	if err != nil {
		x.err(err)
		return
	}
	setOp(x.c, x.db, x.arg(1), x.argOwned(3), setSpec{expireAt: at})
	x.ok()
}

func cmdGetSet(x *Exec) {
	old, had, _, err := setOp(x.c, x.db, x.arg(1), x.argOwned(2), setSpec{get: true})
	switch {
	case err != nil:
		x.err(err)
	case had:
		x.w.BulkString(old)
	default:
		x.w.NullBulk()
	}
}

func cmdGetDel(x *Exec) {
	v, ok, err := getDelOp(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
	case !ok:
		x.w.NullBulk()
	default:
		x.w.BulkString(v)
	}
}

func cmdGetEx(x *Exec) {
	f, ok := x.parseSetFlags(2, false)
	if !ok {
		x.syntaxErr()
		return
	}
	sp := getExSpec{persist: f.persist, unit: f.unit}
	if f.unit != 0 {
		sp.val = x.arg(f.valIdx)
	}
	v, found, err := getExOp(x.c, x.db, x.arg(1), sp, "getex")
	switch {
	case err != nil:
		x.err(err)
	case !found:
		x.w.NullBulk()
	default:
		x.w.BulkString(v)
	}
}

func cmdMSet(x *Exec) {
	if len(x.args)%2 == 0 {
		x.err(errWrongArgs(x.cmd.Name))
		return
	}
	kv := make([]string, len(x.args)-1)
	for i := 1; i < len(x.args); i++ {
		if i%2 == 1 {
			kv[i-1] = x.arg(i)
		} else {
			kv[i-1] = x.argOwned(i)
		}
	}
	nx := x.cmd.Name == "msetnx"
	ok := msetOp(x.c, x.db, kv, nx)
	switch {
	case !nx:
		x.ok()
	case ok:
		x.w.Int(1)
	default:
		x.w.Int(0)
	}
}

func cmdMGet(x *Exec) {
	x.w.ArrayLen(len(x.args) - 1)
	for i := 1; i < len(x.args); i++ {
		if e := x.c.Lookup(x.db, x.arg(i)); e != nil && e.Kind() == keyspace.KindString {
			x.w.BulkString(e.StrView())
		} else {
			x.w.NullBulk()
		}
	}
}

func cmdIncr(x *Exec) {
	var delta int64
	switch x.cmd.Name {
	case "incr":
		delta = 1
	case "decr":
		delta = -1
	default:
		v, ok := parseInt(x.arg(2))
		if !ok {
			x.err(ErrNotInteger)
			return
		}
		delta = v
		if x.cmd.Name == "decrby" {
			if v == minInt64 {
				x.err(ErrDecrOverflow)
				return
			}
			delta = -v
		}
	}
	n, err := incrOp(x.c, x.db, x.arg(1), delta)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(n)
}

func cmdIncrByFloat(x *Exec) {
	v, err := incrByFloatOp(x.c, x.db, x.arg(1), x.arg(2))
	if err != nil {
		x.err(err)
		return
	}
	x.w.BulkString(v)
}

func cmdAppend(x *Exec) {
	n, err := appendOp(x.c, x.db, x.arg(1), x.argOwned(2), x.s.maxBulk.Load())
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdStrLen(x *Exec) {
	e, err := getOp(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
	case e == nil:
		x.w.Int(0)
	default:
		x.w.Int(int64(e.StrLen()))
	}
}

func cmdGetRange(x *Exec) {
	start, ok1 := parseInt(x.arg(2))
	end, ok2 := parseInt(x.arg(3))
	if !ok1 || !ok2 {
		x.err(ErrNotInteger)
		return
	}
	e, err := getOp(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
	case e == nil:
		x.w.BulkString("")
	default:
		if i, j, ok := getRange(e.StrLen(), start, end); ok {
			x.w.BulkString(e.StrView()[i:j])
		} else {
			x.w.BulkString("")
		}
	}
}

func cmdSetRange(x *Exec) {
	off, ok := parseInt(x.arg(2))
	if !ok {
		x.err(ErrNotInteger)
		return
	}
	n, err := setRangeOp(x.c, x.db, x.arg(1), off, x.arg(3), x.s.maxBulk.Load())
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}
