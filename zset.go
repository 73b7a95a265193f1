package embedis

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/types"
)

// Z is a sorted-set member with its score.
type Z = types.Z

// Sorted-set error replies.
var (
	errZIncompatibleNXXX = errf("ERR XX and NX options at the same time are not compatible")
	errZIncompatibleGTLT = errf("ERR GT, LT, and/or NX options at the same time are not compatible")
	errZIncrPair         = errf("ERR INCR option supports a single increment-element pair")
	errZNaN              = errf("ERR resulting score is not a number (NaN)")
	errZScoreRange       = errf("ERR min or max is not a float")
	errZLexRange         = errf("ERR min or max not valid string range item")
	errZLimitRank        = errf("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	errZWithScoresLex    = errf("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
	errZWeight           = errf("ERR weight value is not a float")
	errZNumKeys          = errf("ERR numkeys should be greater than 0")
	errZCount            = errf("ERR count should be greater than 0")
	errZInterCardLimit   = errf("ERR LIMIT can't be negative")
	errZOutOfRange       = errf("ERR value is out of range")
	errZPositive         = errf("ERR value is out of range, must be positive")
)

func errZAtLeastOneKey(cmd string) *Error {
	return errf("ERR at least 1 input key is needed for '%s' command", cmd)
}

// ZAddArgs are ZADD's options. The zero value adds or updates every
// member.
type ZAddArgs struct {
	// NX (NX): only add new members, never update. Default: false.
	NX bool
	// XX (XX): only update existing members, never add. Default: false.
	XX bool
	// GT (GT): update an existing member only when the new score is
	// greater; new members are still added. Default: false.
	GT bool
	// LT (LT): update an existing member only when the new score is
	// lower; new members are still added. Default: false.
	LT bool
	// CH (CH): count changed members (added or updated) instead of only
	// added ones. Default: false.
	CH bool
}

// zaddFlags is ZADD's options after parsing.
type zaddFlags struct{ nx, xx, gt, lt, ch, incr bool }

func (f zaddFlags) check(pairs int) error {
	if f.nx && f.xx {
		return errZIncompatibleNXXX
	}
	if (f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt) {
		return errZIncompatibleGTLT
	}
	if f.incr && pairs > 1 {
		return errZIncrPair
	}
	return nil
}

func (a *ZAddArgs) flags() zaddFlags {
	if a == nil {
		return zaddFlags{}
	}
	return zaddFlags{nx: a.NX, xx: a.XX, gt: a.GT, lt: a.LT, ch: a.CH}
}

// args renders the options as ZADD arguments, for the journal.
func (f zaddFlags) args(out []string) []string {
	for _, o := range []struct {
		on   bool
		name string
	}{{f.nx, "NX"}, {f.xx, "XX"}, {f.gt, "GT"}, {f.lt, "LT"}, {f.ch, "CH"}, {f.incr, "INCR"}} {
		if o.on {
			out = append(out, o.name)
		}
	}
	return out
}

// zsetRead returns key's sorted set for reading only, nil when the key is
// missing.
func zsetRead(c *keyspace.Ctx, db int, key string) (*types.ZSet, error) {
	e, err := lookupKind(c, db, key, keyspace.KindZSet)
	if e == nil || err != nil {
		return nil, err
	}
	return objView[*types.ZSet](e), nil
}

// zsetWrite returns key's entry and sorted set for writing.
func zsetWrite(c *keyspace.Ctx, db int, key string) (*keyspace.Entry, *types.ZSet, error) {
	e, err := lookupKindWrite(c, db, key, keyspace.KindZSet)
	if e == nil || err != nil {
		return nil, nil, err
	}
	return e, objOf[*types.ZSet](e), nil
}

// zaddResult is what ZADD did.
type zaddResult struct {
	added, updated int
	processed      bool    // some member was added or matched (INCR replies score)
	score          float64 // the last member's new score
}

// zaddOp is ZADD and ZINCRBY after parsing and validation: pairs is not
// empty and holds no NaN score.
func zaddOp(c *keyspace.Ctx, db int, key string, f zaddFlags, pairs []Z) (zaddResult, error) {
	var res zaddResult
	e, z, err := zsetWrite(c, db, key)
	if err != nil {
		return res, err
	}
	created := false
	if e == nil {
		if f.xx {
			return res, nil
		}
		z = types.NewZSet(len(pairs), len(pairs[0].Member))
		e = c.Create(db, key)
		e.SetObj(keyspace.KindZSet, z)
		created = true
	} else {
		z.Grow(len(pairs))
	}
	for _, p := range pairs {
		s := p.Score
		cur, exists := z.Score(p.Member)
		switch {
		case exists:
			if f.nx {
				continue
			}
			if f.incr {
				s += cur
				if math.IsNaN(s) {
					err = errZNaN
					break
				}
			}
			if (f.lt && s >= cur) || (f.gt && s <= cur) {
				continue
			}
			res.processed, res.score = true, s
			if s != cur {
				z.Update(p.Member, cur, s)
				res.updated++
			}
		case !f.xx:
			if c.BorrowedKeys {
				z.InsertCopy(p.Member, s) // copied only if kept as a string
			} else {
				z.Insert(p.Member, s)
			}
			res.added++
			res.processed, res.score = true, s
		}
		if err != nil {
			break
		}
	}
	if created && z.Len() == 0 {
		c.Remove(db, e)
	}
	if res.added+res.updated > 0 {
		c.Touch(db, key)
		event := "zadd"
		if f.incr {
			event = "zincr"
		}
		c.Notify(db, keyspace.NotifyZSet, event, key)
		if res.added > 0 {
			c.SignalReady(db, key)
		}
	}
	return res, err
}

// zaddTyped runs ZADD for the typed API and journals it.
func (d *DB) zaddTyped(key string, f zaddFlags, pairs []Z) (zaddResult, error) {
	if len(pairs) == 0 {
		return zaddResult{}, ErrSyntax
	}
	if err := f.check(len(pairs)); err != nil {
		return zaddResult{}, err
	}
	for _, p := range pairs {
		if math.IsNaN(p.Score) {
			return zaddResult{}, ErrNotFloat
		}
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	res, err := zaddOp(&c, d.idx, key, f, pairs)
	if res.added+res.updated > 0 && c.Journaling() {
		args := f.args([]string{"ZADD", key})
		for _, p := range pairs {
			args = append(args, rconv.DoubleString(p.Score), p.Member)
		}
		c.Propagate(d.idx, args...)
	}
	done(&c)
	return res, err
}

// ZAdd adds members or updates their scores (ZADD) and returns the number
// added (with CH: added or updated). A nil args is a plain ZADD.
func (d *DB) ZAdd(key string, args *ZAddArgs, members ...Z) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	f := args.flags()
	res, err := d.zaddTyped(key, f, members)
	if err != nil {
		return 0, err
	}
	if f.ch {
		return res.added + res.updated, nil
	}
	return res.added, nil
}

// ZAddIncr is ZADD ... INCR: it adds increment to member's score (0 when
// absent) subject to args and returns the new score; Nil when NX, XX, GT
// or LT blocked the change.
func (d *DB) ZAddIncr(key string, args *ZAddArgs, increment float64, member string) (float64, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	f := args.flags()
	f.incr = true
	res, err := d.zaddTyped(key, f, []Z{{Score: increment, Member: member}})
	if err != nil {
		return 0, err
	}
	if !res.processed {
		return 0, Nil
	}
	return res.score, nil
}

// ZIncrBy adds increment to member's score (ZINCRBY), creating the member
// (and the key) with that score when absent, and returns the new score.
func (d *DB) ZIncrBy(key string, increment float64, member string) (float64, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.ZAddIncr(key, nil, increment, member)
}

// ZScore returns member's score (ZSCORE), or Nil.
func (d *DB) ZScore(key, member string) (float64, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	z, err := zsetRead(&c, d.idx, key)
	var s float64
	ok := false
	if z != nil {
		s, ok = z.Score(member)
	}
	done(&c)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, Nil
	}
	return s, nil
}

