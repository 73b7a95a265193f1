package embedis

func init() {
	register(&Command{Name: "lcs", Arity: -3, FirstKey: 1, LastKey: 2, Group: "string", flags: flagReadonly, run: cmdLCS})
}

// cmdLCS: LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]. As
// in Redis, the keys' types are checked before the options.
func cmdLCS(x *Exec) {
	a, b, err := lcsLookup(x.c, x.db, x.arg(1), x.arg(2), false)
	if err != nil {
		x.err(err)
		return
	}
	var getLen, getIdx, withLen bool
	var minLen int64
	for j := 3; j < x.nargs(); j++ {
		switch {
		case x.argIs(j, "idx"):
			getIdx = true
		case x.argIs(j, "len"):
			getLen = true
		case x.argIs(j, "withmatchlen"):
			withLen = true
		case x.argIs(j, "minmatchlen") && j+1 < x.nargs():
			v, ok := parseInt(x.arg(j + 1))
			if !ok {
				x.err(ErrNotInteger)
				return
			}
			minLen = max(v, 0)
			j++
		default:
			x.syntaxErr()
			return
		}
	}
	if getLen && getIdx {
		x.err(errLCSLenIdx)
		return
	}
	t, err := newLCSTable(a, b, x.s.maxBulk.Load())
	if err != nil {
		x.err(err)
		return
	}
	switch {
	case getIdx:
		_, matches := t.walk(minLen)
		x.w.MapLen(2)
		x.w.BulkString("matches")
		x.w.ArrayLen(len(matches))
		for _, m := range matches {
			if withLen {
				x.w.ArrayLen(3)
			} else {
				x.w.ArrayLen(2)
			}
			x.w.ArrayLen(2)
			x.w.Int(int64(m.AStart))
			x.w.Int(int64(m.AEnd))
			x.w.ArrayLen(2)
			x.w.Int(int64(m.BStart))
			x.w.Int(int64(m.BEnd))
			if withLen {
				x.w.Int(int64(m.Len))
			}
		}
		x.w.BulkString("len")
		x.w.Int(int64(t.length()))
	case getLen:
		x.w.Int(int64(t.length()))
	default:
		s, _ := t.walk(0)
		x.w.BulkString(s)
	}
}
