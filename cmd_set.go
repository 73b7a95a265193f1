package embedis

import (
	"strconv"
)

func init() {
	const g = "set"
	w, ro := flagWrite, flagReadonly
	register(&Command{Name: "sadd", Arity: -3, FirstKey: 1, LastKey: 1, Group: g, flags: w | flagDenyOOM | flagFast, run: cmdSAdd})
	register(&Command{Name: "srem", Arity: -3, FirstKey: 1, LastKey: 1, Group: g, flags: w | flagFast, run: cmdSRem})
	register(&Command{Name: "smove", Arity: 4, FirstKey: 1, LastKey: 2, Group: g, flags: w | flagFast, run: cmdSMove})
	register(&Command{Name: "sismember", Arity: 3, FirstKey: 1, LastKey: 1, Group: g, flags: ro | flagFast, run: cmdSIsMember})
	register(&Command{Name: "smismember", Arity: -3, FirstKey: 1, LastKey: 1, Group: g, flags: ro | flagFast, run: cmdSMIsMember})
	register(&Command{Name: "scard", Arity: 2, FirstKey: 1, LastKey: 1, Group: g, flags: ro | flagFast, run: cmdSCard})
	register(&Command{Name: "spop", Arity: -2, FirstKey: 1, LastKey: 1, Group: g, flags: w | flagFast, run: cmdSPop})
	register(&Command{Name: "srandmember", Arity: -2, FirstKey: 1, LastKey: 1, Group: g, flags: ro, run: cmdSRandMember})
	register(&Command{Name: "smembers", Arity: 2, FirstKey: 1, LastKey: 1, Group: g, flags: ro, run: cmdSMembers})
	register(&Command{Name: "sinter", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: ro, run: cmdSInter})
	register(&Command{Name: "sinterstore", Arity: -3, FirstKey: 1, LastKey: -1, Group: g, flags: w | flagDenyOOM, run: cmdSInterStore})
	register(&Command{Name: "sintercard", Arity: -3, Group: g, flags: ro | flagMovableKeys, run: cmdSInterCard, keys: sintercardKeys})
	register(&Command{Name: "sunion", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: ro, run: cmdSUnionDiff})
	register(&Command{Name: "sunionstore", Arity: -3, FirstKey: 1, LastKey: -1, Group: g, flags: w | flagDenyOOM, run: cmdSUnionDiffStore})
	register(&Command{Name: "sdiff", Arity: -2, FirstKey: 1, LastKey: -1, Group: g, flags: ro, run: cmdSUnionDiff})
	register(&Command{Name: "sdiffstore", Arity: -3, FirstKey: 1, LastKey: -1, Group: g, flags: w | flagDenyOOM, run: cmdSUnionDiffStore})
	register(&Command{Name: "sscan", Arity: -3, FirstKey: 1, LastKey: 1, Group: g, flags: ro, run: cmdSScan})
}

// sintercardKeys returns SINTERCARD's key positions: numkeys keys from
// argument 2 (none when numkeys is invalid: the handler then fails before
// touching any key).
func sintercardKeys(args [][]byte) []int {
	if len(args) < 3 {
		return nil
	}
	n, ok := parseInt(string(args[1]))
	if !ok || n < 1 || n > int64(len(args)-2) {
		return nil
	}
	pos := make([]int, n)
	for i := range pos {
		pos[i] = 2 + i
	}
	return pos
}

// setArgViews returns arguments from..to-1 as strings valid during the
// command.
func (x *Exec) setArgViews(from, to int) []string {
	out := make([]string, to-from)
	for i := range out {
		out[i] = x.arg(from + i)
	}
	return out
}

func (x *Exec) setReplyArray(vals []string) {
	x.w.ArrayLen(len(vals))
	for _, v := range vals {
		x.w.BulkString(v)
	}
}

func (x *Exec) setReplySet(vals []string) {
	x.w.SetLen(len(vals))
	for _, v := range vals {
		x.w.BulkString(v)
	}
}

func (x *Exec) setReplyBool(b bool) {
	if b {
		x.w.Int(1)
	} else {
		x.w.Int(0)
	}
}

