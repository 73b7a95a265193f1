package embedis

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis/internal/rconv"
	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/types"
)

// Hashes: the core operations shared by the HSET-family command handlers
// (cmd_hash.go) and the typed API on *DB below, plus Redis 7.4 hash-field
// expiration (HFE).
//
// Field expiry follows t_hash.c of Redis 7.4:
//   - a field with expiry at is alive while at >= now (the unit's snapshot);
//   - reads of one field (HGET, HMGET, HEXISTS, HSTRLEN, HINCRBY*,
//     HSETNX) delete an expired field on the spot: event hexpired, journal
//     HDEL key field, and the key goes away (event del) with its last field;
//   - HRANDFIELD first reclaims every expired field of the hash;
//   - HGETALL, HKEYS, HVALS and HSCAN skip expired fields without deleting;
//     HLEN counts them, HDEL deletes (and counts) them, and HSET on one
//     counts as an update;
//   - the active expiry cycle reclaims them through initHashFieldExpiry.

// Errors specific to hashes, with Redis's wire text.
var (
	errHashNotInt        = errf("ERR hash value is not an integer")
	errHashNotFloat      = errf("ERR hash value is not a float")
	errHashIncrNaN       = errf("ERR value is NaN or Infinity")
	errHFENegative       = errf("ERR invalid expire time, must be >= 0")
	errHFEFieldsMissing  = errf("ERR Mandatory argument FIELDS is missing or not at the right position")
	errHFENumFields      = errf("ERR Parameter `numFields` should be greater than 0")
	errHFENumFieldsTTL   = errf("ERR Number of fields must be a positive integer")
	errHFENumFieldsMatch = errf("ERR The `numfields` parameter must match the number of arguments")
	errHRandOutOfRange   = errf("ERR value is out of range")
)

// hfeMaxAbsMS is the largest absolute field expiry Redis accepts
// (HFE_MAX_ABS_TIME_MSEC: EB_EXPIRE_TIME_MAX >> 2, about year 4199).
const hfeMaxAbsMS = (1<<48 - 1) >> 2

// hashActiveExpireMax bounds the fields the active cycle reclaims from one
// hash per visit, so one huge hash cannot stall its shard.
const hashActiveExpireMax = 1000

// Codes of the per-field replies of the field-expiry commands.
const (
	// FieldMissing (-2): no such field (or no such key).
	FieldMissing = -2
	// FieldNoTTL (-1): the field has no expiry (HTTL, HPERSIST).
	FieldNoTTL = -1
	// FieldConditionNotMet (0): NX, XX, GT or LT prevented the change.
	FieldConditionNotMet = 0
	// FieldExpireSet (1): the expiry was set (HEXPIRE) or removed
	// (HPERSIST).
	FieldExpireSet = 1
	// FieldDeleted (2): the time was not in the future, so the field was
	// deleted.
	FieldDeleted = 2
)

// NoField is the TTL HTTL reports for a field (or key) that does not exist.
const NoField = time.Duration(-2)

// HField is a field and its value (HRANDFIELD ... WITHVALUES).
type HField struct {
	Field, Value string
}

// HScanArgs are HSCAN's options.
type HScanArgs struct {
	// Match (MATCH): a glob pattern fields must match. Default: all.
	Match string
	// Count (COUNT): about how many fields to visit. Default: 10.
	Count int
	// NoValues (NOVALUES): return field names only. Default: false.
	NoValues bool
}

// initHashFieldExpiry installs hash-field reclamation in the active expiry
// cycle. Open must call it once per Store.
func initHashFieldExpiry(s *Store) {
	s.Keyspace().SetFieldExpirer(hashActiveExpire)
}

// hashActiveExpire is the keyspace.FieldExpirer for hashes.
func hashActiveExpire(c *keyspace.Ctx, db int, e *keyspace.Entry) int {
	if e.Kind() != keyspace.KindHash {
		return 0
	}
	if at := e.ExpireAt(); at != 0 && c.Now() > at {
		return 0 // the whole key expired: key expiry reclaims it
	}
	n, _ := hashReclaim(c, db, e, objOf[*types.Hash](e), hashActiveExpireMax)
	return n
}

// hashSyncTTL keeps the entry's member-TTL mark (which the active cycle
// visits) in step with the hash.
func hashSyncTTL(c *keyspace.Ctx, db int, e *keyspace.Entry, h *types.Hash) {
	c.SetFieldTTL(db, e, h.TTLCount() > 0)
}

