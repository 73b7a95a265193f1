// Command durable shows what survives a crash under each appendfsync
// policy: for each one it writes in a child process, kills it with
// SIGKILL without saving, restarts on the same directory and prints what
// came back. Run it with `go run ./examples/durable`.
package main

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/embedis/embedis"
)

func main() {
	if spec := os.Getenv("DURABLE_CHILD"); spec != "" {
		child(spec)
		return
	}
	base, err := os.MkdirTemp("", "embedis-durable-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(base)
	fmt.Println("policy     acknowledged  survived  lost")
	for _, policy := range []string{"always", "everysec", "no"} {
		dir := base + "/" + policy
		acked := crash(dir, policy, 300*time.Millisecond)
		s, err := embedis.Open(&embedis.Options{Dir: dir, AppendOnly: true, AppendFsync: policy})
		if err != nil {
			log.Fatal(err)
		}
		survived := 0
		for i := 0; i < acked; i++ {
			if _, err := s.Get("order:" + strconv.Itoa(i)); err == nil {
				survived++
			}
		}
		s.Close()
		fmt.Printf("%-10s %12d  %8d  %4d\n", policy, acked, survived, acked-survived)
	}
	fmt.Println()
	fmt.Println("always: each write is written and fsynced (one fsync shared by concurrent")
	fmt.Println("writers) before it is acknowledged, so nothing acknowledged is lost, even on")
	fmt.Println("power loss. everysec: writes are batched in memory and written every 100 ms,")
	fmt.Println("fsynced every second, so a crash loses at most the last ~1-2 s (here: the")
	fmt.Println("last 100 ms of a very fast writer). no: batched the same way, never fsynced.")
	fmt.Println("Without appendonly (or a snapshot), nothing would survive at all:")
	s, _ := embedis.Open(nil)
	s.Set("order:0", "x", nil)
	s.Close()
	s, _ = embedis.Open(nil)
	fmt.Printf("in-memory store after restart: DBSIZE = %d\n", s.DBSize())
	s.Close()
}

// crash runs a writer child for d, kills it and returns how many writes it
// acknowledged.
func crash(dir, policy string, d time.Duration) int {
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	return crashWith(self, nil, dir, policy, d)
}

func crashWith(self string, args []string, dir, policy string, d time.Duration) int {
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), "DURABLE_CHILD="+dir+","+policy)
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	acked := make(chan int)
	go func() {
		n := 0
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			n++
		}
		acked <- n
	}()
	time.Sleep(d)
	cmd.Process.Kill()
	n := <-acked
	cmd.Wait()
	return n
}

func child(spec string) {
	var dir, policy string
	for i := len(spec) - 1; i >= 0; i-- {
		if spec[i] == ',' {
			dir, policy = spec[:i], spec[i+1:]
			break
		}
	}
	s, err := embedis.Open(&embedis.Options{Dir: dir, AppendOnly: true, AppendFsync: policy})
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		s.Set("order:"+strconv.Itoa(i), "paid", nil)
		fmt.Fprintln(w, i)
		w.Flush()
	}
}
