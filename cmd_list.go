package embedis

import (
	"time"

	"github.com/embedis/embedis/internal/rconv"
)

func init() {
	const (
		g  = "list"
		rw = flagWrite | flagDenyOOM
	)
	for _, n := range []string{"lpush", "rpush", "lpushx", "rpushx"} {
		register(&Command{Name: n, Arity: -3, FirstKey: 1, LastKey: 1, Group: g, flags: rw | flagFast, run: cmdPush})
	}
	register(&Command{Name: "lpop", Arity: -2, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite | flagFast, run: cmdPop})
	register(&Command{Name: "rpop", Arity: -2, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite | flagFast, run: cmdPop})
	register(&Command{Name: "lrange", Arity: 4, FirstKey: 1, LastKey: 1, Group: g, flags: flagReadonly, run: cmdLRange})
	register(&Command{Name: "lindex", Arity: 3, FirstKey: 1, LastKey: 1, Group: g, flags: flagReadonly, run: cmdLIndex})
	register(&Command{Name: "lset", Arity: 4, FirstKey: 1, LastKey: 1, Group: g, flags: rw, run: cmdLSet})
	register(&Command{Name: "linsert", Arity: 5, FirstKey: 1, LastKey: 1, Group: g, flags: rw, run: cmdLInsert})
	register(&Command{Name: "llen", Arity: 2, FirstKey: 1, LastKey: 1, Group: g, flags: flagReadonly | flagFast, run: cmdLLen})
	register(&Command{Name: "lrem", Arity: 4, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite, run: cmdLRem})
	register(&Command{Name: "ltrim", Arity: 4, FirstKey: 1, LastKey: 1, Group: g, flags: flagWrite, run: cmdLTrim})
	register(&Command{Name: "lpos", Arity: -3, FirstKey: 1, LastKey: 1, Group: g, flags: flagReadonly, run: cmdLPos})
	register(&Command{Name: "lmove", Arity: 5, FirstKey: 1, LastKey: 2, Group: g, flags: rw, run: cmdLMove})
	register(&Command{Name: "rpoplpush", Arity: 3, FirstKey: 1, LastKey: 2, Group: g, flags: rw, run: cmdLMove})
	register(&Command{Name: "lmpop", Arity: -4, Group: g, flags: flagWrite | flagMovableKeys, keys: mpopKeys(1), run: cmdLMPop})
	register(&Command{Name: "blpop", Arity: -3, FirstKey: 1, LastKey: -2, Group: g, flags: flagWrite | flagNoScript | flagBlocking, run: cmdBPop})
	register(&Command{Name: "brpop", Arity: -3, FirstKey: 1, LastKey: -2, Group: g, flags: flagWrite | flagNoScript | flagBlocking, run: cmdBPop})
	register(&Command{Name: "blmove", Arity: 6, FirstKey: 1, LastKey: 2, Group: g, flags: rw | flagNoScript | flagBlocking, run: cmdBLMove})
	register(&Command{Name: "brpoplpush", Arity: 4, FirstKey: 1, LastKey: 2, Group: g, flags: rw | flagNoScript | flagBlocking, run: cmdBLMove})
	register(&Command{Name: "blmpop", Arity: -5, Group: g, flags: flagWrite | flagBlocking | flagMovableKeys, keys: mpopKeys(2), run: cmdBLMPop})
}

// mpopKeys returns the key-position function of LMPOP (numkeys at 1) and
// BLMPOP (numkeys at 2): the keys after numkeys, when numkeys is valid and
// a LEFT|RIGHT argument follows them; none otherwise (the handler then
// fails before touching any key).
func mpopKeys(numIdx int) func(args [][]byte) []int {
	return func(args [][]byte) []int {
		if len(args) <= numIdx {
			return nil
		}
		n, ok := rconv.ParseInt(args[numIdx])
		if !ok || n < 1 || n > int64(len(args)-numIdx-2) {
			return nil
		}
		out := make([]int, n)
		for i := range out {
			out[i] = numIdx + 1 + i
		}
		return out
	}
}

// intArg parses argument i as an integer, replying Redis's error if it is
// not one.
func (x *Exec) intArg(i int) (int64, bool) {
	v, ok := parseInt(x.arg(i))
	if !ok {
		x.err(ErrNotInteger)
	}
	return v, ok
}

// sideArg parses LEFT or RIGHT, replying a syntax error otherwise.
func (x *Exec) sideArg(i int) (ListSide, bool) {
	switch {
	case x.argIs(i, "left"):
		return Left, true
	case x.argIs(i, "right"):
		return Right, true
	}
	x.syntaxErr()
	return Left, false
}

