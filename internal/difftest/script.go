package difftest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// StepKind is what a golden-file step does.
type StepKind uint8

const (
	// StepCommand sends Args as a multibulk and compares one reply.
	StepCommand StepKind = iota
	// StepRaw sends Raw unmodified ("!raw") and compares one reply frame.
	// If both servers close the connection instead, that matches.
	StepRaw
	// StepRead compares one more reply frame without sending anything
	// ("!read"). If both servers close the connection, that matches.
	StepRead
	// StepSleep pauses for Sleep ("!sleep <ms>").
	StepSleep
	// StepReconnect closes both connections and dials fresh ones
	// ("!reconnect"), sending HELLO 3 again in the RESP3 pass.
	StepReconnect
)

// Step is one parsed golden-file step.
type Step struct {
	// Line is the 1-based line of the step's command or action; the
	// directives that modify it are on the lines just above.
	Line int
	// Kind is what the step does.
	Kind StepKind
	// Command holds Args for StepCommand, and the comparison Mode and
	// Tolerance for StepCommand, StepRaw and StepRead.
	Command
	// Raw is the bytes a StepRaw sends.
	Raw []byte
	// Sleep is the pause of a StepSleep.
	Sleep time.Duration
	// Protocol limits the step to one protocol pass: 2 ("!skip-resp3") or
	// 3 ("!resp3-only"). 0 runs it in both.
	Protocol int
	// Deviation is the ID of an allowed deviation ("!deviation <id>"), or
	// "". When set, the subject's reply is compared with Expect2 or
	// Expect3 instead of with the oracle's.
	Deviation string
	// Expect2 and Expect3 are the raw replies a deviation step expects in
	// the RESP2 and RESP3 passes ("!expect", "!expect2", "!expect3").
	Expect2, Expect3 []byte
}

// Expected returns the raw reply a deviation step expects under proto.
func (s *Step) Expected(proto int) []byte {
	if proto == 3 {
		return s.Expect3
	}
	return s.Expect2
}

// RunsIn reports whether the step runs in the pass for proto.
func (s *Step) RunsIn(proto int) bool { return s.Protocol == 0 || s.Protocol == proto }

// String describes the step in golden-file syntax.
func (s *Step) String() string {
	switch s.Kind {
	case StepCommand:
		return s.Command.String()
	case StepRaw:
		return "!raw " + Quote(string(s.Raw))
	case StepRead:
		return "!read"
	case StepSleep:
		return "!sleep " + strconv.FormatInt(s.Sleep.Milliseconds(), 10)
	case StepReconnect:
		return "!reconnect"
	}
	return "step?"
}

// Script is a parsed golden file.
type Script struct {
	// Name identifies the script in reports, usually its path.
	Name string
	// Steps are the steps in file order.
	Steps []Step
}

// ParseFile reads and parses the golden file at path.
func ParseFile(path string) (*Script, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseScript(path, f)
}

// ParseScript parses golden-file text from r. name is used in error
// messages and reports. The format is described in the package
// documentation.
func ParseScript(name string, r io.Reader) (*Script, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLen)
	p := &parser{script: &Script{Name: name}}
	for sc.Scan() {
		p.line++
		if err := p.parseLine(strings.TrimSpace(sc.Text())); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, p.line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, p.line+1, err)
	}
	if p.pendingLine != 0 {
		return nil, fmt.Errorf("%s:%d: directive not followed by a command", name, p.pendingLine)
	}
	return p.script, nil
}

// parser accumulates modifier directives until the step they modify.
type parser struct {
	script  *Script
	line    int
	pending Step
	// pendingLine is the line of the first pending modifier, or 0.
	pendingLine int
	// modeSet, expectAny: whether !sort/!type/!approx and !expect were seen.
	modeSet   bool
	expectAny []byte
}

func (p *parser) parseLine(line string) error {
	switch {
	case line == "" || line[0] == '#':
		return nil
	case line[0] == '!':
		fields, err := SplitArgs(line[1:])
		if err != nil {
			return err
		}
		if len(fields) == 0 {
			return fmt.Errorf("empty directive")
		}
		return p.directive(fields[0], fields[1:])
	}
	args, err := SplitArgs(line)
	if err != nil {
		return err
	}
	return p.finish(Step{Kind: StepCommand, Command: Command{Args: args}})
}

