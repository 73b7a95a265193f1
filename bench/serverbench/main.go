// Command serverbench runs redis-benchmark against cmd/embedis and
// redis-server in the same run and prints a Markdown table of throughput,
// p99 latency and the embedis/redis ratio for SET, GET, INCR, LPUSH, RPOP,
// SADD, HSET, ZADD, XADD and EVALSHA at pipeline depths 1 and 16.
//
// From the bench directory:
//
//	go run ./serverbench -rounds 3
//	go run ./serverbench -rounds 3 -only EVALSHA
//	go run ./serverbench -rounds 9 -pipelines 1
//
// EVALSHA runs the seed guide's sliding-window rate-limit script
// (ZREMRANGEBYSCORE + ZCARD + ZADD NX + EXPIRE), loaded with SCRIPT LOAD
// on both servers first, as
// "EVALSHA <sha> 1 ratelimit:__rand_int__ 1700000000000 60000 100 uid:__rand_int__":
// with -r 100000 keys every call takes the write path (no key reaches the
// limit of 100 entries).
//
// Both servers run on 127.0.0.1 with persistence off. Each measurement
// alternates between the two servers, round by round, and the median of
// the rounds is reported, so that background load hits both alike. The
// ratio column is the median of the rounds' own ratios (each round's two
// measurements run back to back, under about the same load), with their
// range beside it; the rps and p99 columns are each server's medians, and
// the last column is the median of the rounds' own p99 ratios. Each depth
// ends with the geometric means of all its rounds' ratios, every command
// pooled, with bootstrap 95% intervals: one command's rounds vary by ±20%
// on a shared machine, so a single row cannot tell a 5% difference from
// noise, while the pooled mean can.
// Commands embedis does not implement (COMMAND INFO answers nil) are
// reported as such instead of measured.
package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis/internal/seedscripts"
)

// test is one redis-benchmark workload.
type test struct {
	name string   // as reported
	cmd  string   // the Redis command it exercises (for COMMAND INFO)
	args []string // redis-benchmark arguments selecting it
}

var tests = []test{
	{"SET", "set", []string{"-t", "set"}},
	{"GET", "get", []string{"-t", "get"}},
	{"INCR", "incr", []string{"-t", "incr"}},
	{"LPUSH", "lpush", []string{"-t", "lpush"}},
	{"RPOP", "rpop", []string{"-t", "rpop"}},
	{"SADD", "sadd", []string{"-t", "sadd"}},
	{"HSET", "hset", []string{"-t", "hset"}},
	{"ZADD", "zadd", []string{"-t", "zadd"}},
	{"XADD", "xadd", []string{"XADD", "mystream", "MAXLEN", "~", "100000", "*", "field", "value"}},
	{"EVALSHA", "evalsha", []string{"EVALSHA", rateLimitSHA, "1", "ratelimit:__rand_int__", "1700000000000", "60000", "100", "uid:__rand_int__"}},
}

// rateLimitScript is the seed guide's RATE_LIMIT_SCRIPT, verbatim (the
// same as the in-process Lua benchmark's).
const rateLimitScript = seedscripts.RateLimit

var rateLimitSHA = func() string {
	sum := sha1.Sum([]byte(rateLimitScript))
	return hex.EncodeToString(sum[:])
}()

type result struct{ rps, p99 float64 }

func main() {
	var (
		rounds   = flag.Int("rounds", 3, "measurements per server and test; the median is reported")
		clients  = flag.Int("c", 50, "parallel connections (redis-benchmark -c)")
		n1       = flag.Int("n1", 200000, "requests per measurement at pipeline 1")
		n16      = flag.Int("n16", 2000000, "requests per measurement at pipeline 16")
		redisBin = flag.String("redis-server", "redis-server", "redis-server binary")
		benchBin = flag.String("redis-benchmark", "redis-benchmark", "redis-benchmark binary")
		embBin   = flag.String("embedis", "", "embedis binary (default: build github.com/embedis/embedis/cmd/embedis)")
		procs    = flag.Int("gomaxprocs", 0, "GOMAXPROCS for embedis (0: the Go default, all CPUs)")
		only     = flag.String("only", "", "comma-separated tests to run (default: all), e.g. EVALSHA")
		pipes    = flag.String("pipelines", "1,16", "comma-separated pipeline depths to measure")
	)
	flag.Parse()
	if *only != "" {
		var sel []test
		for _, name := range strings.Split(*only, ",") {
			found := false
			for _, t := range tests {
				if strings.EqualFold(t.name, strings.TrimSpace(name)) {
					sel = append(sel, t)
					found = true
				}
			}
			if !found {
				fmt.Fprintln(os.Stderr, "serverbench: unknown test", name)
				os.Exit(2)
			}
		}
		tests = sel
	}
	var depths []int
	for _, f := range strings.Split(*pipes, ",") {
		d, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || d < 1 {
			fmt.Fprintln(os.Stderr, "serverbench: bad pipeline depth", f)
			os.Exit(2)
		}
		if !slices.Contains(depths, d) {
			depths = append(depths, d)
		}
	}
	if err := run(*rounds, *clients, *n1, *n16, *procs, depths, *redisBin, *benchBin, *embBin); err != nil {
		fmt.Fprintln(os.Stderr, "serverbench:", err)
		os.Exit(1)
	}
}

