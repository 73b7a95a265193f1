//go:build unix

package keyspace

import "syscall"

// mapArena returns n bytes of zeroed memory outside the Go heap, its pages
// already faulted in, and whether it must be released with unmapArena.
// When mapping fails it falls back to the Go heap.
func mapArena(n int) ([]byte, bool) {
	page := syscall.Getpagesize()
	size := (n + page - 1) &^ (page - 1)
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE|mapPopulate)
	if err != nil {
		return make([]byte, n), false
	}
	if mapPopulate == 0 {
		for i := 0; i < len(b); i += page {
			b[i] = 0 // fault it in now, not under a shard lock
		}
	}
	return b[:n], true
}

// unmapArena releases memory from mapArena.
func unmapArena(b []byte) {
	syscall.Munmap(b[:cap(b)])
}
