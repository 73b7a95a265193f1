package difftest

import (
	"math/rand/v2"
	"strconv"
)

// StreamCommands returns a Generator for the stream family over three
// stream keys (x0, x1, x2), with a string (str) and a missing key (nokey)
// now and then for WRONGTYPE and missing-key paths: XADD with explicit
// and "<ms>-*" IDs (sometimes too small, or 0-0), NOMKSTREAM, MAXLEN and
// MINID with "=" or "~" and LIMIT; XRANGE and XREVRANGE with inclusive
// and exclusive bounds and COUNT; XLEN, XDEL, XTRIM, XSETID (to an ID
// above all others); XREAD
// without BLOCK; XGROUP CREATE (MKSTREAM, ENTRIESREAD), SETID, DESTROY,
// CREATECONSUMER, DELCONSUMER; XREADGROUP with ">" and history IDs,
// COUNT and NOACK; XACK; XPENDING in both forms; XCLAIM with FORCE,
// JUSTID, RETRYCOUNT, TIME, IDLE and LASTID; XAUTOCLAIM; XINFO STREAM and
// XINFO GROUPS. Its Finish compares XINFO STREAM, XRANGE and XINFO GROUPS
// of every key and the PEL summary of each group.
//
// Replies stay comparable with a Redis 7.0 oracle and across clocks: IDs
// are always explicit ("*" would take each server's clock), min-idle
// times are 0 or far above any elapsed time, replies that show idle times
// (extended XPENDING) use ModeApprox, and XINFO CONSUMERS, XINFO STREAM
// FULL and XREAD's "+" (which differ in 7.0) are left out.
func StreamCommands() Generator {
	return &streamGen{keys: []string{"x0", "x1", "x2"}}
}

type streamGen struct {
	keys    []string
	ms      uint64    // the last ms part handed out; grows slowly so IDs collide
	pending []Command // commands to return before drawing new ones
}

// idleTolerance bounds the difference of idle times measured by two
// servers for the same entry (each runs the command a moment apart).
const idleTolerance = 1000

func (g *streamGen) key(r *rand.Rand) string {
	if r.IntN(40) == 0 {
		return pick(r, "str", "nokey")
	}
	return pick(r, g.keys...)
}

func (g *streamGen) group(r *rand.Rand) string {
	if r.IntN(20) == 0 {
		return "nogroup"
	}
	return pick(r, "g0", "g1")
}

func (g *streamGen) consumer(r *rand.Rand) string { return pick(r, "alice", "bob", "carol") }

// newID returns an ID for XADD: usually above every ID so far, sometimes
// at or below it (an error), sometimes "<ms>-*".
func (g *streamGen) newID(r *rand.Rand) string {
	switch r.IntN(12) {
	case 0:
		return strconv.FormatUint(g.ms/2, 10) + "-" + strconv.Itoa(r.IntN(3))
	case 1:
		return strconv.FormatUint(g.ms, 10) + "-*"
	case 2:
		return pick(r, "0-0", "0", "0-1", "0-*")
	}
	g.ms += uint64(r.IntN(3))
	if r.IntN(3) == 0 {
		return strconv.FormatUint(g.ms, 10) + "-*"
	}
	return strconv.FormatUint(g.ms, 10) + "-" + strconv.Itoa(r.IntN(4)+1)
}

// someID returns an ID somewhere in the range handed out so far.
func (g *streamGen) someID(r *rand.Rand) string {
	ms := uint64(0)
	if g.ms > 0 {
		ms = r.Uint64N(g.ms + 2)
	}
	switch r.IntN(3) {
	case 0:
		return strconv.FormatUint(ms, 10)
	default:
		return strconv.FormatUint(ms, 10) + "-" + strconv.Itoa(r.IntN(5))
	}
}

func (g *streamGen) bound(r *rand.Rand, low bool) string {
	switch r.IntN(8) {
	case 0:
		if low {
			return "-"
		}
		return "+"
	case 1:
		return "(" + g.someID(r)
	case 2:
		return pick(r, "-", "+")
	}
	return g.someID(r)
}

func (g *streamGen) fields(r *rand.Rand) []string {
	n := 1 + r.IntN(3)
	if r.IntN(10) == 0 {
		n = 1 + r.IntN(12)
	}
	out := make([]string, 0, 2*n)
	same := r.IntN(2) == 0
	for i := range n {
		f := "f" + strconv.Itoa(i)
		if !same {
			f = pick(r, "a", "b", "c", "f0", "f1", "12", "")
		}
		out = append(out, f, g.value(r))
	}
	return out
}