func run(rounds, clients, n1, n16, procs int, depths []int, redisBin, benchBin, embBin string) error {
	tmp, err := os.MkdirTemp("", "serverbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if embBin == "" {
		embBin = filepath.Join(tmp, "embedis")
		build := exec.Command("go", "build", "-o", embBin, "github.com/embedis/embedis/cmd/embedis")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building embedis: %w", err)
		}
	}
	rport, eport := freePort(), freePort()
	redis := exec.Command(redisBin, "--port", rport, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--dir", tmp, "--logfile", filepath.Join(tmp, "redis.log"))
	emb := exec.Command(embBin, "--port", eport, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--loglevel", "warning", "--dir", tmp)
	procsNote := "GOMAXPROCS default"
	if procs > 0 {
		emb.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(procs))
		procsNote = "GOMAXPROCS=" + strconv.Itoa(procs)
	}
	for _, c := range []*exec.Cmd{redis, emb} {
		if err := c.Start(); err != nil {
			return err
		}
		defer func(c *exec.Cmd) { c.Process.Kill(); c.Wait() }(c)
	}
	for _, p := range []string{rport, eport} {
		if err := waitPing(p); err != nil {
			return err
		}
		// SCRIPT LOAD the EVALSHA test's script (FLUSHALL keeps scripts).
		reply, err := doArgs(p, "SCRIPT", "LOAD", rateLimitScript)
		if err != nil {
			return fmt.Errorf("SCRIPT LOAD on port %s: %w", p, err)
		}
		if reply != "$40" {
			return fmt.Errorf("SCRIPT LOAD on port %s: unexpected reply %q", p, reply)
		}
	}
	rver := infoField(rport, "redis_version")
	fmt.Printf("redis-server %s vs embedis (Redis %s API, %s), %d clients, median of %d rounds, %s/%s, %d CPUs\n\n",
		rver, infoField(eport, "redis_version"), procsNote, clients, rounds, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	fmt.Println("| command | pipeline | redis-server rps | embedis rps | embedis/redis | range | redis p99 ms | embedis p99 ms | p99 embedis/redis |")
	fmt.Println("|---|---:|---:|---:|---:|---|---:|---:|---:|")
	// Per depth, the embedis/redis ratios of every round of every command.
	type pool struct{ rps, p99 []float64 }
	pooled := map[int]*pool{}
	for _, pipe := range depths {
		pooled[pipe] = &pool{}
		n := n1
		if pipe > 1 {
			n = n16
		}
		for _, t := range tests {
			if !implemented(eport, t.cmd) {
				fmt.Printf("| %s | %d | | not implemented by embedis | | | | | |\n", t.name, pipe)
				continue
			}
			var rr, er []result
			for r := 0; r < rounds; r++ {
				// Alternate which server goes first.
				order := []string{rport, eport}
				if r%2 == 1 {
					order = []string{eport, rport}
				}
				for _, port := range order {
					flushAll(port)
					res, err := benchmark(benchBin, port, clients, n, pipe, t.args)
					if err != nil {
						return fmt.Errorf("%s P%d on port %s: %w", t.name, pipe, port, err)
					}
					if port == rport {
						rr = append(rr, res)
					} else {
						er = append(er, res)
					}
				}
			}
			ratios := make([]float64, len(rr))
			p99s := make([]float64, len(rr))
			for i := range rr {
				ratios[i] = er[i].rps / rr[i].rps
				p99s[i] = er[i].p99 / rr[i].p99
			}
			pooled[pipe].rps = append(pooled[pipe].rps, ratios...)
			pooled[pipe].p99 = append(pooled[pipe].p99, p99s...)
			sort.Float64s(ratios)
			sort.Float64s(p99s)
			r, e := median(rr), median(er)
			fmt.Printf("| %s | %d | %.0f | %.0f | %.2f | %.2f–%.2f | %.3f | %.3f | %.2f |\n", t.name, pipe, r.rps, e.rps,
				ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], r.p99, e.p99, p99s[len(p99s)/2])
		}
	}
	fmt.Println()
	for _, pipe := range depths {
		p := pooled[pipe]
		if len(p.rps) == 0 {
			continue
		}
		tm, tlo, thi := geoMeanCI(p.rps)
		pm, plo, phi := geoMeanCI(p.p99)
		fmt.Printf("Pipeline %d, every round of every command pooled (%d pairs): embedis/redis throughput %.3f (95%% interval %.3f–%.3f), p99 %.3f (%.3f–%.3f); geometric means.\n",
			pipe, len(p.rps), tm, tlo, thi, pm, plo, phi)
	}
	fmt.Printf("\nredis-benchmark -h 127.0.0.1 -p <port> -c %d -n %d (pipeline 1) / -n %d -P <depth> (deeper pipelines), --csv -r 100000; XADD as `XADD mystream MAXLEN ~ 100000 * field value`;\n", clients, n1, n16)
	fmt.Printf("EVALSHA as `EVALSHA %s 1 ratelimit:__rand_int__ 1700000000000 60000 100 uid:__rand_int__` after SCRIPT LOAD of the seed's rate-limit script.\n", rateLimitSHA)
	return nil
}

