package embedis

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"
)

// Loading runs logged commands through the command table with Ctx.Loading
// set (no lazy expiry, no journaling). Error replies are counted, not
// fatal (as Redis does); unknown commands and bad databases are fatal.
//
// The append-only log is replayed in parallel: the loading goroutine
// parses and resolves each command and hands the common single-key writes
// to a worker chosen by the key's shard, in batches, so that every shard
// sees its commands in log order; anything else (several shards, no key,
// scripts, server commands) waits for the workers to drain and runs on the
// loading goroutine. Commands on different shards commute, so the result
// is the log's.

// replayUnit is one goroutine's reusable state for running commands
// while loading (a session, its Ctx, an Exec and a reply sink), so that a
// command allocates nothing of its own.
type replayUnit struct {
	s    *Store
	sess *Session
	w    errorWriter
	x    Exec
}

func (s *Store) newReplayUnit() *replayUnit {
	return &replayUnit{s: s, sess: s.NewSession()}
}

// resolveReplay resolves a logged command: nil (and no error) for MULTI
// and EXEC, which loading needs no grouping for (it is the only writer).
func (s *Store) resolveReplay(db int, args [][]byte) (*Command, error) {
	name := unsafe.String(unsafe.SliceData(args[0]), len(args[0]))
	if equalFoldASCII(name, "multi") || equalFoldASCII(name, "exec") {
		return nil, nil
	}
	cmd, msg := resolve(args)
	if msg != "" {
		return nil, errors.New(msg)
	}
	if db < 0 || db >= len(s.dbs) {
		return nil, fmt.Errorf("SELECT %d out of range", db)
	}
	return cmd, nil
}

// run executes a resolved command in db. args may alias a buffer that is
// reused afterwards (BorrowedKeys).
func (u *replayUnit) run(db int, cmd *Command, args [][]byte) {
	s, sess := u.s, u.sess
	c := &sess.c
	s.ks.Begin(c)
	c.Loading = true
	c.BorrowedKeys = true
	u.w.failed = false
	sess.db = db
	u.x = Exec{s: s, sess: sess, c: c, w: &u.w, args: args, db: db, cmd: cmd}
	u.x.lockAndRun()
	c.EndExclusive()
	c.Finish()
	if u.w.failed {
		s.persist.loadErrors.Add(1)
	}
}

// exec resolves and runs one logged command.
func (u *replayUnit) exec(db int, args [][]byte) error {
	cmd, err := u.s.resolveReplay(db, args)
	if cmd != nil {
		u.run(db, cmd, args)
	}
	return err
}

// replayParallel names the commands that may run on a worker: writes that
// touch only the keys at their key positions.
var replayParallel = map[string]bool{}

func init() {
	for _, n := range []string{
		"set", "setex", "psetex", "setnx", "getset", "getdel", "getex", "append", "setrange", "setbit",
		"incr", "incrby", "incrbyfloat", "decr", "decrby", "del", "unlink",
		"expire", "pexpire", "expireat", "pexpireat", "persist",
		"hset", "hsetnx", "hmset", "hdel", "hincrby", "hincrbyfloat",
		"hexpire", "hpexpire", "hexpireat", "hpexpireat", "hpersist",
		"lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "lset", "ltrim", "lrem", "linsert",
		"sadd", "srem", "spop", "zadd", "zrem", "zincrby", "zremrangebyscore", "zremrangebyrank",
		"zremrangebylex", "zpopmin", "zpopmax", "xadd", "xdel", "xtrim", "xsetid", "pfadd",
	} {
		replayParallel[n] = true
	}
}

// replayCmd is one command queued for a worker: its arguments are
// args[first:first+n] of its batch.
type replayCmd struct {
	db, first, n int
	cmd          *Command
}

// replayBatch is a worker's queue of commands, with their arguments
// copied into one buffer.
type replayBatch struct {
	arena []byte
	args  [][]byte
	cmds  []replayCmd
}

const replayBatchLen = 256

