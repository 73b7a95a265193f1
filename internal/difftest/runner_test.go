package difftest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Two real servers must agree on every example golden file, byte for byte.
func TestRunDir_TwoRedisServersAgree(t *testing.T) {
	t.Parallel()
	a, b := startPair(t)
	(&Runner{Subject: a, Oracle: b, DeviationsAsOracle: true}).RunDir(t, "testdata")
}

func TestRunFile_DetectsFakeServer(t *testing.T) {
	t.Parallel()
	fake := startFake(t, alwaysOK)
	oracle := StartRedis(t)
	rec := capture(t, func(tb testing.TB) {
		(&Runner{Subject: fake, Oracle: oracle, MaxReports: 3}).RunFile(tb, "testdata/strings.golden")
	})
	if len(rec.errs) != 4 {
		t.Fatalf("got %d reports, want 3 detailed and 1 summary:\n%s", len(rec.errs), rec.all())
	}
	// The first command is "GET missing" on line 6: +OK versus a null.
	first := rec.errs[0]
	for _, want := range []string{
		"testdata/strings.golden:6: RESP2: GET missing",
		`subject fake 127.0.0.1:`, `"+OK\r\n"`,
		"oracle redis-server 7.", `"$-1\r\n"`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("report lacks %q:\n%s", want, first)
		}
	}
	if !regexp.MustCompile(`^difftest: \d+ more mismatches not shown \(\d+ in all\)$`).MatchString(rec.errs[3]) {
		t.Errorf("summary line = %q", rec.errs[3])
	}
}

// Both passes run, and the RESP3 pass really speaks RESP3.
func TestRunScript_BothProtocols(t *testing.T) {
	t.Parallel()
	fake := startFake(t, func(args []string) string {
		if args[0] == "GET" {
			return "$-1\r\n"
		}
		return "+OK\r\n"
	})
	oracle := StartRedis(t)
	s, err := ParseScript("null", strings.NewReader("GET missing\n"))
	if err != nil {
		t.Fatal(err)
	}
	rec := capture(t, func(tb testing.TB) { RunScript(tb, s, fake, oracle) })
	// RESP2: $-1 on both. RESP3: $-1 from the fake, _ from redis.
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "null:1: RESP3: GET missing") ||
		!strings.Contains(rec.errs[0], `"_\r\n"`) {
		t.Errorf("want exactly one RESP3 mismatch, got:\n%s", rec.all())
	}
}

// A real redis-server with one command renamed away is a different server,
// and the runner notices.
func TestRunFile_DetectsDifferentConfig(t *testing.T) {
	t.Parallel()
	subject := StartRedis(t, "--rename-command", "APPEND", "")
	oracle := StartRedis(t)
	rec := capture(t, func(tb testing.TB) { RunFile(tb, "testdata/strings.golden", subject, oracle) })
	out := rec.all()
	if !strings.Contains(out, "RESP2: APPEND a foo") || !strings.Contains(out, "RESP3: APPEND a foo") ||
		!strings.Contains(out, `"-ERR unknown command 'APPEND'`) {
		t.Errorf("renamed APPEND not detected in both passes; got:\n%s", out)
	}
	if strings.Contains(out, ": SET k v\n") {
		t.Errorf("commands unaffected by the rename were reported:\n%s", out)
	}
}

func TestRunScript_Deviation(t *testing.T) {
	t.Parallel()
	fake := startFake(t, alwaysOK)
	oracle := StartRedis(t)
	run := func(src string) *recorder {
		s, err := ParseScript("dev", strings.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		return capture(t, func(tb testing.TB) { RunScript(tb, s, fake, oracle) })
	}
	// The oracle (7.0) rejects WITHSCORE; the subject's +OK matches !expect.
	if rec := run("!deviation zrank-withscore\n!expect \"+OK\\r\\n\"\nZRANK z m WITHSCORE\n"); rec.Failed() {
		t.Errorf("a matching deviation was reported:\n%s", rec.all())
	}
	rec := run("!deviation zrank-withscore\n!expect2 \"+OK\\r\\n\"\n!expect3 \"_\\r\\n\"\nZRANK z m WITHSCORE\n")
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "dev:4: RESP3: ZRANK z m WITHSCORE") ||
		!strings.Contains(rec.errs[0], `expected: "_\r\n"`) || !strings.Contains(rec.errs[0], "deviation zrank-withscore: ZRANK") {
		t.Errorf("want one RESP3 report naming the deviation, got:\n%s", rec.all())
	}
}

// A connection closed under an ordinary command is always a mismatch, even
// when both sides close; after !read it is the expected outcome.
func TestRunScript_ClosedConnection(t *testing.T) {
	t.Parallel()
	a, b := startPair(t)
	run := func(src string) *recorder {
		s, err := ParseScript("q", strings.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		return capture(t, func(tb testing.TB) { RunScript(tb, s, a, b) })
	}
	rec := run("!raw \"*x\\r\\n\"\nPING\n")
	if len(rec.errs) != 2 || !strings.Contains(rec.errs[0], "q:2: RESP2: PING") ||
		!strings.Contains(rec.errs[0], "<connection closed>") {
		t.Errorf("a hang-up swallowed a command silently; got:\n%s", rec.all())
	}
	if rec := run("!raw \"*x\\r\\n\"\n!read\nPING\nQUIT\n!read\nSET k v\n"); rec.Failed() {
		t.Errorf("expected hang-ups were reported:\n%s", rec.all())
	}
}

// An unparsable or missing file is reported, not skipped.
func TestRunFile_BadFile(t *testing.T) {
	t.Parallel()
	fake := startFake(t, alwaysOK)
	bad := filepath.Join(t.TempDir(), "bad.golden")
	if err := os.WriteFile(bad, []byte("PING\nGET \"unterminated\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := capture(t, func(tb testing.TB) { RunFile(tb, bad, fake, fake) })
	if !strings.Contains(rec.all(), "bad.golden:2: unbalanced quotes") {
		t.Errorf("parse error not reported: %q", rec.all())
	}
	rec = capture(t, func(tb testing.TB) { RunFile(tb, bad+".missing", fake, fake) })
	if !rec.Failed() {
		t.Error("a missing file was not reported")
	}
}
