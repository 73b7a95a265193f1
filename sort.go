package embedis

import (
	"slices"
	"strings"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/types"
)

// SORT and SORT_RO (sort.c of Redis 7.4).
//
// The sources SORT reads are sets, lists and sorted sets; each kind plugs
// in through sortLen / sortLoadAll / sortLoadRange below (a list or a
// sorted set read with BY nosort is sliced directly in its own order, as
// Redis does). BY and GET patterns read other keys: "*" is replaced by the
// element, "key->field" reads a hash field (with the lazy field expiry of
// hashFieldGet) and "#" is the element itself. Such keys are unknown until
// the elements are read, so a SORT with patterns that read keys runs in
// an exclusive section (like a transaction); one without them locks only
// its key and its STORE destination.
//
// Semantics kept from Redis:
//   - numeric sort parses each weight with strtod: leading white space is
//     skipped, the empty string is 0, trailing junk, NaN and out-of-range
//     values fail the whole command with "ERR One or more scores can't be
//     converted into double"; equal weights are ordered by the elements'
//     bytes; an element whose BY key is missing weighs 0;
//   - ALPHA compares bytes (Redis uses strcoll, which is byte order in the
//     C and C.UTF-8 locales; like strcoll it stops at a NUL byte when the
//     result is returned, and compares whole strings with STORE); elements
//     whose BY key is missing sort first;
//   - BY a pattern without "*" skips sorting; for a set with STORE it sorts
//     ALPHA instead, so the stored list does not depend on the set's order;
//   - LIMIT offset count is clamped as Redis clamps it; a negative count
//     means "to the end";
//   - STORE saves a list (an empty result deletes the destination), event
//     sortstore; a missing GET value is stored as "" and replied as nil.
//
// Journal: SORT ... STORE is journaled as its effect (DEL of the old
// destination and RPUSH of the stored elements), since the result depends
// on other keys and, for ties under ALPHA with BY, on the source's order.

// SortArgs are the options of SORT / SORT_RO. The zero value sorts the
// elements numerically, ascending, and returns them all.
type SortArgs struct {
	// By (BY pattern): sort by the values of the keys the pattern names,
	// "*" replaced by each element ("w_*", or "h_*->field" for a hash
	// field). A pattern without "*" skips sorting. Default: sort by the
	// elements themselves.
	By string
	// Offset and Count (LIMIT offset count): return Count elements from
	// Offset of the sorted result; a negative Count means all from Offset.
	// LIMIT is sent when either is non-zero. Default: everything.
	Offset, Count int64
	// Get (GET pattern ...): for each element, return the values the
	// patterns name, in order, instead of the element ("#" is the element).
	// Default: the elements.
	Get []string
	// Desc (DESC): descending order. Default: ascending.
	Desc bool
	// Alpha (ALPHA): compare as strings (bytes) instead of as numbers.
	// Default: numbers.
	Alpha bool
}

// ErrSortScore: a weight of a numeric SORT is not a number.
var ErrSortScore = errf("ERR One or more scores can't be converted into double")

// sortSpec is SORT parsed.
type sortSpec struct {
	by           string
	hasBy        bool
	start, count int64 // LIMIT; count -1: no limit
	gets         []string
	desc, alpha  bool
	store        string
	hasStore     bool
}

func (a *SortArgs) spec() sortSpec {
	sp := sortSpec{count: -1}
	if a == nil {
		return sp
	}
	sp.by, sp.hasBy = a.By, a.By != ""
	if a.Offset != 0 || a.Count != 0 {
		sp.start, sp.count = a.Offset, a.Count
	}
	sp.gets = a.Get
	sp.desc, sp.alpha = a.Desc, a.Alpha
	return sp
}

// readsKeys reports whether the BY or GET patterns read other keys.
func (sp *sortSpec) readsKeys() bool {
	if sp.hasBy && strings.IndexByte(sp.by, '*') >= 0 {
		return true
	}
	for _, g := range sp.gets {
		if strings.IndexByte(g, '*') >= 0 {
			return true
		}
	}
	return false
}

// sortLock takes what the SORT needs: the exclusive section when patterns
// read other keys, else the shards of key (and the destination). It
// returns the function that releases them.
func sortLock(c *keyspace.Ctx, key string, sp *sortSpec) func() {
	if sp.readsKeys() {
		if c.InExclusive() {
			return func() {}
		}
		c.Exclusive()
		return c.EndExclusive
	}
	if sp.hasStore {
		c.Lock(key, sp.store)
	} else {
		c.Lock(key)
	}
	return c.Unlock
}

// sortVal is one output value: a GET of a missing key gives ok == false.
type sortVal struct {
	s  string
	ok bool
}

type sortItem struct {
	elem   string
	score  float64
	cmp    string
	hasCmp bool
}

