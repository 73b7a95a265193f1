package embedis

import (
	"errors"
	"unsafe"

	"github.com/embedis/embedis/keyspace"
	"github.com/embedis/embedis/types"
)

// HyperLogLog: PFADD, PFCOUNT, PFMERGE (hyperloglog.c of Redis 7.4).
//
// A HyperLogLog is a string value, as in Redis: TYPE says "string", GET
// returns the bytes, and APPEND or SETRANGE can corrupt it. Its layout is
// embedis's own (types/hll.go documents it byte by byte and says where it
// differs from Redis's): the "HYLL" magic and a 16-byte header shaped like
// Redis's, then an axiomhq/hyperloglog sketch. Payloads cannot be moved
// between embedis and a real Redis.
//
// Behaviour kept from Redis:
//   - PFADD replies 1 when the sketch changed or the key was created (even
//     with no elements), else 0; it invalidates the cached cardinality.
//   - PFCOUNT of one key returns the cached cardinality when valid;
//     otherwise it computes it and writes it back into the string, which
//     is a modification: the key is touched (WATCH) and PFCOUNT is
//     journaled, as Redis propagates it.
//   - PFCOUNT of several keys counts their union without writing anything.
//   - PFMERGE takes the register-wise maximum over the sources and dest's
//     own content, creates dest even when every source is missing, and
//     fires the pfadd event.
//   - A string that is not a HyperLogLog gives "WRONGTYPE Key is not a
//     valid HyperLogLog string value."; a right header over a sketch that
//     does not decode gives "INVALIDOBJ Corrupted HLL object detected".
//
// Journal: PFADD and PFMERGE are journaled as received. They are
// deterministic: the same elements hashed by the same code give the same
// sketch, so replaying the commands rebuilds identical bytes; journaling
// the whole value (up to 16 KiB) on every PFADD would cost far more.
//
// Counts: small cardinalities are exact as in Redis (Redis answers exactly
// up to 127 distinct elements for ordinary inputs; embedis stays exact
// while the sketch is sparse, about 1000 elements). Beyond that both are
// estimates with a standard error of 0.81% but from different estimators
// (Redis: Ertl's; embedis: axiomhq's LogLog-Beta), so the numbers differ.

var (
	// ErrNotHLL: PF* on a string that is not a HyperLogLog.
	ErrNotHLL = newErr(kindWrongType, "WRONGTYPE Key is not a valid HyperLogLog string value.")
	// ErrCorruptHLL: a HyperLogLog whose header is right but whose sketch
	// does not decode (for example after APPEND).
	ErrCorruptHLL = errf("INVALIDOBJ Corrupted HLL object detected")
)

// hllError maps a types error to the wire error.
func hllError(err error) error {
	if errors.Is(err, types.ErrHLLInvalid) {
		return ErrNotHLL
	}
	return ErrCorruptHLL
}

