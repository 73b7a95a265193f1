package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMain fails the run if any test left a goroutine of this package or a
// child process (a redis-server) behind.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := checkLeaks(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func checkLeaks() error {
	deadline := time.Now().Add(2 * time.Second)
	for {
		gs, kids := leakedGoroutines(), childProcesses()
		if len(gs) == 0 && len(kids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("leaked goroutines:\n%s\nleaked child processes: %v",
				strings.Join(gs, "\n\n"), kids)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// leakedGoroutines returns the stacks of goroutines running this package's
// code, other than the one checking.
func leakedGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "internal/difftest.") && !strings.Contains(g, "difftest.checkLeaks") &&
			!strings.Contains(g, "difftest.TestMain") {
			out = append(out, g)
		}
	}
	return out
}

// childProcesses lists the pids and names of this process's children (Linux
// /proc only; elsewhere it finds none).
func childProcesses() []string {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	me := strconv.Itoa(os.Getpid())
	var out []string
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may contain spaces.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) >= 2 && fields[1] == me {
			out = append(out, strings.TrimSpace(s[:i+1]))
		}
	}
	return out
}
