package difftest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Generator produces random commands for differential runs. A generator
// draws keys from a small key space so that commands collide, and attaches
// the comparison mode each reply needs (ModeSorted for KEYS, ModeApprox for
// TTL, …). Next must depend only on r, so that a seed replays a run.
type Generator interface {
	// Next returns the next command, drawing randomness only from r.
	Next(r *rand.Rand) Command
}

// Finisher is implemented by generators that want a fixed list of commands
// run after the random sequence, to compare the final state (for example
// KEYS * and a GET of every key).
type Finisher interface {
	// Finish returns the commands to run at the end of a sequence.
	Finish() []Command
}

// GeneratorFunc adapts a function to the Generator interface.
type GeneratorFunc func(r *rand.Rand) Command

// Next calls f(r).
func (f GeneratorFunc) Next(r *rand.Rand) Command { return f(r) }

// Mix returns a generator that picks one of gens uniformly for each
// command. Its Finish runs the Finish commands of every gen that has them.
// Use it to combine command families (strings, hashes, lists, …) over a
// shared key space, so cross-type collisions (WRONGTYPE) happen.
func Mix(gens ...Generator) Generator { return mix(gens) }

type mix []Generator

func (m mix) Next(r *rand.Rand) Command { return m[r.IntN(len(m))].Next(r) }

func (m mix) Finish() []Command {
	var out []Command
	for _, g := range m {
		if f, ok := g.(Finisher); ok {
			out = append(out, f.Finish()...)
		}
	}
	return out
}

// RandomCommands returns n commands from gen, driven by a PCG generator
// seeded with seed, followed by gen's Finish commands if it has any. The
// same seed and generator give the same commands.
func RandomCommands(seed int64, n int, gen Generator) []Command {
	r := rand.New(rand.NewPCG(uint64(seed), 0x656d62656469730a))
	cmds := make([]Command, 0, n)
	for range n {
		cmds = append(cmds, gen.Next(r))
	}
	if f, ok := gen.(Finisher); ok {
		cmds = append(cmds, f.Finish()...)
	}
	return cmds
}

// RunRandom runs RandomCommands(seed, n, gen) against subject a and oracle
// b with default options; see Runner.RunRandom.
func RunRandom(t testing.TB, seed int64, n int, gen Generator, a, b Target) {
	t.Helper()
	(&Runner{Subject: a, Oracle: b}).RunRandom(t, seed, n, gen)
}

// contextLen is how many commands before a random mismatch are shown.
const contextLen = 25

// RunRandom runs RandomCommands(seed, n, gen) in each protocol pass and
// compares every reply. The seed is always logged. The first mismatch of a
// pass is reported with the seed, the command's index, both replies and the
// commands leading up to it (in golden-file syntax, ready to paste into a
// regression file); the rest of that pass is skipped, since the two
// keyspaces have diverged.
func (r *Runner) RunRandom(t testing.TB, seed int64, n int, gen Generator) {
	t.Helper()
	t.Logf("difftest: random seed %d (rerun with %s=%d)", seed, seedEnv, seed)
	cmds := RandomCommands(seed, n, gen)
	for _, proto := range r.protocols() {
		ss, err := r.open(proto)
		if err != nil {
			t.Errorf("difftest: seed %d: RESP%d: %v", seed, proto, err)
			continue
		}
		for i, c := range cmds {
			st := Step{Kind: StepCommand, Command: c}
			msg := ss.step(&st)
			if msg == "" {
				continue
			}
			from := max(0, i-contextLen)
			var b bytes.Buffer
			writeLines(&b, cmds[from:i])
			what := "all commands since FLUSHALL"
			if from > 0 {
				what = fmt.Sprintf("the last %d commands; %d before them since FLUSHALL", i-from, from)
			}
			t.Errorf("difftest: seed %d: RESP%d: command %d of %d: %s\n%s\n  preceded by %s:\n%s  rerun with %s=%d",
				seed, proto, i, len(cmds), c, msg, what, b.String(), seedEnv, seed)
			break
		}
		ss.close()
	}
}

// writeLines renders cmds in golden-file syntax, one per line, each with
// its comparison directive when it has one.
func writeLines(b *bytes.Buffer, cmds []Command) {
	for _, c := range cmds {
		if c.Mode != ModeExact {
			b.WriteString("    " + c.Mode.String())
			if c.Mode == ModeApprox {
				b.WriteString(" " + strconv.FormatInt(c.Tolerance, 10))
			}
			b.WriteByte('\n')
		}
		b.WriteString("    " + c.String() + "\n")
	}
}
