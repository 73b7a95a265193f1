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
