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
