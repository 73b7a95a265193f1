//go:build !unix

package keyspace

// mapArena returns n bytes from the Go heap where there is no mmap.
func mapArena(n int) ([]byte, bool) { return make([]byte, n), false }

func unmapArena([]byte) {}