// ZMScore returns the scores of members (ZMSCORE). A member that is not
// in the set (or a missing key) gets NaN, which no score can be.
func (d *DB) ZMScore(key string, members ...string) ([]float64, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	z, err := zsetRead(&c, d.idx, key)
	out := make([]float64, len(members))
	for i, m := range members {
		out[i] = math.NaN()
		if z != nil {
			if s, ok := z.Score(m); ok {
				out[i] = s
			}
		}
	}
	done(&c)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ZCard returns the number of members (ZCARD); 0 for a missing key.
func (d *DB) ZCard(key string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	z, err := zsetRead(&c, d.idx, key)
	n := 0
	if z != nil {
		n = z.Len()
	}
	done(&c)
	return n, err
}

// parseScoreRange parses ZRANGEBYSCORE-style bounds.
func parseScoreRange(min, max string) (types.ScoreRange, error) {
	var r types.ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = rconv.ParseScoreBound([]byte(min))
	r.Max, r.MaxEx, ok2 = rconv.ParseScoreBound([]byte(max))
	if !ok1 || !ok2 {
		return r, errZScoreRange
	}
	return r, nil
}

// parseLexRange parses ZRANGEBYLEX-style bounds. The bound strings alias
// min and max.
func parseLexRange(min, max string) (types.LexRange, error) {
	var r types.LexRange
	v1, k1, ok1 := rconv.ParseLexBound([]byte(min))
	v2, k2, ok2 := rconv.ParseLexBound([]byte(max))
	if !ok1 || !ok2 {
		return r, errZLexRange
	}
	r.Min, r.MinKind = string(v1), types.LexBoundKind(k1)
	r.Max, r.MaxKind = string(v2), types.LexBoundKind(k2)
	return r, nil
}

func zcountOp(c *keyspace.Ctx, db int, key string, r *types.ScoreRange) (int, error) {
	z, err := zsetRead(c, db, key)
	if z == nil {
		return 0, err
	}
	lo, hi := z.ScoreBounds(r)
	return max(hi-lo, 0), nil
}

func zlexcountOp(c *keyspace.Ctx, db int, key string, r *types.LexRange) (int, error) {
	z, err := zsetRead(c, db, key)
	if z == nil {
		return 0, err
	}
	f := z.LexFirst(r)
	if f < 0 {
		return 0, nil
	}
	if !z.IsListpack() {
		if l := z.LexLast(r); l >= f {
			return l - f + 1, nil
		}
		return z.Len() - f, nil
	}
	n := 0
	z.Ascend(f, func(_ int, m Z) bool {
		if !r.LteMax(m.Member) {
			return false
		}
		n++
		return true
	})
	return n, nil
}

// ZCount counts the members with scores between min and max (ZCOUNT).
// The bounds are written as in Redis: "1.5", "(1.5" (exclusive), "-inf",
// "+inf".
func (d *DB) ZCount(key, min, max string) (int, error) {
	r, err := parseScoreRange(min, max)
	if err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := zcountOp(&c, d.idx, key, &r)
	done(&c)
	return n, err
}

// ZLexCount counts the members between min and max in lexical order
// (ZLEXCOUNT); bounds are "[a" (inclusive), "(a" (exclusive), "-", "+".
func (d *DB) ZLexCount(key, min, max string) (int, error) {
	r, err := parseLexRange(min, max)
	if err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := zlexcountOp(&c, d.idx, key, &r)
	done(&c)
	return n, err
}

// zrangeKind is how a ZRANGE selects members.
type zrangeKind uint8

const (
	zrankRange zrangeKind = iota
	zscoreRange
	zlexRange
)

// zrangeSpec is a parsed ZRANGE.
type zrangeSpec struct {
	kind          zrangeKind
	rev           bool
	start, stop   int64 // rank
	score         types.ScoreRange
	lex           types.LexRange
	offset, limit int64 // LIMIT; limit < 0 means all
}

// zrangeCollect returns the members a ZRANGE selects, in reply order.
func zrangeCollect(z *types.ZSet, sp *zrangeSpec) []Z {
	n := int64(z.Len())
	var out []Z
	switch sp.kind {
	case zrankRange:
		start, end := sp.start, sp.stop
		if start < 0 {
			start += n
		}
		if end < 0 {
			end += n
		}
		if start < 0 {
			start = 0
		}
		if start > end || start >= n {
			return nil
		}
		if end >= n {
			end = n - 1
		}
		out = make([]Z, 0, end-start+1)
		if sp.rev {
			z.Descend(int(n-1-start), func(r int, m Z) bool {
				if int64(r) < n-1-end {
					return false
				}
				out = append(out, m)
				return true
			})
		} else {
			z.Ascend(int(start), func(r int, m Z) bool {
				if int64(r) > end {
					return false
				}
				out = append(out, m)
				return true
			})
		}
		return out
	}
	if sp.offset < 0 || (sp.offset > 0 && sp.offset >= n) {
		return nil
	}
	limit := sp.limit
	emit := func(_ int, m Z) bool {
		if limit == 0 {
			return false
		}
		if sp.kind == zscoreRange {
			if sp.rev && !sp.score.GteMin(m.Score) || !sp.rev && !sp.score.LteMax(m.Score) {
				return false
			}
		} else if sp.rev && !sp.lex.GteMin(m.Member) || !sp.rev && !sp.lex.LteMax(m.Member) {
			return false
		}
		out = append(out, m)
		limit--
		return true
	}
	if sp.kind == zscoreRange {
		lo, hi := z.ScoreBounds(&sp.score)
		if lo >= hi {
			return nil
		}
		if sp.rev {
			if i := hi - 1 - int(sp.offset); i >= 0 {
				z.Descend(i, emit)
			}
		} else if i := lo + int(sp.offset); i < int(n) {
			z.Ascend(i, emit)
		}
		return out
	}
	if sp.rev {
		if l := z.LexLast(&sp.lex); l >= 0 && l-int(sp.offset) >= 0 {
			z.Descend(l-int(sp.offset), emit)
		}
	} else if f := z.LexFirst(&sp.lex); f >= 0 && f+int(sp.offset) < int(n) {
		z.Ascend(f+int(sp.offset), emit)
	}
	return out
}

// zrangeOp runs a ZRANGE on key (nil for a missing key).
func zrangeOp(c *keyspace.Ctx, db int, key string, sp *zrangeSpec) ([]Z, error) {
	z, err := zsetRead(c, db, key)
	if z == nil {
		return nil, err
	}
	return zrangeCollect(z, sp), nil
}

// zrangeStoreOp is ZRANGESTORE: it stores the range of src in dst and
// returns its size; an empty range deletes dst. changed reports whether
// dst was written or deleted.
func zrangeStoreOp(c *keyspace.Ctx, db int, dst, src string, sp *zrangeSpec) (n int, changed bool, err error) {
	z, err := zsetRead(c, db, src)
	if err != nil {
		return 0, false, err
	}
	var items []Z
	hint := 0
	if z != nil {
		items = zrangeCollect(z, sp)
		if sp.kind == zrankRange {
			hint = len(items)
		}
	}
	existed := c.LookupWrite(db, dst) != nil
	var v *types.ZSet
	if len(items) > 0 {
		v = types.NewZSet(hint, 0)
		for _, m := range items {
			v.Insert(m.Member, m.Score)
		}
	}
	storeResult(c, db, dst, keyspace.KindZSet, v, len(items), keyspace.NotifyZSet, "zrangestore")
	return len(items), existed || len(items) > 0, nil
}

// ZRangeArgs select members for ZRangeArgs and ZRangeStore, as ZRANGE's
// arguments do.
type ZRangeArgs struct {
	// Start and Stop are ranks ("0", "-1"), or with ByScore score bounds
	// ("1", "(1", "-inf", "+inf"), or with ByLex lex bounds ("[a", "(a",
	// "-", "+"). With Rev they are given high first, as in Redis.
	Start, Stop string
	// ByScore (BYSCORE): Start and Stop are scores. Default: ranks.
	ByScore bool
	// ByLex (BYLEX): Start and Stop are lex bounds. Default: ranks.
	ByLex bool
	// Rev (REV): descending order. Default: ascending.
	Rev bool
	// Limit (LIMIT offset count): skip Offset members and return at most
	// Count (negative: all); only with ByScore or ByLex. Default: no
	// LIMIT.
	Limit bool
	// Offset and Count are LIMIT's arguments.
	Offset, Count int64
}

func (a *ZRangeArgs) spec() (zrangeSpec, error) {
	sp := zrangeSpec{rev: a.Rev, limit: -1}
	switch {
	case a.ByScore && a.ByLex:
		return sp, ErrSyntax
	case a.ByScore:
		sp.kind = zscoreRange
	case a.ByLex:
		sp.kind = zlexRange
	}
	if a.Limit {
		sp.offset, sp.limit = a.Offset, a.Count
	}
	if sp.limit != -1 && sp.kind == zrankRange { // Redis lets LIMIT x -1 pass
		return sp, errZLimitRank
	}
	lo, hi := a.Start, a.Stop
	if a.Rev && sp.kind != zrankRange {
		lo, hi = hi, lo
	}
	var err error
	switch sp.kind {
	case zrankRange:
		var ok1, ok2 bool
		sp.start, ok1 = parseInt(lo)
		sp.stop, ok2 = parseInt(hi)
		if !ok1 || !ok2 {
			return sp, ErrNotInteger
		}
	case zscoreRange:
		sp.score, err = parseScoreRange(lo, hi)
	case zlexRange:
		sp.lex, err = parseLexRange(lo, hi)
	}
	return sp, err
}

func (d *DB) zrange(key string, sp *zrangeSpec) ([]Z, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	items, err := zrangeOp(&c, d.idx, key, sp)
	done(&c)
	return items, err
}

func zmembers(items []Z) []string {
	out := make([]string, len(items))
	for i, m := range items {
		out[i] = m.Member
	}
	return out
}

// ZRange returns the members of ranks start..stop, inclusive, negative
// ranks counting from the end (ZRANGE key start stop).
func (d *DB) ZRange(key string, start, stop int64) ([]string, error) {
	items, err := d.zrange(key, &zrangeSpec{start: start, stop: stop, limit: -1})
	return zmembers(items), err
}

// ZRangeWithScores is ZRange with the scores (ZRANGE ... WITHSCORES).
func (d *DB) ZRangeWithScores(key string, start, stop int64) ([]Z, error) {
	items, err := d.zrange(key, &zrangeSpec{start: start, stop: stop, limit: -1})
	if items == nil && err == nil {
		items = []Z{}
	}
	return items, err
}

// ZRangeArgs is the general ZRANGE: by rank, score or lex, in either
// direction, with LIMIT.
func (d *DB) ZRangeArgs(key string, a ZRangeArgs) ([]string, error) {
	sp, err := a.spec()
	if err != nil {
		return nil, err
	}
	items, err := d.zrange(key, &sp)
	return zmembers(items), err
}

// ZRangeArgsWithScores is ZRangeArgs with the scores. ByLex is refused,
// as Redis refuses WITHSCORES with BYLEX.
func (d *DB) ZRangeArgsWithScores(key string, a ZRangeArgs) ([]Z, error) {
	sp, err := a.spec()
	if err != nil {
		return nil, err
	}
	if sp.kind == zlexRange {
		return nil, errZWithScoresLex
	}
	items, err := d.zrange(key, &sp)
	if items == nil && err == nil {
		items = []Z{}
	}
	return items, err
}

// ZRangeStore stores the range of src that a selects in dst (ZRANGESTORE)
// and returns its size; an empty range deletes dst.
func (d *DB) ZRangeStore(dst, src string, a ZRangeArgs) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	sp, err := a.spec()
	if err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, dst, src)
	n, changed, err := zrangeStoreOp(&c, d.idx, dst, src, &sp)
	if changed && c.Journaling() {
		c.Propagate(d.idx, zrangeStoreArgs(dst, src, &a)...)
	}
	done(&c)
	return n, err
}

