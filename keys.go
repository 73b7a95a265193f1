package embedis

import (
	"strconv"
	"time"

	"github.com/embedis/embedis/keyspace"
)

// Cloner is implemented by collection values so COPY can duplicate them.
type cloner interface{ Clone() any }

// Del deletes keys (DEL) and returns how many existed.
func (d *DB) Del(keys ...string) int {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	n := delOp(&c, d.idx, keys)
	done(&c)
	return n
}

// Unlink is Del (UNLINK); memory is reclaimed by the garbage collector.
func (d *DB) Unlink(keys ...string) int { return d.Del(keys...) }

func delOp(c *keyspace.Ctx, db int, keys []string) int {
	n := 0
	for _, k := range keys {
		if e := c.Peek(db, k); e != nil {
			delEntry(c, db, e)
			n++
		}
	}
	return n
}

// Exists counts how many of keys exist (EXISTS); repeats count again.
func (d *DB) Exists(keys ...string) int {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	n := 0
	for _, k := range keys {
		if c.LookupNoTouch(d.idx, k) != nil {
			n++
		}
	}
	done(&c)
	return n
}

// Type returns the type of key (TYPE): "string", "list", "set", "zset",
// "hash", "stream", or "none".
func (d *DB) Type(key string) string {
	var c keyspace.Ctx
	d.unit(&c, key)
	t := "none"
	if e := c.LookupNoTouch(d.idx, key); e != nil {
		t = e.Kind().String()
	}
	done(&c)
	return t
}

// renameOp implements RENAME and RENAMENX. It returns whether the rename
// happened.
func renameOp(c *keyspace.Ctx, db int, src, dst string, nx bool) (bool, error) {
	e := c.LookupWrite(db, src)
	if e == nil {
		return false, ErrNoSuchKey
	}
	if src == dst {
		return !nx, nil
	}
	exp := e.ExpireAt()
	if old := c.LookupWrite(db, dst); old != nil {
		if nx {
			return false, nil
		}
		c.Remove(db, old)
	}
	// look src up again: removing dst may not move it, but be explicit
	e = c.Peek(db, src)
	ne := c.Create(db, dst)
	c.MoveEntry(db, ne, e)
	c.SetExpire(db, ne, exp)
	c.Remove(db, e)
	c.Touch(db, src)
	c.Touch(db, dst)
	c.Notify(db, keyspace.NotifyGeneric, "rename_from", src)
	c.Notify(db, keyspace.NotifyGeneric, "rename_to", dst)
	c.Propagate(db, "RENAME", src, dst)
	c.SignalReady(db, dst)
	c.SignalReady(db, src)
	return true, nil
}

// Rename renames src to dst, replacing dst (RENAME).
func (d *DB) Rename(src, dst string) error {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(src, dst)
	_, err := renameOp(&c, d.idx, src, dst, false)
	done(&c)
	return err
}

// RenameNX renames src to dst only if dst does not exist (RENAMENX).
func (d *DB) RenameNX(src, dst string) (bool, error) {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(src, dst)
	ok, err := renameOp(&c, d.idx, src, dst, true)
	done(&c)
	return ok, err
}

// cloneValue copies e's value into ne (in dstDB).
func cloneValue(c *keyspace.Ctx, dstDB int, ne, e *keyspace.Entry) {
	if e.Kind() == keyspace.KindString {
		ne.SetStr(e.Str())
		return
	}
	if cl, ok := e.ObjView().(cloner); ok {
		ne.SetObj(e.Kind(), cl.Clone())
	}
	if e.HasFieldTTL() {
		c.SetFieldTTL(dstDB, ne, true)
	}
}