// hashFieldExpired reports whether expiry at has passed at the unit's time.
func hashFieldExpired(c *keyspace.Ctx, at int64) bool { return at != 0 && at < c.Now() }

// hashFieldGet returns field's value when it exists and is alive. An
// expired field is deleted on the spot as Redis's hashTypeGetValue does:
// HDEL journaled, event hexpired (unless quiet), and when it was the last
// field the key is deleted (event del unless quiet; gone reports it).
// expired reports that the field had expired.
func hashFieldGet(c *keyspace.Ctx, db int, e *keyspace.Entry, h *types.Hash, field string, quiet bool) (v string, ok, expired, gone bool) {
	v, at, ok := h.Get(field)
	if !ok {
		return "", false, false, false
	}
	if !hashFieldExpired(c, at) {
		return v, true, false, false
	}
	if c.Loading {
		return "", false, true, false
	}
	key := e.Key()
	h.Delete(field)
	if c.Journaling() {
		c.Propagate(db, "HDEL", key, strings.Clone(field))
	}
	if !quiet {
		c.Notify(db, keyspace.NotifyHash, "hexpired", key)
	}
	if h.Len() == 0 {
		if !quiet {
			c.Notify(db, keyspace.NotifyGeneric, "del", key)
		}
		c.Remove(db, e)
		gone = true
	} else {
		hashSyncTTL(c, db, e, h)
	}
	c.Touch(db, key)
	return "", false, true, gone
}

// hashReclaim deletes the fields of h that expired (at most max; max <= 0:
// all) as Redis's hashTypeExpire does: HDEL journaled per field, one
// hexpired event, and the key deleted (event del) when none is left.
func hashReclaim(c *keyspace.Ctx, db int, e *keyspace.Entry, h *types.Hash, max int) (n int, gone bool) {
	next := h.NextExpiry()
	if next == 0 || next >= c.Now() || c.Loading {
		hashSyncTTL(c, db, e, h)
		return 0, false
	}
	key := e.Key()
	n = h.ExpireFields(c.Now(), max, func(field string) {
		c.Propagate(db, "HDEL", key, field)
	})
	c.Notify(db, keyspace.NotifyHash, "hexpired", key)
	if h.Len() == 0 {
		c.Notify(db, keyspace.NotifyGeneric, "del", key)
		c.Remove(db, e)
		gone = true
	} else {
		hashSyncTTL(c, db, e, h)
	}
	c.Touch(db, key)
	return n, gone
}

// hashRead finds a hash for reading: nil when missing.
func hashRead(c *keyspace.Ctx, db int, key string) (*keyspace.Entry, *types.Hash, error) {
	e, err := lookupKind(c, db, key, keyspace.KindHash)
	if e == nil {
		return nil, nil, err
	}
	return e, objOf[*types.Hash](e), nil
}

// hashWrite finds a hash for writing: nil when missing.
func hashWrite(c *keyspace.Ctx, db int, key string) (*keyspace.Entry, *types.Hash, error) {
	e, err := lookupKindWrite(c, db, key, keyspace.KindHash)
	if e == nil {
		return nil, nil, err
	}
	return e, objOf[*types.Hash](e), nil
}

// hashCreate stores a new empty hash at key (which must be absent).
func hashCreate(c *keyspace.Ctx, db int, key string) (*keyspace.Entry, *types.Hash) {
	h := types.NewHash()
	e := c.Create(db, key)
	e.SetObj(keyspace.KindHash, h)
	return e, h
}

// hashAbandon drops a hash created by this unit that got no field (an
// error after creation): nothing was observable, so no event.
func hashAbandon(c *keyspace.Ctx, db int, e *keyspace.Entry, h *types.Hash) {
	if h.Len() == 0 {
		c.Remove(db, e)
	}
}

// hsetOp implements HSET and HMSET; fv holds field/value pairs. It
// returns the number of new fields. The caller journals.
func hsetOp(c *keyspace.Ctx, db int, key string, fv []string) (int, error) {
	h, e, _, err := getOrCreate(c, db, key, keyspace.KindHash, types.NewHash)
	if err != nil {
		return 0, err
	}
	h.Reserve(len(fv) / 2)
	n := 0
	for i := 0; i+1 < len(fv); i += 2 {
		if h.Set(fv[i], fv[i+1]) {
			n++
		}
	}
	hashSyncTTL(c, db, e, h)
	c.TouchEntry(db, e)
	c.Notify(db, keyspace.NotifyHash, "hset", key)
	return n, nil
}