func zrangeStoreArgs(dst, src string, a *ZRangeArgs) []string {
	args := []string{"ZRANGESTORE", dst, src, a.Start, a.Stop}
	if a.ByScore {
		args = append(args, "BYSCORE")
	}
	if a.ByLex {
		args = append(args, "BYLEX")
	}
	if a.Rev {
		args = append(args, "REV")
	}
	if a.Limit {
		args = append(args, "LIMIT", strconv.FormatInt(a.Offset, 10), strconv.FormatInt(a.Count, 10))
	}
	return args
}

func zrankOp(c *keyspace.Ctx, db int, key, member string, rev bool) (rank int64, score float64, found bool, err error) {
	z, err := zsetRead(c, db, key)
	if z == nil {
		return 0, 0, false, err
	}
	r, s, ok := z.Rank(member)
	if !ok {
		return 0, 0, false, nil
	}
	if rev {
		r = z.Len() - 1 - r
	}
	return int64(r), s, true, nil
}

func (d *DB) zrank(key, member string, rev bool) (int64, float64, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	r, s, ok, err := zrankOp(&c, d.idx, key, member, rev)
	done(&c)
	if err != nil {
		return 0, 0, err
	}
	if !ok {
		return 0, 0, Nil
	}
	return r, s, nil
}

