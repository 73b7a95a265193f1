package difftest

import "slices"

// Deviation is an accepted difference between embedis, which follows Redis
// 7.4, and the oracle, Debian's redis-server 7.0. A golden-file step marked
// "!deviation <ID>" is checked against the reply written in its "!expect"
// line instead of against the oracle.
type Deviation struct {
	// ID is the name golden files use after "!deviation".
	ID string
	// Reason says what changed between 7.0 and 7.4 and where to read
	// about it.
	Reason string
}

// deviations is the one list of every allowed deviation. Add an entry here
// (with a reason a reviewer can check) before using its ID in a golden
// file; the parser rejects unknown IDs.
var deviations = []Deviation{
	{
		ID: "zrank-withscore",
		Reason: "ZRANK/ZREVRANK ... WITHSCORE is new in Redis 7.2; 7.0 has a fixed arity " +
			"and answers \"wrong number of arguments\" (REDIS_SEMANTICS.md 4.4).",
	},
	{
		ID: "hash-field-ttl",
		Reason: "HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME " +
			"and HPERSIST are new in Redis 7.4; 7.0 answers \"unknown command\" (REDIS_SEMANTICS.md 6.3).",
	},
	{
		ID: "push-after-reply",
		Reason: "Since Redis 7.2, a RESP3 push that a command produces for its own client (PUBLISH to a " +
			"channel it is subscribed to, a keyspace notification of its own write) is sent after the " +
			"command's reply (server.pending_push_messages); 7.0 sends it first, even inside an EXEC array.",
	},
	{
		ID: "info-keyspace-subexpiry",
		Reason: "INFO keyspace lines gained a subexpiry field (keys with hash-field TTLs) in Redis 7.4: " +
			"db0:keys=1,expires=0,avg_ttl=0,subexpiry=0; 7.0 ends at avg_ttl.",
	},
	{
		ID: "xadd-seq-overflow",
		Reason: "XADD <ms>-* when the stream's last ID is <ms>-18446744073709551615: 7.4 answers \"equal or " +
			"smaller than the target stream top item\"; 7.0.15 answers \"Elements are too large to be stored\" " +
			"(a stale errno, fixed since).",
	},
	{
		ID: "xsetid-max-deleted",
		Reason: "XSETID rejects an ID below the stream's current max-deleted-entry-id since 7.2 " +
			"(\"smaller than current max_deleted_entry_id\"); 7.0 accepts it (REDIS_SEMANTICS.md 3.12).",
	},
	{
		ID: "xread-unbalanced-message",
		Reason: "The unbalanced STREAMS error names the command as 'xread' or 'xreadgroup' (with '$' or '>') " +
			"since 7.2; 7.0 always says XREAD and '$'.",
	},
	{
		ID: "block-timeout-overflow",
		Reason: "A blocking timeout whose deadline overflows (BLOCK 9223372036854775807) is \"timeout is out " +
			"of range\" since 7.2; 7.0 accepts it.",
	},
	{
		ID: "xreadgroup-plus-id",
		Reason: "With XREAD's \"+\" (7.4), XREADGROUP rejects \"+\" with its own message; 7.0 calls it an " +
			"invalid stream ID (REDIS_SEMANTICS.md 3.7).",
	},
	{
		ID: "xreadgroup-creates-consumer",
		Reason: "XREADGROUP creates its consumer even when nothing is delivered since 7.2; 7.0 creates it " +
			"only when it serves entries (REDIS_SEMANTICS.md 3.7).",
	},
	{
		ID: "xinfo-active-time",
		Reason: "XINFO CONSUMERS gained the \"inactive\" field and XINFO STREAM FULL the consumers' " +
			"\"active-time\" in Redis 7.2; 7.0 lacks them (REDIS_SEMANTICS.md 3.14).",
	},
	{
		ID: "xread-last-entry",
		Reason: "XREAD accepts '+' (the last entry) as an ID since Redis 7.4; 7.0 rejects it as an " +
			"invalid stream ID (DESIGN.md, Fidelity).",
	},
}

// Deviations returns a copy of the table of allowed deviations.
func Deviations() []Deviation { return slices.Clone(deviations) }

// LookupDeviation returns the deviation named id.
func LookupDeviation(id string) (Deviation, bool) {
	for _, d := range deviations {
		if d.ID == id {
			return d, true
		}
	}
	return Deviation{}, false
}