// hsetnxOp implements HSETNX. The caller journals when it set.
func hsetnxOp(c *keyspace.Ctx, db int, key, field, value string) (bool, error) {
	h, e, created, err := getOrCreate(c, db, key, keyspace.KindHash, types.NewHash)
	if err != nil {
		return false, err
	}
	if !created {
		_, ok, _, gone := hashFieldGet(c, db, e, h, field, false)
		if ok {
			return false, nil
		}
		if gone { // the expired field was the last: a new hash
			e, h = hashCreate(c, db, key)
		}
	}
	h.Set(field, value)
	hashSyncTTL(c, db, e, h)
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyHash, "hset", key)
	return true, nil
}

// hgetOp implements HGET.
func hgetOp(c *keyspace.Ctx, db int, key, field string) (string, bool, error) {
	e, h, err := hashRead(c, db, key)
	if e == nil {
		return "", false, err
	}
	v, ok, _, _ := hashFieldGet(c, db, e, h, field, false)
	return v, ok, nil
}

// hmgetOp implements HMGET: one value (or absence) per field.
func hmgetOp(c *keyspace.Ctx, db int, key string, fields []string) ([]string, []bool, error) {
	e, h, err := hashRead(c, db, key)
	if err != nil {
		return nil, nil, err
	}
	vals := make([]string, len(fields))
	oks := make([]bool, len(fields))
	if e == nil {
		return vals, oks, nil
	}
	name := e.Key()
	expired, deleted := 0, false
	for i, f := range fields {
		v, ok, exp, gone := hashFieldGet(c, db, e, h, f, true)
		vals[i], oks[i] = v, ok
		// Redis counts only the expired fields that did not empty the hash,
		// so a hash emptied by its only expired field fires no event.
		if exp && !gone {
			expired++
		}
		if gone {
			deleted = true
			break
		}
	}
	if expired > 0 {
		c.Notify(db, keyspace.NotifyHash, "hexpired", name)
		if deleted {
			c.Notify(db, keyspace.NotifyGeneric, "del", name)
		}
	}
	return vals, oks, nil
}

// hdelOp implements HDEL. Expired fields not yet reclaimed are deleted
// and counted, as in Redis 7.4. The caller journals when n > 0.
func hdelOp(c *keyspace.Ctx, db int, key string, fields []string) (int, error) {
	e, h, err := hashWrite(c, db, key)
	if e == nil {
		return 0, err
	}
	n := 0
	for _, f := range fields {
		if h.Delete(f) {
			n++
			if h.Len() == 0 {
				break
			}
		}
	}
	if n == 0 {
		return 0, nil
	}
	name := e.Key()
	c.Notify(db, keyspace.NotifyHash, "hdel", name)
	if !dropIfEmpty(c, db, e, h.Len()) {
		hashSyncTTL(c, db, e, h)
	}
	c.Touch(db, name)
	return n, nil
}

// hlenOp implements HLEN (expired fields not reclaimed yet count).
func hlenOp(c *keyspace.Ctx, db int, key string) (int, error) {
	_, h, err := hashRead(c, db, key)
	if h == nil {
		return 0, err
	}
	return h.Len(), nil
}

// hexistsOp implements HEXISTS.
func hexistsOp(c *keyspace.Ctx, db int, key, field string) (bool, error) {
	_, ok, err := hgetOp(c, db, key, field)
	return ok, err
}

// hstrlenOp implements HSTRLEN.
func hstrlenOp(c *keyspace.Ctx, db int, key, field string) (int, error) {
	v, _, err := hgetOp(c, db, key, field)
	return len(v), err
}

// hashNow is the unit's time when h has field TTLs, else 0 (so hashes
// without TTLs never read the clock).
func hashNow(c *keyspace.Ctx, h *types.Hash) int64 {
	if h.TTLCount() == 0 {
		return 0
	}
	return c.Now()
}