// ZRank returns member's rank in ascending order (ZRANK), or Nil.
func (d *DB) ZRank(key, member string) (int64, error) {
	r, _, err := d.zrank(key, member, false)
	return r, err
}

// ZRevRank returns member's rank in descending order (ZREVRANK), or Nil.
func (d *DB) ZRevRank(key, member string) (int64, error) {
	r, _, err := d.zrank(key, member, true)
	return r, err
}

// ZRankWithScore returns member's ascending rank and its score (ZRANK ...
// WITHSCORE), or Nil.
func (d *DB) ZRankWithScore(key, member string) (int64, float64, error) {
	return d.zrank(key, member, false)
}

// ZRevRankWithScore returns member's descending rank and its score
// (ZREVRANK ... WITHSCORE), or Nil.
func (d *DB) ZRevRankWithScore(key, member string) (int64, float64, error) {
	return d.zrank(key, member, true)
}

// zremOp removes members; it returns how many were there.
func zremOp(c *keyspace.Ctx, db int, key string, members []string) (int, error) {
	e, z, err := zsetWrite(c, db, key)
	if z == nil {
		return 0, err
	}
	n := 0
	for _, m := range members {
		if z.Delete(m) {
			n++
		}
		if z.Len() == 0 {
			break
		}
	}
	if n > 0 {
		c.Notify(db, keyspace.NotifyZSet, "zrem", key)
		dropIfEmpty(c, db, e, z.Len())
		c.Touch(db, key)
	}
	return n, nil
}

// ZRem removes members (ZREM) and returns how many were there.
func (d *DB) ZRem(key string, members ...string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := zremOp(&c, d.idx, key, members)
	if n > 0 && c.Journaling() {
		c.Propagate(d.idx, append([]string{"ZREM", key}, members...)...)
	}
	done(&c)
	return n, err
}

// zremRangeOp is ZREMRANGEBYRANK/BYSCORE/BYLEX; sp.kind picks which.
func zremRangeOp(c *keyspace.Ctx, db int, key string, sp *zrangeSpec) (int, error) {
	e, z, err := zsetWrite(c, db, key)
	if z == nil {
		return 0, err
	}
	n := 0
	var event string
	switch sp.kind {
	case zrankRange:
		event = "zremrangebyrank"
		llen := int64(z.Len())
		start, end := sp.start, sp.stop
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		if start < 0 {
			start = 0
		}
		if start > end || start >= llen {
			return 0, nil
		}
		if end >= llen {
			end = llen - 1
		}
		n = z.DeleteRange(int(start), int(end)+1)
	case zscoreRange:
		event = "zremrangebyscore"
		if lo, hi := z.ScoreBounds(&sp.score); hi > lo {
			n = z.DeleteRange(lo, hi)
		}
	case zlexRange:
		event = "zremrangebylex"
		if s := z.LexStart(&sp.lex); s >= 0 {
			end := s
			z.Ascend(s, func(i int, m Z) bool {
				if !sp.lex.LteMax(m.Member) {
					return false
				}
				end = i + 1
				return true
			})
			n = z.DeleteRange(s, end)
		}
	}
	if n > 0 {
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyZSet, event, key)
		dropIfEmpty(c, db, e, z.Len())
	}
	return n, nil
}

func (d *DB) zremRange(key string, sp *zrangeSpec, journal ...string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := zremRangeOp(&c, d.idx, key, sp)
	if n > 0 && c.Journaling() {
		c.Propagate(d.idx, journal...)
	}
	done(&c)
	return n, err
}

// ZRemRangeByRank removes the members of ranks start..stop
// (ZREMRANGEBYRANK) and returns how many it removed.
func (d *DB) ZRemRangeByRank(key string, start, stop int64) (int, error) {
	return d.zremRange(key, &zrangeSpec{kind: zrankRange, start: start, stop: stop},
		"ZREMRANGEBYRANK", key, strconv.FormatInt(start, 10), strconv.FormatInt(stop, 10))
}

// ZRemRangeByScore removes the members with scores between min and max
// (ZREMRANGEBYSCORE; bounds as in ZCount).
func (d *DB) ZRemRangeByScore(key, min, max string) (int, error) {
	r, err := parseScoreRange(min, max)
	if err != nil {
		return 0, err
	}
	return d.zremRange(key, &zrangeSpec{kind: zscoreRange, score: r}, "ZREMRANGEBYSCORE", key, min, max)
}

