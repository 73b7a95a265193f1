package embedis

import (
	"strconv"
	"time"

	"github.com/embedis/embedis/keyspace"
)

// SetArgs are SET's options. The zero value is a plain SET.
type SetArgs struct {
	// NX (NX): set only if the key does not exist.
	NX bool
	// XX (XX): set only if the key exists.
	XX bool
	// KeepTTL (KEEPTTL): keep the key's current expiry.
	KeepTTL bool
	// TTL (EX/PX): expire after this long; must be positive when set.
	TTL time.Duration
	// ExpireAt (EXAT/PXAT): expire at this time (a past time is accepted
	// and the key is stored already expired, as Redis does).
	ExpireAt time.Time
}

// setSpec is SET parsed: flags and an absolute expiry in ms (0 = none).
type setSpec struct {
	nx, xx, get, keepTTL bool
	expireAt             int64
}

// setOp is the one implementation of SET and its variants. The key's shard
// is locked. It returns the old value (when get is set), whether the write
// happened, and an error (WRONGTYPE with get).
func setOp(c *keyspace.Ctx, db int, key, val string, sp setSpec) (old string, hadOld, did bool, err error) {
	var e *keyspace.Entry
	if sp.get {
		e = c.Lookup(db, key)
		if e != nil {
			if e.Kind() != keyspace.KindString {
				return "", false, false, ErrWrongType
			}
			old, hadOld = e.Str(), true
		}
	} else {
		e = c.LookupWrite(db, key)
	}
	return setFound(c, db, key, e, val, sp, old, hadOld)
}

// setFound is setOp once the key has been looked up: e is its entry (nil
// when absent), old and hadOld what a GET flag read.
func setFound(c *keyspace.Ctx, db int, key string, e *keyspace.Entry, val string, sp setSpec, old string, hadOld bool) (string, bool, bool, error) {
	if (sp.nx && e != nil) || (sp.xx && e == nil) {
		return old, hadOld, false, nil
	}
	if e == nil {
		e = c.Create(db, key)
	}
	e.SetStr(val)
	if !sp.keepTTL {
		c.SetExpire(db, e, sp.expireAt)
	}
	c.TouchEntry(db, e)
	c.Notify(db, keyspace.NotifyString, "set", key)
	if sp.expireAt != 0 {
		c.Notify(db, keyspace.NotifyGeneric, "expire", key)
	}
	if c.Journaling() {
		switch {
		case sp.expireAt != 0:
			c.Propagate(db, "SET", key, val, "PXAT", strconv.FormatInt(sp.expireAt, 10))
		case sp.keepTTL:
			c.Propagate(db, "SET", key, val, "KEEPTTL")
		default:
			c.Propagate(db, "SET", key, val)
		}
	}
	return old, hadOld, true, nil
}

// getOp finds a string key for reading. It returns nil for a missing key.
func getOp(c *keyspace.Ctx, db int, key string) (*keyspace.Entry, error) {
	e := c.Lookup(db, key)
	if e == nil {
		return nil, nil
	}
	if e.Kind() != keyspace.KindString {
		return nil, ErrWrongType
	}
	return e, nil
}

// unit begins a typed call's execution unit on d with key locked.
func (d *DB) unit(c *keyspace.Ctx, keys ...string) {
	d.s.ks.Begin(c)
	c.Lock(keys...)
}

func done(c *keyspace.Ctx) {
	c.Unlock()
	c.Finish()
}

func (a *SetArgs) spec(c *keyspace.Ctx, cmd string) (setSpec, error) {
	if a == nil {
		return setSpec{}, nil
	}
	sp := setSpec{nx: a.NX, xx: a.XX, keepTTL: a.KeepTTL}
	if a.NX && a.XX {
		return sp, ErrSyntax
	}
	hasTTL, hasAt := a.TTL != 0, !a.ExpireAt.IsZero()
	if (hasTTL && hasAt) || (a.KeepTTL && (hasTTL || hasAt)) {
		return sp, ErrSyntax
	}
	switch {
	case hasTTL:
		ms := a.TTL.Milliseconds()
		if ms <= 0 {
			return sp, errInvalidExpire(cmd)
		}
		sp.expireAt = c.Now() + ms
		if sp.expireAt <= 0 {
			return sp, errInvalidExpire(cmd)
		}
	case hasAt:
		ms := a.ExpireAt.UnixMilli()
		if ms <= 0 {
			return sp, errInvalidExpire(cmd)
		}
		sp.expireAt = ms
	}
	return sp, nil
}

// Set stores value at key (SET). With NX or XX it may not write: the
// result tells whether it did. A nil args is a plain SET.
func (d *DB) Set(key, value string, args *SetArgs) (bool, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return false, err
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	sp, err := args.spec(&c, "set")
	if err != nil {
		return false, err
	}
	// lock and look up with one hash of the key (setOp's LookupWrite)
	e := c.LockLookupWrite(d.idx, key)
	_, _, did, err := setFound(&c, d.idx, key, e, value, sp, "", false)
	done(&c)
	return did, err
}