// aofReplayer runs the commands of a log being loaded (see above).
type aofReplayer struct {
	s        *Store
	main     *replayUnit
	queues   []chan *replayBatch
	filling  []*replayBatch
	free     chan *replayBatch
	inflight sync.WaitGroup
	done     sync.WaitGroup
	keyBuf   [16]int
}

func (s *Store) newAOFReplayer() *aofReplayer {
	r := &aofReplayer{s: s, main: s.newReplayUnit()}
	n := runtime.GOMAXPROCS(0)
	if n < 2 {
		return r // run everything inline
	}
	n = min(n, 8)
	r.queues = make([]chan *replayBatch, n)
	r.filling = make([]*replayBatch, n)
	r.free = make(chan *replayBatch, 4*n)
	for i := 0; i < 4*n; i++ {
		r.free <- &replayBatch{}
	}
	for i := range r.queues {
		q := make(chan *replayBatch, 4)
		r.queues[i] = q
		u := s.newReplayUnit()
		r.done.Add(1)
		go func() {
			defer r.done.Done()
			for b := range q {
				for _, c := range b.cmds {
					u.run(c.db, c.cmd, b.args[c.first:c.first+c.n])
				}
				clear(b.args)
				b.arena, b.args, b.cmds = b.arena[:0], b.args[:0], b.cmds[:0]
				r.free <- b
				r.inflight.Done()
			}
		}()
	}
	return r
}

// exec is the log loader's callback: args are valid only during the call.
func (r *aofReplayer) exec(db int, args [][]byte) error {
	cmd, err := r.s.resolveReplay(db, args)
	if cmd == nil {
		return err
	}
	if w := r.worker(cmd, args); w >= 0 {
		r.enqueue(w, db, cmd, args)
		return nil
	}
	r.drain()
	r.main.run(db, cmd, args)
	return nil
}

// worker returns the worker for a command whose keys all live in one
// shard, or -1 when it must run alone.
func (r *aofReplayer) worker(cmd *Command, args [][]byte) int {
	if len(r.queues) == 0 || !replayParallel[cmd.Name] {
		return -1
	}
	pos := cmd.appendKeyPositions(r.keyBuf[:0], args)
	if len(pos) == 0 {
		return -1
	}
	ks := r.s.ks
	arg := func(i int) string { return unsafe.String(unsafe.SliceData(args[i]), len(args[i])) }
	sh := ks.ShardOf(arg(pos[0]))
	for _, p := range pos[1:] {
		if ks.ShardOf(arg(p)) != sh {
			return -1
		}
	}
	return sh % len(r.queues)
}

func (r *aofReplayer) enqueue(w, db int, cmd *Command, args [][]byte) {
	b := r.filling[w]
	if b == nil {
		b = <-r.free
		r.filling[w] = b
	}
	size := 0
	for _, a := range args {
		size += len(a)
	}
	if cap(b.arena)-len(b.arena) < size {
		// a new arena: the arguments already queued keep the old one
		b.arena = make([]byte, 0, max(size, 64<<10, 2*cap(b.arena)))
	}
	first := len(b.args)
	for _, a := range args {
		b.arena = append(b.arena, a...)
		b.args = append(b.args, b.arena[len(b.arena)-len(a):len(b.arena):len(b.arena)])
	}
	b.cmds = append(b.cmds, replayCmd{db: db, first: first, n: len(args), cmd: cmd})
	if len(b.cmds) >= replayBatchLen {
		r.send(w)
	}
}

func (r *aofReplayer) send(w int) {
	b := r.filling[w]
	r.filling[w] = nil
	r.inflight.Add(1)
	r.queues[w] <- b
}

// drain hands over the batches being filled and waits until the workers
// have run every command queued.
func (r *aofReplayer) drain() {
	for w, b := range r.filling {
		if b != nil {
			r.send(w)
		}
	}
	r.inflight.Wait()
}

// close drains and stops the workers.
func (r *aofReplayer) close() {
	if len(r.queues) == 0 {
		return
	}
	r.drain()
	for _, q := range r.queues {
		close(q)
	}
	r.done.Wait()
}
