package embedis

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/resp"
	"github.com/embedis/embedis/types"
)

// ListSide is an end of a list: LEFT (the head) or RIGHT (the tail).
type ListSide int

const (
	// Left is the head of a list (LEFT, where LPUSH and LPOP work).
	Left ListSide = iota
	// Right is the tail of a list (RIGHT, where RPUSH and RPOP work).
	Right
)

// String returns the Redis keyword: "LEFT" or "RIGHT".
func (s ListSide) String() string {
	if s == Right {
		return "RIGHT"
	}
	return "LEFT"
}

// LPosArgs are LPOS's options. The zero value searches the whole list
// from the head for the first match.
type LPosArgs struct {
	// Rank (RANK): return matches starting from the Rank-th one; a negative
	// rank searches from the tail. Default: 1 (0 also means 1).
	Rank int64
	// MaxLen (MAXLEN): compare at most this many elements; must not be
	// negative. Default: 0, the whole list.
	MaxLen int64
}

// Errors of the list commands, with Redis's texts.
var (
	errLPosRank   = errf("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
	errLPosCount  = errf("ERR COUNT can't be negative")
	errLPosMaxLen = errf("ERR MAXLEN can't be negative")
	errNumKeys    = errf("ERR numkeys should be greater than 0")
	errMPopCount  = errf("ERR count should be greater than 0")
	errPositive   = errf("ERR value is out of range, must be positive")
)

// ---------------------------------------------------------------------------
// core operations, shared by the command handlers and the typed API. The
// shards of every key involved are locked by the caller.

// lookupList finds key's list for reading only: nil when the key is
// missing.
func lookupList(c *keyspace.Ctx, db int, key string) (*types.List, error) {
	e, err := lookupKind(c, db, key, keyspace.KindList)
	if e == nil {
		return nil, err
	}
	return objView[*types.List](e), nil
}

// lookupListWrite finds key's list for writing: nil when the key is missing.
func lookupListWrite(c *keyspace.Ctx, db int, key string) (*types.List, error) {
	e, err := lookupKindWrite(c, db, key, keyspace.KindList)
	if e == nil {
		return nil, err
	}
	return objOf[*types.List](e), nil
}

// pushEvent and popEvent name a push's or pop's keyspace event by its side.
func pushEvent(front bool) string {
	if front {
		return "lpush"
	}
	return "rpush"
}

func popEvent(front bool) string {
	if front {
		return "lpop"
	}
	return "rpop"
}

// pushOp implements LPUSH/RPUSH (and LPUSHX/RPUSHX with xx): it returns
// the list's new length, 0 when xx and the key is missing.
func pushOp(c *keyspace.Ctx, db int, key string, vals []string, front, xx bool) (int, error) {
	e, err := lookupKindWrite(c, db, key, keyspace.KindList)
	if err != nil {
		return 0, err
	}
	var l *types.List
	if e != nil {
		l = objOf[*types.List](e)
	} else {
		if xx {
			return 0, nil
		}
		l = types.NewList()
		e = c.Create(db, key)
		e.SetObj(keyspace.KindList, l)
	}
	if front {
		l.PushFront(vals...)
	} else {
		l.PushBack(vals...)
	}
	c.TouchEntry(db, e)
	c.Notify(db, keyspace.NotifyList, pushEvent(front), key)
	c.SignalReady(db, key)
	if c.Journaling() {
		args := make([]string, 0, 2+len(vals))
		cmd := "RPUSH"
		if front {
			cmd = "LPUSH"
		}
		args = append(args, cmd, key)
		c.Propagate(db, append(args, vals...)...)
	}
	return l.Len(), nil
}

// listRemoved does what Redis's listElementsRemoved does after elements
// were popped from key's list l: the pop event, the deletion of an empty
// list (with its del event) or the shrinking conversion, and the WATCH
// touch.
func listRemoved(c *keyspace.Ctx, db int, key string, l *types.List, front bool) {
	c.Notify(db, keyspace.NotifyList, popEvent(front), key)
	if l.Len() == 0 {
		c.Delete(db, key)
		c.Notify(db, keyspace.NotifyGeneric, "del", key)
	} else {
		l.ShrinkEncoding()
	}
	c.Touch(db, key)
}

// popOp implements LPOP/RPOP without a count: ok is false when the key is
// missing.
func popOp(c *keyspace.Ctx, db int, key string, front bool) (v string, ok bool, err error) {
	l, err := lookupListWrite(c, db, key)
	if l == nil {
		return "", false, err
	}
	if front {
		v, _ = l.PopFront()
	} else {
		v, _ = l.PopBack()
	}
	listRemoved(c, db, key, l, front)
	if c.Journaling() {
		c.Propagate(db, popCmd(front), key)
	}
	return v, true, nil
}

func popCmd(front bool) string {
	if front {
		return "LPOP"
	}
	return "RPOP"
}

// popCountOp implements LPOP/RPOP with a count (count >= 0): exists is
// false when the key is missing; count 0 pops nothing.
func popCountOp(c *keyspace.Ctx, db int, key string, front bool, count int64) (vals []string, exists bool, err error) {
	l, err := lookupListWrite(c, db, key)
	if l == nil {
		return nil, false, err
	}
	if count == 0 {
		return []string{}, true, nil
	}
	return popN(c, db, key, l, front, count), true, nil
}

// popN pops up to count elements from key's non-empty list l and records
// the effects, journaled as "LPOP key n".
func popN(c *keyspace.Ctx, db int, key string, l *types.List, front bool, count int64) []string {
	n := int(min(count, int64(l.Len())))
	var vals []string
	if front {
		vals = l.PopFrontN(n)
	} else {
		vals = l.PopBackN(n)
	}
	listRemoved(c, db, key, l, front)
	if c.Journaling() {
		c.Propagate(db, popCmd(front), key, strconv.Itoa(n))
	}
	return vals
}

// mpopOp implements LMPOP and the immediate path of BLPOP/BRPOP/BLMPOP:
// the first key holding a list, in argument order, is popped (count < 0:
// one element, journaled as "LPOP key"). A key of another type met before
// that is an error. found is false when every key is missing.
func mpopOp(c *keyspace.Ctx, db int, keys []string, front bool, count int64) (key string, vals []string, found bool, err error) {
	for _, k := range keys {
		l, err := lookupListWrite(c, db, k)
		if err != nil {
			return "", nil, false, err
		}
		if l == nil {
			continue
		}
		if count < 0 {
			v, _, _ := popOp(c, db, k, front)
			return k, []string{v}, true, nil
		}
		return k, popN(c, db, k, l, front, count), true, nil
	}
	return "", nil, false, nil
}

// anyList reports whether one of keys holds a list (a blocked client only
// retries its command when that is so, as Redis only serves clients
// blocked on lists when a list key is ready).
func anyList(c *keyspace.Ctx, db int, keys []string) bool {
	for _, k := range keys {
		if e := c.Peek(db, k); e != nil && e.Kind() == keyspace.KindList {
			return true
		}
	}
	return false
}

// normRange applies Redis's index rules for LRANGE and LTRIM to a list of
// length n: it returns the inclusive 0-based range, ok false when empty.
func normRange(start, stop int64, n int) (int, int, bool) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if stop < 0 {
		stop += ln
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= ln {
		return 0, 0, false
	}
	if stop >= ln {
		stop = ln - 1
	}
	return int(start), int(stop), true
}

// listIndex converts an index argument to the int the list takes,
// saturating where int is narrower than int64 (such indexes address no
// element either way).
func listIndex(i int64) int {
	switch {
	case i > math.MaxInt:
		return math.MaxInt
	case i < -math.MaxInt:
		return -math.MaxInt
	}
	return int(i)
}

// lsetApply implements LSET once the key was found and the index parsed.
func lsetApply(c *keyspace.Ctx, db int, key string, l *types.List, idx int64, val string) error {
	if !l.Set(listIndex(idx), val) {
		return ErrIndexOutOfRange
	}
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyList, "lset", key)
	l.ShrinkEncoding()
	if c.Journaling() {
		c.Propagate(db, "LSET", key, strconv.FormatInt(idx, 10), val)
	}
	return nil
}

