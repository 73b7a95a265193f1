package difftest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Target is a RESP server the runner can open fresh connections to.
type Target interface {
	// Name identifies the target in reports, e.g. "redis-server 7.0.15
	// at 127.0.0.1:40123".
	Name() string
	// Dial opens a new connection in RESP2.
	Dial() (*Conn, error)
}

// Addr is a Target reached over TCP at a "host:port" address.
type Addr string

// Name returns the address.
func (a Addr) Name() string { return string(a) }

// Dial connects to the address.
func (a Addr) Dial() (*Conn, error) { return Dial(string(a)) }

// NewTarget returns a Target named name whose connections come from dial,
// for example an in-process server served over net.Pipe.
func NewTarget(name string, dial func() (net.Conn, error)) Target {
	return funcTarget{name: name, dial: dial}
}

type funcTarget struct {
	name string
	dial func() (net.Conn, error)
}

func (f funcTarget) Name() string { return f.name }

func (f funcTarget) Dial() (*Conn, error) {
	nc, err := f.dial()
	if err != nil {
		return nil, err
	}
	return NewConn(nc), nil
}

// Runner runs golden files and random command sequences against a subject
// and an oracle and reports every difference. The zero value of each
// option field is its default.
type Runner struct {
	// Subject is the server under test (embedis). Required.
	Subject Target
	// Oracle is the reference server (a real redis-server). Required.
	Oracle Target
	// Protocols lists the protocol passes to run, in order; each pass
	// starts with fresh connections (HELLO 3 for RESP3) and FLUSHALL on
	// both targets. Default: []int{2, 3}.
	Protocols []int
	// MaxReports caps the mismatches reported in detail per file; the
	// rest are counted in one final line. Default: 20.
	MaxReports int
	// Timeout bounds each reply. Default: DefaultTimeout.
	Timeout time.Duration
	// DeviationsAsOracle compares "!deviation" steps against the oracle
	// like any other step, ignoring their "!expect" lines. Set it when
	// the subject is itself a Redis 7.0, as in this package's own tests.
	// Default: false.
	DeviationsAsOracle bool
}

// RunFile runs the golden file at path against subject a and oracle b
// with default options; see Runner.RunFile.
func RunFile(t testing.TB, path string, a, b Target) {
	t.Helper()
	(&Runner{Subject: a, Oracle: b}).RunFile(t, path)
}

// RunDir runs every *.golden file in dir against subject a and oracle b
// with default options; see Runner.RunDir.
func RunDir(t *testing.T, dir string, a, b Target) {
	t.Helper()
	(&Runner{Subject: a, Oracle: b}).RunDir(t, dir)
}

// RunScript runs a parsed script against subject a and oracle b with
// default options; see Runner.RunScript.
func RunScript(t testing.TB, s *Script, a, b Target) {
	t.Helper()
	(&Runner{Subject: a, Oracle: b}).RunScript(t, s)
}

// RunDir runs every *.golden file in dir, in name order, each as a
// subtest named after the file.
func (r *Runner) RunDir(t *testing.T, dir string) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.golden"))
	if err != nil {
		t.Fatalf("difftest: %v", err)
	}
	if len(paths) == 0 {
		t.Fatalf("difftest: no *.golden files in %s", dir)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".golden"), func(t *testing.T) {
			r.RunFile(t, p)
		})
	}
}

// RunFile parses the golden file at path and runs it; see RunScript.
func (r *Runner) RunFile(t testing.TB, path string) {
	t.Helper()
	s, err := ParseFile(path)
	if err != nil {
		t.Errorf("difftest: %v", err)
		return
	}
	r.RunScript(t, s)
}