func (g *streamGen) value(r *rand.Rand) string {
	switch r.IntN(10) {
	case 0:
		return ""
	case 1:
		return strconv.Itoa(r.IntN(100000) - 50000)
	case 2:
		return string(make([]byte, 60+r.IntN(500))) // large: nodes fill by bytes
	case 3:
		return pick(r, "9223372036854775807", "-9223372036854775808", "007", "1.5", "\x00\xff")
	}
	return pick(r, "v", "hello", "x", "42")
}

func (g *streamGen) trim(r *rand.Rand) []string {
	var out []string
	if r.IntN(2) == 0 {
		out = append(out, "MAXLEN")
	} else {
		out = append(out, "MINID")
	}
	approx := false
	switch r.IntN(3) {
	case 0:
		out = append(out, "~")
		approx = true
	case 1:
		out = append(out, "=")
	}
	if out[0] == "MAXLEN" {
		out = append(out, strconv.Itoa(r.IntN(150)))
	} else {
		out = append(out, g.someID(r))
	}
	if (approx && r.IntN(3) == 0) || r.IntN(30) == 0 {
		out = append(out, "LIMIT", strconv.Itoa(r.IntN(250)))
	}
	return out
}

type streamOp struct {
	weight int
	gen    func(g *streamGen, r *rand.Rand) Command
}

var streamOps = []streamOp{
	{14, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XADD", g.key(r)}
		if r.IntN(8) == 0 {
			args = append(args, "NOMKSTREAM")
		}
		if r.IntN(4) == 0 {
			args = append(args, g.trim(r)...)
		}
		args = append(args, g.newID(r))
		return cmd(append(args, g.fields(r)...)...)
	}},
	{2, func(g *streamGen, r *rand.Rand) Command {
		// a burst of adds, so nodes fill and "~" trims have whole nodes
		args := []string{"XADD", g.key(r), g.newID(r), "f", "v"}
		return cmd(args...)
	}},
	{5, func(g *streamGen, r *rand.Rand) Command {
		name, lo, hi := "XRANGE", g.bound(r, true), g.bound(r, false)
		if r.IntN(3) == 0 {
			name, lo, hi = "XREVRANGE", hi, lo
		}
		args := []string{name, g.key(r), lo, hi}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", strconv.Itoa(r.IntN(6)-1))
		}
		return cmd(args...)
	}},
	{2, func(g *streamGen, r *rand.Rand) Command { return cmd("XLEN", g.key(r)) }},
	{3, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XDEL", g.key(r)}
		for range 1 + r.IntN(4) {
			args = append(args, g.someID(r))
		}
		return cmd(args...)
	}},
	{2, func(g *streamGen, r *rand.Rand) Command {
		return cmd(append([]string{"XTRIM", g.key(r)}, g.trim(r)...)...)
	}},
	{1, func(g *streamGen, r *rand.Rand) Command {
		// Above every ID handed out: 7.0 lacks 7.4's check against
		// max-deleted-entry-id, so a smaller ID could diverge.
		args := []string{"XSETID", g.key(r), strconv.FormatUint(g.ms+1, 10) + "-" + strconv.Itoa(r.IntN(3))}
		if r.IntN(3) == 0 {
			args = append(args, "ENTRIESADDED", strconv.Itoa(r.IntN(300)))
		}
		if r.IntN(3) == 0 {
			args = append(args, "MAXDELETEDID", g.someID(r))
		}
		return cmd(args...)
	}},
	{3, func(g *streamGen, r *rand.Rand) Command {
		n := 1 + r.IntN(2)
		args := []string{"XREAD"}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", strconv.Itoa(r.IntN(4)))
		}
		args = append(args, "STREAMS")
		for range n {
			args = append(args, g.key(r))
		}
		for range n {
			args = append(args, pick(r, "0", "$", g.someID(r)))
		}
		return cmd(args...)
	}},
	{3, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XGROUP", "CREATE", g.key(r), g.group(r), pick(r, "0", "$", g.someID(r))}
		if r.IntN(3) == 0 {
			args = append(args, "MKSTREAM")
		}
		if r.IntN(4) == 0 {
			args = append(args, "ENTRIESREAD", strconv.Itoa(r.IntN(20)-1))
		}
		return cmd(args...)
	}},
	{1, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XGROUP", "SETID", g.key(r), g.group(r), pick(r, "0", "$", g.someID(r))}
		if r.IntN(2) == 0 {
			args = append(args, "ENTRIESREAD", strconv.Itoa(r.IntN(20)-1))
		}
		return cmd(args...)
	}},
	{1, func(g *streamGen, r *rand.Rand) Command { return cmd("XGROUP", "DESTROY", g.key(r), g.group(r)) }},
	{1, func(g *streamGen, r *rand.Rand) Command {
		return cmd("XGROUP", pick(r, "CREATECONSUMER", "DELCONSUMER"), g.key(r), g.group(r), g.consumer(r))
	}},
	{8, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XREADGROUP", "GROUP", g.group(r), g.consumer(r)}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", strconv.Itoa(r.IntN(5)))
		}
		if r.IntN(8) == 0 {
			args = append(args, "NOACK")
		}
		args = append(args, "STREAMS", g.key(r))
		if r.IntN(4) == 0 {
			args = append(args, pick(r, "0", g.someID(r)))
		} else {
			args = append(args, ">")
		}
		return cmd(args...)
	}},
	{4, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XACK", g.key(r), g.group(r)}
		for range 1 + r.IntN(3) {
			args = append(args, g.someID(r))
		}
		return cmd(args...)
	}},
	{3, func(g *streamGen, r *rand.Rand) Command { return cmd("XPENDING", g.key(r), g.group(r)) }},
	{2, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XPENDING", g.key(r), g.group(r)}
		if r.IntN(3) == 0 {
			args = append(args, "IDLE", pick(r, "0", "100000000"))
		}
		args = append(args, g.bound(r, true), g.bound(r, false), strconv.Itoa(r.IntN(6)))
		if r.IntN(3) == 0 {
			args = append(args, g.consumer(r))
		}
		return Command{Args: args, Mode: ModeApprox, Tolerance: idleTolerance}
	}},
	{3, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XCLAIM", g.key(r), g.group(r), g.consumer(r), pick(r, "0", "0", "100000000")}
		for range 1 + r.IntN(3) {
			args = append(args, g.someID(r))
		}
		if r.IntN(3) == 0 {
			args = append(args, "FORCE")
		}
		if r.IntN(3) == 0 {
			args = append(args, "RETRYCOUNT", strconv.Itoa(r.IntN(5)))
		}
		switch r.IntN(4) {
		case 0:
			args = append(args, "IDLE", strconv.Itoa(r.IntN(100000)))
		case 1:
			args = append(args, "TIME", strconv.Itoa(1000+r.IntN(1000)))
		}
		if r.IntN(6) == 0 {
			args = append(args, "LASTID", g.someID(r))
		}
		if r.IntN(2) == 0 {
			args = append(args, "JUSTID")
		}
		return cmd(args...)
	}},
	{2, func(g *streamGen, r *rand.Rand) Command {
		args := []string{"XAUTOCLAIM", g.key(r), g.group(r), g.consumer(r), pick(r, "0", "100000000"), g.bound(r, true)}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", strconv.Itoa(1+r.IntN(4)))
		}
		if r.IntN(3) == 0 {
			args = append(args, "JUSTID")
		}
		return cmd(args...)
	}},
	{2, func(g *streamGen, r *rand.Rand) Command { return cmd("XINFO", "STREAM", g.key(r)) }},
	{2, func(g *streamGen, r *rand.Rand) Command { return cmd("XINFO", "GROUPS", g.key(r)) }},
	{1, func(g *streamGen, r *rand.Rand) Command { return cmd("DEL", g.key(r)) }},
	{1, func(g *streamGen, r *rand.Rand) Command { return cmd("SET", "str", "v") }},
}