// sortOp runs SORT on key. Without STORE it returns the values to reply;
// with STORE it stores them and returns their count.
func sortOp(c *keyspace.Ctx, db int, key string, sp *sortSpec) ([]sortVal, int, error) {
	e := c.Lookup(db, key)
	kind := keyspace.KindList // a missing key sorts like an empty list
	if e != nil {
		kind = e.Kind()
		if kind != keyspace.KindSet && kind != keyspace.KindList && kind != keyspace.KindZSet {
			return nil, 0, ErrWrongType
		}
	}
	dontsort := sp.hasBy && strings.IndexByte(sp.by, '*') < 0
	alpha, hasBy := sp.alpha, sp.hasBy
	if dontsort && kind == keyspace.KindSet && sp.hasStore {
		// the set's order must not leak into the stored list
		dontsort, alpha, hasBy = false, true, false
	}

	vlen := 0
	if e != nil {
		vlen = sortLen(e)
	}
	start := min(max(sp.start, 0), int64(vlen))
	count := min(max(sp.count, -1), int64(vlen))
	end := int64(vlen) - 1
	if count >= 0 {
		end = start + count - 1
	}
	if start >= int64(vlen) {
		start, end = int64(vlen)-1, int64(vlen)-2
	}
	end = min(end, int64(vlen)-1)

	// Load the elements; they are copies, safe across the lookups below
	// (which may delete expired keys).
	var elems []string
	switch {
	case e == nil:
	case dontsort && kind != keyspace.KindSet:
		if end >= start {
			elems = sortLoadRange(e, int(start), int(end-start+1), sp.desc)
		}
		end -= start
		start = 0
	default:
		elems = sortLoadAll(e)
	}

	items := make([]sortItem, len(elems))
	for i, el := range elems {
		items[i].elem = el
	}
	if !dontsort {
		convErr := false
		for i := range items {
			w := items[i].elem
			if hasBy {
				v, ok := sortLookup(c, db, sp.by, items[i].elem)
				if !ok {
					continue
				}
				w = v
			}
			if alpha {
				if hasBy {
					items[i].cmp, items[i].hasCmp = w, true
				}
				continue
			}
			f, ok := sortParseScore(w)
			if !ok {
				convErr = true
			}
			items[i].score = f
		}
		if convErr {
			return nil, 0, ErrSortScore
		}
		collate := sortCollate
		if sp.hasStore {
			collate = strings.Compare
		}
		desc := sp.desc
		slices.SortStableFunc(items, func(a, b sortItem) int {
			var r int
			switch {
			case !alpha:
				switch {
				case a.score > b.score:
					r = 1
				case a.score < b.score:
					r = -1
				default:
					r = strings.Compare(a.elem, b.elem)
				}
			case hasBy:
				switch {
				case !a.hasCmp || !b.hasCmp:
					if a.hasCmp == b.hasCmp {
						r = 0
					} else if !a.hasCmp {
						r = -1
					} else {
						r = 1
					}
				default:
					r = collate(a.cmp, b.cmp)
				}
			default:
				r = collate(a.elem, b.elem)
			}
			if desc {
				r = -r
			}
			return r
		})
	}

	var out []sortVal
	if end >= start {
		n := int(end - start + 1)
		if len(sp.gets) > 0 {
			n *= len(sp.gets)
		}
		out = make([]sortVal, 0, n)
		for _, it := range items[start : end+1] {
			if len(sp.gets) == 0 {
				out = append(out, sortVal{it.elem, true})
				continue
			}
			for _, g := range sp.gets {
				v, ok := sortLookup(c, db, g, it.elem)
				out = append(out, sortVal{v, ok})
			}
		}
	}
	if !sp.hasStore {
		return out, 0, nil
	}
	return nil, sortStore(c, db, sp.store, out), nil
}

// sortStore saves vals as a list at dst (deleting dst when there are
// none) and journals the effect.
func sortStore(c *keyspace.Ctx, db int, dst string, vals []sortVal) int {
	existed := c.Peek(db, dst) != nil
	strs := make([]string, len(vals))
	for i, v := range vals {
		strs[i] = v.s // a missing value is stored as ""
	}
	var l *types.List
	if len(strs) > 0 {
		l = types.NewList()
		l.PushBack(strs...)
	}
	storeResult(c, db, dst, keyspace.KindList, l, len(strs), keyspace.NotifyList, "sortstore")
	if c.Journaling() {
		if existed {
			c.Propagate(db, "DEL", dst)
		}
		for i := 0; i < len(strs); i += spopBatch {
			propagateCmd(c, db, "RPUSH", dst, strs[i:min(i+spopBatch, len(strs))])
		}
	}
	return len(strs)
}

