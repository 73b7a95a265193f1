package embedis

import (
	"errors"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
)

func init() {
	const (
		g  = "hash"
		rw = flagWrite | flagDenyOOM
		ro = flagReadonly
	)
	reg := func(name string, arity int, flags cmdFlag, run func(*Exec)) {
		register(&Command{Name: name, Arity: arity, FirstKey: 1, LastKey: 1, Group: g, flags: flags, run: run})
	}
	reg("hset", -4, rw|flagFast, cmdHSet)
	reg("hmset", -4, rw|flagFast, cmdHSet)
	reg("hsetnx", 4, rw|flagFast, cmdHSetNX)
	reg("hget", 3, ro|flagFast, cmdHGet)
	reg("hmget", -3, ro|flagFast, cmdHMGet)
	reg("hgetall", 2, ro, cmdHGetAll)
	reg("hkeys", 2, ro, cmdHGetAll)
	reg("hvals", 2, ro, cmdHGetAll)
	reg("hdel", -3, flagWrite|flagFast, cmdHDel)
	reg("hlen", 2, ro|flagFast, cmdHLen)
	reg("hexists", 3, ro|flagFast, cmdHExists)
	reg("hstrlen", 3, ro|flagFast, cmdHStrLen)
	reg("hincrby", 4, rw|flagFast, cmdHIncrBy)
	reg("hincrbyfloat", 4, rw|flagFast, cmdHIncrByFloat)
	reg("hrandfield", -2, ro, cmdHRandField)
	reg("hscan", -3, ro, cmdHScan)
	for _, n := range []string{"hexpire", "hpexpire", "hexpireat", "hpexpireat"} {
		reg(n, -6, rw|flagFast, cmdHExpire)
	}
	for _, n := range []string{"httl", "hpttl", "hexpiretime", "hpexpiretime"} {
		reg(n, -5, ro|flagFast, cmdHTTL)
	}
	reg("hpersist", -5, flagWrite|flagFast, cmdHPersist)
}

// hashArgsFrom returns args[i:] as strings aliasing the argument buffer
// (valid during the command; the hash copies what it keeps).
func (x *Exec) hashArgsFrom(i int) []string {
	out := make([]string, len(x.args)-i)
	for j := range out {
		out[j] = x.arg(i + j)
	}
	return out
}

func cmdHSet(x *Exec) {
	if len(x.args)%2 == 1 {
		x.err(errWrongArgs(x.cmd.Name))
		return
	}
	n, err := hsetOp(x.c, x.db, x.arg(1), x.hashArgsFrom(2))
	if err != nil {
		x.err(err)
		return
	}
	x.propagateArgs()
	if x.cmd.Name == "hset" {
		x.w.Int(int64(n))
	} else {
		x.ok()
	}
}

func cmdHSetNX(x *Exec) {
	ok, err := hsetnxOp(x.c, x.db, x.arg(1), x.arg(2), x.arg(3))
	switch {
	case err != nil:
		x.err(err)
	case ok:
		x.propagateArgs()
		x.w.Int(1)
	default:
		x.w.Int(0)
	}
}

func cmdHGet(x *Exec) {
	v, ok, err := hgetOp(x.c, x.db, x.arg(1), x.arg(2))
	switch {
	case err != nil:
		x.err(err)
	case ok:
		x.w.BulkString(v)
	default:
		x.w.NullBulk()
	}
}

func cmdHMGet(x *Exec) {
	vals, oks, err := hmgetOp(x.c, x.db, x.arg(1), x.hashArgsFrom(2))
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(len(vals))
	for i, v := range vals {
		if oks[i] {
			x.w.BulkString(v)
		} else {
			x.w.NullBulk()
		}
	}
}