// linsertOp implements LINSERT: -1 when pivot is missing, 0 when the key
// is.
func linsertOp(c *keyspace.Ctx, db int, key string, after bool, pivot, val string) (int, error) {
	l, err := lookupListWrite(c, db, key)
	if l == nil {
		return 0, err
	}
	if !l.Insert(pivot, val, after) {
		return -1, nil
	}
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyList, "linsert", key)
	if c.Journaling() {
		where := "BEFORE"
		if after {
			where = "AFTER"
		}
		c.Propagate(db, "LINSERT", key, where, pivot, val)
	}
	return l.Len(), nil
}

// lremOp implements LREM.
func lremOp(c *keyspace.Ctx, db int, key string, count int64, val string) (int, error) {
	l, err := lookupListWrite(c, db, key)
	if l == nil {
		return 0, err
	}
	removed := l.Remove(listIndex(count), val)
	if removed > 0 {
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyList, "lrem", key)
		if l.Len() == 0 {
			c.Delete(db, key)
			c.Notify(db, keyspace.NotifyGeneric, "del", key)
		} else {
			l.ShrinkEncoding()
		}
		if c.Journaling() {
			c.Propagate(db, "LREM", key, strconv.FormatInt(count, 10), val)
		}
	}
	return removed, nil
}

// ltrimOp implements LTRIM.
func ltrimOp(c *keyspace.Ctx, db int, key string, start, stop int64) error {
	l, err := lookupListWrite(c, db, key)
	if l == nil {
		return err
	}
	n := l.Len()
	s, e, ok := normRange(start, stop, n)
	left, right := n, 0
	if ok {
		left, right = s, n-e-1
	}
	l.DeleteFront(left)
	l.DeleteBack(right)
	c.Notify(db, keyspace.NotifyList, "ltrim", key)
	if l.Len() == 0 {
		c.Delete(db, key)
		c.Notify(db, keyspace.NotifyGeneric, "del", key)
	} else {
		l.ShrinkEncoding()
	}
	c.Touch(db, key)
	if left+right > 0 && c.Journaling() {
		c.Propagate(db, "LTRIM", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10))
	}
	return nil
}

