package embedis

import (
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/rconv"
)

func init() {
	const g = "sorted-set"
	const rw = flagWrite | flagDenyOOM
	const ro = flagReadonly
	reg := func(name string, arity, first, last int, flags cmdFlag, run func(*Exec)) {
		register(&Command{Name: name, Arity: arity, FirstKey: first, LastKey: last, Group: g, flags: flags, run: run})
	}
	movable := func(name string, arity, first, last int, flags cmdFlag, keys func([][]byte) []int, run func(*Exec)) {
		register(&Command{Name: name, Arity: arity, FirstKey: first, LastKey: last, Group: g,
			flags: flags | flagMovableKeys, keys: keys, run: run})
	}
	reg("zadd", -4, 1, 1, rw|flagFast, cmdZAdd)
	reg("zincrby", 4, 1, 1, rw|flagFast, cmdZAdd)
	reg("zrem", -3, 1, 1, flagWrite|flagFast, cmdZRem)
	reg("zremrangebyscore", 4, 1, 1, flagWrite, cmdZRemRange)
	reg("zremrangebyrank", 4, 1, 1, flagWrite, cmdZRemRange)
	reg("zremrangebylex", 4, 1, 1, flagWrite, cmdZRemRange)
	reg("zcard", 2, 1, 1, ro|flagFast, cmdZCard)
	reg("zscore", 3, 1, 1, ro|flagFast, cmdZScore)
	reg("zmscore", -3, 1, 1, ro|flagFast, cmdZMScore)
	reg("zcount", 4, 1, 1, ro|flagFast, cmdZCount)
	reg("zlexcount", 4, 1, 1, ro|flagFast, cmdZLexCount)
	reg("zrange", -4, 1, 1, ro, cmdZRange)
	reg("zrangestore", -5, 1, 2, rw, cmdZRange)
	reg("zrevrange", -4, 1, 1, ro, cmdZRange)
	reg("zrangebyscore", -4, 1, 1, ro, cmdZRange)
	reg("zrevrangebyscore", -4, 1, 1, ro, cmdZRange)
	reg("zrangebylex", -4, 1, 1, ro, cmdZRange)
	reg("zrevrangebylex", -4, 1, 1, ro, cmdZRange)
	reg("zrank", -3, 1, 1, ro|flagFast, cmdZRank)
	reg("zrevrank", -3, 1, 1, ro|flagFast, cmdZRank)
	reg("zpopmin", -2, 1, 1, flagWrite|flagFast, cmdZPop)
	reg("zpopmax", -2, 1, 1, flagWrite|flagFast, cmdZPop)
	reg("bzpopmin", -3, 1, -2, flagWrite|flagNoScript|flagBlocking|flagFast, cmdBZPop)
	reg("bzpopmax", -3, 1, -2, flagWrite|flagNoScript|flagBlocking|flagFast, cmdBZPop)
	movable("zmpop", -4, 0, 0, flagWrite, zkeysNumkeys(1, false), cmdZMPop)
	movable("bzmpop", -5, 0, 0, flagWrite|flagBlocking, zkeysNumkeys(2, false), cmdZMPop)
	reg("zrandmember", -2, 1, 1, ro, cmdZRandMember)
	reg("zscan", -3, 1, 1, ro, cmdZScan)
	for _, n := range []string{"zunion", "zinter", "zdiff", "zintercard"} {
		movable(n, -3, 0, 0, ro, zkeysNumkeys(1, false), cmdZSetOp)
	}
	for _, n := range []string{"zunionstore", "zinterstore", "zdiffstore"} {
		movable(n, -4, 1, 1, rw, zkeysNumkeys(2, true), cmdZSetOp)
	}
}

// zkeysNumkeys returns the key positions of a command with "numkeys
// key..." at numIdx (and a destination key at 1 when dst): as many keys
// as numkeys says and the arguments hold, none for an invalid numkeys
// (the handler then fails before touching a key).
func zkeysNumkeys(numIdx int, dst bool) func(args [][]byte) []int {
	return func(args [][]byte) []int {
		var out []int
		if dst && len(args) > 1 {
			out = append(out, 1)
		}
		if len(args) <= numIdx {
			return out
		}
		n, ok := rconv.ParseInt(args[numIdx])
		if !ok || n < 1 {
			return out
		}
		for i := int64(0); i < n && numIdx+1+int(i) < len(args); i++ {
			out = append(out, numIdx+1+int(i))
		}
		return out
	}
}

// zscore writes a score reply: a bulk string in RESP2, a double in RESP3.
func (x *Exec) zscore(s float64) { x.w.Double(rconv.DoubleString(s)) }

