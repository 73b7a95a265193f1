package server

import (
	"testing"

	"github.com/embedis/embedis/internal/difftest"
)

// goldenDir holds the golden command files of every command family.
const goldenDir = "../internal/difftest/testdata"

// startPair starts a real redis-server (skipped when none is installed,
// unless EMBEDIS_REQUIRE_REDIS=1) and an embedis server configured alike:
// DEBUG enabled, persistence off.
func startPair(t *testing.T) (embedis *testServer, redis *difftest.Redis) {
	t.Helper()
	redis = difftest.StartRedis(t)
	embedis = startServer(t, nil, "enable-debug-command", "yes", "save", "", "appendonly", "no")
	return embedis, redis
}

// TestDiff_Golden runs every golden file against embedis's server and a
// real redis-server, in RESP2 and RESP3, comparing raw reply bytes.
func TestDiff_Golden(t *testing.T) {
	e, r := startPair(t)
	difftest.RunDir(t, goldenDir, e.target(), r)
}

// TestDiff_GoldenInMemory runs the golden files again over the in-memory
// connection, which must behave exactly like TCP.
func TestDiff_GoldenInMemory(t *testing.T) {
	e, r := startPair(t)
	difftest.RunDir(t, goldenDir, e.memTarget(), r)
}

// randomFamilies are the random command generators of every family; a
// new family's generator joins the list (and the mixed run) here.
var randomFamilies = []struct {
	name string
	gen  func() difftest.Generator
}{
	{"strings", difftest.StringCommands},
	{"hash", difftest.HashCommands},
	{"set", difftest.SetCommands},
	{"hll", difftest.HLLCommands},
	{"zset", difftest.ZSetCommands},
	{"stream", difftest.StreamCommands},
}

// TestDiff_Random runs random command sequences of each family, and of
// all of them mixed over one key space (so WRONGTYPE comes up), against
// both servers. The seed is printed; EMBEDIS_DIFFTEST_SEED replays it.
func TestDiff_Random(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 500
	}
	seed := difftest.Seed(t)
	e, r := startPair(t)
	var all []difftest.Generator
	for _, f := range randomFamilies {
		all = append(all, f.gen())
		t.Run(f.name, func(t *testing.T) {
			difftest.RunRandom(t, seed, n, f.gen(), e.target(), r)
		})
	}
	t.Run("mixed", func(t *testing.T) {
		difftest.RunRandom(t, seed, n, difftest.Mix(all...), e.target(), r)
	})
}