// lposSearch runs LPOS on l: rank != 0, count >= 0 (0: all), maxlen >= 0.
func lposSearch(l *types.List, elem string, rank, count, maxlen int64) []int {
	return l.Pos(elem, int(rank), int(min(count, int64(l.Len())+1)), int(min(maxlen, int64(l.Len()))))
}

// lmoveOp implements LMOVE and RPOPLPUSH: ok is false when src is
// missing. The destination's type is checked before anything moves.
func lmoveOp(c *keyspace.Ctx, db int, src, dst string, from, to ListSide) (v string, ok bool, err error) {
	sl, err := lookupListWrite(c, db, src)
	if sl == nil {
		return "", false, err
	}
	dl, err := lookupListWrite(c, db, dst)
	if err != nil {
		return "", false, err
	}
	if from == Left {
		v, _ = sl.PopFront()
	} else {
		v, _ = sl.PopBack()
	}
	if dl == nil {
		dl = types.NewList()
		c.Create(db, dst).SetObj(keyspace.KindList, dl)
	}
	c.Touch(db, dst)
	if to == Left {
		dl.PushFront(v)
	} else {
		dl.PushBack(v)
	}
	c.Notify(db, keyspace.NotifyList, pushEvent(to == Left), dst)
	c.SignalReady(db, dst)
	listRemoved(c, db, src, sl, from == Left)
	if c.Journaling() {
		c.Propagate(db, "LMOVE", src, dst, from.String(), to.String())
	}
	return v, true, nil
}