// zitems writes members, with their scores when withScores: flat
// [m, s, ...] in RESP2, [[m, s], ...] in RESP3.
func (x *Exec) zitems(items []Z, withScores bool) {
	n := len(items)
	if withScores && x.w.Proto() == 2 {
		x.w.ArrayLen(2 * n)
	} else {
		x.w.ArrayLen(n)
	}
	pairs := withScores && x.w.Proto() > 2
	for _, m := range items {
		if pairs {
			x.w.ArrayLen(2)
		}
		x.w.BulkString(m.Member)
		if withScores {
			x.zscore(m.Score)
		}
	}
}

func cmdZAdd(x *Exec) {
	f := zaddFlags{incr: x.cmd.Name == "zincrby"}
	n := x.nargs()
	i := 2
options:
	for ; i < n; i++ {
		switch {
		case x.argIs(i, "nx"):
			f.nx = true
		case x.argIs(i, "xx"):
			f.xx = true
		case x.argIs(i, "ch"):
			f.ch = true
		case x.argIs(i, "incr"):
			f.incr = true
		case x.argIs(i, "gt"):
			f.gt = true
		case x.argIs(i, "lt"):
			f.lt = true
		default:
			break options
		}
	}
	elems := n - i
	if elems%2 != 0 || elems == 0 {
		x.syntaxErr()
		return
	}
	if err := f.check(elems / 2); err != nil {
		x.err(err)
		return
	}
	pairs := make([]Z, elems/2)
	for j := range pairs {
		s, ok := rconv.ParseFloatString(x.arg(i + 2*j))
		if !ok {
			x.err(ErrNotFloat)
			return
		}
		pairs[j] = Z{Score: s, Member: x.arg(i + 2*j + 1)}
	}
	res, err := zaddOp(x.c, x.db, x.arg(1), f, pairs)
	if res.added+res.updated > 0 {
		x.propagateArgs()
	}
	switch {
	case err != nil:
		x.err(err)
	case f.incr && res.processed:
		x.zscore(res.score)
	case f.incr:
		x.w.NullBulk()
	case f.ch:
		x.w.Int(int64(res.added + res.updated))
	default:
		x.w.Int(int64(res.added))
	}
}

func cmdZRem(x *Exec) {
	members := make([]string, x.nargs()-2)
	for i := range members {
		members[i] = x.arg(i + 2)
	}
	n, err := zremOp(x.c, x.db, x.arg(1), members)
	if err != nil {
		x.err(err)
		return
	}
	if n > 0 {
		x.propagateArgs()
	}
	x.w.Int(int64(n))
}

func cmdZRemRange(x *Exec) {
	var sp zrangeSpec
	var err error
	switch x.cmd.Name {
	case "zremrangebyrank":
		var ok1, ok2 bool
		sp.start, ok1 = parseInt(x.arg(2))
		if ok1 {
			sp.stop, ok2 = parseInt(x.arg(3))
		}
		if !ok1 || !ok2 {
			err = ErrNotInteger
		}
	case "zremrangebyscore":
		sp.kind = zscoreRange
		sp.score, err = parseScoreRange(x.arg(2), x.arg(3))
	default:
		sp.kind = zlexRange
		sp.lex, err = parseLexRange(x.arg(2), x.arg(3))
	}
	if err != nil {
		x.err(err)
		return
	}
	n, err := zremRangeOp(x.c, x.db, x.arg(1), &sp)
	if err != nil {
		x.err(err)
		return
	}
	if n > 0 {
		x.propagateArgs()
	}
	x.w.Int(int64(n))
}

func cmdZCard(x *Exec) {
	z, err := zsetRead(x.c, x.db, x.arg(1))
	switch {
	case err != nil:
		x.err(err)
	case z == nil:
		x.w.Int(0)
	default:
		x.w.Int(int64(z.Len()))
	}
}

func cmdZScore(x *Exec) {
	z, err := zsetRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if z != nil {
		if s, ok := z.Score(x.arg(2)); ok {
			x.zscore(s)
			return
		}
	}
	x.w.NullBulk()
}

func cmdZMScore(x *Exec) {
	z, err := zsetRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(x.nargs() - 2)
	for i := 2; i < x.nargs(); i++ {
		if z != nil {
			if s, ok := z.Score(x.arg(i)); ok {
				x.zscore(s)
				continue
			}
		}
		x.w.NullBulk()
	}
}

