// Package bench measures embedis against its peers in the same run: a bare
// sharded map (the floor), dgraph-io/ristretto, maypok86/otter, and
// alicebob/miniredis's direct API for the in-process key/value path; the
// other families and the RESP server have their own benchmarks here. It is
// a separate module so that the peers never enter embedis's dependencies.
// Results, with the commands that produced them, are in RESULTS.md.
//
// # Concurrency
//
// Benchmarks only; nothing here is a library.
//
// # Caveats
//
// Numbers depend on the machine; compare ratios measured in one run.
package bench