func cmdPush(x *Exec) {
	name := x.cmd.Name
	vals := make([]string, len(x.args)-2)
	for i := range vals {
		vals[i] = x.arg(i + 2)
	}
	n, err := pushOp(x.c, x.db, x.arg(1), vals, name[0] == 'l', name[len(name)-1] == 'x')
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdPop(x *Exec) {
	front := x.cmd.Name == "lpop"
	switch len(x.args) {
	case 2:
		v, ok, err := popOp(x.c, x.db, x.arg(1), front)
		switch {
		case err != nil:
			x.err(err)
		case !ok:
			x.w.NullBulk()
		default:
			x.w.BulkString(v)
		}
	case 3:
		count, ok := parseInt(x.arg(2))
		if !ok || count < 0 {
			x.err(errPositive)
			return
		}
		vals, exists, err := popCountOp(x.c, x.db, x.arg(1), front, count)
		switch {
		case err != nil:
			x.err(err)
		case !exists:
			x.w.NullArray()
		default:
			x.bulkArray(vals)
		}
	default:
		x.err(errWrongArgs(x.cmd.Name))
	}
}

func (x *Exec) bulkArray(vals []string) {
	x.w.ArrayLen(len(vals))
	for _, v := range vals {
		x.w.BulkString(v)
	}
}

func cmdLRange(x *Exec) {
	start, ok := x.intArg(2)
	if !ok {
		return
	}
	stop, ok := x.intArg(3)
	if !ok {
		return
	}
	l, err := lookupList(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if l == nil {
		x.w.ArrayLen(0)
		return
	}
	s, e, ok := normRange(start, stop, l.Len())
	if !ok {
		x.w.ArrayLen(0)
		return
	}
	x.w.ArrayLen(e - s + 1)
	l.Each(s, e, func(b []byte) bool {
		x.w.Bulk(b)
		return true
	})
}

func cmdLIndex(x *Exec) {
	l, err := lookupList(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if l == nil {
		x.w.NullBulk()
		return
	}
	i, ok := x.intArg(2)
	if !ok {
		return
	}
	if b, ok := l.View(listIndex(i)); ok {
		x.w.Bulk(b)
	} else {
		x.w.NullBulk()
	}
}

func cmdLSet(x *Exec) {
	key := x.arg(1)
	l, err := lookupListWrite(x.c, x.db, key)
	if err != nil {
		x.err(err)
		return
	}
	if l == nil {
		x.err(ErrNoSuchKey)
		return
	}
	i, ok := x.intArg(2)
	if !ok {
		return
	}
	if err := lsetApply(x.c, x.db, key, l, i, x.arg(3)); err != nil {
		x.err(err)
		return
	}
	x.ok()
}

func cmdLInsert(x *Exec) {
	var after bool
	switch {
	case x.argIs(2, "after"):
		after = true
	case x.argIs(2, "before"):
	default:
		x.syntaxErr()
		return
	}
	n, err := linsertOp(x.c, x.db, x.arg(1), after, x.arg(3), x.arg(4))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdLLen(x *Exec) {
	l, err := lookupList(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
	case l == nil:
		x.w.Int(0)
	default:
		x.w.Int(int64(l.Len()))
	}
}

func cmdLRem(x *Exec) {
	count, ok := x.intArg(2)
	if !ok {
		return
	}
	n, err := lremOp(x.c, x.db, x.arg(1), count, x.arg(3))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdLTrim(x *Exec) {
	start, ok := x.intArg(2)
	if !ok {
		return
	}
	stop, ok := x.intArg(3)
	if !ok {
		return
	}
	if err := ltrimOp(x.c, x.db, x.arg(1), start, stop); err != nil {
		x.err(err)
		return
	}
	x.ok()
}

func cmdLPos(x *Exec) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	n := len(x.args)
	for j := 3; j < n; j++ {
		more := j < n-1
		switch {
		case more && x.argIs(j, "rank"):
			j++
			v, ok := x.intArg(j)
			if !ok {
				return
			}
			if v == minInt64 {
				x.errStr("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
				return
			}
			if v == 0 {
				x.err(errLPosRank)
				return
			}
			rank = v
		case more && x.argIs(j, "count"):
			j++
			v, ok := parseInt(x.arg(j))
			if !ok || v < 0 {
				x.err(errLPosCount)
				return
			}
			count = v
		case more && x.argIs(j, "maxlen"):
			j++
			v, ok := parseInt(x.arg(j))
			if !ok || v < 0 {
				x.err(errLPosMaxLen)
				return
			}
			maxlen = v
		default:
			x.syntaxErr()
			return
		}
	}
	l, err := lookupList(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	var out []int
	if l != nil {
		matches := count // 0: all of them
		if count < 0 {
			matches = 1 // no COUNT: the first match only
		}
		out = lposSearch(l, x.arg(2), rank, matches, maxlen)
	}
	if count >= 0 {
		x.w.ArrayLen(len(out))
		for _, i := range out {
			x.w.Int(int64(i))
		}
		return
	}
	if len(out) == 0 {
		x.w.NullBulk()
		return
	}
	x.w.Int(int64(out[0]))
}

// moveSides returns LMOVE's sides, or RPOPLPUSH's (and BRPOPLPUSH's).
func (x *Exec) moveSides() (from, to ListSide, ok bool) {
	if x.cmd.Name == "rpoplpush" || x.cmd.Name == "brpoplpush" {
		return Right, Left, true
	}
	if from, ok = x.sideArg(3); !ok {
		return
	}
	to, ok = x.sideArg(4)
	return
}

func cmdLMove(x *Exec) {
	from, to, ok := x.moveSides()
	if !ok {
		return
	}
	v, ok, err := lmoveOp(x.c, x.db, x.arg(1), x.arg(2), from, to)
	switch {
	case err != nil:
		x.err(err)
	case !ok:
		x.w.NullBulk()
	default:
		x.w.BulkString(v)
	}
}

// parseMPop parses "numkeys key... LEFT|RIGHT [COUNT n]" with numkeys at
// argument numIdx, in Redis's order of checks. count is -1 without COUNT.
func (x *Exec) parseMPop(numIdx int) (keys []string, side ListSide, count int64, ok bool) {
	n, isInt := parseInt(x.arg(numIdx))
	if !isInt || n < 1 {
		x.err(errNumKeys)
		return nil, 0, 0, false
	}
	nargs := len(x.args)
	if n > int64(nargs) || numIdx+int(n)+1 >= nargs {
		x.syntaxErr()
		return nil, 0, 0, false
	}
	whereIdx := numIdx + int(n) + 1
	if side, ok = x.sideArg(whereIdx); !ok {
		return nil, 0, 0, false
	}
	count = -1
	for j := whereIdx + 1; j < nargs; j++ {
		if count == -1 && j < nargs-1 && x.argIs(j, "count") {
			j++
			v, isInt := parseInt(x.arg(j))
			if !isInt || v < 1 {
				x.err(errMPopCount)
				return nil, 0, 0, false
			}
			count = v
			continue
		}
		x.syntaxErr()
		return nil, 0, 0, false
	}
	keys = make([]string, n)
	for i := range keys {
		keys[i] = x.arg(numIdx + 1 + i)
	}
	return keys, side, count, true
}

// mpopReply writes [key, [elements]] (count >= 0) or [key, element].
func (x *Exec) mpopReply(key string, vals []string, count int64) {
	x.w.ArrayLen(2)
	x.w.BulkString(key)
	if count < 0 {
		x.w.BulkString(vals[0])
		return
	}
	x.bulkArray(vals)
}

func cmdLMPop(x *Exec) {
	keys, side, count, ok := x.parseMPop(1)
	if !ok {
		return
	}
	if count < 0 {
		count = 1
	}
	key, vals, found, err := mpopOp(x.c, x.db, keys, side == Left, count)
	switch {
	case err != nil:
		x.err(err)
	case !found:
		x.w.NullArray()
	default:
		x.mpopReply(key, vals, count)
	}
}

// blockingPop serves BLPOP, BRPOP (count -1) and BLMPOP: it pops from the
// first key holding a list or blocks on all of them.
func (x *Exec) blockingPop(keys []string, front bool, count int64, timeout time.Duration) {
	retry := false
	try := func() bool {
		// Redis wakes clients blocked on lists only for keys that hold a
		// list; a retry for any other reason keeps waiting.
		if retry && !anyList(x.c, x.db, keys) {
			return false
		}
		retry = true
		key, vals, found, err := mpopOp(x.c, x.db, keys, front, count)
		switch {
		case err != nil:
			x.err(err)
		case !found:
			return false
		default:
			x.mpopReply(key, vals, count)
		}
		return true
	}
	if !x.blockOn(keys, timeout, try) {
		x.w.NullArray()
	}
}

func cmdBPop(x *Exec) {
	n := len(x.args)
	timeout, ok := x.parseTimeout(n - 1)
	if !ok {
		return
	}
	keys := make([]string, n-2)
	for i := range keys {
		keys[i] = x.arg(i + 1)
	}
	x.blockingPop(keys, x.cmd.Name == "blpop", -1, timeout)
}

func cmdBLMPop(x *Exec) {
	keys, side, count, ok := x.parseMPop(2)
	if !ok {
		return
	}
	timeout, ok := x.parseTimeout(1)
	if !ok {
		return
	}
	if count < 0 {
		count = 1
	}
	x.blockingPop(keys, side == Left, count, timeout)
}

func cmdBLMove(x *Exec) {
	from, to, ok := x.moveSides()
	if !ok {
		return
	}
	timeout, ok := x.parseTimeout(len(x.args) - 1)
	if !ok {
		return
	}
	src, dst := x.arg(1), x.arg(2)
	retry := false
	try := func() bool {
		if retry && !anyList(x.c, x.db, []string{src}) {
			return false
		}
		retry = true
		v, found, err := lmoveOp(x.c, x.db, src, dst, from, to)
		switch {
		case err != nil:
			x.err(err)
		case !found:
			return false
		default:
			x.w.BulkString(v)
		}
		return true
	}
	if x.blockOn([]string{src}, timeout, try) {
		return
	}
	if x.noBlock() {
		x.w.NullBulk() // not allowed to block: LMOVE's own "nothing" reply
		return
	}
	x.w.NullArray() // timed out
}