// cmdHGetAll serves HGETALL (a map), HKEYS and HVALS (arrays).
func cmdHGetAll(x *Exec) {
	keys, vals := x.cmd.Name != "hvals", x.cmd.Name != "hkeys"
	_, h, err := hashRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if h == nil {
		if keys && vals {
			x.w.MapLen(0)
		} else {
			x.w.ArrayLen(0)
		}
		return
	}
	now := hashNow(x.c, h)
	n := h.LiveLen(now)
	if keys && vals {
		x.w.MapLen(n)
	} else {
		x.w.ArrayLen(n)
	}
	h.Range(now, func(f, v string) bool {
		if keys {
			x.w.BulkString(f)
		}
		if vals {
			x.w.BulkString(v)
		}
		return true
	})
}

func cmdHDel(x *Exec) {
	n, err := hdelOp(x.c, x.db, x.arg(1), x.hashArgsFrom(2))
	if err != nil {
		x.err(err)
		return
	}
	if n > 0 {
		x.propagateArgs()
	}
	x.w.Int(int64(n))
}

func cmdHLen(x *Exec) {
	n, err := hlenOp(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdHExists(x *Exec) {
	ok, err := hexistsOp(x.c, x.db, x.arg(1), x.arg(2))
	x.reply01(ok, err)
}

func cmdHStrLen(x *Exec) {
	n, err := hstrlenOp(x.c, x.db, x.arg(1), x.arg(2))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdHIncrBy(x *Exec) {
	incr, ok := parseInt(x.arg(3))
	if !ok {
		x.err(ErrNotInteger)
		return
	}
	v, err := hincrbyOp(x.c, x.db, x.arg(1), x.arg(2), incr)
	if err != nil {
		x.err(err)
		return
	}
	x.propagateArgs()
	x.w.Int(v)
}

func cmdHIncrByFloat(x *Exec) {
	// increment checks, then the key's type, then the field: Redis's order
	inc, err := rconv.HIncrByFloatIncrement(x.args[3])
	if err != nil {
		if errors.Is(err, rconv.ErrIncrementNaNOrInf) {
			x.err(errHashIncrNaN)
		} else {
			x.err(ErrNotFloat)
		}
		return
	}
	v, err := hincrbyfloatOp(x.c, x.db, x.arg(1), x.arg(2), inc)
	if err != nil {
		x.err(err)
		return
	}
	x.w.BulkString(v)
}

func cmdHRandField(x *Exec) {
	if len(x.args) == 2 {
		f, ok, err := hrandOne(x.c, x.db, x.arg(1))
		switch {
		case err != nil:
			x.err(err)
		case ok:
			x.w.BulkString(f)
		default:
			x.w.NullBulk()
		}
		return
	}
	count, ok := x.intArgRange(2, -maxInt64, maxInt64, "")
	if !ok {
		return
	}
	withValues := false
	if len(x.args) > 4 || (len(x.args) == 4 && !x.argIs(3, "withvalues")) {
		x.syntaxErr()
		return
	} else if len(x.args) == 4 {
		withValues = true
		if count < -maxInt64/2 || count > maxInt64/2 {
			x.err(errHRandOutOfRange)
			return
		}
	}
	pairs, err := hrandCount(x.c, x.db, x.arg(1), count)
	if err != nil {
		x.err(err)
		return
	}
	resp3 := x.w.Proto() > 2
	if withValues && !resp3 {
		x.w.ArrayLen(2 * len(pairs))
	} else {
		x.w.ArrayLen(len(pairs))
	}
	for _, p := range pairs {
		if withValues && resp3 {
			x.w.ArrayLen(2)
		}
		x.w.BulkString(p.Field)
		if withValues {
			x.w.BulkString(p.Value)
		}
	}
}

func cmdHScan(x *Exec) {
	cur, ok := x.cursorArg(2)
	if !ok {
		return
	}
	_, h, err := hashRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if h == nil { // options are not even parsed for a missing key
		x.w.ArrayLen(2)
		x.w.BulkString("0")
		x.w.ArrayLen(0)
		return
	}
	a, noValues, ok := x.parseScanArgs(3, false, true)
	if !ok {
		return
	}
	items, next := hscanOp(x.c, h, cur, a.keep(), a.Count, noValues)
	x.w.ArrayLen(2)
	x.w.BulkString(strconv.FormatUint(next, 10))
	x.w.ArrayLen(len(items))
	for _, it := range items {
		x.w.BulkString(it)
	}
}

// hashParseFields checks "FIELDS numfields field..." starting at argument
// at-1 (the FIELDS keyword) and returns the fields.
func (x *Exec) hashParseFields(at int, numErr *Error) ([]string, bool) {
	if !x.argIs(at-1, "fields") {
		x.err(errHFEFieldsMissing)
		return nil, false
	}
	n, ok := parseInt(x.arg(at))
	if !ok || n < 1 {
		x.err(numErr)
		return nil, false
	}
	if n != int64(len(x.args)-at-1) {
		x.err(errHFENumFieldsMatch)
		return nil, false
	}
	return x.hashArgsFrom(at + 1), true
}

// cmdHExpire serves HEXPIRE, HPEXPIRE, HEXPIREAT and HPEXPIREAT, checking
// in Redis's order: key type, time, condition, FIELDS, count.
func cmdHExpire(x *Exec) {
	name := x.cmd.Name
	e, err := lookupKindWriteHash(x)
	if err != nil {
		x.err(err)
		return
	}
	when, ok := parseInt(x.arg(2))
	if !ok {
		x.err(ErrNotInteger)
		return
	}
	if when < 0 {
		x.err(errHFENegative)
		return
	}
	if name == "hexpire" || name == "hexpireat" {
		if when > hfeMaxAbsMS/1000 {
			x.err(errInvalidExpire(name))
			return
		}
		when *= 1000
	}
	var base int64
	if name == "hexpire" || name == "hpexpire" {
		base = x.c.Now()
	}
	if when > hfeMaxAbsMS-base {
		x.err(errInvalidExpire(name))
		return
	}
	when += base
	cond, at := hcondNone, 4
	switch strings.ToLower(x.arg(3)) {
	case "nx":
		cond = hcondNX
	case "xx":
		cond = hcondXX
	case "gt":
		cond = hcondGT
	case "lt":
		cond = hcondLT
	}
	if cond != hcondNone {
		at = 5
	}
	fields, ok := x.hashParseFields(at, errHFENumFields)
	if !ok {
		return
	}
	codes := hexpireOp(x.c, x.db, e, when, cond, fields)
	x.w.ArrayLen(len(codes))
	for _, c := range codes {
		x.w.Int(int64(c))
	}
}

// lookupKindWriteHash is the write lookup of the hash in argument 1.
func lookupKindWriteHash(x *Exec) (*keyspace.Entry, error) {
	return lookupKindWrite(x.c, x.db, x.arg(1), keyspace.KindHash)
}

// cmdHTTL serves HTTL, HPTTL, HEXPIRETIME and HPEXPIRETIME.
func cmdHTTL(x *Exec) {
	e, err := lookupKind(x.c, x.db, x.arg(1), keyspace.KindHash)
	if err != nil {
		x.err(err)
		return
	}
	fields, ok := x.hashParseFields(3, errHFENumFieldsTTL)
	if !ok {
		return
	}
	kind := map[string]httlKind{"httl": httlSeconds, "hpttl": httlMillis,
		"hexpiretime": httlAtSeconds, "hpexpiretime": httlAtMillis}[x.cmd.Name]
	out := httlOp(x.c, e, kind, fields)
	x.w.ArrayLen(len(out))
	for _, v := range out {
		x.w.Int(v)
	}
}

func cmdHPersist(x *Exec) {
	e, err := lookupKindWriteHash(x)
	if err != nil {
		x.err(err)
		return
	}
	fields, ok := x.hashParseFields(3, errHFENumFieldsTTL)
	if !ok {
		return
	}
	codes, changed := hpersistOp(x.c, x.db, e, fields)
	if changed {
		x.propagateArgs()
	}
	x.w.ArrayLen(len(codes))
	for _, c := range codes {
		x.w.Int(int64(c))
	}
}