// benchmark runs one redis-benchmark measurement and parses its CSV line.
func benchmark(bin, port string, clients, n, pipe int, sel []string) (result, error) {
	args := []string{"-h", "127.0.0.1", "-p", port, "-c", strconv.Itoa(clients), "-n", strconv.Itoa(n),
		"-P", strconv.Itoa(pipe), "--csv", "-r", "100000"}
	args = append(args, sel...)
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		return result{}, err
	}
	recs, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil || len(recs) < 2 || len(recs[1]) < 7 {
		return result{}, fmt.Errorf("unexpected redis-benchmark output %q", out)
	}
	rps, err1 := strconv.ParseFloat(recs[1][1], 64)
	p99, err2 := strconv.ParseFloat(recs[1][6], 64)
	if err1 != nil || err2 != nil || rps <= 0 || p99 <= 0 {
		return result{}, fmt.Errorf("unexpected redis-benchmark figures in %q", out)
	}
	return result{rps: rps, p99: p99}, nil
}

// geoMeanCI returns the geometric mean of ratios and a 95% interval for
// it from a percentile bootstrap (fixed seed, so a run's numbers are
// reproducible from its measurements). It treats every (command, round)
// pair as an independent draw; resampling rounds within each command
// would fit "these ten commands" more closely.
func geoMeanCI(ratios []float64) (mean, lo, hi float64) {
	logs := make([]float64, len(ratios))
	for i, r := range ratios {
		logs[i] = math.Log(r)
	}
	avg := func(pick func(int) float64) float64 {
		s := 0.0
		for i := range logs {
			s += pick(i)
		}
		return s / float64(len(logs))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const resamples = 4000
	means := make([]float64, resamples)
	for k := range means {
		means[k] = avg(func(int) float64 { return logs[rng.IntN(len(logs))] })
	}
	sort.Float64s(means)
	return math.Exp(avg(func(i int) float64 { return logs[i] })),
		math.Exp(means[resamples*25/1000]), math.Exp(means[resamples*975/1000-1])
}

func median(rs []result) result {
	rps := make([]float64, len(rs))
	p99 := make([]float64, len(rs))
	for i, r := range rs {
		rps[i], p99[i] = r.rps, r.p99
	}
	sort.Float64s(rps)
	sort.Float64s(p99)
	return result{rps: rps[len(rps)/2], p99: p99[len(p99)/2]}
}

func freePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// do sends one inline command and returns the first line of the reply and
// the reader for the rest.
func do(port, cmd string) (string, *bufio.Reader, net.Conn, error) {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second)
	if err != nil {
		return "", nil, nil, err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, cmd+"\r\n"); err != nil {
		c.Close()
		return "", nil, nil, err
	}
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	return strings.TrimRight(line, "\r\n"), r, c, err
}

// doArgs sends one command as a RESP array (arguments may hold newlines)
// and returns the first line of the reply.
func doArgs(port string, args ...string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, b.String()); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

func waitPing(port string) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		line, _, c, err := do(port, "PING")
		if c != nil {
			c.Close()
		}
		if err == nil && line == "+PONG" {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no server answered PING on port %s", port)
}

func flushAll(port string) {
	if _, _, c, err := do(port, "FLUSHALL"); err == nil {
		c.Close()
	}
}

// implemented reports whether the server knows cmd (COMMAND INFO is not
// nil).
func implemented(port, cmd string) bool {
	line, r, c, err := do(port, "COMMAND INFO "+cmd)
	if err != nil {
		return false
	}
	defer c.Close()
	if line != "*1" {
		return false
	}
	next, _ := r.ReadString('\n')
	return !strings.HasPrefix(next, "$-1") && !strings.HasPrefix(next, "_")
}

// infoField returns one field of INFO server.
func infoField(port, field string) string {
	line, r, c, err := do(port, "INFO server")
	if err != nil || !strings.HasPrefix(line, "$") {
		return "?"
	}
	defer c.Close()
	n, _ := strconv.Atoi(line[1:])
	buf := make([]byte, n)
	io.ReadFull(r, buf)
	for _, l := range strings.Split(string(buf), "\r\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return v
		}
	}
	return "?"
}