// RunScript runs s once per protocol pass. Each step goes to the subject,
// then to the oracle, and the two replies are compared under the step's
// mode (a deviation step compares the subject's reply with its !expect
// reply instead). Every mismatch is reported with t.Errorf, giving
// file:line, the protocol, the command and both raw replies; the run goes
// on after a mismatch.
func (r *Runner) RunScript(t testing.TB, s *Script) {
	t.Helper()
	rep := &reporter{t: t, max: r.maxReports()}
	defer rep.summary()
	for _, proto := range r.protocols() {
		ss, err := r.open(proto)
		if err != nil {
			t.Errorf("difftest: %s: RESP%d: %v", s.Name, proto, err)
			continue
		}
		for i := range s.Steps {
			st := &s.Steps[i]
			if !st.RunsIn(proto) {
				continue
			}
			if msg := ss.step(st); msg != "" {
				rep.report("%s:%d: RESP%d: %s\n%s", s.Name, st.Line, proto, st, msg)
			}
		}
		ss.close()
	}
}

func (r *Runner) protocols() []int {
	if len(r.Protocols) == 0 {
		return []int{2, 3}
	}
	return r.Protocols
}

func (r *Runner) maxReports() int {
	if r.MaxReports <= 0 {
		return 20
	}
	return r.MaxReports
}

func (r *Runner) timeout() time.Duration {
	if r.Timeout <= 0 {
		return DefaultTimeout
	}
	return r.Timeout
}

// reporter caps detailed mismatch reports.
type reporter struct {
	t          testing.TB
	max, count int
}

func (rp *reporter) report(format string, args ...any) {
	rp.t.Helper()
	rp.count++
	if rp.count <= rp.max {
		rp.t.Errorf(format, args...)
	}
}

func (rp *reporter) summary() {
	rp.t.Helper()
	if rp.count > rp.max {
		rp.t.Errorf("difftest: %d more mismatches not shown (%d in all)", rp.count-rp.max, rp.count)
	}
}

// side is one target's end of a session.
type side struct {
	role   string // "subject" or "oracle"
	target Target
	conn   *Conn
}

// session is one protocol pass: a connection to each target.
type session struct {
	r     *Runner
	proto int
	sides [2]*side // subject, oracle
}

// open dials both targets for a pass in proto and flushes both.
func (r *Runner) open(proto int) (*session, error) {
	if r.Subject == nil || r.Oracle == nil {
		return nil, errors.New("difftest: Runner needs both Subject and Oracle")
	}
	ss := &session{r: r, proto: proto, sides: [2]*side{
		{role: "subject", target: r.Subject},
		{role: "oracle", target: r.Oracle},
	}}
	for _, sd := range ss.sides {
		if err := ss.connect(sd); err != nil {
			ss.close()
			return nil, err
		}
		raw, err := sd.conn.Do("FLUSHALL")
		if err != nil || string(raw) != "+OK\r\n" {
			ss.close()
			return nil, fmt.Errorf("FLUSHALL on %s %s: reply %q, error %v", sd.role, sd.target.Name(), raw, err)
		}
	}
	return ss, nil
}

// connect gives sd a fresh connection speaking the session's protocol.
func (ss *session) connect(sd *side) error {
	if sd.conn != nil {
		sd.conn.Close()
		sd.conn = nil
	}
	c, err := sd.target.Dial()
	if err != nil {
		return fmt.Errorf("dial %s %s: %w", sd.role, sd.target.Name(), err)
	}
	c.SetTimeout(ss.r.timeout())
	if ss.proto == 3 {
		raw, err := c.Do("HELLO", "3")
		if err == nil && (len(raw) == 0 || raw[0] == '-') {
			err = fmt.Errorf("reply %q", raw)
		}
		if err != nil {
			c.Close()
			return fmt.Errorf("HELLO 3 on %s %s: %w", sd.role, sd.target.Name(), err)
		}
	}
	sd.conn = c
	return nil
}

func (ss *session) close() {
	for _, sd := range ss.sides {
		if sd.conn != nil {
			sd.conn.Close()
			sd.conn = nil
		}
	}
}