func cmdSAdd(x *Exec) {
	n, err := saddOp(x.c, x.db, x.arg(1), x.setArgViews(2, len(x.args)))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdSRem(x *Exec) {
	n, err := sremOp(x.c, x.db, x.arg(1), x.setArgViews(2, len(x.args)))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdSMove(x *Exec) {
	ok, err := smoveOp(x.c, x.db, x.arg(1), x.arg(2), x.argOwned(3))
	if err != nil {
		x.err(err)
		return
	}
	x.setReplyBool(ok)
}

func cmdSIsMember(x *Exec) {
	s, err := setRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	x.setReplyBool(s != nil && s.Has(x.arg(2)))
}

func cmdSMIsMember(x *Exec) {
	s, err := setRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	x.w.ArrayLen(len(x.args) - 2)
	for i := 2; i < len(x.args); i++ {
		x.setReplyBool(s != nil && s.Has(x.arg(i)))
	}
}

func cmdSCard(x *Exec) {
	s, err := setRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(setLen(s)))
}

func cmdSMembers(x *Exec) {
	s, err := setRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if s == nil {
		x.w.SetLen(0)
		return
	}
	x.w.SetLen(s.Len())
	s.Range(func(m string) bool {
		x.w.BulkString(m)
		return true
	})
}

func cmdSPop(x *Exec) {
	switch len(x.args) {
	case 2:
		m, ok, err := spopOp(x.c, x.db, x.arg(1))
		switch {
		case err != nil:
			x.err(err)
		case !ok:
			x.w.NullBulk()
		default:
			x.w.BulkString(m)
		}
	case 3:
		count, ok := x.intArgRange(2, 0, maxInt64, "value is out of range, must be positive")
		if !ok {
			return
		}
		out, err := spopCountOp(x.c, x.db, x.arg(1), count)
		if err != nil {
			x.err(err)
			return
		}
		x.setReplySet(out)
	default:
		x.syntaxErr()
	}
}

func cmdSRandMember(x *Exec) {
	switch len(x.args) {
	case 2:
		m, ok, err := srandOne(x.c, x.db, x.arg(1))
		switch {
		case err != nil:
			x.err(err)
		case !ok:
			x.w.NullBulk()
		default:
			x.w.BulkString(m)
		}
	case 3:
		count, ok := x.intArgRange(2, -maxInt64, maxInt64, "")
		if !ok {
			return
		}
		out, err := srandCountOp(x.c, x.db, x.arg(1), count)
		if err != nil {
			x.err(err)
			return
		}
		x.setReplyArray(out)
	default:
		x.syntaxErr()
	}
}

func cmdSInter(x *Exec) {
	out, _, _, err := sinterOp(x.c, x.db, x.setArgViews(1, len(x.args)), sinterMembers, 0)
	if err != nil {
		x.err(err)
		return
	}
	x.setReplySet(out)
}

func cmdSInterStore(x *Exec) {
	_, res, _, err := sinterOp(x.c, x.db, x.setArgViews(2, len(x.args)), sinterStore, 0)
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(storeSet(x.c, x.db, x.arg(1), res, "sinterstore", x.propagateArgs)))
}

func cmdSInterCard(x *Exec) {
	numkeys, ok := x.intArgRange(1, 1, maxInt64, "numkeys should be greater than 0")
	if !ok {
		return
	}
	if numkeys > int64(len(x.args)-2) {
		x.err(errSetNumKeysTooMany)
		return
	}
	limit := int64(0)
	for j := 2 + int(numkeys); j < len(x.args); j++ {
		if x.argIs(j, "limit") && j+1 < len(x.args) {
			j++
			if limit, ok = x.intArgRange(j, 0, maxInt64, "LIMIT can't be negative"); !ok {
				return
			}
			continue
		}
		x.syntaxErr()
		return
	}
	if limit > maxInt32*4 {
		limit = maxInt32 * 4 // more than any set holds
	}
	_, _, n, err := sinterOp(x.c, x.db, x.setArgViews(2, 2+int(numkeys)), sinterCard, int(limit))
	if err != nil {
		x.err(err)
		return
	}
	x.w.Int(int64(n))
}

func cmdSUnionDiff(x *Exec) {
	op := setUnion
	if x.cmd.Name == "sdiff" {
		op = setDiff
	}
	res, err := sunionDiffOp(x.c, x.db, x.setArgViews(1, len(x.args)), op)
	if err != nil {
		x.err(err)
		return
	}
	x.w.SetLen(res.Len())
	res.Range(func(m string) bool {
		x.w.BulkString(m)
		return true
	})
}

func cmdSUnionDiffStore(x *Exec) {
	op, event := setUnion, "sunionstore"
	if x.cmd.Name == "sdiffstore" {
		op, event = setDiff, "sdiffstore"
	}
	res, err := sunionDiffOp(x.c, x.db, x.setArgViews(2, len(x.args)), op)
	if err != nil {
		x.err(err)
		return
	}
	// the result's members alias the arguments only if they came from
	// them; sets hold owned strings, so res can be stored as is
	x.w.Int(int64(storeSet(x.c, x.db, x.arg(1), res, event, x.propagateArgs)))
}

func cmdSScan(x *Exec) {
	cursor, ok := x.cursorArg(2)
	if !ok {
		return
	}
	s, err := setRead(x.c, x.db, x.arg(1))
	if err != nil {
		x.err(err)
		return
	}
	if s == nil {
		x.w.ArrayLen(2)
		x.w.BulkString("0")
		x.w.ArrayLen(0)
		return
	}
	a, _, ok := x.parseScanArgs(3, false, false)
	if !ok {
		return
	}
	out, next := sscanOp(s, cursor, a.Match, a.matchSet, a.Count)
	x.w.ArrayLen(2)
	x.w.BulkString(strconv.FormatUint(next, 10))
	x.setReplyArray(out)
}