// ---------------------------------------------------------------------------
// typed API

// LPush inserts values at the head of the list at key, one after the
// other, creating the list if needed (LPUSH), and returns its new length.
func (d *DB) LPush(key string, values ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.push(key, values, true, false)
}

// RPush appends values to the list at key (RPUSH) and returns its length.
func (d *DB) RPush(key string, values ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.push(key, values, false, false)
}

// LPushX is LPush only when the list exists (LPUSHX); it returns 0
// otherwise.
func (d *DB) LPushX(key string, values ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.push(key, values, true, true)
}

// RPushX is RPush only when the list exists (RPUSHX); it returns 0
// otherwise.
func (d *DB) RPushX(key string, values ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.push(key, values, false, true)
}

func (d *DB) push(key string, values []string, front, xx bool) (int, error) {
	if len(values) == 0 {
		return 0, errWrongArgs(pushName(front, xx))
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := pushOp(&c, d.idx, key, values, front, xx)
	done(&c)
	return n, err
}

func pushName(front, xx bool) string {
	n := pushEvent(front)
	if xx {
		n += "x"
	}
	return n
}

// LPop removes and returns the first element of the list at key (LPOP);
// Nil when the key does not exist.
func (d *DB) LPop(key string) (string, error) { return d.pop(key, true) }

// RPop removes and returns the last element of the list at key (RPOP);
// Nil when the key does not exist.
func (d *DB) RPop(key string) (string, error) { return d.pop(key, false) }

func (d *DB) pop(key string, front bool) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	v, ok, err := popOp(&c, d.idx, key, front)
	done(&c)
	if err == nil && !ok {
		err = Nil
	}
	return v, err
}

// LPopCount removes and returns up to n elements from the head of the
// list at key (LPOP key n). It returns Nil when the key does not exist, an
// empty slice for n = 0, and Redis's error for a negative n.
func (d *DB) LPopCount(key string, n int) ([]string, error) { return d.popCount(key, n, true) }

// RPopCount removes and returns up to n elements from the tail of the list
// at key, last element first (RPOP key n); see LPopCount.
func (d *DB) RPopCount(key string, n int) ([]string, error) { return d.popCount(key, n, false) }

func (d *DB) popCount(key string, n int, front bool) ([]string, error) {
	if n < 0 {
		return nil, errPositive
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	vals, ok, err := popCountOp(&c, d.idx, key, front, int64(n))
	done(&c)
	if err == nil && !ok {
		err = Nil
	}
	return vals, err
}

// LLen returns the length of the list at key (LLEN); 0 when missing.
func (d *DB) LLen(key string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	l, err := lookupList(&c, d.idx, key)
	n := 0
	if l != nil {
		n = l.Len()
	}
	done(&c)
	return n, err
}

// LRange returns the elements from start to stop, both inclusive and
// negative counting from the tail (LRANGE).
func (d *DB) LRange(key string, start, stop int64) ([]string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	l, err := lookupList(&c, d.idx, key)
	out := []string{}
	if l != nil {
		if s, e, ok := normRange(start, stop, l.Len()); ok {
			out = l.Range(s, e)
		}
	}
	done(&c)
	return out, err
}

// LIndex returns the element at index (negative counts from the tail)
// (LINDEX); Nil when the key or the index does not exist.
func (d *DB) LIndex(key string, index int64) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	l, err := lookupList(&c, d.idx, key)
	var v string
	ok := false
	if l != nil {
		v, ok = l.Index(listIndex(index))
	}
	done(&c)
	if err == nil && !ok {
		err = Nil
	}
	return v, err
}

// LSet replaces the element at index (LSET). It fails with ErrNoSuchKey
// or ErrIndexOutOfRange as Redis does.
func (d *DB) LSet(key string, index int64, value string) error {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	l, err := lookupListWrite(&c, d.idx, key)
	if err == nil {
		if l == nil {
			err = ErrNoSuchKey
		} else {
			err = lsetApply(&c, d.idx, key, l, index, value)
		}
	}
	done(&c)
	return err
}