// reply is what one side answered to one step.
type reply struct {
	raw []byte
	err error
}

func (rp reply) closed() bool { return errors.Is(rp.err, ErrClosed) }

func (rp reply) String() string {
	switch {
	case rp.closed():
		return "<connection closed>"
	case rp.err != nil:
		return "<error: " + rp.err.Error() + ">"
	}
	return strconv.Quote(string(rp.raw))
}

// exec runs one step on one side, reconnecting first if an earlier step
// left the connection closed or broken.
func (ss *session) exec(sd *side, st *Step) reply {
	if sd.conn == nil || sd.conn.Err() != nil {
		if err := ss.connect(sd); err != nil {
			return reply{err: err}
		}
	}
	var rp reply
	switch st.Kind {
	case StepCommand:
		rp.raw, rp.err = sd.conn.Do(st.Args...)
	case StepRaw:
		if rp.err = sd.conn.SendRaw(st.Raw); rp.err == nil {
			rp.raw, rp.err = sd.conn.ReadFrame()
		} else if rp.closed() {
			// The peer may have replied before hanging up.
			rp.raw, rp.err = sd.conn.ReadFrame()
		}
	case StepRead:
		rp.raw, rp.err = sd.conn.ReadFrame()
	}
	if rp.err != nil {
		sd.conn.Close()
		sd.conn = nil
	}
	return rp
}

// step runs st on both sides and returns a mismatch description, or "".
func (ss *session) step(st *Step) string {
	switch st.Kind {
	case StepSleep:
		time.Sleep(st.Sleep)
		return ""
	case StepReconnect:
		for _, sd := range ss.sides {
			if err := ss.connect(sd); err != nil {
				return "  " + err.Error()
			}
		}
		return ""
	}
	sub := ss.exec(ss.sides[0], st)
	ora := ss.exec(ss.sides[1], st)
	lines := func(note string, want reply, wantLabel string) string {
		return fmt.Sprintf("  subject %s: %v\n  %s: %v\n  (%s)",
			ss.sides[0].target.Name(), sub, wantLabel, want, note)
	}
	oracleLabel := "oracle " + ss.sides[1].target.Name()
	if st.Deviation != "" && !ss.r.DeviationsAsOracle {
		d, _ := LookupDeviation(st.Deviation)
		want := st.Expected(ss.proto)
		if sub.err != nil || !Equal(st.Mode, st.Tolerance, sub.raw, want) {
			return lines(fmt.Sprintf("compared %s with !expect; deviation %s: %s; the oracle replied %v",
				st.Mode, d.ID, d.Reason, ora), reply{raw: want}, "expected")
		}
		return ""
	}
	note := "compared " + st.Mode.String()
	switch {
	case sub.err != nil || ora.err != nil:
		// Both hanging up after !raw or !read is an answer in itself.
		// Anywhere else a closed connection is a failure, so that a
		// forgotten !read cannot silently swallow the next commands.
		bothClosed := sub.closed() && ora.closed() && st.Kind != StepCommand
		if !bothClosed {
			return lines(note, ora, oracleLabel)
		}
	case !Equal(st.Mode, st.Tolerance, sub.raw, ora.raw):
		if st.Mode == ModeApprox {
			note += " " + strconv.FormatInt(st.Tolerance, 10)
		}
		return lines(note, ora, oracleLabel)
	}
	return ""
}

// seedEnv names the environment variable that fixes the random seed.
const seedEnv = "EMBEDIS_DIFFTEST_SEED"

// Seed returns the seed for a random run: the value of the environment
// variable EMBEDIS_DIFFTEST_SEED if set, otherwise one from the clock.
func Seed(t testing.TB) int64 {
	t.Helper()
	if v := os.Getenv(seedEnv); v != "" {
		seed, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("difftest: %s=%q is not an int64", seedEnv, v)
		}
		return seed
	}
	return time.Now().UnixNano()
}
