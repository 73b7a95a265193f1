// Package stream implements Redis streams for embedis: entries ordered by
// ID with Redis's node layout, consumer groups with their pending entries
// lists (PEL), and the bookkeeping Redis 7.4 reports (entries-added,
// max-deleted-entry-id, recorded-first-entry-id, entries-read and lag).
//
// # Layout
//
// Entries live in nodes of at most NodeMaxEntries entries, each node one
// byte slice that packs its entries the way Redis packs a listpack: IDs
// delta-encoded from the previous entry, and field names omitted when they
// equal the node's first ("master") entry's. Nodes sit in a B-tree
// (github.com/google/btree) keyed by their first ID, so appending is
// amortized O(1), a seek is O(log n), and a range walks nodes in order.
// Deleted entries stay in their node as tombstones until the node empties,
// as in Redis. Node boundaries follow Redis's rules exactly, including its
// listpack byte-size limit (NodeMaxBytes, computed with listpack's
// encoding sizes), because "MAXLEN ~" and "MINID ~" trim whole nodes only
// and XINFO STREAM reports the radix tree's shape.
//
// A group keeps its PEL in a B-tree by ID; each consumer has its own
// B-tree over the same Pending values.
//
// # Concurrency
//
// Nothing here is safe for concurrent use: embedis calls a Stream with its
// key's shard locked. Field and value strings handed to callbacks (Range,
// Get, ReadNew, ReadHistory, AutoClaim) are views of node memory: their
// bytes never change, so they may be kept, but keeping one keeps its node's
// buffer alive; the slice holding them is reused by the next call.
//
// # Caveats
//
// The node limits are fixed at Redis's defaults (100 entries, 4096 bytes);
// stream-node-max-entries and stream-node-max-bytes are not configurable.
// Tombstones are never compacted within a node, as in Redis.
//
// Lag and entries-read follow Redis 7.4.1 (and 7.0): the corrections of
// later 7.4 patch releases (redis#13338, #13473, #13958: lag after XTRIM,
// tombstones behind the first entry) are not applied, so XINFO GROUPS
// can report the same imprecise lag as 7.4.1 does in those cases.
package stream