// ZRemRangeByLex removes the members between min and max in lexical order
// (ZREMRANGEBYLEX; bounds as in ZLexCount).
func (d *DB) ZRemRangeByLex(key, min, max string) (int, error) {
	r, err := parseLexRange(min, max)
	if err != nil {
		return 0, err
	}
	return d.zremRange(key, &zrangeSpec{kind: zlexRange, lex: r}, "ZREMRANGEBYLEX", key, min, max)
}

// zpopOp pops up to count members (at least one) from the lowest (or
// highest) end of the non-empty sorted set in e, firing events and
// journaling ZPOPMIN/ZPOPMAX key [count] (count < 0: the single-pop form).
func zpopOp(c *keyspace.Ctx, db int, e *keyspace.Entry, high bool, count int64) []Z {
	z := objOf[*types.ZSet](e)
	key := e.Key()
	n := int64(z.Len())
	k := count
	if k < 0 {
		k = 1
	}
	k = min(k, n)
	out := make([]Z, 0, k)
	if high {
		z.Descend(int(n-1), func(r int, m Z) bool {
			if int64(len(out)) == k {
				return false
			}
			out = append(out, m)
			return true
		})
		z.DeleteRange(int(n-k), int(n))
	} else {
		z.Ascend(0, func(r int, m Z) bool {
			if int64(len(out)) == k {
				return false
			}
			out = append(out, m)
			return true
		})
		z.DeleteRange(0, int(k))
	}
	event, cmd := "zpopmin", "ZPOPMIN"
	if high {
		event, cmd = "zpopmax", "ZPOPMAX"
	}
	c.Notify(db, keyspace.NotifyZSet, event, key)
	if c.Journaling() {
		if count < 0 {
			c.Propagate(db, cmd, strings.Clone(key))
		} else {
			c.Propagate(db, cmd, strings.Clone(key), strconv.FormatInt(k, 10))
		}
	}
	dropIfEmpty(c, db, e, z.Len())
	c.Touch(db, key)
	return out
}

// zpopFirst finds the first of keys that holds a sorted set (WRONGTYPE
// stops the search at the first key of another type).
func zpopFirst(c *keyspace.Ctx, db int, keys []string) (*keyspace.Entry, error) {
	for _, k := range keys {
		e, err := lookupKindWrite(c, db, k, keyspace.KindZSet)
		if err != nil {
			return nil, err
		}
		if e != nil {
			return e, nil
		}
	}
	return nil, nil
}

func (d *DB) zpop(key string, high bool, count int) ([]Z, error) {
	if count < 0 {
		return nil, errZPositive
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	e, err := zpopFirst(&c, d.idx, []string{key})
	var out []Z
	if e != nil && count > 0 {
		out = zpopOp(&c, d.idx, e, high, int64(count))
	}
	done(&c)
	if out == nil && err == nil {
		out = []Z{}
	}
	return out, err
}

// ZPopMin removes and returns up to count members with the lowest scores
// (ZPOPMIN key count).
func (d *DB) ZPopMin(key string, count int) ([]Z, error) { return d.zpop(key, false, count) }

// ZPopMax removes and returns up to count members with the highest scores
// (ZPOPMAX key count).
func (d *DB) ZPopMax(key string, count int) ([]Z, error) { return d.zpop(key, true, count) }

// zparseOrder parses MIN|MAX; it reports high for MAX.
func zparseOrder(s string) (high, ok bool) {
	switch {
	case strings.EqualFold(s, "min"):
		return false, true
	case strings.EqualFold(s, "max"):
		return true, true
	}
	return false, false
}

// ZMPop pops up to count members from the first non-empty sorted set of
// keys (ZMPOP numkeys key... MIN|MAX COUNT count), at the low end when
// order is "MIN" and the high end when it is "MAX". It returns the key and
// the members, or Nil when every key is empty.
func (d *DB) ZMPop(order string, count int, keys ...string) (string, []Z, error) {
	high, ok := zparseOrder(order)
	switch {
	case len(keys) == 0:
		return "", nil, errZNumKeys
	case !ok:
		return "", nil, ErrSyntax
	case count < 1:
		return "", nil, errZCount
	}
	var c keyspace.Ctx
	d.unit(&c, keys...)
	e, err := zpopFirst(&c, d.idx, keys)
	var key string
	var out []Z
	if e != nil {
		key = e.Key()
		out = zpopOp(&c, d.idx, e, high, int64(count))
	}
	done(&c)
	if err != nil {
		return "", nil, err
	}
	if e == nil {
		return "", nil, Nil
	}
	return key, out, nil
}

// zblock runs try with keys locked until it serves the call, the timeout
// passes (0: never) or ctx is done, waiting like a blocked client (first
// come, first served) in between. try reports whether it served; it may
// leave effects on c. zblock returns Nil on timeout and ctx's error when
// ctx ended the wait.
func (d *DB) zblock(ctx context.Context, timeout time.Duration, keys []string, try func(c *keyspace.Ctx) (bool, error)) error {
	if ctx == nil {
		ctx = context.Background()
	}
	var c keyspace.Ctx
	d.unit(&c, keys...)
	ok, err := try(&c)
	if ok || err != nil {
		done(&c)
		return err
	}
	if err := ctx.Err(); err != nil {
		done(&c)
		return err
	}
	w := keyspace.NewWaiter()
	for _, k := range keys {
		c.Block(w, d.idx, k)
	}
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	var stopErr error
	for {
		c.Unlock()
		if !w.Wait(timer, ctx.Done(), nil) {
			stopErr = Nil // timed out
			if err := ctx.Err(); err != nil {
				stopErr = err
			}
		}
		c.SetNow(0)
		c.Lock(keys...)
		if stopErr != nil {
			break
		}
		if zanySet(&c, d.idx, keys) {
			if ok, err = try(&c); ok || err != nil {
				break
			}
		}
	}
	c.UnblockLocked(w)
	for _, k := range keys {
		c.SignalReady(d.idx, k)
	}
	done(&c)
	if ok || err != nil {
		return err
	}
	return stopErr
}

// zanySet reports whether one of keys holds a sorted set: Redis wakes a
// client blocked on sorted sets only for such a key.
func zanySet(c *keyspace.Ctx, db int, keys []string) bool {
	for _, k := range keys {
		if e := c.Peek(db, k); e != nil && e.Kind() == keyspace.KindZSet {
			return true
		}
	}
	return false
}

func (d *DB) bzpop(ctx context.Context, timeout time.Duration, high bool, count int64, keys []string) (string, []Z, error) {
	if len(keys) == 0 {
		name := "bzpopmin"
		if high {
			name = "bzpopmax"
		}
		return "", nil, errWrongArgs(name)
	}
	var key string
	var out []Z
	err := d.zblock(ctx, timeout, keys, func(c *keyspace.Ctx) (bool, error) {
		e, err := zpopFirst(c, d.idx, keys)
		if e == nil || err != nil {
			return false, err
		}
		key = strings.Clone(e.Key())
		out = zpopOp(c, d.idx, e, high, count)
		return true, nil
	})
	return key, out, err
}

// BZPopMin pops the lowest-scored member of the first non-empty sorted set
// among keys, waiting up to timeout (0: until ctx is done) for one to get
// members (BZPOPMIN). It returns the key and the member; Nil on timeout,
// ctx.Err() when ctx ends the wait.
func (d *DB) BZPopMin(ctx context.Context, timeout time.Duration, keys ...string) (string, Z, error) {
	key, out, err := d.bzpop(ctx, timeout, false, -1, keys)
	if err != nil {
		return "", Z{}, err
	}
	return key, out[0], nil
}

// BZPopMax is BZPopMin at the high end (BZPOPMAX).
func (d *DB) BZPopMax(ctx context.Context, timeout time.Duration, keys ...string) (string, Z, error) {
	key, out, err := d.bzpop(ctx, timeout, true, -1, keys)
	if err != nil {
		return "", Z{}, err
	}
	return key, out[0], nil
}

// BZMPop is ZMPop that waits up to timeout (0: until ctx is done) for one
// of keys to get members (BZMPOP). It returns Nil on timeout and
// ctx.Err() when ctx ends the wait.
func (d *DB) BZMPop(ctx context.Context, timeout time.Duration, order string, count int, keys ...string) (string, []Z, error) {
	high, ok := zparseOrder(order)
	switch {
	case len(keys) == 0:
		return "", nil, errZNumKeys
	case !ok:
		return "", nil, ErrSyntax
	case count < 1:
		return "", nil, errZCount
	}
	return d.bzpop(ctx, timeout, high, int64(count), keys)
}

// ---------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD.

// zsetLike is what a set value offers as a source of ZUNION and friends
// (members score 1).
type zsetLike interface {
	Len() int
	Has(m string) bool
	Range(fn func(m string) bool)
}

// zsrc is one input of a set operation.
type zsrc struct {
	z      *types.ZSet
	s      zsetLike
	weight float64
}

func (s *zsrc) len() int {
	switch {
	case s.z != nil:
		return s.z.Len()
	case s.s != nil:
		return s.s.Len()
	}
	return 0
}

func (s *zsrc) find(m string) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.Score(m)
	case s.s != nil:
		return 1, s.s.Has(m)
	}
	return 0, false
}

