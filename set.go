package embedis

import (
	"math/rand/v2"
	"slices"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/types"
)

// Sets: the core operations shared by the S* command handlers (cmd_set.go)
// and the typed API on *DB below. They follow t_set.c of Redis 7.4: the
// same order of checks (every key is type-checked before an empty one ends
// the command early), the same encoding choices for new and stored sets,
// the same events and the same journal records (SPOP becomes SREM of what
// it popped, or DEL when it took everything).

// Errors specific to sets, with Redis's wire text.
var (
	errSetNotPositive     = errf("ERR value is out of range, must be positive")
	errSetNumKeysZero     = errf("ERR numkeys should be greater than 0")
	errSetNumKeysTooMany  = errf("ERR Number of keys can't be greater than number of args")
	errSetLimitNegative   = errf("ERR LIMIT can't be negative")
	errSetRandCountTooBig = errf("ERR value is out of range")
)

// maxRandCount bounds SRANDMEMBER's repeated picks (a negative count):
// Redis tries to stream any count and is stopped only by the client's
// output limit; embedis refuses counts it could not hold in memory.
const maxRandCount = 1<<31 - 1

// spopBatch is how many members one journaled SREM carries (Redis: 1024).
const spopBatch = 1024

// setRead finds a set for reading only: nil when the key is missing.
func setRead(c *keyspace.Ctx, db int, key string) (*types.Set, error) {
	e, err := lookupKind(c, db, key, keyspace.KindSet)
	if e == nil {
		return nil, err
	}
	return objView[*types.Set](e), nil
}

// setWrite finds a set for writing: nil when the key is missing.
func setWrite(c *keyspace.Ctx, db int, key string) (*keyspace.Entry, *types.Set, error) {
	e, err := lookupKindWrite(c, db, key, keyspace.KindSet)
	if e == nil {
		return nil, nil, err
	}
	return e, objOf[*types.Set](e), nil
}

// propagateCmd journals name key args... when journaling is on.
func propagateCmd(c *keyspace.Ctx, db int, name, key string, args []string) {
	if !c.Journaling() {
		return
	}
	rec := make([]string, 0, 2+len(args))
	rec = append(rec, name, key)
	c.Propagate(db, append(rec, args...)...)
}

// saddOp adds members and returns how many were new. The set keeps the
// members' strings, unless they alias a buffer the caller reuses (a
// server's arguments: c.BorrowedKeys): then it copies those it keeps.
func saddOp(c *keyspace.Ctx, db int, key string, members []string) (int, error) {
	e, s, err := setWrite(c, db, key)
	if err != nil {
		return 0, err
	}
	if e == nil {
		s = types.NewSetFor(members[0], len(members))
		e = c.Create(db, key)
		e.SetObj(keyspace.KindSet, s)
	} else {
		s.MaybeConvert(len(members))
	}
	added := 0
	for _, m := range members {
		var isNew bool
		if c.BorrowedKeys {
			isNew = s.AddCopy(m)
		} else {
			isNew = s.Add(m)
		}
		if isNew {
			added++
		}
	}
	if added > 0 {
		c.TouchEntry(db, e)
		c.Notify(db, keyspace.NotifySet, "sadd", key)
		propagateCmd(c, db, "SADD", key, members)
	}
	return added, nil
}

