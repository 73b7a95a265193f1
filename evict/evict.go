package evict

import (
	"fmt"
	"math/rand/v2"
)

// Policy is a maxmemory-policy.
type Policy uint8

// The maxmemory policies, named as Redis names them.
const (
	NoEviction Policy = iota
	AllKeysLRU
	VolatileLRU
	AllKeysLFU
	VolatileLFU
	AllKeysRandom
	VolatileRandom
	VolatileTTL
)

var policyNames = [...]string{"noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu",
	"volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"}

// String returns the policy's configuration name.
func (p Policy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return fmt.Sprintf("policy(%d)", p)
}

// ParsePolicy parses a maxmemory-policy name (case-insensitive).
func ParsePolicy(s string) (Policy, bool) {
	for i, n := range policyNames {
		if equalFold(n, s) {
			return Policy(i), true
		}
	}
	return 0, false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Volatile reports whether the policy only evicts keys with an expiry.
func (p Policy) Volatile() bool {
	return p == VolatileLRU || p == VolatileLFU || p == VolatileRandom || p == VolatileTTL
}

// LFU reports whether the policy tracks access frequency.
func (p Policy) LFU() bool { return p == AllKeysLFU || p == VolatileLFU }

// LRU reports whether the policy ranks by idle time.
func (p Policy) LRU() bool { return p == AllKeysLRU || p == VolatileLRU }

// Random reports whether the policy picks keys at random.
func (p Policy) Random() bool { return p == AllKeysRandom || p == VolatileRandom }

// LRUClockMax is the LRU clock's range: 24 bits of ticks.
const LRUClockMax = 1<<24 - 1

// LRUIdle returns the idle time in clock ticks of an entry whose access
// word holds the LRU clock value access, when the clock reads now.
func LRUIdle(now, access uint32) uint32 {
	now &= LRUClockMax
	access &= LRUClockMax
	if now >= access {
		return now - access
	}
	return LRUClockMax - access + now
}

// LFU constants (Redis's defaults).
const (
	LFUInitVal       = 5  // the counter of a new key
	DefaultLogFactor = 10 // lfu-log-factor
	DefaultDecayTime = 1  // lfu-decay-time, minutes
)

// LFU access word: the high 16 bits are the last decrement time in
// minutes (mod 2^16), the low 8 bits the logarithmic counter.

// LFUPack builds an access word.
func LFUPack(minutes uint32, counter uint8) uint32 {
	return (minutes&0xffff)<<8 | uint32(counter)
}

// LFUCounter returns the counter of an access word.
func LFUCounter(access uint32) uint8 { return uint8(access) }

// LFUMinutes returns the minute clock (mod 2^16) for unix time nowMS.
func LFUMinutes(nowMS int64) uint32 { return uint32(nowMS/60000) & 0xffff }

// lfuElapsed returns the minutes since ldt, handling the 16-bit wrap.
func lfuElapsed(now, ldt uint32) uint32 {
	if now >= ldt {
		return now - ldt
	}
	return 65535 - ldt + now
}

// LFUDecay returns the counter after decay: it loses one per decayTime
// minutes elapsed since the word's last decrement time.
func LFUDecay(access, nowMinutes uint32, decayTime int) uint8 {
	c := LFUCounter(access)
	if decayTime <= 0 {
		return c
	}
	periods := lfuElapsed(nowMinutes, access>>8) / uint32(decayTime)
	if periods >= uint32(c) {
		return 0
	}
	return c - uint8(periods)
}

// LFUIncr increments the counter logarithmically: the more hits a key
// has, the less likely the next one counts.
func LFUIncr(c uint8, logFactor int) uint8 {
	if c == 255 {
		return 255
	}
	base := float64(c) - LFUInitVal
	if base < 0 {
		base = 0
	}
	p := 1.0 / (base*float64(logFactor) + 1)
	if rand.Float64() < p {
		return c + 1
	}
	return c
}

// LFUAccess returns the access word after one access at nowMS: decay, then
// a logarithmic increment, stamped with the current minute.
func LFUAccess(access uint32, nowMS int64, logFactor, decayTime int) uint32 {
	now := LFUMinutes(nowMS)
	c := LFUDecay(access, now, decayTime)
	c = LFUIncr(c, logFactor)
	return LFUPack(now, c)
}
