package keyspace

import "time"

// Clock tells the time. The keyspace reads it at most once per execution
// unit (a command, an EXEC, a script), so that no key expires in the middle
// of one.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
}

// SystemClock is the real wall clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// monoBase anchors the monotonic clock for the fast wall-clock reading.
var monoBase = time.Now()

// anchorWall records the offset between the wall clock and the monotonic
// clock. Reading the wall clock through the monotonic clock costs one
// clock read instead of two; the offset is re-anchored on every
// UpdateLRUClock (the store's cron, Hz times a second), so a step or slew
// of the system clock is followed within one cron period.
func (ks *Keyspace) anchorWall() {
	if ks.sysClock {
		ks.wallOff.Store(time.Now().UnixNano() - int64(time.Since(monoBase)))
	}
}

// nowMS returns the keyspace clock in unix milliseconds.
func (ks *Keyspace) nowMS() int64 {
	if ks.sysClock {
		return (int64(time.Since(monoBase)) + ks.wallOff.Load()) / int64(time.Millisecond)
	}
	return ks.clock.Now().UnixMilli()
}
