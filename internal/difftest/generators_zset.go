package difftest

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// ZSetCommands returns a Generator for the sorted-set family over four
// sorted-set keys (z0 … z3), a lex key (zl) whose scores are all 0, a set
// (s0) used as a ZUNION/ZINTER/ZDIFF source, and a string (str) for
// WRONGTYPE: ZADD with random NX/XX/GT/LT/CH/INCR (and bad option mixes),
// ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZCOUNT, ZLEXCOUNT, ZRANK,
// ZREVRANK, ZRANGE by rank, score and lex with REV/LIMIT/WITHSCORES and
// the legacy range commands, ZRANGESTORE, ZREMRANGEBY*, ZPOPMIN/ZPOPMAX,
// ZMPOP, BZPOPMIN/BZPOPMAX/BZMPOP (10 ms timeouts), ZUNION, ZINTER,
// ZDIFF (and STORE), ZINTERCARD, ZRANDMEMBER (ModeType) and ZSCAN of one
// member, plus members long enough or numerous enough to convert a set to
// the skiplist encoding. Its Finish compares TYPE, ZCARD and ZRANGE ...
// WITHSCORES of every key.
//
// Replies are kept comparable with a Redis 7.0 oracle: scores are
// multiples of 1/4 of small magnitude (7.0 prints %.17g, 7.4 the shortest
// form; both agree on those), infinities stay out of the mix (an inf plus
// -inf sum depends on the order of equally sized inputs), lex commands
// only touch zl (lex ranges over unequal scores depend on skiplist
// levels), ZSCAN matches a single member with a COUNT large enough to
// finish in one call, and ZRANK never gets WITHSCORE (7.2+).
func ZSetCommands() Generator {
	return &zsetGen{keys: []string{"z0", "z1", "z2", "z3"}}
}

type zsetGen struct {
	keys []string
}

var zsetMembers = []string{"a", "b", "c", "d", "e", "f", "g", "h", "1", "10", "-2", ""}

func (g *zsetGen) key(r *rand.Rand) string {
	if r.IntN(30) == 0 {
		return pick(r, "str", "s0", "nokey")
	}
	return pick(r, g.keys...)
}

func (g *zsetGen) member(r *rand.Rand) string {
	if r.IntN(40) == 0 {
		return strings.Repeat("long", 17) // 68 bytes: skiplist
	}
	return pick(r, zsetMembers...)
}

func (g *zsetGen) score(r *rand.Rand) string {
	if r.IntN(25) == 0 {
		return pick(r, "abc", "nan", "", "1e", " 1")
	}
	return strconv.FormatFloat(float64(r.IntN(41)-20)/4, 'f', -1, 64)
}

// bound is a score-range bound.
func (g *zsetGen) bound(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0:
		return pick(r, "-inf", "+inf", "inf", "(-inf")
	case 1:
		return pick(r, "x", "(", "", "((1")
	}
	s := strconv.FormatFloat(float64(r.IntN(25)-12)/2, 'f', -1, 64)
	if r.IntN(3) == 0 {
		s = "(" + s
	}
	return s
}

func (g *zsetGen) lexBound(r *rand.Rand) string {
	switch r.IntN(10) {
	case 0:
		return pick(r, "-", "+")
	case 1:
		return pick(r, "a", "", "-x", "[")
	}
	return pick(r, "[", "(") + pick(r, zsetMembers...)
}

func (g *zsetGen) rank(r *rand.Rand) string {
	if r.IntN(20) == 0 {
		return pick(r, "x", "1.5")
	}
	return strconv.Itoa(r.IntN(15) - 7)
}

// srcKeys picks inputs for the set operations.
func (g *zsetGen) srcKeys(r *rand.Rand) []string {
	n := 1 + r.IntN(3)
	out := make([]string, n)
	for i := range out {
		if r.IntN(6) == 0 {
			out[i] = pick(r, "s0", "nokey", "zl")
		} else {
			out[i] = pick(r, g.keys...)
		}
	}
	return out
}

