package persist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// LoadStats describe what Load replayed.
type LoadStats struct {
	Files     int   // files read
	Commands  int   // commands executed
	Truncated int64 // bytes cut off a torn tail (0 = none)
}

// ErrTruncated is returned (wrapped, with the file and offset) when the log
// ends in the middle of a record and aof-load-truncated is off.
var ErrTruncated = errors.New("unexpected end of file reading the append only file")

// ErrCorrupt is returned (wrapped, with the file and offset) when a record
// is malformed.
var ErrCorrupt = errors.New("bad file format reading the append only file")

// Load replays the log: the base file, then every incremental file, in
// manifest order. exec runs one command in database db (SELECT records
// are handled here; MULTI ... EXEC groups are passed to exec whole, and an
// unterminated group at the very end counts as a torn tail). A torn last
// record is cut off (with a warning) when aof-load-truncated is on, and is
// an error otherwise; a malformed record anywhere else is an error naming
// the file and offset. Call Load before the first Append. The arguments
// passed to exec are valid only during the call (they alias the read
// buffer).
func (a *AOF) Load(exec func(db int, args [][]byte) error) (LoadStats, error) {
	var st LoadStats
	files := a.man.files
	db := 0
	for i, mf := range files {
		if mf.typ == 'h' {
			continue
		}
		last := i == len(files)-1
		path := filepath.Join(a.dir, mf.name)
		n, good, err := replayFile(path, &db, exec)
		st.Files++
		st.Commands += n
		if err == nil {
			continue
		}
		if !errors.Is(err, ErrTruncated) || !last {
			return st, err
		}
		if a.opts.LoadTruncated != nil && !*a.opts.LoadTruncated {
			return st, err
		}
		fi, serr := os.Stat(path)
		if serr != nil {
			return st, serr
		}
		st.Truncated = fi.Size() - good
		a.opts.Logf("persist: %v: truncating %d bytes at offset %d (aof-load-truncated yes)", err, st.Truncated, good)
		if err := os.Truncate(path, good); err != nil {
			return st, fmt.Errorf("persist: truncating %s: %w", path, err)
		}
		a.mu.Lock()
		a.size = good
		a.mu.Unlock()
	}
	return st, nil
}

// replayFile executes the commands of one file. It returns how many ran
// and the offset just past the last complete record (or MULTI/EXEC group).
// Arguments passed to exec alias the read buffer: they are valid only
// during the call.
func replayFile(path string, db *int, exec func(int, [][]byte) error) (int, int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := newCmdReader(f)
	n := 0
	var good int64
	type queued struct {
		db   int
		args [][]byte // copied
	}
	var group []queued // commands of an open MULTI
	groupDB := 0       // database at the MULTI
	inMulti := false
	for {
		start := r.offset()
		args, err := r.next()
		if err == io.EOF {
			if inMulti {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w (unterminated MULTI)", path, good, ErrTruncated)
			}
			return n, good, nil
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, good, ErrTruncated)
			}
			return n, good, fmt.Errorf("persist: %s at offset %d: %w: %v", path, start, ErrCorrupt, err)
		}
		name := args[0]
		switch {
		case len(args) == 2 && equalFoldBytes(name, "select"):
			v, ok := parseInt(args[1])
			if !ok {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w: bad SELECT", path, start, ErrCorrupt)
			}
			*db = int(v)
			if inMulti {
				continue // part of the group: good stays before MULTI
			}
		case equalFoldBytes(name, "multi"):
			inMulti, group, groupDB = true, group[:0], *db
			continue // good stays before MULTI until EXEC
		case inMulti && equalFoldBytes(name, "exec"):
			inMulti = false
			if err := exec(groupDB, [][]byte{[]byte("MULTI")}); err != nil {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
			}
			for _, g := range group {
				if err := exec(g.db, g.args); err != nil {
					return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
				}
				n++
			}
			if err := exec(*db, args); err != nil {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
			}
		case inMulti:
			group = append(group, queued{*db, cloneArgs(args)})
			continue
		default:
			if err := exec(*db, args); err != nil {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
			}
			n++
		}
		good = r.offset()
	}
}

