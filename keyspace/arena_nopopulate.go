//go:build unix && !linux

package keyspace

// mapPopulate: no MAP_POPULATE here; mapArena touches every page instead.
const mapPopulate = 0