// each visits the members: a sorted set from its highest member down (as
// Redis iterates), a set in its own order.
func (s *zsrc) each(fn func(m Z) bool) {
	switch {
	case s.z != nil:
		s.z.Descend(s.z.Len()-1, func(_ int, m Z) bool { return fn(m) })
	case s.s != nil:
		s.s.Range(func(m string) bool { return fn(Z{Score: 1, Member: m}) })
	}
}

// zsrcs looks the input keys up (reads), in order; a key of another type
// than set or sorted set is WRONGTYPE.
func zsrcs(c *keyspace.Ctx, db int, keys []string) ([]zsrc, error) {
	out := make([]zsrc, len(keys))
	for i, k := range keys {
		out[i].weight = 1
		e := c.Lookup(db, k)
		if e == nil {
			continue
		}
		switch e.Kind() {
		case keyspace.KindZSet:
			out[i].z = objOf[*types.ZSet](e)
		case keyspace.KindSet:
			s, ok := e.Obj().(zsetLike)
			if !ok {
				return nil, ErrWrongType
			}
			out[i].s = s
		default:
			return nil, ErrWrongType
		}
	}
	return out, nil
}

// zsetOp is the operation of ZUNION, ZINTER, ZDIFF and friends.
type zsetOp uint8

const (
	zopUnion zsetOp = iota
	zopInter
	zopDiff
)

// zaggregate is AGGREGATE SUM|MIN|MAX.
type zaggregate uint8

const (
	zaggSum zaggregate = iota
	zaggMin
	zaggMax
)

func (a zaggregate) apply(t *float64, v float64) {
	switch a {
	case zaggSum:
		*t += v
		// +inf + -inf is NaN; Redis makes it 0
		if math.IsNaN(*t) {
			*t = 0
		}
	case zaggMin:
		if v < *t {
			*t = v
		}
	case zaggMax:
		if v > *t {
			*t = v
		}
	}
}

func zweighted(w, s float64) float64 {
	v := w * s
	if math.IsNaN(v) {
		return 0 // 0 * inf
	}
	return v
}

// zcompute runs the set operation over srcs and returns the result sorted
// by (score, member). With cardOnly (ZINTERCARD) it only counts, stopping
// at limit (0: no limit).
func zcompute(srcs []zsrc, op zsetOp, agg zaggregate, cardOnly bool, limit int) ([]Z, int) {
	if op != zopDiff {
		// smallest first, as Redis sorts its inputs
		slices.SortStableFunc(srcs, func(a, b zsrc) int { return cmp.Compare(a.len(), b.len()) })
	}
	var out []Z
	card := 0
	switch op {
	case zopInter:
		if srcs[0].len() == 0 {
			break
		}
		srcs[0].each(func(m Z) bool {
			score := zweighted(srcs[0].weight, m.Score)
			for j := 1; j < len(srcs); j++ {
				v, ok := srcs[j].find(m.Member)
				if !ok {
					return true
				}
				agg.apply(&score, zweighted(srcs[j].weight, v))
			}
			if cardOnly {
				card++
				return limit == 0 || card < limit
			}
			out = append(out, Z{Score: score, Member: m.Member})
			return true
		})
	case zopUnion:
		acc := make(map[string]float64)
		var order []string
		for i := range srcs {
			srcs[i].each(func(m Z) bool {
				v := zweighted(srcs[i].weight, m.Score)
				if cur, ok := acc[m.Member]; ok {
					agg.apply(&cur, v)
					acc[m.Member] = cur
				} else {
					acc[m.Member] = v
					order = append(order, m.Member)
				}
				return true
			})
		}
		out = make([]Z, 0, len(order))
		for _, m := range order {
			out = append(out, Z{Score: acc[m], Member: m})
		}
	case zopDiff:
		if srcs[0].len() == 0 {
			break
		}
		srcs[0].each(func(m Z) bool {
			for j := 1; j < len(srcs); j++ {
				if _, ok := srcs[j].find(m.Member); ok {
					return true
				}
			}
			out = append(out, m)
			return true
		})
	}
	slices.SortFunc(out, func(a, b Z) int {
		if c := cmp.Compare(a.Score, b.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Member, b.Member)
	})
	return out, card
}

