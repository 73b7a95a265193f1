// Package evict holds the pure policy code of maxmemory eviction, as Redis
// implements it: the policy names, the coarse LRU clock arithmetic, and the
// LFU counter (a logarithmic 8-bit counter with a 16-bit minute clock for
// decay) packed into the 24-bit access word every keyspace entry carries.
//
// # Concurrency
//
// Everything here is a pure function or an immutable value, safe for
// concurrent use. Randomness comes from math/rand/v2's global source.
//
// # Caveats
//
// The LRU clock wraps after 2^24 ticks (the keyspace ticks every 10 ms,
// so 46 hours; Redis ticks every second); idle times of keys untouched for
// longer are underestimated.
package evict