var zsetOps = []struct {
	weight int
	gen    func(g *zsetGen, r *rand.Rand) Command
}{
	{14, (*zsetGen).zadd},
	{2, func(g *zsetGen, r *rand.Rand) Command {
		return cmd("ZINCRBY", g.key(r), g.score(r), g.member(r))
	}},
	{3, func(g *zsetGen, r *rand.Rand) Command {
		c := cmd("ZREM", g.key(r))
		for range 1 + r.IntN(3) {
			c.Args = append(c.Args, g.member(r))
		}
		return c
	}},
	{3, func(g *zsetGen, r *rand.Rand) Command { return cmd("ZSCORE", g.key(r), g.member(r)) }},
	{2, func(g *zsetGen, r *rand.Rand) Command {
		return cmd("ZMSCORE", g.key(r), g.member(r), g.member(r))
	}},
	{2, func(g *zsetGen, r *rand.Rand) Command { return cmd("ZCARD", g.key(r)) }},
	{3, func(g *zsetGen, r *rand.Rand) Command { return cmd("ZCOUNT", g.key(r), g.bound(r), g.bound(r)) }},
	{3, func(g *zsetGen, r *rand.Rand) Command {
		return cmd(pick(r, "ZRANK", "ZREVRANK"), g.key(r), g.member(r))
	}},
	{10, (*zsetGen).zrange},
	{3, (*zsetGen).zrangestore},
	{3, func(g *zsetGen, r *rand.Rand) Command {
		switch r.IntN(2) {
		case 0:
			return cmd("ZREMRANGEBYRANK", g.key(r), g.rank(r), g.rank(r))
		}
		return cmd("ZREMRANGEBYSCORE", g.key(r), g.bound(r), g.bound(r))
	}},
	{3, func(g *zsetGen, r *rand.Rand) Command {
		c := cmd(pick(r, "ZPOPMIN", "ZPOPMAX"), g.key(r))
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, pick(r, "0", "1", "2", "5", "-1", "x"))
		}
		return c
	}},
	{2, func(g *zsetGen, r *rand.Rand) Command {
		ks := g.srcKeys(r)
		c := cmd("ZMPOP", strconv.Itoa(len(ks)))
		c.Args = append(c.Args, ks...)
		c.Args = append(c.Args, maybeLower(r, pick(r, "MIN", "MAX", "MID")))
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, "COUNT", pick(r, "1", "2", "10", "0"))
		}
		return c
	}},
	{1, func(g *zsetGen, r *rand.Rand) Command {
		if r.IntN(2) == 0 {
			return cmd(pick(r, "BZPOPMIN", "BZPOPMAX"), g.key(r), g.key(r), "0.01")
		}
		return cmd("BZMPOP", "0.01", "1", g.key(r), pick(r, "MIN", "MAX"), "COUNT", "2")
	}},
	{6, (*zsetGen).setop},
	{2, (*zsetGen).lex},
	{2, func(g *zsetGen, r *rand.Rand) Command {
		c := Command{Args: []string{"ZRANDMEMBER", g.key(r)}, Mode: ModeType}
		if r.IntN(3) > 0 {
			c.Args = append(c.Args, strconv.Itoa(r.IntN(13)-6))
			if r.IntN(2) == 0 {
				c.Args = append(c.Args, "WITHSCORES")
			}
		}
		return c
	}},
	{2, func(g *zsetGen, r *rand.Rand) Command {
		return cmd("ZSCAN", g.key(r), "0", "MATCH", pick(r, zsetMembers[:8]...), "COUNT", "1000")
	}},
	{1, func(g *zsetGen, r *rand.Rand) Command { return cmd("SADD", "s0", g.member(r), g.member(r)) }},
	{1, func(g *zsetGen, r *rand.Rand) Command { return cmd("DEL", g.key(r)) }},
	{1, func(g *zsetGen, r *rand.Rand) Command {
		if r.IntN(2) == 0 {
			return cmd("SET", "str", "x")
		}
		// a big ZADD: more than 128 pairs converts the set
		c := cmd("ZADD", pick(r, g.keys...))
		for i := range 129 + r.IntN(5) {
			c.Args = append(c.Args, strconv.Itoa(i%7), "m"+strconv.Itoa(i))
		}
		return c
	}},
}

var zsetOpsTotal = func() int {
	n := 0
	for _, op := range zsetOps {
		n += op.weight
	}
	return n
}()

// Next implements Generator.
func (g *zsetGen) Next(r *rand.Rand) Command {
	n := r.IntN(zsetOpsTotal)
	for _, op := range zsetOps {
		if n < op.weight {
			return op.gen(g, r)
		}
		n -= op.weight
	}
	panic("unreachable")
}

// Finish implements Finisher.
func (g *zsetGen) Finish() []Command {
	var out []Command
	for _, k := range append(append([]string(nil), g.keys...), "zl", "d0") {
		out = append(out, cmd("TYPE", k), cmd("ZCARD", k), cmd("ZRANGE", k, "0", "-1", "WITHSCORES"))
	}
	return out
}

func (g *zsetGen) zadd(r *rand.Rand) Command {
	c := cmd("ZADD", g.key(r))
	incr := false
	if r.IntN(4) == 0 {
		for _, o := range []string{"NX", "XX", "GT", "LT", "CH", "INCR"} {
			if r.IntN(4) == 0 {
				c.Args = append(c.Args, maybeLower(r, o))
				incr = incr || o == "INCR"
			}
		}
	}
	n := 1 + r.IntN(3)
	if incr && r.IntN(4) > 0 {
		n = 1
	}
	for range n {
		c.Args = append(c.Args, g.score(r), g.member(r))
	}
	if r.IntN(30) == 0 {
		c.Args = c.Args[:len(c.Args)-1] // odd: syntax error
	}
	return c
}

