package embedis

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCrashChild is the child of TestCrash_*: it appends acknowledged
// writes forever, printing each sequence number once its write returned.
// It only runs when started by the parent test.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv("EMBEDIS_CRASH_CHILD")
	if spec == "" {
		t.Skip("runs only as the child process of TestCrash_* (EMBEDIS_CRASH_CHILD unset)")
	}
	parts := strings.Split(spec, ",")
	dir, fsync := parts[0], parts[1]
	start, _ := strconv.Atoi(parts[2])
	s, err := Open(&Options{Dir: dir, AppendOnly: true, AppendFsync: fsync, AutoAOFRewritePercentage: -1})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := start; ; i++ {
		k := "k" + strconv.Itoa(i)
		if _, err := s.Set(k, strconv.Itoa(i), nil); err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		s.Incr("count")
		fmt.Fprintln(out, i)
		out.Flush()
	}
}

func runCrashCycles(t *testing.T, fsync string, cycles int, check func(acked []int, lastAckAt []time.Time, s *Store)) {
	if testing.Short() {
		t.Skip("short mode: skipping crash cycles")
	}
	dir := t.TempDir()
	next := 0
	for cycle := 0; cycle < cycles; cycle++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("EMBEDIS_CRASH_CHILD=%s,%s,%d", dir, fsync, next))
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var acked []int
		var ackAt []time.Time
		deadline := time.After(time.Duration(20+rand.IntN(60)) * time.Millisecond)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				n, err := strconv.Atoi(l)
				require.NoError(t, err, "child said %q", l)
				acked = append(acked, n)
				ackAt = append(ackAt, time.Now())
			case <-deadline:
				break read
			}
		}
		require.NoError(t, cmd.Process.Kill()) // SIGKILL
		cmd.Wait()
		for l := range lines { // acknowledgements already in the pipe count too
			if n, err := strconv.Atoi(l); err == nil {
				acked = append(acked, n)
				ackAt = append(ackAt, time.Now())
			}
		}
		s, err := Open(&Options{Dir: dir, AppendOnly: true, AppendFsync: fsync, AutoAOFRewritePercentage: -1})
		require.NoError(t, err, "cycle %d: the log must load after SIGKILL", cycle)
		check(acked, ackAt, s)
		// internal consistency: every k<i> that survived holds i, and the
		// survivors have no holes (writes are sequential, so a log that
		// lost a write must have lost every later one too)
		maxIdx := -1
		keys := s.Keys("k*")
		for _, k := range keys {
			v, _ := s.Get(k)
			require.Equal(t, k[1:], v)
			i, _ := strconv.Atoi(k[1:])
			maxIdx = max(maxIdx, i)
		}
		require.Equal(t, maxIdx+1, len(keys), "the surviving writes have a hole")
		// continue right after the last write that survived (under
		// everysec, acknowledged writes of the last moments may not have)
		next = maxIdx + 1
		require.NoError(t, s.Close())
	}
}

func TestCrash_AlwaysLosesNothing(t *testing.T) {
	runCrashCycles(t, "always", 50, func(acked []int, _ []time.Time, s *Store) {
		for _, i := range acked {
			v, err := s.Get("k" + strconv.Itoa(i))
			require.NoError(t, err, "acknowledged write k%d lost under appendfsync always", i)
			require.Equal(t, strconv.Itoa(i), v)
		}
	})
}

func TestCrash_EverySecLosesOnlyTheLastSeconds(t *testing.T) {
	runCrashCycles(t, "everysec", 10, func(acked []int, at []time.Time, s *Store) {
		killed := time.Now()
		for j, i := range acked {
			if _, err := s.Get("k" + strconv.Itoa(i)); err != nil {
				require.WithinDuration(t, killed, at[j], 2*time.Second,
					"k%d acknowledged more than 2 s before the kill was lost", i)
			}
		}
	})
}
