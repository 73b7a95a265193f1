package difftest

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// SetCommands returns a Generator for the set family and SORT on sets:
// SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, SPOP, SRANDMEMBER,
// SMOVE, SINTER, SINTERSTORE, SINTERCARD, SUNION, SUNIONSTORE, SDIFF,
// SDIFFSTORE, SSCAN, SORT and SORT_RO (with LIMIT, DESC, ALPHA, STORE),
// with bad arguments, wrong arities, an occasional SET (so WRONGTYPE comes
// up) and DEL. Its Finish compares each key's TYPE, SCARD and SMEMBERS.
//
// Keys s0 … s3 are its own; k0 … k5 are shared with StringCommands, so a
// Mix collides across types. Members mix integers (intsets), short
// strings (listpacks) and, now and then, a 70-byte string (a hashtable).
// The order of a set's members is unspecified (and differs between Redis
// 7.0, the oracle, and 7.4's listpack sets), so listings are compared
// unordered. Randomness is kept out of the replies: SPOP only takes
// everything (count 1000) or nothing, SRANDMEMBER with a count that
// cannot take everything is compared by type and length only, SSCAN uses
// COUNT 1000 (one call covers the whole set on both servers) with a MATCH
// that selects one member at most (its nested listing is unordered), and
// SORT never relies on a set's own order.
func SetCommands() Generator {
	return &setGen{
		own:    []string{"s0", "s1", "s2", "s3"},
		shared: []string{"k0", "k1", "k2", "k3", "k4", "k5"},
	}
}

type setGen struct {
	own, shared []string
}

// Finish implements Finisher.
func (g *setGen) Finish() []Command {
	var out []Command
	for _, k := range append(append([]string(nil), g.own...), g.shared...) {
		out = append(out, cmd("TYPE", k), cmd("SCARD", k),
			Command{Args: []string{"SMEMBERS", k}, Mode: ModeSorted})
	}
	return append(out, cmd("TYPE", "sorted"), cmd("LRANGE", "sorted", "0", "-1"))
}

func (g *setGen) key(r *rand.Rand) string {
	if r.IntN(10) < 7 {
		return pick(r, g.own...)
	}
	return pick(r, g.shared...)
}

func (g *setGen) keys(r *rand.Rand, min, max int) []string {
	n := min + r.IntN(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.key(r)
	}
	if r.IntN(8) == 0 {
		out[r.IntN(n)] = "missing"
	}
	return out
}

func (g *setGen) member(r *rand.Rand) string {
	switch r.IntN(20) {
	case 0:
		return strings.Repeat("L", 70) // over the listpack value limit
	case 1:
		return pick(r, "", "ünï", "-0", "+1", "01", "1.0", "9223372036854775808")
	case 2, 3, 4, 5, 6, 7, 8:
		return strconv.Itoa(r.IntN(12) - 2)
	}
	return string(rune('a' + r.IntN(8)))
}

func (g *setGen) members(r *rand.Rand, min, max int) []string {
	n := min + r.IntN(max-min+1)
	out := make([]string, n)
	for i := range out {
		out[i] = g.member(r)
	}
	return out
}

func sorted(args ...string) Command { return Command{Args: args, Mode: ModeSorted} }