var streamOpsTotal = func() int {
	t := 0
	for _, op := range streamOps {
		t += op.weight
	}
	return t
}()

// Next implements Generator. XREADGROUP, XCLAIM and XAUTOCLAIM come right
// after an XGROUP CREATECONSUMER of their consumer: Redis 7.2+ creates the
// consumer even when nothing is delivered or claimed, 7.0 only when
// something is, and the consumer counts would drift apart otherwise.
func (g *streamGen) Next(r *rand.Rand) Command {
	if len(g.pending) > 0 {
		c := g.pending[0]
		g.pending = g.pending[1:]
		return c
	}
	n := r.IntN(streamOpsTotal)
	for _, op := range streamOps {
		if n < op.weight {
			c := op.gen(g, r)
			switch c.Args[0] {
			case "XREADGROUP":
				g.pending = append(g.pending, c)
				return cmd("XGROUP", "CREATECONSUMER", c.Args[len(c.Args)-2], c.Args[2], c.Args[3])
			case "XCLAIM", "XAUTOCLAIM":
				g.pending = append(g.pending, c)
				return cmd("XGROUP", "CREATECONSUMER", c.Args[1], c.Args[2], c.Args[3])
			}
			return c
		}
		n -= op.weight
	}
	panic("unreachable")
}

// Finish implements Finisher.
func (g *streamGen) Finish() []Command {
	var out []Command
	for _, k := range g.keys {
		out = append(out, cmd("XINFO", "STREAM", k), cmd("XRANGE", k, "-", "+"), cmd("XINFO", "GROUPS", k))
		for _, grp := range []string{"g0", "g1"} {
			out = append(out, cmd("XPENDING", k, grp))
		}
	}
	return out
}
