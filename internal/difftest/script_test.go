package difftest

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseScript_Directives(t *testing.T) {
	src := `# comment

SET k "a b"
!sort
SMEMBERS s
!sort pairs
HGETALL h
!type
RANDOMKEY
!approx 1000
PTTL k
!skip-resp3
GET k
!resp3-only
!sort
SMEMBERS s
!deviation zrank-withscore
!expect ":0\r\n"
!expect3 "*2\r\n:0\r\n,1\r\n"
ZRANK z a WITHSCORE
!sleep 25
!raw "PING\r\n"
!read
!reconnect
`
	s, err := ParseScript("x.golden", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{
		{Line: 3, Command: Command{Args: []string{"SET", "k", "a b"}}},
		{Line: 5, Command: Command{Args: []string{"SMEMBERS", "s"}, Mode: ModeSorted}},
		{Line: 7, Command: Command{Args: []string{"HGETALL", "h"}, Mode: ModeSortedPairs}},
		{Line: 9, Command: Command{Args: []string{"RANDOMKEY"}, Mode: ModeType}},
		{Line: 11, Command: Command{Args: []string{"PTTL", "k"}, Mode: ModeApprox, Tolerance: 1000}},
		{Line: 13, Command: Command{Args: []string{"GET", "k"}}, Protocol: 2},
		{Line: 16, Command: Command{Args: []string{"SMEMBERS", "s"}, Mode: ModeSorted}, Protocol: 3},
		{Line: 20, Command: Command{Args: []string{"ZRANK", "z", "a", "WITHSCORE"}}, Deviation: "zrank-withscore",
			Expect2: []byte(":0\r\n"), Expect3: []byte("*2\r\n:0\r\n,1\r\n")},
		{Line: 21, Kind: StepSleep, Sleep: 25 * time.Millisecond},
		{Line: 22, Kind: StepRaw, Raw: []byte("PING\r\n")},
		{Line: 23, Kind: StepRead},
		{Line: 24, Kind: StepReconnect},
	}
	if len(s.Steps) != len(want) {
		t.Fatalf("got %d steps, want %d: %+v", len(s.Steps), len(want), s.Steps)
	}
	for i := range want {
		g, w := s.Steps[i], want[i]
		if g.Line != w.Line || g.Kind != w.Kind || !slices.Equal(g.Args, w.Args) || g.Mode != w.Mode ||
			g.Tolerance != w.Tolerance || g.Protocol != w.Protocol || g.Deviation != w.Deviation ||
			string(g.Expect2) != string(w.Expect2) || string(g.Expect3) != string(w.Expect3) ||
			string(g.Raw) != string(w.Raw) || g.Sleep != w.Sleep {
			t.Errorf("step %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestParseScript_Errors(t *testing.T) {
	for _, tc := range []struct{ src, msg string }{
		{"GET \"k", "x:1: unbalanced quotes"},
		{"!bogus", "unknown directive !bogus"},
		{"!sort\n", "x:1: directive not followed by a command"},
		{"!sort\n!type\nGET k", "x:2: !type: a comparison mode was already given"},
		{"!sort wrong\nGET k", `!sort takes no argument or "pairs"`},
		{"!approx -1\nGET k", "non-negative integer tolerance"},
		{"!skip-resp3\n!resp3-only\nGET k", "already limited to one protocol"},
		{"!deviation nope\nGET k", `!deviation "nope" is not in the table`},
		{"!deviation zrank-withscore\nGET k", "no !expect or !expect2 for the RESP2 pass"},
		{"!deviation zrank-withscore\n!expect2 \"+OK\\r\\n\"\nGET k", "no !expect or !expect3"},
		{"!expect \"+OK\\r\\n\"\nGET k", "!expect needs a !deviation"},
		{"!deviation zrank-withscore\n!expect \"+OK\"\nGET k", "not one complete reply frame"},
		{"!sort\n!sleep 10\nGET k", "x:2: directives from line 1 must be followed by a command"},
		{"!sleep soon", "!sleep needs milliseconds"},
		{"!raw", "!raw takes 1 argument(s), got 0"},
		{"!raw \"\"", "!raw needs at least one byte"},
		{"!", "empty directive"},
	} {
		_, err := ParseScript("x", strings.NewReader(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseScript(%q) error = %v, want it to contain %q", tc.src, err, tc.msg)
		}
	}
}

// The example golden files must parse; running them needs redis-server
// (see runner_test.go).
func TestParseFile_Testdata(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.golden")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, p := range paths {
		if _, err := ParseFile(p); err != nil {
			t.Error(err)
		}
	}
}

func TestDeviations_Table(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range Deviations() {
		if d.ID == "" || d.Reason == "" || seen[d.ID] || strings.ContainsAny(d.ID, " \t") {
			t.Errorf("bad or duplicate deviation %+v", d)
		}
		seen[d.ID] = true
		if got, ok := LookupDeviation(d.ID); !ok || got != d {
			t.Errorf("LookupDeviation(%q) = %+v, %v", d.ID, got, ok)
		}
	}
	if _, ok := LookupDeviation("no-such-deviation"); ok {
		t.Error("LookupDeviation found an unknown ID")
	}
}