// setOps is the weighted table the generator draws from.
var setOps = []struct {
	weight int
	gen    func(g *setGen, r *rand.Rand) Command
}{
	{14, func(g *setGen, r *rand.Rand) Command {
		return cmd(append([]string{"SADD", g.key(r)}, g.members(r, 1, 5)...)...)
	}},
	{6, func(g *setGen, r *rand.Rand) Command {
		return cmd(append([]string{"SREM", g.key(r)}, g.members(r, 1, 4)...)...)
	}},
	{3, func(g *setGen, r *rand.Rand) Command { return cmd("SCARD", g.key(r)) }},
	{3, func(g *setGen, r *rand.Rand) Command { return cmd("SISMEMBER", g.key(r), g.member(r)) }},
	{3, func(g *setGen, r *rand.Rand) Command {
		return cmd(append([]string{"SMISMEMBER", g.key(r)}, g.members(r, 1, 4)...)...)
	}},
	{4, func(g *setGen, r *rand.Rand) Command { return sorted("SMEMBERS", g.key(r)) }},
	{3, func(g *setGen, r *rand.Rand) Command {
		switch r.IntN(5) {
		case 0:
			return cmd("SPOP", g.key(r), pick(r, "0", "-1", "x"))
		case 1:
			return cmd("SPOP", "missing")
		}
		return sorted("SPOP", g.key(r), "1000")
	}},
	{4, func(g *setGen, r *rand.Rand) Command {
		k := g.key(r)
		switch r.IntN(6) {
		case 0:
			return Command{Args: []string{"SRANDMEMBER", k}, Mode: ModeType}
		case 1:
			return Command{Args: []string{"SRANDMEMBER", k, strconv.Itoa(-1 - r.IntN(5))}, Mode: ModeType}
		case 2:
			return Command{Args: []string{"SRANDMEMBER", k, strconv.Itoa(1 + r.IntN(4))}, Mode: ModeType}
		case 3:
			return cmd("SRANDMEMBER", k, pick(r, "0", "x", "-9223372036854775808"))
		}
		return sorted("SRANDMEMBER", k, "1000")
	}},
	{5, func(g *setGen, r *rand.Rand) Command { return cmd("SMOVE", g.key(r), g.key(r), g.member(r)) }},
	{4, func(g *setGen, r *rand.Rand) Command {
		return sorted(append([]string{pick(r, "SINTER", "SUNION", "SDIFF")}, g.keys(r, 1, 3)...)...)
	}},
	{5, func(g *setGen, r *rand.Rand) Command {
		name := pick(r, "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE")
		return cmd(append([]string{name, g.key(r)}, g.keys(r, 1, 3)...)...)
	}},
	{3, func(g *setGen, r *rand.Rand) Command {
		keys := g.keys(r, 1, 3)
		c := cmd(append([]string{"SINTERCARD", strconv.Itoa(len(keys))}, keys...)...)
		switch r.IntN(6) {
		case 0:
			c.Args = append(c.Args, maybeLower(r, "LIMIT"), strconv.Itoa(r.IntN(4)))
		case 1:
			c.Args[1] = pick(r, "0", "-1", "x", "9")
		case 2:
			c.Args = append(c.Args, pick(r, "LIMIT", "FOO"), pick(r, "-1", "x"))
		}
		return c
	}},
	{3, func(g *setGen, r *rand.Rand) Command {
		// a listing's order is unspecified and SSCAN nests it, so scans
		// match one member at most
		c := cmd("SSCAN", g.key(r), "0", "COUNT", "1000", "MATCH", g.member(r))
		switch r.IntN(5) {
		case 0:
			c = cmd("SSCAN", g.key(r), "0", "MATCH", pick(r, "[x-z]", "1", "?0", "\\-0"), "COUNT", "1000")
		case 1:
			c = cmd("SSCAN", g.key(r), pick(r, "x", "1.5")) // (7.0 reads "-1" as a cursor; 7.4 does not)
		case 2:
			c = cmd("SSCAN", g.key(r), "0", pick(r, "COUNT", "MATCH", "BOGUS"))
		}
		return c
	}},
	{5, (*setGen).sort},
	{2, func(g *setGen, r *rand.Rand) Command { return cmd("SET", g.key(r), "str") }},
	{2, func(g *setGen, r *rand.Rand) Command { return cmd("DEL", g.key(r)) }},
	{1, func(g *setGen, r *rand.Rand) Command {
		return cmd(pick(r, "SADD", "SREM", "SMOVE", "SCARD", "SINTERSTORE", "SSCAN"), g.key(r))
	}},
}