// ZStoreArgs are the options of ZUNION, ZINTER and their STORE forms.
type ZStoreArgs struct {
	// Weights (WEIGHTS w...): one multiplier per input key. Default: all
	// 1.
	Weights []float64
	// Aggregate (AGGREGATE SUM|MIN|MAX): how scores of the same member
	// combine. Default: "SUM".
	Aggregate string
}

func (a *ZStoreArgs) parse(nkeys int) ([]float64, zaggregate, error) {
	if a == nil {
		return nil, zaggSum, nil
	}
	agg := zaggSum
	switch {
	case a.Aggregate == "" || strings.EqualFold(a.Aggregate, "sum"):
	case strings.EqualFold(a.Aggregate, "min"):
		agg = zaggMin
	case strings.EqualFold(a.Aggregate, "max"):
		agg = zaggMax
	default:
		return nil, 0, ErrSyntax
	}
	if a.Weights != nil && len(a.Weights) != nkeys {
		return nil, 0, ErrSyntax
	}
	for _, w := range a.Weights {
		if math.IsNaN(w) {
			return nil, 0, errZWeight
		}
	}
	return a.Weights, agg, nil
}

func (a *ZStoreArgs) journal(args []string) []string {
	if a == nil {
		return args
	}
	if a.Weights != nil {
		args = append(args, "WEIGHTS")
		for _, w := range a.Weights {
			args = append(args, rconv.DoubleString(w))
		}
	}
	if a.Aggregate != "" {
		args = append(args, "AGGREGATE", strings.ToUpper(a.Aggregate))
	}
	return args
}

// zsetOpRun looks the keys up and computes the operation.
func zsetOpRun(c *keyspace.Ctx, db int, keys []string, op zsetOp, weights []float64, agg zaggregate) ([]Z, error) {
	srcs, err := zsrcs(c, db, keys)
	if err != nil {
		return nil, err
	}
	for i, w := range weights {
		srcs[i].weight = w
	}
	out, _ := zcompute(srcs, op, agg, false, 0)
	return out, nil
}

// zstoreEvents names the *STORE events.
var zstoreEvents = [...]string{zopUnion: "zunionstore", zopInter: "zinterstore", zopDiff: "zdiffstore"}

// zsetStoreOp stores the result in dst; an empty result deletes dst.
// changed reports whether dst was written or deleted.
func zsetStoreOp(c *keyspace.Ctx, db int, dst string, items []Z, op zsetOp) (changed bool) {
	existed := c.LookupWrite(db, dst) != nil
	var v *types.ZSet
	if len(items) > 0 {
		v = types.NewZSetFromSorted(items)
	}
	storeResult(c, db, dst, keyspace.KindZSet, v, len(items), keyspace.NotifyZSet, zstoreEvents[op])
	return existed || len(items) > 0
}

func (d *DB) zsetOp(keys []string, op zsetOp, args *ZStoreArgs) ([]Z, error) {
	if len(keys) == 0 {
		return nil, errZAtLeastOneKey([...]string{"zunion", "zinter", "zdiff"}[op])
	}
	weights, agg, err := args.parse(len(keys))
	if err != nil {
		return nil, err
	}
	var c keyspace.Ctx
	d.unit(&c, keys...)
	out, err := zsetOpRun(&c, d.idx, keys, op, weights, agg)
	done(&c)
	if out == nil && err == nil {
		out = []Z{}
	}
	return out, err
}

func (d *DB) zsetOpStore(dst string, keys []string, op zsetOp, args *ZStoreArgs) (int, error) {
	name := [...]string{"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}[op]
	if len(keys) == 0 {
		return 0, errZAtLeastOneKey(strings.ToLower(name))
	}
	weights, agg, err := args.parse(len(keys))
	if err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, append([]string{dst}, keys...)...)
	out, err := zsetOpRun(&c, d.idx, keys, op, weights, agg)
	if err == nil && zsetStoreOp(&c, d.idx, dst, out, op) && c.Journaling() {
		jargs := append([]string{name, dst, strconv.Itoa(len(keys))}, keys...)
		c.Propagate(d.idx, args.journal(jargs)...)
	}
	done(&c)
	return len(out), err
}

// ZUnion returns the union of the sorted sets (or sets, members scoring 1)
// at keys (ZUNION); missing keys are empty.
func (d *DB) ZUnion(keys []string, args *ZStoreArgs) ([]string, error) {
	out, err := d.zsetOp(keys, zopUnion, args)
	return zmembers(out), err
}

// ZUnionWithScores is ZUnion with the combined scores (ZUNION ...
// WITHSCORES).
func (d *DB) ZUnionWithScores(keys []string, args *ZStoreArgs) ([]Z, error) {
	return d.zsetOp(keys, zopUnion, args)
}

// ZUnionStore stores the union in dst (ZUNIONSTORE) and returns its size;
// an empty result deletes dst.
func (d *DB) ZUnionStore(dst string, keys []string, args *ZStoreArgs) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.zsetOpStore(dst, keys, zopUnion, args)
}

// ZInter returns the members present in every input (ZINTER).
func (d *DB) ZInter(keys []string, args *ZStoreArgs) ([]string, error) {
	out, err := d.zsetOp(keys, zopInter, args)
	return zmembers(out), err
}

// ZInterWithScores is ZInter with the combined scores.
func (d *DB) ZInterWithScores(keys []string, args *ZStoreArgs) ([]Z, error) {
	return d.zsetOp(keys, zopInter, args)
}