// hincrbyOp implements HINCRBY; the field keeps its expiry. The caller
// journals.
func hincrbyOp(c *keyspace.Ctx, db int, key, field string, incr int64) (int64, error) {
	h, e, created, err := getOrCreate(c, db, key, keyspace.KindHash, types.NewHash)
	if err != nil {
		return 0, err
	}
	var cur int64
	if !created {
		v, ok, _, gone := hashFieldGet(c, db, e, h, field, false)
		if gone {
			e, h = hashCreate(c, db, key)
		}
		if ok {
			if cur, ok = parseInt(v); !ok {
				return 0, errHashNotInt
			}
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) || (incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		hashAbandon(c, db, e, h)
		return 0, ErrOverflow
	}
	cur += incr
	h.SetKeepTTL(field, strconv.FormatInt(cur, 10))
	hashSyncTTL(c, db, e, h)
	c.Touch(db, key)
	c.Notify(db, keyspace.NotifyHash, "hincrby", key)
	return cur, nil
}

// hincrbyfloatOp implements HINCRBYFLOAT after the increment's own checks
// (rconv.HIncrByFloatIncrement). It journals HSET with the result.
func hincrbyfloatOp(c *keyspace.Ctx, db int, key, field string, incr rconv.LongDouble) (string, error) {
	h, e, created, err := getOrCreate(c, db, key, keyspace.KindHash, types.NewHash)
	if err != nil {
		return "", err
	}
	var cur []byte
	if !created {
		v, ok, _, gone := hashFieldGet(c, db, e, h, field, false)
		if gone {
			e, h = hashCreate(c, db, key)
		}
		if ok {
			cur = append(make([]byte, 0, len(v)), v...)
		}
	}
	res, err := rconv.HIncrByFloat(cur, incr)
	if err != nil {
		hashAbandon(c, db, e, h)
		if errors.Is(err, rconv.ErrHashValueNotFloat) {
			return "", errHashNotFloat
		}
		return "", ErrNaN
	}
	h.SetKeepTTL(field, res)
	hashSyncTTL(c, db, e, h)
	name := e.Key()
	c.Touch(db, name)
	c.Notify(db, keyspace.NotifyHash, "hincrbyfloat", name)
	if c.Journaling() {
		c.Propagate(db, "HSET", name, strings.Clone(field), res)
	}
	return res, nil
}

// hrandOne implements HRANDFIELD without a count.
func hrandOne(c *keyspace.Ctx, db int, key string) (string, bool, error) {
	e, h, err := hashRead(c, db, key)
	if e == nil {
		return "", false, err
	}
	if _, gone := hashReclaim(c, db, e, h, 0); gone {
		return "", false, nil
	}
	f, _, _ := h.At(h.RandomSlot())
	return f, true, nil
}

// hrandCount implements HRANDFIELD with a count: distinct fields for a
// positive count (at most all of them), |count| fields with repeats for a
// negative one.
func hrandCount(c *keyspace.Ctx, db int, key string, count int64) ([]HField, error) {
	e, h, err := hashRead(c, db, key)
	if e == nil {
		return nil, err
	}
	if _, gone := hashReclaim(c, db, e, h, 0); gone || count == 0 {
		return nil, nil
	}
	size := h.Len()
	var out []HField
	add := func(slots []int) {
		h.AtSlots(slots, func(f, v string, _ int64) { out = append(out, HField{f, v}) })
	}
	if count < 0 || count == 1 {
		n := count
		if n < 0 {
			n = -n
		}
		out = make([]HField, 0, min(n, 1<<16))
		slots := make([]int, min(n, 1<<16))
		for n > 0 {
			batch := slots[:min(n, int64(len(slots)))]
			for i := range batch {
				batch[i] = h.RandomSlot()
			}
			add(batch)
			n -= int64(len(batch))
		}
		return out, nil
	}
	if count >= int64(size) {
		out = make([]HField, 0, size)
		h.Each(func(f, v string, _ int64) bool { out = append(out, HField{f, v}); return true })
		return out, nil
	}
	out = make([]HField, 0, count)
	add(h.SampleSlots(int(count)))
	return out, nil
}

// hscanOp implements HSCAN on an existing hash; the reply holds field,
// value pairs (or fields with noValues).
func hscanOp(c *keyspace.Ctx, h *types.Hash, cursor uint64, keep func(string) bool, count int, noValues bool) ([]string, uint64) {
	now := hashNow(c, h)
	var out []string
	next := h.Scan(cursor, count, func(f, v string, at int64) {
		if at != 0 && at < now {
			return
		}
		if keep != nil && !keep(f) {
			return
		}
		out = append(out, f)
		if !noValues {
			out = append(out, v)
		}
	})
	return out, next
}

// hexpireCond is the optional NX|XX|GT|LT of HEXPIRE and friends.
type hexpireCond uint8

const (
	hcondNone hexpireCond = iota
	hcondNX
	hcondXX
	hcondGT
	hcondLT
)

var hcondNames = [...]string{"", "NX", "XX", "GT", "LT"}

func (a *ExpireArgs) hcond() hexpireCond {
	switch {
	case a == nil:
		return hcondNone
	case a.NX:
		return hcondNX
	case a.XX:
		return hcondXX
	case a.GT:
		return hcondGT
	case a.LT:
		return hcondLT
	}
	return hcondNone
}

// hexpireOp sets the absolute expiry when (ms) on fields of the hash in e
// (nil: missing key) as HPEXPIREAT does, and returns a code per field. It
// journals HDEL for fields deleted because when is not in the future, and
// HPEXPIREAT with only the fields that were set.
func hexpireOp(c *keyspace.Ctx, db int, e *keyspace.Entry, when int64, cond hexpireCond, fields []string) []int {
	codes := make([]int, len(fields))
	if e == nil {
		for i := range codes {
			codes[i] = FieldMissing
		}
		return codes
	}
	h := objOf[*types.Hash](e)
	key := e.Key()
	h.PrepareTTL()
	past := when <= c.Now() && !c.Loading
	var set []string
	deleted := 0
	for i, f := range fields {
		_, cur, ok := h.Get(f)
		switch {
		case !ok:
			codes[i] = FieldMissing
			continue
		case cur == 0 && (cond == hcondXX || cond == hcondGT),
			cur != 0 && (cond == hcondNX || (cond == hcondGT && cur >= when) || (cond == hcondLT && cur <= when)):
			codes[i] = FieldConditionNotMet
			continue
		}
		if past {
			h.Delete(f)
			if c.Journaling() {
				c.Propagate(db, "HDEL", key, strings.Clone(f))
			}
			deleted++
			codes[i] = FieldDeleted
			continue
		}
		h.SetExpire(f, when)
		set = append(set, f)
		codes[i] = FieldExpireSet
	}
	if deleted+len(set) == 0 {
		return codes
	}
	if deleted > 0 && h.Len() == 0 {
		c.Remove(db, e)
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyHash, "hdel", key)
		c.Notify(db, keyspace.NotifyGeneric, "del", key)
		return codes
	}
	hashSyncTTL(c, db, e, h)
	c.Touch(db, key)
	if deleted > 0 {
		c.Notify(db, keyspace.NotifyHash, "hdel", key)
	} else {
		c.Notify(db, keyspace.NotifyHash, "hexpire", key)
	}
	if len(set) > 0 && c.Journaling() {
		args := make([]string, 0, 6+len(set))
		args = append(args, "HPEXPIREAT", key, strconv.FormatInt(when, 10))
		if cond != hcondNone {
			args = append(args, hcondNames[cond])
		}
		args = append(args, "FIELDS", strconv.Itoa(len(set)))
		for _, f := range set {
			args = append(args, strings.Clone(f))
		}
		c.Propagate(db, args...)
	}
	return codes
}