// copyOp implements COPY. The caller checked src/dst identity.
func copyOp(c *keyspace.Ctx, db int, src string, dstDB int, dst string, replace bool) bool {
	e := c.Lookup(db, src)
	if e == nil {
		return false
	}
	exp := e.ExpireAt()
	if old := c.LookupWrite(dstDB, dst); old != nil {
		if !replace {
			return false
		}
		c.Remove(dstDB, old)
		e = c.Peek(db, src)
	}
	ne := c.Create(dstDB, dst)
	cloneValue(c, dstDB, ne, e)
	c.SetExpire(dstDB, ne, exp)
	c.Touch(dstDB, dst)
	c.Notify(dstDB, keyspace.NotifyGeneric, "copy_to", dst)
	if c.Journaling() {
		if replace {
			c.Propagate(db, "COPY", src, dst, "DB", strconv.Itoa(dstDB), "REPLACE")
		} else {
			c.Propagate(db, "COPY", src, dst, "DB", strconv.Itoa(dstDB))
		}
	}
	c.SignalReady(dstDB, dst)
	return true
}

// CopyArgs are COPY's options.
type CopyArgs struct {
	// DB (DB n): the destination database. Default: the same database.
	DB *int
	// Replace (REPLACE): overwrite an existing destination.
	Replace bool
}

// Copy copies src to dst (COPY) and reports whether it did.
func (d *DB) Copy(src, dst string, args *CopyArgs) (bool, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return false, err
	}
	dstDB, replace := d.idx, false
	if args != nil {
		if args.DB != nil {
			dstDB = *args.DB
			if dstDB < 0 || dstDB >= len(d.s.dbs) {
				return false, ErrDBIndex
			}
		}
		replace = args.Replace
	}
	if dstDB == d.idx && src == dst {
		return false, ErrSameObject
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(src, dst)
	ok := copyOp(&c, d.idx, src, dstDB, dst, replace)
	done(&c)
	return ok, nil
}

func moveOp(c *keyspace.Ctx, db int, key string, dstDB int) bool {
	e := c.LookupWrite(db, key)
	if e == nil {
		return false
	}
	if c.LookupWrite(dstDB, key) != nil {
		return false
	}
	exp := e.ExpireAt()
	ne := c.Create(dstDB, key)
	c.MoveEntry(dstDB, ne, e)
	c.SetExpire(dstDB, ne, exp)
	c.Remove(db, e)
	c.Touch(db, key)
	c.Touch(dstDB, key)
	c.Notify(db, keyspace.NotifyGeneric, "move_from", key)
	c.Notify(dstDB, keyspace.NotifyGeneric, "move_to", key)
	c.Propagate(db, "MOVE", key, strconv.Itoa(dstDB))
	c.SignalReady(dstDB, key)
	return true
}

// Move moves key to database db (MOVE) and reports whether it did.
func (d *DB) Move(key string, db int) (bool, error) {
	if db < 0 || db >= len(d.s.dbs) {
		return false, ErrDBIndex
	}
	if db == d.idx {
		return false, ErrSameObject
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	ok := moveOp(&c, d.idx, key, db)
	done(&c)
	return ok, nil
}

// ExpireArgs are the conditions of EXPIRE and friends.
type ExpireArgs struct {
	// NX: set only when the key has no expiry.
	NX bool
	// XX: set only when the key has an expiry.
	XX bool
	// GT: set only when the new expiry is greater (no expiry = infinite).
	GT bool
	// LT: set only when the new expiry is less (no expiry = infinite).
	LT bool
}

func (a *ExpireArgs) check() error {
	if a == nil {
		return nil
	}
	if a.NX && (a.XX || a.GT || a.LT) {
		return errf("ERR NX and XX, GT or LT options at the same time are not compatible")
	}
	if a.GT && a.LT {
		return errf("ERR GT and LT options at the same time are not compatible")
	}
	return nil
}

// expireOp sets key's absolute expiry `when` (ms) under the conditions;
// a time not after now deletes the key. It reports whether it acted.
func expireOp(c *keyspace.Ctx, db int, key string, when int64, a *ExpireArgs) bool {
	e := c.LookupWrite(db, key)
	if e == nil {
		return false
	}
	if a != nil {
		cur := e.ExpireAt()
		switch {
		case a.NX && cur != 0,
			a.XX && cur == 0,
			a.GT && (cur == 0 || when <= cur),
			a.LT && cur != 0 && when >= cur:
			return false
		}
	}
	if when <= c.Now() && !c.Loading {
		delEntry(c, db, e)
		return true
	}
	c.SetExpire(db, e, when)
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyGeneric, "expire", key)
	if c.Journaling() {
		c.Propagate(db, "PEXPIREAT", key, strconv.FormatInt(when, 10))
	}
	return true
}