// ZInterStore stores the intersection in dst (ZINTERSTORE) and returns its
// size; an empty result deletes dst.
func (d *DB) ZInterStore(dst string, keys []string, args *ZStoreArgs) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.zsetOpStore(dst, keys, zopInter, args)
}

// ZDiff returns the members of the first input that are in no other
// (ZDIFF).
func (d *DB) ZDiff(keys ...string) ([]string, error) {
	out, err := d.zsetOp(keys, zopDiff, nil)
	return zmembers(out), err
}

// ZDiffWithScores is ZDiff with the first input's scores.
func (d *DB) ZDiffWithScores(keys ...string) ([]Z, error) {
	return d.zsetOp(keys, zopDiff, nil)
}

// ZDiffStore stores the difference in dst (ZDIFFSTORE) and returns its
// size; an empty result deletes dst.
func (d *DB) ZDiffStore(dst string, keys ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.zsetOpStore(dst, keys, zopDiff, nil)
}

// zinterCardOp counts the intersection, stopping at limit (0: none).
func zinterCardOp(c *keyspace.Ctx, db int, keys []string, limit int) (int, error) {
	srcs, err := zsrcs(c, db, keys)
	if err != nil {
		return 0, err
	}
	_, n := zcompute(srcs, zopInter, zaggSum, true, limit)
	return n, nil
}

// ZInterCard returns the size of the intersection (ZINTERCARD), counting
// no further than limit when limit > 0.
func (d *DB) ZInterCard(limit int, keys ...string) (int, error) {
	if len(keys) == 0 {
		return 0, errZAtLeastOneKey("zintercard")
	}
	if limit < 0 {
		return 0, errZInterCardLimit
	}
	var c keyspace.Ctx
	d.unit(&c, keys...)
	n, err := zinterCardOp(&c, d.idx, keys, limit)
	done(&c)
	return n, err
}

// ---------------------------------------------------------------------
// ZRANDMEMBER and ZSCAN.

// zrandOp picks members as ZRANDMEMBER key count does: count >= 0
// distinct members (all of them, from the highest down, when count >= the
// size; in rank order for a listpack set), count < 0 -count members that
// may repeat. A missing key gives nil.
func zrandOp(c *keyspace.Ctx, db int, key string, count int64) ([]Z, error) {
	z, err := zsetRead(c, db, key)
	if z == nil || err != nil || count == 0 {
		return nil, err
	}
	n := z.Len()
	if count < 0 {
		ranks := make([]int, -count)
		for i := range ranks {
			ranks[i] = rand.IntN(n)
		}
		return z.AtRanks(ranks), nil
	}
	if count == 1 {
		return []Z{z.At(rand.IntN(n))}, nil
	}
	if count >= int64(n) {
		out := make([]Z, 0, n)
		z.Descend(n-1, func(_ int, m Z) bool { out = append(out, m); return true })
		return out, nil
	}
	k := int(count)
	var ranks []int
	if k*3 > n {
		// drop random members until k remain
		ranks = make([]int, n)
		for i := range ranks {
			ranks[i] = i
		}
		rand.Shuffle(n, func(i, j int) { ranks[i], ranks[j] = ranks[j], ranks[i] })
		ranks = ranks[:k]
	} else {
		seen := make(map[int]struct{}, k)
		for len(ranks) < k {
			r := rand.IntN(n)
			if _, dup := seen[r]; !dup {
				seen[r] = struct{}{}
				ranks = append(ranks, r)
			}
		}
	}
	if z.IsListpack() {
		slices.Sort(ranks) // a listpack sample comes out in order
	}
	return z.AtRanks(ranks), nil
}

// ZRandMember returns a random member (ZRANDMEMBER key), or Nil for a
// missing key.
func (d *DB) ZRandMember(key string) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	out, err := zrandOp(&c, d.idx, key, 1)
	done(&c)
	if err != nil {
		return "", err
	}
	if len(out) == 0 {
		return "", Nil
	}
	return out[0].Member, nil
}

// ZRandMemberN returns count distinct random members, or with a negative
// count -count members that may repeat (ZRANDMEMBER key count).
func (d *DB) ZRandMemberN(key string, count int) ([]string, error) {
	out, err := d.ZRandMemberWithScores(key, count)
	return zmembers(out), err
}

// ZRandMemberWithScores is ZRandMemberN with the scores (ZRANDMEMBER key
// count WITHSCORES).
func (d *DB) ZRandMemberWithScores(key string, count int) ([]Z, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	out, err := zrandOp(&c, d.idx, key, int64(count))
	done(&c)
	if out == nil && err == nil {
		out = []Z{}
	}
	return out, err
}

// zscanOp is ZSCAN after parsing. listpack reports the encoding, which
// decides how the scores are printed.
func zscanOp(c *keyspace.Ctx, db int, key string, cursor uint64, a *ScanArgs) (items []Z, next uint64, listpack bool, err error) {
	z, err := zsetRead(c, db, key)
	if z == nil {
		return nil, 0, false, err
	}
	next = z.Scan(cursor, a.Count, a.keep(), func(m Z) { items = append(items, m) })
	return items, next, z.IsListpack(), nil
}

// ZScan returns some members from cursor on with their scores, and the
// cursor to continue with (0 when done) (ZSCAN). A member present for the
// whole iteration is returned at least once. args.Type is ignored.
func (d *DB) ZScan(key string, cursor uint64, args *ScanArgs) ([]Z, uint64, error) {
	a := ScanArgs{Count: 10}
	if args != nil {
		a = *args
		if a.Count <= 0 {
			a.Count = 10
		}
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	items, next, _, err := zscanOp(&c, d.idx, key, cursor, &a)
	done(&c)
	if items == nil && err == nil {
		items = []Z{}
	}
	return items, next, err
}

// ZRevRange returns the members ranked start..stop from the highest score
// down (ZREVRANGE).
func (d *DB) ZRevRange(key string, start, stop int64) ([]string, error) {
	return d.ZRangeArgs(key, ZRangeArgs{Start: strconv.FormatInt(start, 10), Stop: strconv.FormatInt(stop, 10), Rev: true})
}

// ZRevRangeWithScores is ZREVRANGE ... WITHSCORES.
func (d *DB) ZRevRangeWithScores(key string, start, stop int64) ([]Z, error) {
	return d.ZRangeArgsWithScores(key, ZRangeArgs{Start: strconv.FormatInt(start, 10), Stop: strconv.FormatInt(stop, 10), Rev: true})
}