var setTotal = func() int {
	n := 0
	for _, op := range setOps {
		n += op.weight
	}
	return n
}()

// Next implements Generator.
func (g *setGen) Next(r *rand.Rand) Command {
	w := r.IntN(setTotal)
	for _, op := range setOps {
		if w < op.weight {
			return op.gen(g, r)
		}
		w -= op.weight
	}
	panic("unreachable")
}

// sort draws a SORT that never depends on a set's own order: numeric
// sorts (ties go by the element), ALPHA (elements are distinct), LIMIT,
// DESC, STORE (BY nosort with STORE sorts ALPHA), errors.
func (g *setGen) sort(r *rand.Rand) Command {
	name := "SORT"
	if r.IntN(4) == 0 {
		name = "SORT_RO"
	}
	c := cmd(name, g.key(r))
	if r.IntN(2) == 0 {
		c.Args = append(c.Args, maybeLower(r, "ALPHA"))
	}
	if r.IntN(3) == 0 {
		c.Args = append(c.Args, maybeLower(r, "DESC"))
	}
	if r.IntN(3) == 0 {
		c.Args = append(c.Args, "LIMIT", strconv.Itoa(r.IntN(5)-1), strconv.Itoa(r.IntN(6)-1))
	}
	if name == "SORT" && r.IntN(3) == 0 {
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, "BY", "nosort")
		}
		c.Args = append(c.Args, "STORE", "sorted")
	}
	if r.IntN(15) == 0 {
		c.Args = append(c.Args, pick(r, "LIMIT", "BOGUS", "STORE"))
	}
	return c
}

// HLLCommands returns a Generator for HyperLogLog: PFADD, PFCOUNT (one and
// several keys) and PFMERGE over keys p0 … p3, whose elements come from a
// pool of 40 (v0 … v39) that falls into 40 distinct registers of Redis's
// sketch, so both servers count exactly and agree on what PFADD changed.
// Sources may be the shared keys k0 … k5 (strings: WRONGTYPE), but
// HyperLogLogs are only created in p0 … p3: their bytes differ between
// embedis and Redis, so no GET ever sees one. Its Finish compares PFCOUNT
// and TYPE of each key.
func HLLCommands() Generator {
	return &hllGen{own: []string{"p0", "p1", "p2", "p3"}, shared: []string{"k0", "k1", "k2", "k3", "k4", "k5"}}
}

type hllGen struct {
	own, shared []string
}

// Finish implements Finisher.
func (g *hllGen) Finish() []Command {
	var out []Command
	for _, k := range g.own {
		out = append(out, cmd("TYPE", k), cmd("PFCOUNT", k))
	}
	return out
}

func (g *hllGen) src(r *rand.Rand) string {
	switch r.IntN(10) {
	case 0:
		return pick(r, g.shared...)
	case 1:
		return "missing"
	}
	return pick(r, g.own...)
}

// Next implements Generator.
func (g *hllGen) Next(r *rand.Rand) Command {
	switch r.IntN(10) {
	case 0, 1, 2, 3, 4:
		c := cmd("PFADD", pick(r, g.own...))
		for range r.IntN(6) {
			c.Args = append(c.Args, "v"+strconv.Itoa(r.IntN(40)))
		}
		return c
	case 5, 6:
		c := cmd("PFCOUNT", g.src(r))
		for range r.IntN(3) {
			c.Args = append(c.Args, g.src(r))
		}
		return c
	case 7, 8:
		c := cmd("PFMERGE", pick(r, g.own...))
		for range r.IntN(3) {
			c.Args = append(c.Args, g.src(r))
		}
		return c
	}
	switch r.IntN(4) {
	case 0:
		return cmd("DEL", pick(r, g.own...))
	case 1:
		return cmd("PFADD")
	case 2:
		return cmd("TYPE", pick(r, g.own...))
	}
	return cmd("PFCOUNT", pick(r, g.shared...))
}
