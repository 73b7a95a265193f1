package embedis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedis/embedis/keyspace"
)

func TestConfig_GetDefaults(t *testing.T) {
	s, _ := openTest(t)
	for name, want := range map[string]string{
		"maxmemory":              "0",
		"maxmemory-policy":       "noeviction",
		"databases":              "16",
		"hz":                     "10",
		"proto-max-bulk-len":     "536870912",
		"notify-keyspace-events": "",
		"maxclients":             "10000",
		"slave-read-only":        "yes",
		"list-max-ziplist-size":  "-2",
		"save":                   "",
	} {
		v, ok := s.ConfigGet(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, v, name)
	}
	_, ok := s.ConfigGet("no-such-parameter")
	assert.False(t, ok)
	// Options shape the defaults.
	s2, err := Open(&Options{Databases: 4, NotifyKeyspaceEvents: "Kx"})
	require.NoError(t, err)
	defer s2.Close()
	v, _ := s2.ConfigGet("databases")
	assert.Equal(t, "4", v)
	v, _ = s2.ConfigGet("notify-keyspace-events")
	assert.Equal(t, "xK", v)
}

func TestConfig_SetValidatesAllOrNothing(t *testing.T) {
	s, _ := openTest(t)
	err := s.ConfigSet("maxmemory", "100mb", "hz", "abc")
	require.Error(t, err)
	assert.Equal(t, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer", err.Error())
	v, _ := s.ConfigGet("maxmemory")
	assert.Equal(t, "0", v, "nothing applied when one value is bad")

	require.NoError(t, s.ConfigSet("maxmemory", "100mb", "maxmemory-policy", "ALLKEYS-LFU"))
	v, _ = s.ConfigGet("maxmemory")
	assert.Equal(t, "104857600", v)
	v, _ = s.ConfigGet("maxmemory-policy")
	assert.Equal(t, "allkeys-lfu", v)

	for _, tc := range []struct{ args []string }{
		{[]string{"databases", "2"}},
		{[]string{"nosuch", "1"}},
		{[]string{"maxmemory", "1", "maxmemory", "2"}},
		{[]string{"appendonly", "maybe"}},
		{[]string{"maxmemory", "-5"}},
		{[]string{"dbfilename", "x"}},
	} {
		assert.Error(t, s.ConfigSet(tc.args...), "%v", tc.args)
	}
	assert.ErrorIs(t, s.ConfigSet("hz"), ErrSyntax)
	// At startup immutable parameters are accepted.
	require.NoError(t, s.LoadConfig("daemonize", "yes", "port", "7000"))
	v, _ = s.ConfigGet("port")
	assert.Equal(t, "7000", v)
}

func TestParseMemory(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "100": 100, "1k": 1000, "1kb": 1024, "2M": 2000000, "2mb": 2 << 20, "1gb": 1 << 30, "5b": 5} {
		got, ok := parseMemory(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-1", "1.5gb", "1tb", "abc", "k", "99999999999999999999"} {
		_, ok := parseMemory(in)
		assert.False(t, ok, in)
	}
}

func TestConfig_NotifyKeyspaceEventsApplies(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.ConfigSet("notify-keyspace-events", "KEA"))
	assert.Equal(t, keyspace.NotifyAll|keyspace.NotifyKeyspace|keyspace.NotifyKeyevent, s.Keyspace().NotifyFlags())
	v, _ := s.ConfigGet("notify-keyspace-events")
	assert.Equal(t, "AKE", v)
	err := s.ConfigSet("notify-keyspace-events", "KQ")
	assert.EqualError(t, err, "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
	require.NoError(t, s.ConfigSet("notify-keyspace-events", "Emn$"))
	v, _ = s.ConfigGet("notify-keyspace-events")
	assert.Equal(t, "$Emn", v)
}

func TestConfig_ProtoMaxBulkLenReachesStore(t *testing.T) {
	s, _ := openTest(t)
	require.NoError(t, s.ConfigSet("proto-max-bulk-len", "2mb"))
	assert.Equal(t, int64(2<<20), s.maxBulk.Load())
	sess := s.NewSession()
	maxBulk, _, _ := sess.ConnLimits()
	assert.Equal(t, int64(2<<20), maxBulk)
}

func TestConfig_GetCommandPatterns(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	got := do(t, sess, "CONFIG", "GET", "maxmemory-*")
	for _, name := range []string{"maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity", "maxmemory-clients"} {
		assert.Contains(t, got, "$"+itoa(int64(len(name)))+"\r\n"+name+"\r\n")
	}
	assert.True(t, strings.HasPrefix(got, "*8\r\n"), got)
	// Exact names (and aliases) are echoed as asked; duplicates once.
	assert.Equal(t, "*4\r\n$15\r\nslave-read-only\r\n$3\r\nyes\r\n$2\r\nhz\r\n$2\r\n10\r\n",
		do(t, sess, "CONFIG", "GET", "slave-read-only", "hz", "hz"))
	sess.SetProto(3)
	assert.Equal(t, "%1\r\n$2\r\nhz\r\n$2\r\n10\r\n", do(t, sess, "CONFIG", "GET", "hz"))
}

func TestConfig_Rewrite(t *testing.T) {
	s, _ := openTest(t)
	sess := s.NewSession()
	assert.Equal(t, "-ERR The server is running without a config file\r\n", do(t, sess, "CONFIG", "REWRITE"))
	path := filepath.Join(t.TempDir(), "redis.conf")
	require.NoError(t, os.WriteFile(path, []byte("# my settings\nmaxmemory 1mb\nunknown-directive x\nsave 60 1\nsave 10 100\n"), 0o644))
	s.SetConfigFile(path)
	require.NoError(t, s.ConfigSet("maxmemory", "2mb", "hz", "20", "requirepass", "a b", "save", "900 1"))
	assert.Equal(t, "+OK\r\n", do(t, sess, "CONFIG", "REWRITE"))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "# my settings\nmaxmemory 2097152\nunknown-directive x\nsave 900 1\n\n# Generated by CONFIG REWRITE\nrequirepass \"a b\"\nhz 20\n", string(b))
	// Rewriting again is stable.
	assert.Equal(t, "+OK\r\n", do(t, sess, "CONFIG", "REWRITE"))
	b2, _ := os.ReadFile(path)
	assert.Equal(t, string(b), string(b2))
}

// TestConfig_HzAppliesToCron: CONFIG SET hz changes the frequency the
// background cron runs at (clamped to 1..500 as Redis does), not just the
// value CONFIG GET shows.
func TestConfig_HzAppliesToCron(t *testing.T) {
	s := MustOpen(&Options{Hz: 20})
	defer s.Close()
	assert.Equal(t, int64(20), s.hz.Load())
	v, _ := s.ConfigGet("hz")
	assert.Equal(t, "20", v)
	require.NoError(t, s.ConfigSet("hz", "100000"))
	assert.Equal(t, int64(500), s.hz.Load())
	v, _ = s.ConfigGet("hz")
	assert.Equal(t, "500", v)
	require.NoError(t, s.ConfigSet("hz", "0"))
	assert.Equal(t, int64(1), s.hz.Load())
}