// sremOp removes members and returns how many were there; the key goes
// away with its last member.
func sremOp(c *keyspace.Ctx, db int, key string, members []string) (int, error) {
	e, s, err := setWrite(c, db, key)
	if e == nil {
		return 0, err
	}
	deleted := 0
	for _, m := range members {
		if s.Remove(m) {
			deleted++
			if s.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		c.Notify(db, keyspace.NotifySet, "srem", key)
		dropIfEmpty(c, db, e, s.Len())
		c.Touch(db, key)
		propagateCmd(c, db, "SREM", key, members)
	}
	return deleted, nil
}

// smoveOp moves member from src to dst. As in Redis a missing src answers
// 0 before dst's type is checked, and src == dst only tests membership.
func smoveOp(c *keyspace.Ctx, db int, src, dst, member string) (bool, error) {
	se := c.LookupWrite(db, src)
	de := c.LookupWrite(db, dst)
	if se == nil {
		return false, nil
	}
	if se.Kind() != keyspace.KindSet || (de != nil && de.Kind() != keyspace.KindSet) {
		return false, ErrWrongType
	}
	ss := objOf[*types.Set](se)
	if src == dst {
		return ss.Has(member), nil
	}
	var ds *types.Set
	if de != nil {
		ds = objOf[*types.Set](de)
	}
	if !ss.Remove(member) {
		return false, nil
	}
	c.Notify(db, keyspace.NotifySet, "srem", src)
	dropIfEmpty(c, db, se, ss.Len())
	if ds == nil {
		ds = types.NewSetFor(member, 1)
		c.Create(db, dst).SetObj(keyspace.KindSet, ds)
	}
	c.Touch(db, src)
	if ds.Add(member) {
		c.Touch(db, dst)
		c.Notify(db, keyspace.NotifySet, "sadd", dst)
	}
	if c.Journaling() {
		c.Propagate(db, "SMOVE", src, dst, member)
	}
	return true, nil
}

// spopOp pops one random member; ok is false when the key is missing.
func spopOp(c *keyspace.Ctx, db int, key string) (string, bool, error) {
	e, s, err := setWrite(c, db, key)
	if e == nil {
		return "", false, err
	}
	m := s.PopRandom()
	c.Notify(db, keyspace.NotifySet, "spop", key)
	if c.Journaling() {
		c.Propagate(db, "SREM", key, m)
	}
	dropIfEmpty(c, db, e, s.Len())
	c.Touch(db, key)
	return m, true, nil
}

// spopCountOp pops up to count random members (count >= 0), choosing
// between Redis's strategies: everything (the key is deleted and DEL
// journaled), a few random pops, or, when few members remain, moving the
// remaining ones to a new set that replaces the old one.
func spopCountOp(c *keyspace.Ctx, db int, key string, count int64) ([]string, error) {
	e, s, err := setWrite(c, db, key)
	if e == nil || count == 0 {
		return nil, err
	}
	size := s.Len()
	c.Notify(db, keyspace.NotifySet, "spop", key)
	if count >= int64(size) {
		out := s.Members()
		c.Remove(db, e)
		c.Notify(db, keyspace.NotifyGeneric, "del", key)
		c.Touch(db, key)
		if c.Journaling() {
			c.Propagate(db, "DEL", key)
		}
		return out, nil
	}
	n := int(count)
	remaining := size - n
	var out []string
	if remaining*5 > n {
		out = make([]string, n)
		for i := range out {
			out[i] = s.PopRandom()
		}
	} else {
		// Few remain: move them to a new set, return the old one's rest.
		var ns *types.Set
		if s.Encoding() == "intset" {
			ns = types.NewSet()
		} else {
			ns = types.NewListpackSet()
		}
		for range remaining {
			ns.Add(s.PopRandom())
		}
		out = s.Members()
		e.SetObj(keyspace.KindSet, ns)
	}
	if c.Journaling() {
		for i := 0; i < len(out); i += spopBatch {
			propagateCmd(c, db, "SREM", key, out[i:min(i+spopBatch, len(out))])
		}
	}
	c.Touch(db, key)
	return out, nil
}

// srandOne returns one random member; ok is false when the key is missing.
func srandOne(c *keyspace.Ctx, db int, key string) (string, bool, error) {
	s, err := setRead(c, db, key)
	if s == nil {
		return "", false, err
	}
	return s.Random(), true, nil
}

// srandCountOp implements SRANDMEMBER key count: count < 0 gives exactly
// -count members with repeats; count > 0 gives min(count, size) distinct
// members.
func srandCountOp(c *keyspace.Ctx, db int, key string, count int64) ([]string, error) {
	s, err := setRead(c, db, key)
	if s == nil || count == 0 {
		return nil, err
	}
	if count < 0 || count == 1 {
		n := count
		if n < 0 {
			n = -n
		}
		if n > maxRandCount {
			return nil, errSetRandCountTooBig
		}
		out := make([]string, n)
		for i := range out {
			out[i] = s.Random()
		}
		return out, nil
	}
	size := s.Len()
	if count >= int64(size) {
		return s.Members(), nil
	}
	n := int(count)
	if n*3 > size {
		// Most of the set: shuffle a copy and keep a prefix.
		all := s.Members()
		for i := 0; i < n; i++ {
			j := i + rand.IntN(len(all)-i)
			all[i], all[j] = all[j], all[i]
		}
		return all[:n], nil
	}
	seen := make(map[string]struct{}, n)
	out := make([]string, 0, n)
	for len(out) < n {
		m := s.Random()
		if _, dup := seen[m]; !dup {
			seen[m] = struct{}{}
			out = append(out, m)
		}
	}
	return out, nil
}

// lookupSets finds the sets of keys for SINTER/SUNION/SDIFF and friends:
// nil for a missing key; the first key of another type stops with
// ErrWrongType.
func lookupSets(c *keyspace.Ctx, db int, keys []string) ([]*types.Set, error) {
	sets := make([]*types.Set, len(keys))
	for i, k := range keys {
		s, err := setRead(c, db, k)
		if err != nil {
			return nil, err
		}
		sets[i] = s
	}
	return sets, nil
}

// sinterMode selects what sinterOp produces.
type sinterMode uint8

const (
	sinterMembers sinterMode = iota // SINTER: the members
	sinterStore                     // SINTERSTORE: a new set
	sinterCard                      // SINTERCARD: the count only
)

// sinterOp intersects the sets at keys. It returns the members (SINTER),
// a new set (SINTERSTORE: nil when empty) or the cardinality, stopping at
// limit when limit > 0 (SINTERCARD).
func sinterOp(c *keyspace.Ctx, db int, keys []string, mode sinterMode, limit int) ([]string, *types.Set, int, error) {
	sets, err := lookupSets(c, db, keys)
	if err != nil {
		return nil, nil, 0, err
	}
	if slices.Contains(sets, nil) {
		return nil, nil, 0, nil
	}
	slices.SortStableFunc(sets, func(a, b *types.Set) int { return a.Len() - b.Len() })
	var dst *types.Set
	if mode == sinterStore {
		if sets[0].Encoding() == "intset" {
			dst = types.NewSet()
		} else {
			dst = types.NewListpackSet()
		}
	}
	var out []string
	card := 0
	sets[0].Range(func(m string) bool {
		for _, o := range sets[1:] {
			if o != sets[0] && !o.Has(m) {
				return true
			}
		}
		card++
		switch mode {
		case sinterMembers:
			out = append(out, m)
		case sinterStore:
			dst.Add(m)
		case sinterCard:
			if limit > 0 && card >= limit {
				return false
			}
		}
		return true
	})
	if mode == sinterStore {
		if dst.Len() == 0 {
			return nil, nil, 0, nil
		}
		dst.ConvertToIntset()
		card = dst.Len()
	}
	return out, dst, card, nil
}

// setAlgebra is SUNION or SDIFF.
type setAlgebra uint8

const (
	setUnion setAlgebra = iota
	setDiff
)

// sunionDiffOp computes the union or difference of the sets at keys into a
// new set, with Redis's algorithms (so a stored result gets the encoding
// Redis would give it).
func sunionDiffOp(c *keyspace.Ctx, db int, keys []string, op setAlgebra) (*types.Set, error) {
	sets, err := lookupSets(c, db, keys)
	if err != nil {
		return nil, err
	}
	sameset := false
	for j := 1; j < len(sets); j++ {
		if sets[j] != nil && sets[j] == sets[0] {
			sameset = true
		}
	}
	algo := 1
	if op == setDiff && sets[0] != nil && !sameset {
		one, two := 0, 0
		for _, s := range sets {
			if s != nil {
				one += sets[0].Len()
				two += s.Len()
			}
		}
		if one/2 > two {
			algo = 2
		}
		if algo == 1 && len(sets) > 1 {
			rest := sets[1:]
			slices.SortStableFunc(rest, func(a, b *types.Set) int { return setLen(b) - setLen(a) })
		}
	}
	dst := types.NewSet()
	switch {
	case op == setUnion:
		for _, s := range sets {
			if s != nil {
				s.Range(func(m string) bool { dst.Add(m); return true })
			}
		}
	case sameset || sets[0] == nil:
		// the difference is empty
	case algo == 1:
		sets[0].Range(func(m string) bool {
			for _, o := range sets[1:] {
				if o == nil {
					continue
				}
				if o == sets[0] || o.Has(m) {
					return true
				}
			}
			dst.Add(m)
			return true
		})
	default:
		for j, s := range sets {
			if s == nil {
				continue
			}
			s.Range(func(m string) bool {
				if j == 0 {
					dst.Add(m)
				} else {
					dst.Remove(m)
				}
				return true
			})
			if dst.Len() == 0 {
				break
			}
		}
	}
	return dst, nil
}

func setLen(s *types.Set) int {
	if s == nil {
		return 0
	}
	return s.Len()
}

// storeSet stores the result of a *STORE command at dst (deleting dst when
// res is empty) and journals the command when anything changed. It
// returns the stored cardinality.
func storeSet(c *keyspace.Ctx, db int, dst string, res *types.Set, event string, journal func()) int {
	n := 0
	if res != nil {
		n = res.Len()
	}
	existed := c.Peek(db, dst) != nil
	storeResult(c, db, dst, keyspace.KindSet, res, n, keyspace.NotifySet, event)
	if (n > 0 || existed) && c.Journaling() {
		journal()
	}
	return n
}

// SScanArgs are SSCAN's options.
type SScanArgs struct {
	// Match (MATCH): a glob pattern members must match. Default: all.
	Match string
	// Count (COUNT): about how many members to visit. Default: 10.
	Count int
}

// sscanOp returns members from cursor on and the next cursor; a compact
// set is returned whole with cursor 0. hasMatch tells an empty MATCH
// pattern (which matches only the empty member) from none.
func sscanOp(s *types.Set, cursor uint64, match string, hasMatch bool, count int) ([]string, uint64) {
	out := []string{}
	all := !hasMatch || match == "*"
	next := s.Scan(cursor, count, func(m string) {
		if all || matchPattern(match, m) {
			out = append(out, m)
		}
	})
	return out, next
}

// The typed API.

// SAdd adds members to the set at key (SADD) and returns how many were
// not already there.
func (d *DB) SAdd(key string, members ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	if len(members) == 0 {
		return 0, errWrongArgs("sadd")
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := saddOp(&c, d.idx, key, members)
	done(&c)
	return n, err
}

// SRem removes members from the set at key (SREM) and returns how many
// were there.
func (d *DB) SRem(key string, members ...string) (int, error) {
	if len(members) == 0 {
		return 0, errWrongArgs("srem")
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := sremOp(&c, d.idx, key, members)
	done(&c)
	return n, err
}

// SCard returns the number of members (SCARD); 0 for a missing key.
func (d *DB) SCard(key string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	s, err := setRead(&c, d.idx, key)
	n := 0
	if s != nil {
		n = s.Len()
	}
	done(&c)
	return n, err
}

// SIsMember reports whether member is in the set at key (SISMEMBER).
func (d *DB) SIsMember(key, member string) (bool, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	s, err := setRead(&c, d.idx, key)
	ok := s != nil && s.Has(member)
	done(&c)
	return ok, err
}

// SMIsMember reports for each member whether it is in the set at key
// (SMISMEMBER); a missing key gives all false.
func (d *DB) SMIsMember(key string, members ...string) ([]bool, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	s, err := setRead(&c, d.idx, key)
	var out []bool
	if err == nil {
		out = make([]bool, len(members))
		for i, m := range members {
			out[i] = s != nil && s.Has(m)
		}
	}
	done(&c)
	return out, err
}

// SMembers returns every member of the set at key (SMEMBERS), in no
// particular order; empty for a missing key.
func (d *DB) SMembers(key string) ([]string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	s, err := setRead(&c, d.idx, key)
	out := []string{}
	if s != nil {
		out = s.Members()
	}
	done(&c)
	return out, err
}

// SPop removes and returns a random member (SPOP); Nil when the key is
// missing.
func (d *DB) SPop(key string) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	m, ok, err := spopOp(&c, d.idx, key)
	done(&c)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", Nil
	}
	return m, nil
}

// SPopN removes and returns up to count random members (SPOP key count);
// count must not be negative.
func (d *DB) SPopN(key string, count int) ([]string, error) {
	if count < 0 {
		return nil, errSetNotPositive
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	out, err := spopCountOp(&c, d.idx, key, int64(count))
	done(&c)
	if out == nil && err == nil {
		out = []string{}
	}
	return out, err
}

// SRandMember returns a random member without removing it (SRANDMEMBER);
// Nil when the key is missing.
func (d *DB) SRandMember(key string) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	m, ok, err := srandOne(&c, d.idx, key)
	done(&c)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", Nil
	}
	return m, nil
}