// LInsert inserts value before (or after) the first element equal to
// pivot (LINSERT). It returns the new length, -1 when pivot is not found
// and 0 when the key does not exist.
func (d *DB) LInsert(key string, before bool, pivot, value string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := linsertOp(&c, d.idx, key, !before, pivot, value)
	done(&c)
	return n, err
}

// LRem removes elements equal to value (LREM): the first count ones from
// the head when count > 0, the last -count ones when count < 0, all when
// count is 0. It returns how many were removed.
func (d *DB) LRem(key string, count int64, value string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := lremOp(&c, d.idx, key, count, value)
	done(&c)
	return n, err
}

// LTrim keeps only the elements from start to stop, inclusive (LTRIM); a
// list left empty is deleted.
func (d *DB) LTrim(key string, start, stop int64) error {
	var c keyspace.Ctx
	d.unit(&c, key)
	err := ltrimOp(&c, d.idx, key, start, stop)
	done(&c)
	return err
}

func (a *LPosArgs) parse() (rank, maxlen int64, err error) {
	rank = 1
	if a == nil {
		return rank, 0, nil
	}
	if a.Rank != 0 {
		rank = a.Rank
	}
	if rank == minInt64 {
		return 0, 0, errf("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	}
	if a.MaxLen < 0 {
		return 0, 0, errLPosMaxLen
	}
	return rank, a.MaxLen, nil
}

// LPos returns the index of the first element equal to elem (LPOS), or
// of the Rank-th match with args; Nil when there is none.
func (d *DB) LPos(key, elem string, args *LPosArgs) (int64, error) {
	out, err := d.lpos(key, elem, 1, args)
	if err != nil {
		return 0, err
	}
	if len(out) == 0 {
		return 0, Nil
	}
	return int64(out[0]), nil
}

// LPosCount returns the indexes of up to count matches of elem (LPOS …
// COUNT count); count 0 returns all of them, and a negative count is
// Redis's error.
func (d *DB) LPosCount(key, elem string, count int64, args *LPosArgs) ([]int64, error) {
	if count < 0 {
		return nil, errLPosCount
	}
	out, err := d.lpos(key, elem, count, args)
	if err != nil {
		return nil, err
	}
	res := make([]int64, len(out))
	for i, v := range out {
		res[i] = int64(v)
	}
	return res, nil
}

func (d *DB) lpos(key, elem string, count int64, args *LPosArgs) ([]int, error) {
	rank, maxlen, err := args.parse()
	if err != nil {
		return nil, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	l, err := lookupList(&c, d.idx, key)
	var out []int
	if l != nil {
		out = lposSearch(l, elem, rank, count, maxlen)
	}
	done(&c)
	return out, err
}

// LMove pops an element from one end of src and pushes it at one end of
// dst (LMOVE), returning it; Nil when src does not exist. src and dst may
// be the same list (a rotation).
func (d *DB) LMove(src, dst string, from, to ListSide) (string, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return "", err
	}
	var c keyspace.Ctx
	d.unit(&c, src, dst)
	v, ok, err := lmoveOp(&c, d.idx, src, dst, from, to)
	done(&c)
	if err == nil && !ok {
		err = Nil
	}
	return v, err
}

// RPopLPush is LMove(src, dst, Right, Left) (RPOPLPUSH).
func (d *DB) RPopLPush(src, dst string) (string, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return "", err
	}
	return d.LMove(src, dst, Right, Left)
}

// LMPop pops up to count elements from the given side of the first
// non-empty list among keys (LMPOP) and returns that key with the
// elements; Nil when all the keys are missing. count must be at least 1.
func (d *DB) LMPop(side ListSide, count int, keys ...string) (string, []string, error) {
	if len(keys) == 0 {
		return "", nil, errNumKeys
	}
	if count < 1 {
		return "", nil, errMPopCount
	}
	var c keyspace.Ctx
	d.unit(&c, keys...)
	key, vals, found, err := mpopOp(&c, d.idx, keys, side == Left, int64(count))
	done(&c)
	if err == nil && !found {
		err = Nil
	}
	return key, vals, err
}

// ---------------------------------------------------------------------------
// blocking typed API: these run the blocking command in a session whose
// context is ctx, so they wait exactly as a RESP client would (first come,
// first served, woken after the pushing command or transaction completes).

// timeoutArg renders a wait for a blocking command: seconds, 0 = forever.
func timeoutArg(timeout time.Duration) string {
	return strconv.FormatFloat(timeout.Seconds(), 'f', -1, 64)
}

// blocking runs a blocking command and maps a null reply to ctx's error
// when ctx ended the wait, or to Nil on timeout.
func (d *DB) blocking(ctx context.Context, args ...any) (Value, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return Value{}, err
	}
	v, err := d.Do(ctx, args...)
	if err != nil {
		return v, err
	}
	if v.Kind == resp.KindNull || v.Kind == resp.KindNullArray || v.Kind == resp.KindNullBulk {
		if err := ctx.Err(); err != nil {
			return v, err
		}
		return v, Nil
	}
	return v, nil
}

