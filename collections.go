package embedis

import (
	"github.com/embedis/embedis/keyspace"
)

// Helpers shared by the collection families (hash, list, set, zset,
// stream). Each family stores a pointer to its value structure with
// Entry.SetObj(kind, v) and reads it back with objOf.

// lookupKind is a read lookup that checks the key's type: a missing key
// gives (nil, nil), another type ErrWrongType.
func lookupKind(c *keyspace.Ctx, db int, key string, k keyspace.Kind) (*keyspace.Entry, error) {
	e := c.Lookup(db, key)
	if e == nil {
		return nil, nil
	}
	if e.Kind() != k {
		return nil, ErrWrongType
	}
	return e, nil
}

// lookupKindWrite is lookupKind for writers (no hit/miss statistics).
func lookupKindWrite(c *keyspace.Ctx, db int, key string, k keyspace.Kind) (*keyspace.Entry, error) {
	e := c.LookupWrite(db, key)
	if e == nil {
		return nil, nil
	}
	if e.Kind() != k {
		return nil, ErrWrongType
	}
	return e, nil
}

// objOf returns the value structure of a collection entry, to change.
func objOf[T any](e *keyspace.Entry) T { return e.Obj().(T) }

// objView returns the value structure of a collection entry for reading
// only (keyspace.Entry.ObjView): the read helpers of lists, sets and
// sorted sets use it, whose callers are read-only commands, so that
// reading a large collection while a snapshot reads it does not clone it.
func objView[T any](e *keyspace.Entry) T { return e.ObjView().(T) }

// getOrCreate returns key's value of kind k for writing, creating it with
// mk when the key is missing (created reports that). The new key exists
// only once the caller stores something: a caller that ends up adding
// nothing must call dropIfEmpty.
func getOrCreate[T any](c *keyspace.Ctx, db int, key string, k keyspace.Kind, mk func() T) (v T, e *keyspace.Entry, created bool, err error) {
	e, err = lookupKindWrite(c, db, key, k)
	if err != nil {
		return v, nil, false, err
	}
	if e != nil {
		return objOf[T](e), e, false, nil
	}
	v = mk()
	e = c.Create(db, key)
	e.SetObj(k, v)
	return v, e, true, nil
}

// dropIfEmpty deletes a collection key whose value has become empty (Redis
// never keeps empty lists, sets, sorted sets or hashes), firing the del
// event after the caller's type event. It reports whether it deleted.
func dropIfEmpty(c *keyspace.Ctx, db int, e *keyspace.Entry, n int) bool {
	if n > 0 {
		return false
	}
	key := e.Key()
	c.Remove(db, e)
	c.Notify(db, keyspace.NotifyGeneric, "del", key)
	return true
}

// storeResult replaces dst with a new collection value (the *STORE
// commands): an empty result deletes dst instead. It fires event (of
// class) or del, touches dst and clears its TTL. It reports whether dst
// now exists.
func storeResult(c *keyspace.Ctx, db int, dst string, k keyspace.Kind, v any, n int, class uint32, event string) bool {
	old := c.LookupWrite(db, dst)
	if n == 0 {
		if old != nil {
			c.Remove(db, old)
			c.Touch(db, dst)
			c.Notify(db, keyspace.NotifyGeneric, "del", dst)
		}
		return false
	}
	if old != nil {
		c.Remove(db, old)
	}
	e := c.Create(db, dst)
	e.SetObj(k, v)
	c.Touch(db, dst)
	c.Notify(db, class, event, dst)
	c.SignalReady(db, dst)
	return true
}

// propagateArgs journals the command exactly as received, for commands
// whose effect is deterministic (HSET, LPUSH, SADD, ZADD without INCR, …).
// Commands with random or computed effects (SPOP, SRANDMEMBER-free paths,
// HINCRBYFLOAT, blocking pops, …) must propagate their concrete effect
// instead (SREM of the popped members, HSET of the computed value, LPOP).
func (x *Exec) propagateArgs() {
	if !x.c.Journaling() {
		return
	}
	args := make([]string, len(x.args))
	for i := range x.args {
		args[i] = x.argOwned(i)
	}
	x.c.Propagate(x.db, args...)
}
