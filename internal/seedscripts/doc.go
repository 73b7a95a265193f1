// Package seedscripts holds the two Lua scripts of the seed guide
// (../shared/SEED-redis-guide.txt) exactly as written there, for the tests
// and benchmarks that must run them verbatim. It has no state and is safe
// for concurrent use.
package seedscripts
