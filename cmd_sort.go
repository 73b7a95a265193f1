package embedis

import "strings"

func init() {
	// SORT locks for itself: BY and GET patterns read keys that are only
	// known once the elements are read (see sortLock).
	register(&Command{Name: "sort", Arity: -2, FirstKey: 1, LastKey: 1, Group: "generic",
		flags: flagWrite | flagDenyOOM | flagMovableKeys | flagSelfLock, run: cmdSort, keys: sortKeys})
	register(&Command{Name: "sort_ro", Arity: -2, FirstKey: 1, LastKey: 1, Group: "generic",
		flags: flagReadonly | flagSelfLock, run: cmdSort})
}

// sortKeys returns SORT's key positions: the key and the last STORE
// destination, found by skipping options as Redis's sortGetKeys does.
func sortKeys(args [][]byte) []int {
	if len(args) < 2 {
		return nil
	}
	pos := []int{1}
	store := 0
	for i := 2; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "limit":
			i += 2
		case "get", "by":
			i++
		case "store":
			if i+1 < len(args) {
				store = i + 1
			}
		}
	}
	if store > 0 {
		pos = append(pos, store)
	}
	return pos
}

// parseSort parses SORT's options in Redis's order; on an error it has
// replied.
func (x *Exec) parseSort(readonly bool) (sortSpec, bool) {
	sp := sortSpec{count: -1}
	n := len(x.args)
	for j := 2; j < n; j++ {
		left := n - j - 1
		switch {
		case x.argIs(j, "asc"):
			sp.desc = false
		case x.argIs(j, "desc"):
			sp.desc = true
		case x.argIs(j, "alpha"):
			sp.alpha = true
		case x.argIs(j, "limit") && left >= 2:
			start, ok1 := parseInt(x.arg(j + 1))
			count, ok2 := parseInt(x.arg(j + 2))
			if !ok1 || !ok2 {
				x.err(ErrNotInteger)
				return sp, false
			}
			sp.start, sp.count = start, count
			j += 2
		case !readonly && x.argIs(j, "store") && left >= 1:
			sp.store, sp.hasStore = x.argOwned(j+1), true
			j++
		case x.argIs(j, "by") && left >= 1:
			sp.by, sp.hasBy = x.argOwned(j+1), true
			j++
		case x.argIs(j, "get") && left >= 1:
			sp.gets = append(sp.gets, x.argOwned(j+1))
			j++
		default:
			x.syntaxErr()
			return sp, false
		}
	}
	return sp, true
}

func cmdSort(x *Exec) {
	sp, ok := x.parseSort(x.cmd.Name == "sort_ro")
	if !ok {
		return
	}
	unlock := sortLock(x.c, x.arg(1), &sp)
	vals, n, err := sortOp(x.c, x.db, x.arg(1), &sp)
	unlock()
	switch {
	case err != nil:
		x.err(err)
	case sp.hasStore:
		x.w.Int(int64(n))
	default:
		x.w.ArrayLen(len(vals))
		for _, v := range vals {
			if v.ok {
				x.w.BulkString(v.s)
			} else {
				x.w.NullBulk()
			}
		}
	}
}