// httlKind selects what HTTL and friends report.
type httlKind uint8

const (
	httlSeconds   httlKind = iota // HTTL: remaining seconds, rounded up
	httlMillis                    // HPTTL
	httlAtSeconds                 // HEXPIRETIME (rounded up)
	httlAtMillis                  // HPEXPIRETIME
)

// httlOp implements HTTL, HPTTL, HEXPIRETIME and HPEXPIRETIME on the hash
// in e (nil: missing key).
func httlOp(c *keyspace.Ctx, e *keyspace.Entry, kind httlKind, fields []string) []int64 {
	out := make([]int64, len(fields))
	var h *types.Hash
	if e != nil {
		h = objOf[*types.Hash](e)
	}
	for i, f := range fields {
		if h == nil {
			out[i] = FieldMissing
			continue
		}
		_, at, ok := h.Get(f)
		switch {
		case !ok:
			out[i] = FieldMissing
			continue
		case at == 0:
			out[i] = FieldNoTTL
			continue
		}
		now := c.Now()
		// Redis 7.4 quirk: a listpackex field expiring exactly now reads
		// as missing here, a hashtable one as alive (0 left).
		if at < now || (at == now && h.Encoding() == "listpackex") {
			out[i] = FieldMissing
			continue
		}
		switch kind {
		case httlSeconds:
			out[i] = (at + 999 - now) / 1000
		case httlMillis:
			out[i] = at - now
		case httlAtSeconds:
			out[i] = (at + 999) / 1000
		default:
			out[i] = at
		}
	}
	return out
}

