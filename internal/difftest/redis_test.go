package difftest

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

func TestStartRedis(t *testing.T) {
	t.Parallel()
	r := StartRedis(t)
	if !strings.HasPrefix(r.Addr(), "127.0.0.1:") || r.Addr() == "127.0.0.1:6379" {
		t.Errorf("Addr() = %q, want a free port on 127.0.0.1", r.Addr())
	}
	if !strings.HasPrefix(r.Version(), "7.") {
		t.Errorf("Version() = %q, want 7.x", r.Version())
	}
	if !strings.Contains(r.Name(), r.Version()) || !strings.Contains(r.Name(), r.Addr()) {
		t.Errorf("Name() = %q", r.Name())
	}
	c := Connect(t, r)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"CONFIG", "GET", "save"}, "*2\r\n$4\r\nsave\r\n$0\r\n\r\n"},
		{[]string{"CONFIG", "GET", "appendonly"}, "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"},
		{[]string{"DEBUG", "SLEEP", "0"}, "+OK\r\n"}, // --enable-debug-command yes
	} {
		if got, err := c.Do(tc.args...); err != nil || string(got) != tc.want {
			t.Errorf("Do(%q) = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
}

func TestStartRedis_ExtraArgs(t *testing.T) {
	t.Parallel()
	c := Connect(t, StartRedis(t, "--maxmemory", "1mb", "--hz", "20"))
	got, err := c.Do("CONFIG", "GET", "maxmemory")
	if want := "*2\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n"; err != nil || string(got) != want {
		t.Errorf("CONFIG GET maxmemory = %q, %v; want %q", got, err, want)
	}
}

// The server is gone once the test that started it has ended, and two
// servers started together get different ports.
func TestStartRedis_Cleanup(t *testing.T) {
	t.Parallel()
	var pids []int
	t.Run("inner", func(t *testing.T) {
		a, b := startPair(t)
		if a.Addr() == b.Addr() {
			t.Fatalf("two servers on one address %s", a.Addr())
		}
		pids = append(pids, a.cmd.Process.Pid, b.cmd.Process.Pid)
	})
	for _, pid := range pids {
		// The process has been reaped, so the pid is free (or reused by
		// an unrelated process, which we cannot tell apart; ESRCH is
		// what we expect).
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("redis-server pid %d still exists after cleanup: kill(0) = %v", pid, err)
		}
	}
}

// A server that dies during the test is reported, not silently ignored.
func TestStartRedis_ReportsUnexpectedExit(t *testing.T) {
	t.Parallel()
	var r *Redis
	rec := &recorder{TB: t}
	t.Run("inner", func(t *testing.T) {
		rec.TB = t
		r = StartRedis(rec)
		c := Connect(t, r)
		c.Do("SHUTDOWN", "NOSAVE")
		<-r.exited
	})
	if !strings.Contains(rec.all(), "exited before the test ended") {
		t.Errorf("unexpected exit not reported; got %q", rec.all())
	}
}

func TestStartRedis_MissingBinary(t *testing.T) {
	t.Setenv(RedisServerEnv, "/nonexistent/redis-server")

	t.Setenv(RequireRedisEnv, "")
	rec := capture(t, func(tb testing.TB) { StartRedis(tb) })
	if rec.skipped != redisNotFound || rec.Failed() {
		t.Errorf("without %s: skipped %q, errors %q; want a skip with %q", RequireRedisEnv, rec.skipped, rec.all(), redisNotFound)
	}

	t.Setenv(RequireRedisEnv, "1")
	rec = capture(t, func(tb testing.TB) { StartRedis(tb) })
	if rec.skipped != "" || !strings.Contains(rec.all(), redisNotFound) {
		t.Errorf("with %s=1: skipped %q, errors %q; want a failure", RequireRedisEnv, rec.skipped, rec.all())
	}
}