// SetGet is SET ... GET: it stores value (subject to args) and returns the
// old value; Nil when there was none.
func (d *DB) SetGet(key, value string, args *SetArgs) (string, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return "", err
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	sp, err := args.spec(&c, "set")
	if err != nil {
		return "", err
	}
	sp.get = true
	c.Lock(key)
	old, had, _, err := setOp(&c, d.idx, key, value, sp)
	done(&c)
	if err != nil {
		return "", err
	}
	if !had {
		return "", Nil
	}
	return old, nil
}

// Get returns the string at key (GET), or Nil.
func (d *DB) Get(key string) (string, error) {
	switch v, st := d.s.ks.ReadStr(d.idx, key); st {
	case keyspace.ReadFound:
		return v, nil
	case keyspace.ReadAbsent:
		return "", Nil
	case keyspace.ReadWrongType:
		return "", ErrWrongType
	}
	// the read has effects to deliver (an expired key, keymiss events)
	var c keyspace.Ctx
	d.unit(&c, key)
	e, err := getOp(&c, d.idx, key)
	var v string
	if e != nil {
		v = e.Str()
	}
	done(&c)
	if err != nil {
		return "", err
	}
	if e == nil {
		return "", Nil
	}
	return v, nil
}

// SetNX sets key only if it does not exist (SETNX).
func (d *DB) SetNX(key, value string) (bool, error) {
	return d.Set(key, value, &SetArgs{NX: true})
}

// SetEX sets key with a time to live (SETEX / PSETEX).
func (d *DB) SetEX(key, value string, ttl time.Duration) error {
	if ttl.Milliseconds() <= 0 {
		return errInvalidExpire("setex")
	}
	_, err := d.Set(key, value, &SetArgs{TTL: ttl})
	return err
}

// GetSet sets key and returns its old value (GETSET); Nil if none.
func (d *DB) GetSet(key, value string) (string, error) {
	return d.SetGet(key, value, nil)
}

// GetDel returns the value of key and deletes it (GETDEL); Nil if none.
func (d *DB) GetDel(key string) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	v, ok, err := getDelOp(&c, d.idx, key)
	done(&c)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", Nil
	}
	return v, nil
}

func getDelOp(c *keyspace.Ctx, db int, key string) (string, bool, error) {
	e, err := getOp(c, db, key)
	if e == nil || err != nil {
		return "", false, err
	}
	v := e.Str()
	delEntry(c, db, e)
	return v, true, nil
}

// delEntry deletes e, firing the del event and journaling DEL. Readers
// blocked on the key are woken (a deleted stream answers NOGROUP).
func delEntry(c *keyspace.Ctx, db int, e *keyspace.Entry) {
	key := e.Key()
	c.Remove(db, e)
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyGeneric, "del", key)
	c.Propagate(db, "DEL", key)
	c.SignalReady(db, key)
}

// GetExArgs are GETEX's options; at most one may be set.
type GetExArgs struct {
	// TTL (EX/PX): set a time to live.
	TTL time.Duration
	// ExpireAt (EXAT/PXAT): set an absolute expiry; a past time deletes.
	ExpireAt time.Time
	// Persist (PERSIST): remove the expiry.
	Persist bool
}

// getExSpec is GETEX's option: unit 0 (none), 'E' EX, 'P' PX, 'e' EXAT,
// 'p' PXAT with its unparsed value, or persist.
type getExSpec struct {
	unit    byte
	val     string
	persist bool
}

// parseExpireValue converts the value of an EX/PX/EXAT/PXAT option to
// absolute unix ms exactly as Redis's getExpireMillisecondsOrReply does.
func parseExpireValue(c *keyspace.Ctx, text string, unit byte, cmd string) (int64, error) {
	v, ok := parseInt(text)
	if !ok {
		return 0, ErrNotInteger
	}
	secs := unit == 'E' || unit == 'e'
	if v <= 0 || (secs && v > maxInt64/1000) {
		return 0, errInvalidExpire(cmd)
	}
	if secs {
		v *= 1000
	}
	if unit == 'E' || unit == 'P' {
		v += c.Now()
	}
	if v <= 0 {
		return 0, errInvalidExpire(cmd)
	}
	return v, nil
}