func (p *parser) directive(name string, args []string) error {
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("!%s takes %d argument(s), got %d", name, n, len(args))
		}
		return nil
	}
	switch name {
	case "sort", "type", "approx":
		if p.modeSet {
			return fmt.Errorf("!%s: a comparison mode was already given for this step", name)
		}
		switch {
		case name == "sort" && len(args) == 0:
			p.pending.Mode = ModeSorted
		case name == "sort" && len(args) == 1 && args[0] == "pairs":
			p.pending.Mode = ModeSortedPairs
		case name == "sort":
			return fmt.Errorf(`!sort takes no argument or "pairs"`)
		case name == "type":
			if err := want(0); err != nil {
				return err
			}
			p.pending.Mode = ModeType
		default:
			if err := want(1); err != nil {
				return err
			}
			tol, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || tol < 0 {
				return fmt.Errorf("!approx needs a non-negative integer tolerance, got %q", args[0])
			}
			p.pending.Mode, p.pending.Tolerance = ModeApprox, tol
		}
		p.modeSet = true
	case "skip-resp3", "resp3-only":
		if err := want(0); err != nil {
			return err
		}
		if p.pending.Protocol != 0 {
			return fmt.Errorf("!%s: the step is already limited to one protocol", name)
		}
		p.pending.Protocol = 2
		if name == "resp3-only" {
			p.pending.Protocol = 3
		}
	case "deviation":
		if err := want(1); err != nil {
			return err
		}
		if p.pending.Deviation != "" {
			return fmt.Errorf("!deviation given twice for one step")
		}
		if _, ok := LookupDeviation(args[0]); !ok {
			return fmt.Errorf("!deviation %q is not in the table in deviations.go", args[0])
		}
		p.pending.Deviation = args[0]
	case "expect", "expect2", "expect3":
		if err := want(1); err != nil {
			return err
		}
		raw := []byte(args[0])
		if _, err := ParseFrame(raw); err != nil {
			return fmt.Errorf("!%s: not one complete reply frame: %w", name, err)
		}
		dst := map[string]*[]byte{"expect": &p.expectAny, "expect2": &p.pending.Expect2, "expect3": &p.pending.Expect3}[name]
		if *dst != nil {
			return fmt.Errorf("!%s given twice for one step", name)
		}
		*dst = raw
	case "sleep":
		if err := want(1); err != nil {
			return err
		}
		ms, err := strconv.Atoi(args[0])
		if err != nil || ms < 0 || ms > 60_000 {
			return fmt.Errorf("!sleep needs milliseconds in [0, 60000], got %q", args[0])
		}
		return p.action(Step{Kind: StepSleep, Sleep: time.Duration(ms) * time.Millisecond})
	case "reconnect":
		if err := want(0); err != nil {
			return err
		}
		return p.action(Step{Kind: StepReconnect})
	case "raw":
		if err := want(1); err != nil {
			return err
		}
		if args[0] == "" {
			return fmt.Errorf("!raw needs at least one byte to send")
		}
		return p.finish(Step{Kind: StepRaw, Raw: []byte(args[0])})
	case "read":
		if err := want(0); err != nil {
			return err
		}
		return p.finish(Step{Kind: StepRead})
	default:
		return fmt.Errorf("unknown directive !%s", name)
	}
	if p.pendingLine == 0 {
		p.pendingLine = p.line
	}
	return nil
}

// action appends a step that takes no modifiers.
func (p *parser) action(st Step) error {
	if p.pendingLine != 0 {
		return fmt.Errorf("directives from line %d must be followed by a command, !raw or !read", p.pendingLine)
	}
	st.Line = p.line
	p.script.Steps = append(p.script.Steps, st)
	return nil
}

// finish merges the pending modifiers into st, validates, and appends it.
func (p *parser) finish(st Step) error {
	m := p.pending
	st.Line = p.line
	st.Mode, st.Tolerance = m.Mode, m.Tolerance
	st.Protocol, st.Deviation = m.Protocol, m.Deviation
	st.Expect2, st.Expect3 = m.Expect2, m.Expect3
	if st.Expect2 == nil {
		st.Expect2 = p.expectAny
	}
	if st.Expect3 == nil {
		st.Expect3 = p.expectAny
	}
	hasExpect := p.expectAny != nil || m.Expect2 != nil || m.Expect3 != nil
	switch {
	case st.Deviation == "" && hasExpect:
		return fmt.Errorf("!expect needs a !deviation naming why the reply differs from the oracle's")
	case st.Deviation != "" && st.RunsIn(2) && st.Expect2 == nil:
		return fmt.Errorf("!deviation %s: no !expect or !expect2 for the RESP2 pass", st.Deviation)
	case st.Deviation != "" && st.RunsIn(3) && st.Expect3 == nil:
		return fmt.Errorf("!deviation %s: no !expect or !expect3 for the RESP3 pass", st.Deviation)
	case st.Kind == StepCommand && len(st.Args) == 0:
		return fmt.Errorf("empty command")
	}
	p.script.Steps = append(p.script.Steps, st)
	p.pending, p.pendingLine, p.modeSet, p.expectAny = Step{}, 0, false, nil
	return nil
}