// hllView returns a string value's bytes without copying; valid while the
// shard is locked and the value unchanged. Read only.
func hllView(e *keyspace.Entry) []byte {
	s := e.StrView()
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// hllCheck type-checks an entry holding a HyperLogLog.
func hllCheck(e *keyspace.Entry) error {
	if e.Kind() != keyspace.KindString {
		return ErrWrongType
	}
	if types.ValidateHLL(hllView(e)) != nil {
		return ErrNotHLL
	}
	return nil
}

// hllStore replaces e's value with b, which the entry takes over. A dense
// value is kept as an immutable string until its first in-place update; a
// sparse one goes into a mutable buffer, so that, as in Redis, the value is
// a raw string.
func hllStore(e *keyspace.Entry, b []byte) {
	if types.HLLIsDense(b) {
		e.SetStr(unsafe.String(unsafe.SliceData(b), len(b)))
		return
	}
	copy(e.MutableStr(len(b)), b)
}

// hllMutable returns e's value as a buffer it may change in place.
func hllMutable(e *keyspace.Entry) []byte { return e.MutableStr(e.StrLen()) }

// pfaddOp adds elems to the HyperLogLog at key, creating it if needed, and
// reports whether it changed (or was created). The caller journals.
func pfaddOp(c *keyspace.Ctx, db int, key string, elems []string) (bool, error) {
	e := c.LookupWrite(db, key)
	updated := false
	if e == nil {
		e = c.Create(db, key)
		hllStore(e, types.NewHLL())
		updated = true
	} else if err := hllCheck(e); err != nil {
		return false, err
	}
	if len(elems) > 0 {
		changed := false
		if b := hllView(e); types.HLLIsDense(b) {
			buf := hllMutable(e)
			for _, el := range elems {
				if types.HLLAddDense(buf, el) {
					changed = true
				}
			}
			if changed {
				types.HLLInvalidateCache(buf)
			}
		} else {
			nb, ch, err := types.HLLAddSparse(b, elems)
			if err != nil {
				return false, hllError(err)
			}
			if ch {
				hllStore(e, nb)
				changed = true
			}
		}
		updated = updated || changed
	}
	if updated {
		c.Touch(db, key)
		c.Notify(db, keyspace.NotifyString, "pfadd", key)
	}
	return updated, nil
}

// pfcountOp returns the cardinality of one HyperLogLog (writing the cache
// back when it was not valid) or of the union of several.
func pfcountOp(c *keyspace.Ctx, db int, keys []string) (int64, error) {
	if len(keys) == 1 {
		key := keys[0]
		e := c.Lookup(db, key)
		if e == nil {
			return 0, nil
		}
		if err := hllCheck(e); err != nil {
			return 0, err
		}
		if n, ok := types.HLLCachedCount(hllView(e)); ok {
			return int64(n), nil
		}
		sk, err := types.DecodeHLL(hllView(e))
		if err != nil {
			return 0, hllError(err)
		}
		n := sk.Estimate()
		types.HLLSetCachedCount(hllMutable(e), n)
		c.Touch(db, key)
		if c.Journaling() {
			c.Propagate(db, "PFCOUNT", key)
		}
		return int64(n), nil
	}
	acc, err := hllUnion(c, db, keys)
	if err != nil {
		return 0, err
	}
	return int64(acc.Estimate()), nil
}

// hllUnion merges the HyperLogLogs at keys (missing keys count as empty),
// checking each key in order.
func hllUnion(c *keyspace.Ctx, db int, keys []string) (*types.HLLSketch, error) {
	acc := types.NewHLLSketch()
	for _, k := range keys {
		e := c.Lookup(db, k)
		if e == nil {
			continue
		}
		if err := hllCheck(e); err != nil {
			return nil, err
		}
		sk, err := types.DecodeHLL(hllView(e))
		if err != nil {
			return nil, hllError(err)
		}
		acc.Merge(sk)
	}
	return acc, nil
}

// pfmergeOp merges dst and srcs into dst. The caller journals.
func pfmergeOp(c *keyspace.Ctx, db int, dst string, srcs []string) error {
	keys := make([]string, 0, 1+len(srcs))
	acc, err := hllUnion(c, db, append(append(keys, dst), srcs...))
	if err != nil {
		return err
	}
	e := c.LookupWrite(db, dst)
	if e == nil {
		e = c.Create(db, dst)
	}
	hllStore(e, acc.Encode())
	c.Touch(db, dst)
	c.Notify(db, keyspace.NotifyString, "pfadd", dst)
	return nil
}

// PFAdd adds elements to the HyperLogLog at key (PFADD), creating it if
// needed, and reports whether it changed (a new key counts as a change,
// even with no elements).
func (d *DB) PFAdd(key string, elements ...string) (bool, error) {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return false, err
	}
	var c keyspace.Ctx
	d.unit(&c, key)
	ok, err := pfaddOp(&c, d.idx, key, elements)
	if ok && c.Journaling() {
		propagateCmd(&c, d.idx, "PFADD", key, elements)
	}
	done(&c)
	return ok, err
}

// PFCount returns the estimated number of distinct elements added to the
// HyperLogLog at key, or to the union of several (PFCOUNT); 0 for missing
// keys.
func (d *DB) PFCount(keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, errWrongArgs("pfcount")
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(keys...)
	n, err := pfcountOp(&c, d.idx, keys)
	done(&c)
	return n, err
}

// PFMerge stores in dst the union of dst and the HyperLogLogs at srcs
// (PFMERGE); dst is created even when every source is missing.
func (d *DB) PFMerge(dst string, srcs ...string) error {
	if err := d.s.freeMemoryIfNeeded(); err != nil {
		return err
	}
	var c keyspace.Ctx
	d.s.ks.Begin(&c)
	c.Lock(append([]string{dst}, srcs...)...)
	err := pfmergeOp(&c, d.idx, dst, srcs)
	if err == nil && c.Journaling() {
		propagateCmd(&c, d.idx, "PFMERGE", dst, srcs)
	}
	done(&c)
	return err
}