func getExOp(c *keyspace.Ctx, db int, key string, sp getExSpec, cmd string) (string, bool, error) {
	e, err := getOp(c, db, key)
	if e == nil || err != nil {
		return "", false, err
	}
	var at int64
	if sp.unit != 0 {
		if at, err = parseExpireValue(c, sp.val, sp.unit, cmd); err != nil {
			return "", false, err
		}
	}
	v := e.Str()
	switch {
	case sp.persist:
		if e.ExpireAt() != 0 {
			c.SetExpire(db, e, 0)
			c.Touch(db, key)
			c.Notify(db, keyspace.NotifyGeneric, "persist", key)
			c.Propagate(db, "PERSIST", key)
		}
	case at != 0 && at <= c.Now() && !c.Loading:
		delEntry(c, db, e)
	case at != 0:
		c.SetExpire(db, e, at)
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyGeneric, "expire", key)
		if c.Journaling() {
			c.Propagate(db, "PEXPIREAT", key, strconv.FormatInt(at, 10))
		}
	}
	return v, true, nil
}

// GetEx returns the value of key and optionally changes its expiry
// (GETEX); Nil if the key does not exist.
func (d *DB) GetEx(key string, args *GetExArgs) (string, error) {
	var sp getExSpec
	if args != nil {
		n := 0
		if args.TTL != 0 {
			n++
			sp = getExSpec{unit: 'P', val: strconv.FormatInt(args.TTL.Milliseconds(), 10)}
		}
		if !args.ExpireAt.IsZero() {
			n++
			sp = getExSpec{unit: 'p', val: strconv.FormatInt(args.ExpireAt.UnixMilli(), 10)}
		}
		if args.Persist {
			n++
			sp = getExSpec{persist: true}
		}
		if n > 1 {
			return "", ErrSyntax
		}
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	v, ok, err := getExOp(&c, d.idx, key, sp, "getex")
	done(&c)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", Nil
	}
	return v, nil
}

// msetOp sets every pair (keys locked). With nx it writes nothing if any
// key exists and reports false.
func msetOp(c *keyspace.Ctx, db int, kv []string, nx bool) bool {
	if nx {
		for i := 0; i < len(kv); i += 2 {
			if c.LookupWrite(db, kv[i]) != nil {
				return false
			}
		}
	}
	for i := 0; i < len(kv); i += 2 {
		setOp(c, db, kv[i], kv[i+1], setSpec{})
	}
	return true
}

// MSet sets several keys at once (MSET): pairs of key, value.
func (d *DB) MSet(pairs ...string) error {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return err
	}
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return errWrongArgs("mset")
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(everyOther(pairs)...)
	msetOp(&c, d.idx, pairs, false)
	done(&c)
	return nil
}

// MSetNX sets the keys only if none exists (MSETNX).
func (d *DB) MSetNX(pairs ...string) (bool, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return false, err
	}
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return false, errWrongArgs("msetnx")
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(everyOther(pairs)...)
	ok := msetOp(&c, d.idx, pairs, true)
	done(&c)
	return ok, nil
}

func everyOther(kv []string) []string {
	keys := make([]string, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		keys = append(keys, kv[i])
	}
	return keys
}

// MGet returns the values of keys (MGET); missing keys and keys of other
// types give ok=false in the matching position.
func (d *DB) MGet(keys ...string) ([]string, []bool) {
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	vals := make([]string, len(keys))
	oks := make([]bool, len(keys))
	for i, k := range keys {
		if e := c.Lookup(d.idx, k); e != nil && e.Kind() == keyspace.KindString {
			vals[i], oks[i] = e.Str(), true
		}
	}
	done(&c)
	return vals, oks
}

// incrOp adds delta to the integer at key.
func incrOp(c *keyspace.Ctx, db int, key string, delta int64) (int64, error) {
	e := c.LookupWrite(db, key)
	var cur int64
	if e != nil {
		if e.Kind() != keyspace.KindString {
			return 0, ErrWrongType
		}
		v, ok := parseInt(e.StrView())
		if !ok {
			return 0, ErrNotInteger
		}
		cur = v
	}
	if (delta < 0 && cur < 0 && delta < minInt64-cur) || (delta > 0 && cur > 0 && delta > maxInt64-cur) {
		return 0, ErrOverflow
	}
	n := cur + delta
	s := formatInt(n)
	if e == nil {
		e = c.Create(db, key)
	}
	e.SetStr(s)
	c.TouchEntry(db, e)
	c.Notify(db, keyspace.NotifyString, "incrby", key)
	if c.Journaling() {
		c.Propagate(db, "SET", key, s, "KEEPTTL")
	}
	return n, nil
}

const (
	maxInt64 = 1<<63 - 1
	minInt64 = -1 << 63
)

// Incr adds 1 to the integer at key (INCR).
func (d *DB) Incr(key string) (int64, error) { return d.IncrBy(key, 1) }

// Decr subtracts 1 (DECR).
func (d *DB) Decr(key string) (int64, error) { return d.IncrBy(key, -1) }

// DecrBy subtracts n (DECRBY).
func (d *DB) DecrBy(key string, n int64) (int64, error) {
	if n == minInt64 {
		return 0, ErrDecrOverflow
	}
	return d.IncrBy(key, -n)
}