func cmdZCount(x *Exec) {
	r, err := parseScoreRange(x.arg(2), x.arg(3))
	if err != nil {
		x.err(err)
		return
	}
	n, err := zcountOp(x.c, x.db, x.arg(1), &r)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdZLexCount(x *Exec) {
	r, err := parseLexRange(x.arg(2), x.arg(3))
	if err != nil {
		x.err(err)
		return
	}
	n, err := zlexcountOp(x.c, x.db, x.arg(1), &r)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

// cmdZRange serves ZRANGE, ZRANGESTORE and the legacy ZREVRANGE,
// Z[REV]RANGEBYSCORE and Z[REV]RANGEBYLEX, parsing in Redis's order.
func cmdZRange(x *Exec) {
	const auto = 0xff
	kind, rev := zrangeKind(auto), false
	revSet, store := false, false
	src := 1
	switch x.cmd.Name {
	case "zrangestore":
		store, src = true, 2
	case "zrevrange":
		kind, rev, revSet = zrankRange, true, true
	case "zrangebyscore":
		kind, revSet = zscoreRange, true
	case "zrevrangebyscore":
		kind, rev, revSet = zscoreRange, true, true
	case "zrangebylex":
		kind, revSet = zlexRange, true
	case "zrevrangebylex":
		kind, rev, revSet = zlexRange, true, true
	}
	sp := zrangeSpec{limit: -1}
	withScores := false
	n := x.nargs()
	for j := src + 3; j < n; j++ {
		left := n - j - 1
		switch {
		case !store && x.argIs(j, "withscores"):
			withScores = true
		case x.argIs(j, "limit") && left >= 2:
			var ok bool
			if sp.offset, ok = parseInt(x.arg(j + 1)); !ok {
				x.err(ErrNotInteger)
				return
			}
			if sp.limit, ok = parseInt(x.arg(j + 2)); !ok {
				x.err(ErrNotInteger)
				return
			}
			j += 2
		case !revSet && x.argIs(j, "rev"):
			rev, revSet = true, true
		case kind == auto && x.argIs(j, "bylex"):
			kind = zlexRange
		case kind == auto && x.argIs(j, "byscore"):
			kind = zscoreRange
		default:
			x.syntaxErr()
			return
		}
	}
	if kind == auto {
		kind = zrankRange
	}
	sp.kind, sp.rev = kind, rev
	if sp.limit != -1 && kind == zrankRange {
		x.err(errZLimitRank)
		return
	}
	if withScores && kind == zlexRange {
		x.err(errZWithScoresLex)
		return
	}
	minIdx, maxIdx := src+1, src+2
	if rev && kind != zrankRange {
		minIdx, maxIdx = maxIdx, minIdx
	}
	var err error
	switch kind {
	case zrankRange:
		var ok bool
		if sp.start, ok = parseInt(x.arg(minIdx)); ok {
			sp.stop, ok = parseInt(x.arg(maxIdx))
		}
		if !ok {
			err = ErrNotInteger
		}
	case zscoreRange:
		sp.score, err = parseScoreRange(x.arg(minIdx), x.arg(maxIdx))
	case zlexRange:
		sp.lex, err = parseLexRange(x.arg(minIdx), x.arg(maxIdx))
	}
	if err != nil {
		x.err(err)
		return
	}
	if store {
		cnt, changed, err := zrangeStoreOp(x.c, x.db, x.arg(1), x.arg(2), &sp)
		if err != nil {
			x.err(err)
			return
		}
		if changed {
			x.propagateArgs()
		}
		x.w.Int(int64(cnt))
		return
	}
	items, err := zrangeOp(x.c, x.db, x.arg(src), &sp)
	if err != nil {
		x.err(err)
		return
	}
	x.zitems(items, withScores)
}

func cmdZRank(x *Exec) {
	n := x.nargs()
	if n > 4 {
		x.err(errWrongArgs(x.cmd.Name))
		return
	}
	withScore := false
	if n == 4 {
		if !x.argIs(3, "withscore") {
			x.syntaxErr()
			return
		}
		withScore = true
	}
	r, s, found, err := zrankOp(x.c, x.db, x.arg(1), x.arg(2), x.cmd.Name == "zrevrank")
	switch {
	case err != nil:
		x.err(err)
	case !found && withScore:
		x.w.NullArray()
	case !found:
		x.w.NullBulk()
	case withScore:
		x.w.ArrayLen(2)
		x.w.Int(r)
		x.zscore(s)
	default:
		x.w.Int(r)
	}
}

// zpopReply writes popped members: flat [m, s...] for the single-member
// form (count < 0) and in RESP2, [[m, s]...] with a count in RESP3.
func (x *Exec) zpopReply(items []Z, count int64) {
	if count < 0 || x.w.Proto() == 2 {
		x.w.ArrayLen(2 * len(items))
		for _, m := range items {
			x.w.BulkString(m.Member)
			x.zscore(m.Score)
		}
		return
	}
	x.zitems(items, true)
}

func cmdZPop(x *Exec) {
	if x.nargs() > 3 {
		x.syntaxErr()
		return
	}
	count := int64(-1)
	if x.nargs() == 3 {
		v, ok := parseInt(x.arg(2))
		if !ok || v < 0 {
			x.err(errZPositive)
			return
		}
		count = v
	}
	e, err := zpopFirst(x.c, x.db, []string{x.arg(1)})
	switch {
	case err != nil:
		x.err(err)
	case e == nil || count == 0:
		x.w.ArrayLen(0)
	default:
		x.zpopReply(zpopOp(x.c, x.db, e, x.cmd.Name == "zpopmax", count), count)
	}
}

// zmpopReply writes [key, [[m, s]...]].
func (x *Exec) zmpopReply(key string, items []Z) {
	x.w.ArrayLen(2)
	x.w.BulkString(key)
	x.w.ArrayLen(len(items))
	for _, m := range items {
		x.w.ArrayLen(2)
		x.w.BulkString(m.Member)
		x.zscore(m.Score)
	}
}

// zblockingPop serves BZPOPMIN/BZPOPMAX (count < 0) and BZMPOP: it pops
// from the first key holding a sorted set or blocks on all of them.
func (x *Exec) zblockingPop(keys []string, high bool, count int64) {
	timeoutIdx := 1
	if count < 0 {
		timeoutIdx = x.nargs() - 1
	}
	timeout, ok := x.parseTimeout(timeoutIdx)
	if !ok {
		return
	}
	retry := false
	try := func() bool {
		// Redis serves a client blocked on sorted sets only when a key it
		// waits on holds one; otherwise it keeps waiting.
		if retry && !zanySet(x.c, x.db, keys) {
			return false
		}
		retry = true
		e, err := zpopFirst(x.c, x.db, keys)
		switch {
		case err != nil:
			x.err(err)
		case e == nil:
			return false
		default:
			key := e.Key()
			items := zpopOp(x.c, x.db, e, high, count)
			if count < 0 {
				x.w.ArrayLen(3)
				x.w.BulkString(key)
				x.w.BulkString(items[0].Member)
				x.zscore(items[0].Score)
			} else {
				x.zmpopReply(key, items)
			}
		}
		return true
	}
	if !x.blockOn(keys, timeout, try) {
		x.w.NullArray()
	}
}

func cmdBZPop(x *Exec) {
	keys := make([]string, x.nargs()-2)
	for i := range keys {
		keys[i] = x.arg(i + 1)
	}
	x.zblockingPop(keys, x.cmd.Name == "bzpopmax", -1)
}

// cmdZMPop serves ZMPOP and BZMPOP.
func cmdZMPop(x *Exec) {
	numIdx := 1
	if x.cmd.Name == "bzmpop" {
		numIdx = 2
	}
	nk, ok := parseInt(x.arg(numIdx))
	if !ok || nk < 1 {
		x.err(errZNumKeys)
		return
	}
	n := x.nargs()
	if nk >= int64(n) || numIdx+int(nk)+1 >= n {
		x.syntaxErr()
		return
	}
	whereIdx := numIdx + int(nk) + 1
	high, ok := zparseOrder(x.arg(whereIdx))
	if !ok {
		x.syntaxErr()
		return
	}
	count := int64(-1)
	for j := whereIdx + 1; j < n; j++ {
		if count == -1 && x.argIs(j, "count") && j < n-1 {
			j++
			v, ok := parseInt(x.arg(j))
			if !ok || v < 1 {
				x.err(errZCount)
				return
			}
			count = v
			continue
		}
		x.syntaxErr()
		return
	}
	if count == -1 {
		count = 1
	}
	keys := make([]string, nk)
	for i := range keys {
		keys[i] = x.arg(numIdx + 1 + i)
	}
	if numIdx == 2 {
		x.zblockingPop(keys, high, count)
		return
	}
	e, err := zpopFirst(x.c, x.db, keys)
	switch {
	case err != nil:
		x.err(err)
	case e == nil:
		x.w.NullArray()
	default:
		key := e.Key()
		x.zmpopReply(key, zpopOp(x.c, x.db, e, high, count))
	}
}

// cmdZSetOp serves ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE forms.
func cmdZSetOp(x *Exec) {
	name := x.cmd.Name
	store := strings.HasSuffix(name, "store")
	card := name == "zintercard"
	var op zsetOp
	switch {
	case strings.HasPrefix(name, "zunion"):
		op = zopUnion
	case strings.HasPrefix(name, "zinter"):
		op = zopInter
	default:
		op = zopDiff
	}
	numIdx := 1
	if store {
		numIdx = 2
	}
	nk, ok := parseInt(x.arg(numIdx))
	if !ok {
		x.err(ErrNotInteger)
		return
	}
	if nk < 1 {
		x.err(errZAtLeastOneKey(name))
		return
	}
	n := x.nargs()
	if nk > int64(n-(numIdx+1)) {
		x.syntaxErr()
		return
	}
	keys := make([]string, nk)
	for i := range keys {
		keys[i] = x.arg(numIdx + 1 + i)
	}
	srcs, err := zsrcs(x.c, x.db, keys)
	if err != nil {
		x.err(err)
		return
	}
	agg := zaggSum
	withScores := false
	limit := int64(0)
	for j := numIdx + 1 + int(nk); j < n; {
		rem := n - j
		switch {
		case op != zopDiff && !card && rem >= int(nk)+1 && x.argIs(j, "weights"):
			j++
			for i := range srcs {
				w, ok := rconv.ParseFloatString(x.arg(j))
				if !ok {
					x.err(errZWeight)
					return
				}
				srcs[i].weight = w
				j++
			}
		case op != zopDiff && !card && rem >= 2 && x.argIs(j, "aggregate"):
			switch {
			case x.argIs(j+1, "sum"):
				agg = zaggSum
			case x.argIs(j+1, "min"):
				agg = zaggMin
			case x.argIs(j+1, "max"):
				agg = zaggMax
			default:
				x.syntaxErr()
				return
			}
			j += 2
		case !store && !card && x.argIs(j, "withscores"):
			withScores = true
			j++
		case card && rem >= 2 && x.argIs(j, "limit"):
			v, ok := parseInt(x.arg(j + 1))
			if !ok || v < 0 {
				x.err(errZInterCardLimit)
				return
			}
			limit = v
			j += 2
		default:
			x.syntaxErr()
			return
		}
	}
	if card {
		_, cnt := zcompute(srcs, op, agg, true, int(min(limit, int64(maxInt32))))
		x.w.Int(int64(cnt))
		return
	}
	items, _ := zcompute(srcs, op, agg, false, 0)
	if store {
		if zsetStoreOp(x.c, x.db, x.arg(1), items, op) {
			x.propagateArgs()
		}
		x.w.Int(int64(len(items)))
		return
	}
	x.zitems(items, withScores)
}

func cmdZRandMember(x *Exec) {
	n := x.nargs()
	if n < 3 {
		items, err := zrandOp(x.c, x.db, x.arg(1), 1)
		switch {
		case err != nil:
			x.err(err)
		case len(items) == 0:
			x.w.NullBulk()
		default:
			x.w.BulkString(items[0].Member)
		}
		return
	}
	l, ok := x.intArgRange(2, -maxInt64, maxInt64, "")
	if !ok {
		return
	}
	if n > 4 || (n == 4 && !x.argIs(3, "withscores")) {
		x.syntaxErr()
		return
	}
	withScores := n == 4
	if withScores && (l < -maxInt64/2 || l > maxInt64/2) {
		x.err(errZOutOfRange)
		return
	}
	items, err := zrandOp(x.c, x.db, x.arg(1), l)
	if err != nil {
		x.err(err)
		return
	}
	x.zitems(items, withScores)
}

func cmdZScan(x *Exec) {
	cur, ok := x.cursorArg(2)
	if !ok {
		return
	}
	z, err := zsetRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if z == nil {
		x.w.ArrayLen(2)
		x.w.BulkString("0")
		x.w.ArrayLen(0)
		return
	}
	a, _, ok := x.parseScanArgs(3, false, false)
	if !ok {
		return
	}
	items, next, listpack, _ := zscanOp(x.c, x.db, x.arg(1), cur, &a)
	x.w.ArrayLen(2)
	x.w.BulkString(strconv.FormatUint(next, 10))
	x.w.ArrayLen(2 * len(items))
	var buf [40]byte
	for _, m := range items {
		x.w.BulkString(m.Member)
		if listpack {
			x.w.Bulk(rconv.FormatDouble(buf[:0], m.Score))
		} else {
			x.w.Bulk(rconv.AppendLongDoubleG17(buf[:0], m.Score))
		}
	}
}