// hpersistOp implements HPERSIST on the hash in e (nil: missing key). The
// caller journals when changed.
func hpersistOp(c *keyspace.Ctx, db int, e *keyspace.Entry, fields []string) (codes []int, changed bool) {
	codes = make([]int, len(fields))
	if e == nil {
		for i := range codes {
			codes[i] = FieldMissing
		}
		return codes, false
	}
	h := objOf[*types.Hash](e)
	for i, f := range fields {
		_, at, ok := h.Get(f)
		switch {
		case !ok:
			codes[i] = FieldMissing
		case at == 0:
			codes[i] = FieldNoTTL
		case at < c.Now(): // expired: as if missing
			codes[i] = FieldMissing
		default:
			h.Persist(f)
			codes[i] = FieldExpireSet
			changed = true
		}
	}
	if changed {
		hashSyncTTL(c, db, e, h)
		c.Notify(db, keyspace.NotifyHash, "hpersist", e.Key())
		c.Touch(db, e.Key())
	}
	return codes, changed
}

// Typed API.

// hashJournal records a command the typed API ran, when journaling is on.
func hashJournal(c *keyspace.Ctx, db int, args ...string) {
	if c.Journaling() {
		c.Propagate(db, args...)
	}
}

// HSet sets field/value pairs in the hash at key (HSET) and returns how
// many fields are new. Overwriting a field clears its expiry.
func (d *DB) HSet(key string, fieldValues ...string) (int, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	if len(fieldValues) == 0 || len(fieldValues)%2 != 0 {
		return 0, errWrongArgs("hset")
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := hsetOp(&c, d.idx, key, fieldValues)
	if err == nil {
		hashJournal(&c, d.idx, append([]string{"HSET", key}, fieldValues...)...)
	}
	done(&c)
	return n, err
}

// HMSet is HSet without the count (HMSET).
func (d *DB) HMSet(key string, fieldValues ...string) error {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return err
	}
	if len(fieldValues) == 0 || len(fieldValues)%2 != 0 {
		return errWrongArgs("hmset")
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	_, err := hsetOp(&c, d.idx, key, fieldValues)
	if err == nil {
		hashJournal(&c, d.idx, append([]string{"HMSET", key}, fieldValues...)...)
	}
	done(&c)
	return err
}

// HSetNX sets field only if it does not exist (HSETNX) and reports
// whether it did.
func (d *DB) HSetNX(key, field, value string) (bool, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return false, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	ok, err := hsetnxOp(&c, d.idx, key, field, value)
	if ok {
		hashJournal(&c, d.idx, "HSETNX", key, field, value)
	}
	done(&c)
	return ok, err
}

// HGet returns the value of field (HGET), or Nil.
func (d *DB) HGet(key, field string) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	v, ok, err := hgetOp(&c, d.idx, key, field)
	done(&c)
	if err == nil && !ok {
		err = Nil
	}
	return v, err
}

// HMGet returns the values of fields (HMGET); a missing field (or key)
// gives ok=false in its position.
func (d *DB) HMGet(key string, fields ...string) ([]string, []bool, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	vals, oks, err := hmgetOp(&c, d.idx, key, fields)
	done(&c)
	return vals, oks, err
}

// HGetAll returns every field and value (HGETALL); empty for a missing
// key.
func (d *DB) HGetAll(key string) (map[string]string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	_, h, err := hashRead(&c, d.idx, key)
	if h == nil {
		return map[string]string{}, err
	}
	out := make(map[string]string, h.Len())
	h.Range(hashNow(&c, h), func(f, v string) bool { out[f] = v; return true })
	return out, nil
}

// hashList lists the fields (keys) or values of the hash at key.
func (d *DB) hashList(key string, values bool) ([]string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	_, h, err := hashRead(&c, d.idx, key)
	if h == nil {
		return []string{}, err
	}
	out := make([]string, 0, h.Len())
	h.Range(hashNow(&c, h), func(f, v string) bool {
		if values {
			out = append(out, v)
		} else {
			out = append(out, f)
		}
		return true
	})
	return out, nil
}

// HKeys returns the field names (HKEYS).
func (d *DB) HKeys(key string) ([]string, error) { return d.hashList(key, false) }