// Expire sets a time to live on key (EXPIRE/PEXPIRE); a non-positive ttl
// deletes the key. It reports whether the key exists and the condition
// held.
func (d *DB) Expire(key string, ttl time.Duration, args *ExpireArgs) (bool, error) {
	if err := args.check(); err != nil {
		return false, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	ms := ttl.Milliseconds()
	now := c.Now()
	if ms > maxInt64-now {
		done(&c)
		return false, errInvalidExpire("pexpire")
	}
	ok := expireOp(&c, d.idx, key, now+ms, args)
	done(&c)
	return ok, nil
}

// ExpireAt sets an absolute expiry on key (EXPIREAT/PEXPIREAT); a time not
// in the future deletes the key.
func (d *DB) ExpireAt(key string, at time.Time, args *ExpireArgs) (bool, error) {
	if err := args.check(); err != nil {
		return false, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	ok := expireOp(&c, d.idx, key, at.UnixMilli(), args)
	done(&c)
	return ok, nil
}

// NoExpiry is the TTL reported for a key that exists but has no expiry.
const NoExpiry = time.Duration(-1)

// ttlOp returns the absolute expiry of key: -2 missing, -1 none.
func ttlOp(c *keyspace.Ctx, db int, key string) int64 {
	e := c.LookupNoTouch(db, key)
	if e == nil {
		return -2
	}
	if e.ExpireAt() == 0 {
		return -1
	}
	return e.ExpireAt()
}

// TTL returns the remaining time to live of key at millisecond precision
// (PTTL), NoExpiry when it has none, or Nil when it does not exist.
func (d *DB) TTL(key string) (time.Duration, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	at := ttlOp(&c, d.idx, key)
	now := c.Now()
	done(&c)
	switch at {
	case -2:
		return 0, Nil
	case -1:
		return NoExpiry, nil
	}
	ms := at - now
	if ms < 0 {
		ms = 0
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// ExpireTime returns the absolute expiry of key (PEXPIRETIME): the zero
// time when it has none, or Nil when it does not exist.
func (d *DB) ExpireTime(key string) (time.Time, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	at := ttlOp(&c, d.idx, key)
	done(&c)
	switch at {
	case -2:
		return time.Time{}, Nil
	case -1:
		return time.Time{}, nil
	}
	return time.UnixMilli(at), nil
}

func persistOp(c *keyspace.Ctx, db int, key string) bool {
	e := c.LookupWrite(db, key)
	if e == nil || e.ExpireAt() == 0 {
		return false
	}
	c.SetExpire(db, e, 0)
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyGeneric, "persist", key)
	c.Propagate(db, "PERSIST", key)
	return true
}

// Persist removes key's expiry (PERSIST) and reports whether it had one.
func (d *DB) Persist(key string) bool {
	var c keyspace.Ctx
	d.unit(&c, key)
	ok := persistOp(&c, d.idx, key)
	done(&c)
	return ok
}

// Touch counts the keys that exist and updates their access time (TOUCH).
func (d *DB) Touch(keys ...string) int {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	n := 0
	for _, k := range keys {
		if c.Lookup(d.idx, k) != nil {
			n++
		}
	}
	done(&c)
	return n
}

// Keys returns every key matching the glob pattern (KEYS). Like Redis it
// walks the whole database; prefer Scan on large ones.
func (d *DB) Keys(pattern string) []string {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	out := keysOp(&c, d.idx, pattern)
	c.Finish()
	return out
}

func keysOp(c *keyspace.Ctx, db int, pattern string) []string {
	var out []string
	all := pattern == "*"
	c.Keys(db, func(e *keyspace.Entry) {
		if all || matchPattern(pattern, e.Key()) {
			out = append(out, e.Key())
		}
	})
	return out
}

// ScanArgs are SCAN's options.
type ScanArgs struct {
	// Match (MATCH): a glob pattern keys must match. Default: all keys.
	Match string
	// matchSet: MATCH was given (MATCH "" matches only the empty string).
	matchSet bool
	// Count (COUNT): about how many keys to visit. Default: 10.
	Count int
	// Type (TYPE): only keys of this type ("string", "hash", ...).
	Type string
}

func scanOp(c *keyspace.Ctx, db int, cursor uint64, a ScanArgs) ([]string, uint64) {
	if a.Count <= 0 {
		a.Count = 10
	}
	var out []string
	keep := a.keep()
	next := c.Scan(db, cursor, a.Count, func(e *keyspace.Entry) {
		if a.Type != "" && !equalFoldASCII(e.Kind().String(), a.Type) {
			return
		}
		if keep != nil && !keep(e.Key()) {
			return
		}
		out = append(out, e.Key())
	})
	return out, next
}

// Scan returns some keys from cursor on and the cursor to continue with
// (0 when done) (SCAN). A key present for the whole iteration is returned
// at least once.
func (d *DB) Scan(cursor uint64, args *ScanArgs) ([]string, uint64) {
	var a ScanArgs
	if args != nil {
		a = *args
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	keys, next := scanOp(&c, d.idx, cursor, a)
	c.Finish()
	return keys, next
}

// RandomKey returns a random key (RANDOMKEY), or Nil when the database is
// empty.
func (d *DB) RandomKey() (string, error) {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	k, ok := c.RandomKey(d.idx)
	c.Finish()
	if !ok {
		return "", Nil
	}
	return k, nil
}

// DBSize returns the number of keys (DBSIZE), counting keys that expired
// but were not reclaimed yet, as Redis does.
func (d *DB) DBSize() int { return d.s.ks.DBSize(d.idx) }

// FlushDB deletes every key of the database (FLUSHDB).
func (d *DB) FlushDB() {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	flushOp(&c, d.idx)
	c.Finish()
}

func flushOp(c *keyspace.Ctx, db int) {
	c.FlushDB(db)
	c.Propagate(db, "FLUSHDB")
}

// FlushAll deletes every key of every database (FLUSHALL).
func (s *Store) FlushAll() {
	var c keyspace.Ctx
	s.ks.Begin(&c)
	flushAllOp(&c, len(s.dbs))
	c.Finish()
}

func flushAllOp(c *keyspace.Ctx, n int) {
	own := !c.InExclusive()
	c.Exclusive()
	for db := 0; db < n; db++ {
		c.FlushDB(db)
	}
	if own {
		c.EndExclusive()
	}
	c.Propagate(0, "FLUSHALL")
}

// SwapDB swaps two databases (SWAPDB).
func (s *Store) SwapDB(a, b int) error {
	if a < 0 || b < 0 || a >= len(s.dbs) || b >= len(s.dbs) {
		return ErrDBIndex
	}
	var c keyspace.Ctx
	s.ks.Begin(&c)
	c.SwapDB(a, b)
	c.Propagate(0, "SWAPDB", strconv.Itoa(a), strconv.Itoa(b))
	c.Finish()
	return nil
}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case
// (a may be a command's argument bytes).
func equalFoldASCII[T ~string | ~[]byte](a T, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// keep returns the MATCH filter, or nil when every element passes.
func (a *ScanArgs) keep() func(string) bool {
	if a.Match == "*" || (a.Match == "" && !a.matchSet) {
		return nil
	}
	pat := a.Match
	return func(s string) bool { return matchPattern(pat, s) }
}
