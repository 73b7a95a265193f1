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
// The LRU clock has a resolution of one second and wraps after 2^24
// seconds (194 days), as Redis's does; idle times of keys untouched for
// longer are underestimated.
package evict