func cloneArgs(args [][]byte) [][]byte {
	size := 0
	for _, a := range args {
		size += len(a)
	}
	buf := make([]byte, 0, size)
	out := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		out[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	return out
}

// cmdReader parses RESP commands out of a large read buffer without
// copying: the arguments it returns alias the buffer until the next call.
type cmdReader struct {
	r    io.Reader
	buf  []byte
	pos  int   // start of the unparsed data
	end  int   // end of the data read
	base int64 // file offset of buf[0]
	eof  bool
	args [][]byte
}

const (
	readBufSize = 1 << 20
	// maxLine bounds a header line, so that garbage without a newline is
	// reported instead of read whole.
	maxLine = 64
)

func newCmdReader(r io.Reader) *cmdReader {
	return &cmdReader{r: r, buf: make([]byte, readBufSize)}
}

// offset returns the file offset of the next unparsed byte.
func (c *cmdReader) offset() int64 { return c.base + int64(c.pos) }

// errIncomplete says the buffer ends inside the command being parsed.
var errIncomplete = errors.New("incomplete")

// next returns the next command: io.EOF at a clean end of the data,
// io.ErrUnexpectedEOF when it ends inside a command.
func (c *cmdReader) next() ([][]byte, error) {
	for {
		args, n, err := c.parse(c.buf[c.pos:c.end])
		if err == nil {
			c.pos += n
			return args, nil
		}
		if err != errIncomplete {
			return nil, err
		}
		if c.eof {
			if c.pos == c.end {
				return nil, io.EOF
			}
			return nil, io.ErrUnexpectedEOF
		}
		if err := c.fill(); err != nil {
			return nil, err
		}
	}
}

// fill moves the unparsed data to the front of the buffer (growing it
// when a single command fills it) and reads more.
func (c *cmdReader) fill() error {
	if c.pos > 0 {
		copy(c.buf, c.buf[c.pos:c.end])
		c.base += int64(c.pos)
		c.end -= c.pos
		c.pos = 0
	}
	if c.end == len(c.buf) {
		nb := make([]byte, 2*len(c.buf))
		copy(nb, c.buf[:c.end])
		c.buf = nb
	}
	for c.end < len(c.buf) {
		n, err := c.r.Read(c.buf[c.end:])
		c.end += n
		if err == io.EOF {
			c.eof = true
			return nil
		}
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	return nil
}

// line returns the header line at p[i:] without its CRLF and the index
// after it.
func line(p []byte, i int) ([]byte, int, error) {
	rest := p[i:]
	j := bytes.IndexByte(rest[:min(len(rest), maxLine)], '\n')
	if j < 0 {
		if len(rest) >= maxLine {
			return nil, 0, fmt.Errorf("line too long: %q", truncate(string(rest[:maxLine])))
		}
		return nil, 0, errIncomplete
	}
	if j < 1 || rest[j-1] != '\r' {
		return nil, 0, errors.New("line without CRLF")
	}
	return rest[:j-1], i + j + 1, nil
}

// parse parses one multibulk command at the start of p and returns its
// arguments and length.
func (c *cmdReader) parse(p []byte) ([][]byte, int, error) {
	if len(p) == 0 {
		return nil, 0, errIncomplete
	}
	hdr, i, err := line(p, 0)
	if err != nil {
		return nil, 0, err
	}
	if len(hdr) == 0 || hdr[0] != '*' {
		return nil, 0, fmt.Errorf("expected '*', got %q", truncate(string(hdr)))
	}
	argc, ok := parseInt(hdr[1:])
	if !ok || argc < 1 || argc > maxAOFArgs {
		return nil, 0, fmt.Errorf("invalid multibulk length %q", truncate(string(hdr)))
	}
	args := c.args[:0]
	for k := int64(0); k < argc; k++ {
		var h []byte
		h, i, err = line(p, i)
		if err != nil {
			return nil, 0, err
		}
		if len(h) == 0 || h[0] != '$' {
			return nil, 0, fmt.Errorf("expected '$', got %q", truncate(string(h)))
		}
		n, ok := parseInt(h[1:])
		if !ok || n < 0 || n > 1<<30 {
			return nil, 0, fmt.Errorf("invalid bulk length %q", truncate(string(h)))
		}
		if int64(len(p)-i) < n+2 {
			c.args = args
			return nil, 0, errIncomplete
		}
		e := i + int(n)
		if p[e] != '\r' || p[e+1] != '\n' {
			return nil, 0, errors.New("bulk string without CRLF")
		}
		args = append(args, p[i:e:e])
		i = e + 2
	}
	c.args = args
	return args, i, nil
}

// maxAOFArgs bounds what a corrupt header can make Load allocate.
const maxAOFArgs = 1 << 20

// parseInt parses a decimal integer (optional minus sign) of at most 18
// digits.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		v = v*10 + int64(ch-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// equalFoldBytes compares b with lower, an ASCII lower-case word,
// ignoring case.
func equalFoldBytes(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		x := b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != lower[i] {
			return false
		}
	}
	return true
}