// BLPop pops the first element of the first non-empty list among keys,
// waiting up to timeout (0: until ctx is done) for one to get data
// (BLPOP). It returns the key and the element; Nil on timeout, ctx.Err()
// when ctx ends the wait.
func (d *DB) BLPop(ctx context.Context, timeout time.Duration, keys ...string) (key, value string, err error) {
	return d.bpop(ctx, "BLPOP", timeout, keys)
}

// BRPop is BLPop at the tail (BRPOP).
func (d *DB) BRPop(ctx context.Context, timeout time.Duration, keys ...string) (key, value string, err error) {
	return d.bpop(ctx, "BRPOP", timeout, keys)
}

func (d *DB) bpop(ctx context.Context, cmd string, timeout time.Duration, keys []string) (string, string, error) {
	args := make([]any, 0, len(keys)+2)
	args = append(args, cmd)
	for _, k := range keys {
		args = append(args, k)
	}
	args = append(args, timeoutArg(timeout))
	v, err := d.blocking(ctx, args...)
	if err != nil {
		return "", "", err
	}
	return v.Elems[0].Str, v.Elems[1].Str, nil
}

// BLMove is LMove that waits up to timeout (0: until ctx is done) for src
// to get data (BLMOVE). It returns Nil on timeout and ctx.Err() when ctx
// ends the wait.
func (d *DB) BLMove(ctx context.Context, src, dst string, from, to ListSide, timeout time.Duration) (string, error) {
	v, err := d.blocking(ctx, "BLMOVE", src, dst, from.String(), to.String(), timeoutArg(timeout))
	if err != nil {
		return "", err
	}
	return v.Str, nil
}

// BLMPop is LMPop that waits up to timeout (0: until ctx is done) for one
// of keys to get data (BLMPOP). It returns Nil on timeout and ctx.Err()
// when ctx ends the wait.
func (d *DB) BLMPop(ctx context.Context, timeout time.Duration, side ListSide, count int, keys ...string) (string, []string, error) {
	if len(keys) == 0 {
		return "", nil, errNumKeys
	}
	args := make([]any, 0, len(keys)+6)
	args = append(args, "BLMPOP", timeoutArg(timeout), len(keys))
	for _, k := range keys {
		args = append(args, k)
	}
	args = append(args, side.String(), "COUNT", count)
	v, err := d.blocking(ctx, args...)
	if err != nil {
		return "", nil, err
	}
	vals := make([]string, len(v.Elems[1].Elems))
	for i, e := range v.Elems[1].Elems {
		vals[i] = e.Str
	}
	return v.Elems[0].Str, vals, nil
}