// sortCollate compares as strcoll does in the C locale: bytes, up to the
// first NUL.
func sortCollate(a, b string) int {
	if i := strings.IndexByte(a, 0); i >= 0 {
		a = a[:i]
	}
	if i := strings.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return strings.Compare(a, b)
}

// sortParseScore reads a weight as SORT's strtod call does: the string
// (up to a NUL) must be consumed whole; leading white space is skipped; an
// empty string is 0; NaN and out-of-range values fail.
func sortParseScore(s string) (float64, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return 0, true
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" {
		return 0, false
	}
	return rconv.ParseFloatString(t)
}

// sortLookup resolves a BY or GET pattern for one element, as Redis's
// lookupKeyByPattern: "#" is the element; without "*" nothing; otherwise
// the first "*" is replaced by the element, and a "->field" suffix after
// it reads that field of a hash instead of a string.
func sortLookup(c *keyspace.Ctx, db int, pattern, elem string) (string, bool) {
	if pattern == "#" {
		return elem, true
	}
	p := strings.IndexByte(pattern, '*')
	if p < 0 {
		return "", false
	}
	rest := pattern[p+1:]
	field, hasField := "", false
	if f := strings.Index(rest, "->"); f >= 0 && f+2 < len(rest) {
		field, hasField = rest[f+2:], true
		rest = rest[:f]
	}
	key := pattern[:p] + elem + rest
	e := c.Lookup(db, key)
	if e == nil {
		return "", false
	}
	if hasField {
		if e.Kind() != keyspace.KindHash {
			return "", false
		}
		v, ok, _, _ := hashFieldGet(c, db, e, objOf[*types.Hash](e), field, false)
		return v, ok
	}
	if e.Kind() != keyspace.KindString {
		return "", false
	}
	return e.Str(), true
}

// Sources: how SORT reads each kind of collection.

// sortLen returns the number of elements of a set, list or sorted set.
func sortLen(e *keyspace.Entry) int {
	switch e.Kind() {
	case keyspace.KindSet:
		return objOf[*types.Set](e).Len()
	case keyspace.KindList:
		return objOf[*types.List](e).Len()
	case keyspace.KindZSet:
		return objOf[*types.ZSet](e).Len()
	}
	return 0
}

// sortLoadAll returns every element in the collection's own order.
func sortLoadAll(e *keyspace.Entry) []string {
	switch e.Kind() {
	case keyspace.KindSet:
		return objOf[*types.Set](e).Members()
	case keyspace.KindList:
		l := objOf[*types.List](e)
		return l.Range(0, l.Len()-1)
	case keyspace.KindZSet:
		z := objOf[*types.ZSet](e)
		out := make([]string, 0, z.Len())
		z.Ascend(0, func(_ int, m types.Z) bool {
			out = append(out, m.Member)
			return true
		})
		return out
	}
	return nil
}

// sortLoadRange returns n elements of a list or sorted set from position
// start of its own order, or of its reversed order when desc.
func sortLoadRange(e *keyspace.Entry, start, n int, desc bool) []string {
	out := make([]string, 0, n)
	switch e.Kind() {
	case keyspace.KindList:
		l := objOf[*types.List](e)
		add := func(b []byte) bool {
			out = append(out, string(b))
			return true
		}
		if desc {
			last := l.Len() - 1 - start
			l.EachReverse(last-n+1, last, add)
		} else {
			l.Each(start, start+n-1, add)
		}
	case keyspace.KindZSet:
		z := objOf[*types.ZSet](e)
		add := func(_ int, m types.Z) bool {
			out = append(out, m.Member)
			return len(out) < n
		}
		if desc {
			z.Descend(z.Len()-1-start, add)
		} else {
			z.Ascend(start, add)
		}
	}
	return out
}

// Sort sorts the elements of the list, set or sorted set at key (SORT /
// SORT_RO) and returns them, or the values the GET patterns name (a
// missing value is returned as ""). A missing key gives an empty result.
func (d *DB) Sort(key string, args *SortArgs) ([]string, error) {
	sp := args.spec()
	vals, _, err := d.sort(key, &sp)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v.s
	}
	return out, nil
}

// SortStore is SORT ... STORE dst: it stores the result as a list at dst
// (an empty result deletes dst) and returns its length.
func (d *DB) SortStore(key, dst string, args *SortArgs) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	sp := args.spec()
	sp.store, sp.hasStore = dst, true
	_, n, err := d.sort(key, &sp)
	return n, err
}

func (d *DB) sort(key string, sp *sortSpec) ([]sortVal, int, error) {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	unlock := sortLock(&c, key, sp)
	vals, n, err := sortOp(&c, d.idx, key, sp)
	unlock()
	c.Finish()
	return vals, n, err
}
