package keyspace

import "syscall"

// mapPopulate has mmap fault the arena's pages in at once.
const mapPopulate = syscall.MAP_POPULATE
