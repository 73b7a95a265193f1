package types

import "sync/atomic"

// ShareMin is the memory estimate (MemUsage) from which a collection lets
// a snapshot read it in place rather than clone it under its shard's lock
// (its Share method; see keyspace.Sharer). Below it a clone takes a few
// tens of microseconds at most, which the snapshot pays once, instead of
// the first writer of the collection during the snapshot.
const ShareMin = 64 << 10

// Limits are the encoding thresholds Redis reads from its configuration:
// a collection keeps its compact encoding (listpack or intset) while it
// stays within them, and converts for good past them. The zero value is
// not meaningful; start from DefaultLimits.
type Limits struct {
	// HashMaxListpackEntries is hash-max-listpack-entries.
	HashMaxListpackEntries int
	// HashMaxListpackValue is hash-max-listpack-value (bytes).
	HashMaxListpackValue int
	// ZSetMaxListpackEntries is zset-max-listpack-entries.
	ZSetMaxListpackEntries int
	// ZSetMaxListpackValue is zset-max-listpack-value (bytes).
	ZSetMaxListpackValue int
	// SetMaxIntsetEntries is set-max-intset-entries.
	SetMaxIntsetEntries int
	// SetMaxListpackEntries is set-max-listpack-entries.
	SetMaxListpackEntries int
	// SetMaxListpackValue is set-max-listpack-value (bytes).
	SetMaxListpackValue int
	// ListMaxListpackSize is list-max-listpack-size: a negative value
	// limits each listpack (node) to 4 KiB (-1) up to 64 KiB (-5 and
	// below), a positive one to that many elements (0 counts as 1).
	ListMaxListpackSize int
}

// DefaultLimits returns Redis 7.4's defaults.
func DefaultLimits() Limits {
	return Limits{
		HashMaxListpackEntries: HashMaxListpackEntries,
		HashMaxListpackValue:   HashMaxListpackValue,
		ZSetMaxListpackEntries: ZSetMaxListpackEntries,
		ZSetMaxListpackValue:   ZSetMaxListpackValue,
		SetMaxIntsetEntries:    SetMaxIntsetEntries,
		SetMaxListpackEntries:  SetMaxListpackEntries,
		SetMaxListpackValue:    SetMaxListpackValue,
		ListMaxListpackSize:    ListMaxListpackSize,
	}
}

// ListMaxListpackSize is Redis's default list-max-listpack-size: 8 KiB
// listpacks.
const ListMaxListpackSize = -2

var curLimits atomic.Pointer[Limits]

func init() {
	l := DefaultLimits()
	curLimits.Store(&l)
}

// SetLimits replaces the thresholds every collection of the process
// checks from now on (CONFIG SET of the matching parameters). Like Redis,
// existing collections are not converted: a new limit applies at their
// next insertion; a quicklist keeps the node size it was created with, as
// in Redis. Negative values count as 0 except for ListMaxListpackSize.
func SetLimits(l Limits) {
	for _, p := range []*int{&l.HashMaxListpackEntries, &l.HashMaxListpackValue,
		&l.ZSetMaxListpackEntries, &l.ZSetMaxListpackValue, &l.SetMaxIntsetEntries,
		&l.SetMaxListpackEntries, &l.SetMaxListpackValue} {
		*p = max(*p, 0)
	}
	curLimits.Store(&l)
}

// CurrentLimits returns the thresholds in force.
func CurrentLimits() Limits { return *curLimits.Load() }

// lim returns the thresholds in force (read once per operation).
func lim() *Limits { return curLimits.Load() }