func (g *zsetGen) zrange(r *rand.Rand) Command {
	key := g.key(r)
	switch r.IntN(8) {
	case 0:
		c := cmd(pick(r, "ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), key, g.bound(r), g.bound(r))
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, "WITHSCORES")
		}
		if r.IntN(3) == 0 {
			c.Args = append(c.Args, "LIMIT", strconv.Itoa(r.IntN(5)-1), strconv.Itoa(r.IntN(6)-2))
		}
		return c
	case 1:
		c := cmd("ZREVRANGE", key, g.rank(r), g.rank(r))
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, "WITHSCORES")
		}
		return c
	}
	c := cmd("ZRANGE", key)
	byScore := r.IntN(2) == 0
	if byScore {
		c.Args = append(c.Args, g.bound(r), g.bound(r), maybeLower(r, "BYSCORE"))
	} else {
		c.Args = append(c.Args, g.rank(r), g.rank(r))
	}
	var opts [][]string
	if r.IntN(3) == 0 {
		opts = append(opts, []string{"REV"})
	}
	if r.IntN(2) == 0 {
		opts = append(opts, []string{"WITHSCORES"})
	}
	if r.IntN(4) == 0 {
		opts = append(opts, []string{"LIMIT", strconv.Itoa(r.IntN(5) - 1), strconv.Itoa(r.IntN(6) - 2)})
	}
	if r.IntN(20) == 0 {
		opts = append(opts, pick(r, []string{"BOGUS"}, []string{"LIMIT", "1"}, []string{"BYLEX"}))
	}
	r.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	for _, o := range opts {
		c.Args = append(c.Args, o...)
	}
	return c
}

func (g *zsetGen) zrangestore(r *rand.Rand) Command {
	dst := pick(r, "d0", g.keys[r.IntN(len(g.keys))])
	if r.IntN(2) == 0 {
		c := cmd("ZRANGESTORE", dst, g.key(r), g.rank(r), g.rank(r))
		if r.IntN(3) == 0 {
			c.Args = append(c.Args, "REV")
		}
		return c
	}
	c := cmd("ZRANGESTORE", dst, g.key(r), g.bound(r), g.bound(r), "BYSCORE")
	if r.IntN(3) == 0 {
		c.Args = append(c.Args, "LIMIT", strconv.Itoa(r.IntN(3)), strconv.Itoa(r.IntN(4)-1))
	}
	return c
}

func (g *zsetGen) setop(r *rand.Rand) Command {
	name := pick(r, "ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE", "ZINTERCARD")
	ks := g.srcKeys(r)
	var c Command
	if strings.HasSuffix(name, "STORE") {
		c = cmd(name, pick(r, "d0", g.keys[r.IntN(len(g.keys))]), strconv.Itoa(len(ks)))
	} else {
		c = cmd(name, strconv.Itoa(len(ks)))
	}
	if r.IntN(25) == 0 {
		c.Args[len(c.Args)-1] = pick(r, "0", "-1", "x", "9")
	}
	c.Args = append(c.Args, ks...)
	if name != "ZDIFF" && name != "ZDIFFSTORE" && name != "ZINTERCARD" {
		if r.IntN(3) == 0 {
			c.Args = append(c.Args, "WEIGHTS")
			for range ks {
				c.Args = append(c.Args, pick(r, "1", "2", "-1", "0.5", "0"))
			}
		}
		if r.IntN(3) == 0 {
			c.Args = append(c.Args, "AGGREGATE", maybeLower(r, pick(r, "SUM", "MIN", "MAX")))
		}
	}
	if name == "ZINTERCARD" && r.IntN(2) == 0 {
		c.Args = append(c.Args, "LIMIT", pick(r, "0", "1", "2", "-1"))
	}
	if !strings.HasSuffix(name, "STORE") && name != "ZINTERCARD" && r.IntN(2) == 0 {
		c.Args = append(c.Args, "WITHSCORES")
	}
	return c
}

// lex commands touch only zl, whose scores are all 0.
func (g *zsetGen) lex(r *rand.Rand) Command {
	switch r.IntN(6) {
	case 0, 1:
		c := cmd("ZADD", "zl")
		for range 1 + r.IntN(3) {
			c.Args = append(c.Args, "0", g.member(r))
		}
		return c
	case 2:
		return cmd("ZLEXCOUNT", "zl", g.lexBound(r), g.lexBound(r))
	case 3:
		c := cmd(pick(r, "ZRANGEBYLEX", "ZREVRANGEBYLEX"), "zl", g.lexBound(r), g.lexBound(r))
		if r.IntN(3) == 0 {
			c.Args = append(c.Args, "LIMIT", strconv.Itoa(r.IntN(4)-1), strconv.Itoa(r.IntN(5)-2))
		}
		return c
	case 4:
		c := cmd("ZRANGE", "zl", g.lexBound(r), g.lexBound(r), "BYLEX")
		if r.IntN(2) == 0 {
			c.Args = append(c.Args, "REV")
		}
		return c
	}
	return cmd("ZREMRANGEBYLEX", "zl", g.lexBound(r), g.lexBound(r))
}