// SRandMemberN returns random members (SRANDMEMBER key count): with
// count > 0 up to count distinct members, with count < 0 exactly -count
// members that may repeat.
func (d *DB) SRandMemberN(key string, count int) ([]string, error) {
	if int64(count) < -maxInt64 {
		return nil, errf("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	out, err := srandCountOp(&c, d.idx, key, int64(count))
	done(&c)
	if out == nil && err == nil {
		out = []string{}
	}
	return out, err
}

// SMove moves member from the set at src to the set at dst (SMOVE) and
// reports whether it was in src.
func (d *DB) SMove(src, dst, member string) (bool, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return false, err
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(src, dst)
	ok, err := smoveOp(&c, d.idx, src, dst, member)
	done(&c)
	return ok, err
}

// SInter returns the intersection of the sets at keys (SINTER); a missing
// key is an empty set.
func (d *DB) SInter(keys ...string) ([]string, error) {
	if len(keys) == 0 {
		return nil, errWrongArgs("sinter")
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	out, _, _, err := sinterOp(&c, d.idx, keys, sinterMembers, 0)
	done(&c)
	if out == nil && err == nil {
		out = []string{}
	}
	return out, err
}

// SInterStore stores the intersection of the sets at keys in dst
// (SINTERSTORE; an empty result deletes dst) and returns its size.
func (d *DB) SInterStore(dst string, keys ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	if len(keys) == 0 {
		return 0, errWrongArgs("sinterstore")
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(append([]string{dst}, keys...)...)
	_, res, _, err := sinterOp(&c, d.idx, keys, sinterStore, 0)
	n := 0
	if err == nil {
		n = storeSet(&c, d.idx, dst, res, "sinterstore", func() {
			c.Propagate(d.idx, append([]string{"SINTERSTORE", dst}, keys...)...)
		})
	}
	done(&c)
	return n, err
}

// SInterCard returns the size of the intersection of the sets at keys
// (SINTERCARD), counting no further than limit when limit > 0.
func (d *DB) SInterCard(limit int, keys ...string) (int, error) {
	if len(keys) == 0 {
		return 0, errSetNumKeysZero
	}
	if limit < 0 {
		return 0, errSetLimitNegative
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	_, _, n, err := sinterOp(&c, d.idx, keys, sinterCard, limit)
	done(&c)
	return n, err
}

func (d *DB) sunionDiff(keys []string, op setAlgebra, name string) ([]string, error) {
	if len(keys) == 0 {
		return nil, errWrongArgs(name)
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	res, err := sunionDiffOp(&c, d.idx, keys, op)
	done(&c)
	if err != nil {
		return nil, err
	}
	return res.Members(), nil
}

func (d *DB) sunionDiffStore(dst string, keys []string, op setAlgebra, name, event string) (int, error) {
	if len(keys) == 0 {
		return 0, errWrongArgs(name)
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(append([]string{dst}, keys...)...)
	res, err := sunionDiffOp(&c, d.idx, keys, op)
	n := 0
	if err == nil {
		n = storeSet(&c, d.idx, dst, res, event, func() {
			c.Propagate(d.idx, append([]string{upperASCII(name), dst}, keys...)...)
		})
	}
	done(&c)
	return n, err
}

// SUnion returns the union of the sets at keys (SUNION).
func (d *DB) SUnion(keys ...string) ([]string, error) {
	return d.sunionDiff(keys, setUnion, "sunion")
}

// SUnionStore stores the union of the sets at keys in dst (SUNIONSTORE; an
// empty result deletes dst) and returns its size.
func (d *DB) SUnionStore(dst string, keys ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.sunionDiffStore(dst, keys, setUnion, "sunionstore", "sunionstore")
}

// SDiff returns the members of the first set that are in none of the
// others (SDIFF).
func (d *DB) SDiff(keys ...string) ([]string, error) {
	return d.sunionDiff(keys, setDiff, "sdiff")
}

// SDiffStore stores the difference in dst (SDIFFSTORE; an empty result
// deletes dst) and returns its size.
func (d *DB) SDiffStore(dst string, keys ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	return d.sunionDiffStore(dst, keys, setDiff, "sdiffstore", "sdiffstore")
}

// SScan returns some members of the set at key from cursor on and the
// cursor to continue with, 0 when done (SSCAN). A member present for the
// whole iteration is returned at least once; a small set (intset or
// listpack) is returned whole in one call.
func (d *DB) SScan(key string, cursor uint64, args *SScanArgs) ([]string, uint64, error) {
	var a SScanArgs
	if args != nil {
		a = *args
	}
	if a.Count <= 0 {
		a.Count = 10
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	s, err := setRead(&c, d.idx, key)
	var out []string
	var next uint64
	if s != nil {
		out, next = sscanOp(s, cursor, a.Match, a.Match != "", a.Count)
	} else {
		out = []string{}
	}
	done(&c)
	return out, next, err
}

// upperASCII returns an ASCII command name in upper case.
func upperASCII(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if 'a' <= ch && ch <= 'z' {
			b[i] = ch - 'a' + 'A'
		}
	}
	return string(b)
}
