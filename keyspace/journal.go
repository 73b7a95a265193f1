package keyspace

import (
	"strconv"
	"sync"
	"unsafe"
)

// Journaling straight to RESP (Hooks.JournalRESP). Propagate encodes each
// record at once into a buffer owned by a lock the unit holds: the
// buffer of the lowest shard it holds, or the exclusive section's. The
// lock guarantees nobody else uses the buffer until the unit hands the
// bytes to the hook (under the same lock) and resets it. A unit holding
// no lock (rare) borrows one from journalPool until Finish. So a
// journaled write allocates nothing and builds no Record.

// journalBuf is one lock's RESP journal buffer.
type journalBuf struct {
	b       []byte // journalPrefix reserved bytes, then the records
	n       int    // records in b
	firstDB int
	lastDB  int
	pooled  bool     // borrowed from journalPool, returned by Finish
	_       [79]byte // 128 bytes: neighbouring shards' buffers share no cache line
}

var journalBufPool = sync.Pool{New: func() any { return new(journalBuf) }}

// journalMulti and journalExec wrap a unit's records when it has several;
// b starts with room for journalMulti.
const (
	journalMulti  = "*1\r\n$5\r\nMULTI\r\n"
	journalExec   = "*1\r\n$4\r\nEXEC\r\n"
	journalPrefix = len(journalMulti)
	// journalKeep is the capacity a buffer may keep after a large record.
	journalKeep = 64 << 10
)

// journalBuffer returns the buffer the unit's records go to.
func (c *Ctx) journalBuffer() *journalBuf {
	var jb *journalBuf
	switch {
	case c.excl:
		jb = &c.ks.jbufs[len(c.ks.shards)]
	case c.nheld == 1:
		jb = &c.ks.jbufs[c.held1]
	case c.nheld > 1:
		jb = &c.ks.jbufs[c.heldN[0]]
	default:
		jb = journalBufPool.Get().(*journalBuf)
		jb.pooled = true
	}
	if len(jb.b) < journalPrefix {
		// at least 256 bytes: buffers of different shards, written from
		// different cores, then share no cache line
		jb.b = append(make([]byte, 0, 256), journalMulti...)
	}
	return jb
}

// propagateRESP encodes one record into the unit's journal buffer.
func (c *Ctx) propagateRESP(db int, args []string) {
	jb := c.jb
	if jb == nil {
		jb = c.journalBuffer()
		c.jb = jb
	}
	if jb.n == 0 {
		jb.firstDB = db
	} else if db != jb.lastDB {
		jb.b = AppendSelectRESP(jb.b, db)
	}
	jb.lastDB = db
	jb.n++
	jb.b = AppendRESP(jb.b, args)
}

// journalRESP hands the unit's encoded records to the hook (wrapped in
// MULTI/EXEC when there are several) and resets the buffer.
func (c *Ctx) journalRESP() {
	jb := c.jb
	if jb.n > 0 {
		b := jb.b[journalPrefix:]
		if jb.n > 1 {
			jb.b = append(jb.b, journalExec...)
			b = jb.b // starts with journalMulti
		}
		if c.hooks != nil && c.hooks.JournalRESP != nil {
			if tok := c.hooks.JournalRESP(jb.firstDB, jb.lastDB, b); tok != 0 {
				c.jtoken, c.jsync = tok, c.hooks.JournalSync
			}
		}
	}
	jb.n = 0
	if cap(jb.b) > journalKeep {
		jb.b = nil
	} else {
		jb.b = jb.b[:journalPrefix]
	}
	if !jb.pooled {
		c.jb = nil // the lock's buffer: free for the next holder
	}
}

// RESPLen returns the size of args encoded as a RESP multibulk.
func RESPLen(args []string) int {
	n := 1 + decLen(len(args)) + 2
	for _, s := range args {
		n += 1 + decLen(len(s)) + 2 + len(s) + 2
	}
	return n
}

// AppendRESP appends args encoded as a RESP multibulk (the append-only
// log's records), growing dst only when it lacks room.
func AppendRESP(dst []byte, args []string) []byte {
	// an upper bound of the size (at most 20 digits and "$\r\n\r\n" per
	// argument, 24 bytes of header) spares measuring when there is room
	n := 24
	for _, s := range args {
		n += 25 + len(s)
	}
	if cap(dst)-len(dst) < n {
		n = RESPLen(args)
		if cap(dst)-len(dst) < n {
			nd := make([]byte, len(dst), 2*cap(dst)+n)
			copy(nd, dst)
			dst = nd
		}
	}
	i := len(dst)
	b := dst[:cap(dst)]
	b[i] = '*'
	i = putDec(b, i+1, len(args))
	b[i], b[i+1] = '\r', '\n'
	i += 2
	for _, s := range args {
		b[i] = '$'
		i = putDec(b, i+1, len(s))
		b[i], b[i+1] = '\r', '\n'
		i += 2
		i += copy(b[i:], s)
		b[i], b[i+1] = '\r', '\n'
		i += 2
	}
	return b[:i]
}

// AppendSelectRESP appends SELECT db encoded as a RESP multibulk.
func AppendSelectRESP(dst []byte, db int) []byte {
	args := [2]string{"SELECT", strconv.Itoa(db)}
	return AppendRESP(dst, args[:])
}

// SelectRESPLen returns the size of SELECT db encoded as a RESP multibulk.
func SelectRESPLen(db int) int {
	return len("*2\r\n$6\r\nSELECT\r\n$") + decLen(decLen(db)) + 2 + decLen(db) + 2
}

// decLen returns the number of decimal digits of n >= 0.
func decLen(n int) int {
	switch {
	case n < 10:
		return 1
	case n < 100:
		return 2
	case n < 1000:
		return 3
	}
	d := 4
	for n >= 10000 {
		n /= 10
		d++
	}
	return d
}

// putDec writes n >= 0 in decimal at b[i:] and returns the index after it.
func putDec(b []byte, i, n int) int {
	switch {
	case n < 10:
		b[i] = byte('0' + n)
		return i + 1
	case n < 100:
		b[i], b[i+1] = byte('0'+n/10), byte('0'+n%10)
		return i + 2
	}
	d := decLen(n)
	for j := i + d - 1; j >= i; j-- {
		b[j] = byte('0' + n%10)
		n /= 10
	}
	return i + d
}

var _ [128 - unsafe.Sizeof(journalBuf{})]byte // journalBuf is 128 bytes