// HVals returns the values (HVALS).
func (d *DB) HVals(key string) ([]string, error) { return d.hashList(key, true) }

// HDel deletes fields (HDEL) and returns how many existed.
func (d *DB) HDel(key string, fields ...string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := hdelOp(&c, d.idx, key, fields)
	if n > 0 {
		hashJournal(&c, d.idx, append([]string{"HDEL", key}, fields...)...)
	}
	done(&c)
	return n, err
}

// HLen returns the number of fields (HLEN). Like Redis 7.4 it counts
// fields that expired but were not reclaimed yet.
func (d *DB) HLen(key string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := hlenOp(&c, d.idx, key)
	done(&c)
	return n, err
}

// HExists reports whether field exists (HEXISTS).
func (d *DB) HExists(key, field string) (bool, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	ok, err := hexistsOp(&c, d.idx, key, field)
	done(&c)
	return ok, err
}

// HStrLen returns the length of field's value, 0 if missing (HSTRLEN).
func (d *DB) HStrLen(key, field string) (int, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	n, err := hstrlenOp(&c, d.idx, key, field)
	done(&c)
	return n, err
}

// HIncrBy adds incr to the integer in field (HINCRBY), a missing field
// counting as 0, and returns the result. The field keeps its expiry.
func (d *DB) HIncrBy(key, field string, incr int64) (int64, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return 0, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	v, err := hincrbyOp(&c, d.idx, key, field, incr)
	if err == nil {
		hashJournal(&c, d.idx, "HINCRBY", key, field, strconv.FormatInt(incr, 10))
	}
	done(&c)
	return v, err
}

// HIncrByFloat adds incr to the number in field (HINCRBYFLOAT), computing
// in 80-bit precision as Redis does, and returns the result as Redis
// prints it. The field keeps its expiry.
func (d *DB) HIncrByFloat(key, field string, incr float64) (string, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return "", err
	}
	inc, err := rconv.HIncrByFloatIncrement([]byte(formatIncrArg(incr)))
	if err != nil {
		if errors.Is(err, rconv.ErrIncrementNaNOrInf) {
			return "", errHashIncrNaN
		}
		return "", ErrNotFloat
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	v, err := hincrbyfloatOp(&c, d.idx, key, field, inc)
	done(&c)
	return v, err
}

// HRandField returns a random field (HRANDFIELD key), or Nil when the key
// does not exist.
func (d *DB) HRandField(key string) (string, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	f, ok, err := hrandOne(&c, d.idx, key)
	done(&c)
	if err == nil && !ok {
		err = Nil
	}
	return f, err
}

// HRandFieldN returns random fields (HRANDFIELD key count): distinct ones
// (at most all) for a positive count, exactly -count with possible repeats
// for a negative one.
func (d *DB) HRandFieldN(key string, count int) ([]string, error) {
	pairs, err := d.HRandFieldWithValues(key, count)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.Field
	}
	return out, nil
}

// HRandFieldWithValues is HRandFieldN with the values (HRANDFIELD key
// count WITHVALUES).
func (d *DB) HRandFieldWithValues(key string, count int) ([]HField, error) {
	var c keyspace.Ctx
	d.unit(&c, key)
	out, err := hrandCount(&c, d.idx, key, int64(count))
	done(&c)
	if out == nil && err == nil {
		out = []HField{}
	}
	return out, err
}

