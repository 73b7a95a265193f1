package keyspace

import (
	"strings"
	"sync/atomic"
)

// Watcher is one client's set of WATCHed keys. It becomes dirty when any
// watched key is modified (by anyone, including its own client) or, for a
// key that was alive when watched, when the key expires.
type Watcher struct {
	dirty atomic.Bool
	keys  []watchedKey
}

type watchedKey struct {
	dbKey
	expired bool // already logically expired when WATCH ran
}

// Dirty reports whether a watched key was touched.
func (w *Watcher) Dirty() bool { return w.dirty.Load() }

// Len returns the number of watched keys.
func (w *Watcher) Len() int { return len(w.keys) }

func (w *Watcher) touched(db int, key string, exists bool) {
	for i := range w.keys {
		k := &w.keys[i]
		if k.db != db || k.key != key {
			continue
		}
		if k.expired {
			if !exists {
				// an already-expired key was reclaimed: logically no change
				k.expired = false
				return
			}
		}
		w.dirty.Store(true)
		return
	}
}

// Watch adds key in db to w. It locks the key's shard itself, so it must
// not be called while c holds locks (except in an exclusive section).
func (c *Ctx) Watch(w *Watcher, db int, key string) {
	for _, k := range w.keys {
		if k.db == db && k.key == key {
			return
		}
	}
	key = strings.Clone(key)
	c.Lock(key)
	sh, t, h := c.table(db, key, false)
	expired := false
	if t != nil {
		if e := t.find(h, key); e != nil && e.expire != 0 && c.Now() > e.expire {
			expired = true
		}
	}
	dk := dbKey{db, key}
	if sh.watch == nil {
		sh.watch = make(map[dbKey][]*Watcher)
	}
	sh.watch[dk] = append(sh.watch[dk], w)
	c.Unlock()
	w.keys = append(w.keys, watchedKey{dbKey: dk, expired: expired})
}

// CheckExpired marks w dirty if a key that was alive when watched has
// expired since (without being touched). Call it at EXEC, in the
// exclusive section, before Dirty.
func (c *Ctx) CheckExpired(w *Watcher) {
	for _, k := range w.keys {
		if k.expired {
			continue
		}
		sh, t, h := c.table(k.db, k.key, false)
		_ = sh
		if t == nil {
			continue
		}
		if e := t.find(h, k.key); e != nil && e.expire != 0 && c.Now() > e.expire {
			w.dirty.Store(true)
			return
		}
	}
}

// Unwatch removes all of w's keys and clears its dirty flag. It locks
// shards itself, so it must not be called while c holds locks (except in
// an exclusive section).
func (c *Ctx) Unwatch(w *Watcher) {
	for _, k := range w.keys {
		c.Lock(k.key)
		sh, _ := c.shardFor(k.key)
		ws := sh.watch[k.dbKey]
		for i, x := range ws {
			if x == w {
				ws = append(ws[:i], ws[i+1:]...)
				break
			}
		}
		if len(ws) == 0 {
			delete(sh.watch, k.dbKey)
		} else {
			sh.watch[k.dbKey] = ws
		}
		c.Unlock()
	}
	w.keys = w.keys[:0]
	w.dirty.Store(false)
}

// touchAllWatched dirties the watchers of every watched key in db that
// exists in db (or, when other >= 0, in db or other). Exclusive section.
func (ks *Keyspace) touchAllWatched(db, other int) {
	for i := range ks.shards {
		sh := &ks.shards[i]
		for dk, ws := range sh.watch {
			if dk.db != db && dk.db != other {
				continue
			}
			h := uint32(ks.hash(dk.key))
			exists := false
			if t := sh.dbs[db]; t != nil && t.find(h, dk.key) != nil {
				exists = true
			}
			if other >= 0 {
				if t := sh.dbs[other]; t != nil && t.find(h, dk.key) != nil {
					exists = true
				}
			}
			if exists {
				for _, w := range ws {
					w.dirty.Store(true)
				}
			}
		}
	}
}