// IncrBy adds n to the integer at key (INCRBY).
func (d *DB) IncrBy(key string, n int64) (int64, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	v, err := incrOp(&c, d.idx, key, n)
	done(&c)
	return v, err
}

// incrByFloatOp adds incr (already validated text) to the number at key,
// computing in 80-bit precision as Redis does.
func incrByFloatOp(c *keyspace.Ctx, db int, key string, incr string) (string, error) {
	e := c.LookupWrite(db, key)
	cur := ""
	if e != nil {
		if e.Kind() != keyspace.KindString {
			return "", ErrWrongType
		}
		cur = e.StrView()
	}
	s, err := incrByFloat(cur, e != nil, incr)
	if err != nil {
		return "", err
	}
	if e == nil {
		e = c.Create(db, key)
	}
	e.SetStr(s)
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyString, "incrbyfloat", key)
	c.Propagate(db, "SET", key, s, "KEEPTTL")
	return s, nil
}

// IncrByFloat adds incr to the number at key (INCRBYFLOAT) and returns the
// new value as Redis formats it.
func (d *DB) IncrByFloat(key string, incr float64) (string, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return "", err
	}
	text := formatIncrArg(incr)
	var c keyspace.Ctx
	d.unit(&c, key)
	v, err := incrByFloatOp(&c, d.idx, key, text)
	done(&c)
	return v, err
}

func appendOp(c *keyspace.Ctx, db int, key, val string, max int64) (int, error) {
	e := c.LookupWrite(db, key)
	if e == nil {
		if int64(len(val)) > max {
			return 0, ErrStringTooLong
		}
		e = c.Create(db, key)
		e.SetStr(val)
	} else {
		if e.Kind() != keyspace.KindString {
			return 0, ErrWrongType
		}
		n := e.StrLen()
		if int64(n)+int64(len(val)) > max {
			return 0, ErrStringTooLong
		}
		if len(val) > 0 {
			b := e.MutableStr(n + len(val))
			copy(b[n:], val)
		}
	}
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyString, "append", key)
	c.Propagate(db, "APPEND", key, val)
	return e.StrLen(), nil
}

// Append appends value to the string at key (APPEND) and returns the new
// length.
func (d *DB) Append(key, value string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := appendOp(&c, d.idx, key, value, d.s.maxBulk.Load())
	done(&c)
	return n, err
}

// StrLen returns the length of the string at key (STRLEN); 0 if missing.
func (d *DB) StrLen(key string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	e, err := getOp(&c, d.idx, key)
	n := 0
	if e != nil {
		n = e.StrLen()
	}
	done(&c)
	return n, err
}

// getRange applies GETRANGE's index rules to a string of length n.
func getRange(n int, start, end int64) (int, int, bool) {
	if start < 0 && end < 0 && start > end {
		return 0, 0, false
	}
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if end < 0 {
		end += ln
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= ln {
		end = ln - 1
	}
	if start > end || ln == 0 {
		return 0, 0, false
	}
	return int(start), int(end) + 1, true
}

// GetRange returns the substring of the string at key (GETRANGE).
func (d *DB) GetRange(key string, start, end int64) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	e, err := getOp(&c, d.idx, key)
	var v string
	if e != nil {
		if i, j, ok := getRange(e.StrLen(), start, end); ok {
			v = string([]byte(e.StrView()[i:j]))
		}
	}
	done(&c)
	return v, err
}

func setRangeOp(c *keyspace.Ctx, db int, key string, off int64, val string, max int64) (int, error) {
	if off < 0 {
		return 0, errf("ERR offset is out of range")
	}
	e := c.LookupWrite(db, key)
	if e == nil {
		if len(val) == 0 {
			return 0, nil
		}
		if off+int64(len(val)) > max {
			return 0, ErrStringTooLong
		}
		e = c.Create(db, key)
		e.SetStr("")
	} else {
		if e.Kind() != keyspace.KindString {
			return 0, ErrWrongType
		}
		if len(val) == 0 {
			return e.StrLen(), nil
		}
		if off+int64(len(val)) > max {
			return 0, ErrStringTooLong
		}
	}
	n := e.StrLen()
	end := int(off) + len(val)
	if end < n {
		end = n
	}
	b := e.MutableStr(end)
	copy(b[off:], val)
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyString, "setrange", key)
	c.Propagate(db, "SETRANGE", key, strconv.FormatInt(off, 10), val)
	return e.StrLen(), nil
}

// SetRange overwrites part of the string at key from offset (SETRANGE)
// and returns the new length.
func (d *DB) SetRange(key string, offset int64, value string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := setRangeOp(&c, d.idx, key, offset, value, d.s.maxBulk.Load())
	done(&c)
	return n, err
}