// HScan returns some fields from cursor on and the cursor to continue with
// (0 when done) (HSCAN): field, value, field, value..., or only fields
// with NoValues. Small hashes return everything at once.
func (d *DB) HScan(key string, cursor uint64, args *HScanArgs) ([]string, uint64, error) {
	var a HScanArgs
	if args != nil {
		a = *args
	}
	if a.Count <= 0 {
		a.Count = 10
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	_, h, err := hashRead(&c, d.idx, key)
	if h == nil {
		return []string{}, 0, err
	}
	out, next := hscanOp(&c, h, cursor, (&ScanArgs{Match: a.Match}).keep(), a.Count, a.NoValues)
	if out == nil {
		out = []string{}
	}
	return out, next, nil
}

// hexpireTyped runs a field-expiry command for the typed API. cmd names
// the command in errors; when returns the absolute ms given the snapshot.
func (d *DB) hexpireTyped(cmd, key string, args *ExpireArgs, fields []string, when func(now int64) (int64, error)) ([]int, error) {
	if err := args.check(); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, errHFENumFields
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	e, err := lookupKindWrite(&c, d.idx, key, keyspace.KindHash)
	if err != nil {
		return nil, err
	}
	at, err := when(c.Now())
	if err != nil {
		return nil, err
	}
	if at > hfeMaxAbsMS {
		return nil, errInvalidExpire(cmd)
	}
	return hexpireOp(&c, d.idx, e, at, args.hcond(), fields), nil
}

// HExpire sets a time to live on fields of the hash at key (HEXPIRE /
// HPEXPIRE, millisecond precision) under the NX/XX/GT/LT condition of
// args (nil: none; a field without expiry counts as infinite). It returns
// one code per field: FieldMissing, FieldConditionNotMet, FieldExpireSet,
// or FieldDeleted when ttl is 0.
func (d *DB) HExpire(key string, ttl time.Duration, args *ExpireArgs, fields ...string) ([]int, error) {
	if ttl < 0 {
		return nil, errHFENegative
	}
	return d.hexpireTyped("hpexpire", key, args, fields, func(now int64) (int64, error) {
		ms := ttl.Milliseconds()
		if ms > hfeMaxAbsMS-now {
			return 0, errInvalidExpire("hpexpire")
		}
		return now + ms, nil
	})
}

// HPExpire is HExpire (HPEXPIRE).
func (d *DB) HPExpire(key string, ttl time.Duration, args *ExpireArgs, fields ...string) ([]int, error) {
	return d.HExpire(key, ttl, args, fields...)
}

// HExpireAt sets an absolute expiry on fields (HEXPIREAT / HPEXPIREAT,
// millisecond precision); a time not after now deletes them. The codes
// are as for HExpire.
func (d *DB) HExpireAt(key string, at time.Time, args *ExpireArgs, fields ...string) ([]int, error) {
	ms := at.UnixMilli()
	if ms < 0 {
		return nil, errHFENegative
	}
	return d.hexpireTyped("hpexpireat", key, args, fields, func(int64) (int64, error) { return ms, nil })
}

// HPExpireAt is HExpireAt (HPEXPIREAT).
func (d *DB) HPExpireAt(key string, at time.Time, args *ExpireArgs, fields ...string) ([]int, error) {
	return d.HExpireAt(key, at, args, fields...)
}

// hashTTLRead runs a read-only field-expiry query for the typed API.
func (d *DB) hashTTLRead(key string, kind httlKind, fields []string) ([]int64, error) {
	if len(fields) == 0 {
		return nil, errHFENumFieldsTTL
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	e, err := lookupKind(&c, d.idx, key, keyspace.KindHash)
	if err != nil {
		return nil, err
	}
	return httlOp(&c, e, kind, fields), nil
}

// HTTL returns the remaining time to live of fields at millisecond
// precision (HPTTL; HTTL rounds it up to seconds): NoExpiry for a field
// without one and NoField for a missing field or key.
func (d *DB) HTTL(key string, fields ...string) ([]time.Duration, error) {
	ms, err := d.hashTTLRead(key, httlMillis, fields)
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, len(ms))
	for i, v := range ms {
		if v < 0 {
			out[i] = time.Duration(v)
		} else {
			out[i] = time.Duration(v) * time.Millisecond
		}
	}
	return out, nil
}

// HPExpireTime returns the absolute expiry of fields in unix milliseconds
// (HPEXPIRETIME): FieldNoTTL (-1) without one, FieldMissing (-2) for a
// missing field or key.
func (d *DB) HPExpireTime(key string, fields ...string) ([]int64, error) {
	return d.hashTTLRead(key, httlAtMillis, fields)
}

// HPersist removes the expiry of fields (HPERSIST): one code per field,
// FieldExpireSet (1) when removed, FieldNoTTL or FieldMissing otherwise.
func (d *DB) HPersist(key string, fields ...string) ([]int, error) {
	if len(fields) == 0 {
		return nil, errHFENumFieldsTTL
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	defer done(&c)
	e, err := lookupKindWrite(&c, d.idx, key, keyspace.KindHash)
	if err != nil {
		return nil, err
	}
	codes, changed := hpersistOp(&c, d.idx, e, fields)
	if changed {
		hashJournal(&c, d.idx, append([]string{"HPERSIST", key, "FIELDS", strconv.Itoa(len(fields))}, fields...)...)
	}
	return codes, nil
}
