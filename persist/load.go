package persist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
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
// the file and offset. Call Load before the first Append.
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
func replayFile(path string, db *int, exec func(int, [][]byte) error) (int, int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := &countingReader{r: bufio.NewReaderSize(f, 1<<16)}
	n := 0
	var good int64
	var group [][][]byte // commands of an open MULTI
	inMulti := false
	for {
		start := r.n
		args, err := readCommand(r)
		if err == io.EOF && start == r.n {
			if inMulti {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w (unterminated MULTI)", path, good, ErrTruncated)
			}
			return n, good, nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, good, ErrTruncated)
			}
			return n, good, fmt.Errorf("persist: %s at offset %d: %w: %v", path, start, ErrCorrupt, err)
		}
		name := string(args[0])
		switch {
		case equalFoldASCII(name, "select") && len(args) == 2:
			v, err := strconv.Atoi(string(args[1]))
			if err != nil {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w: bad SELECT", path, start, ErrCorrupt)
			}
			*db = v
		case equalFoldASCII(name, "multi"):
			inMulti, group = true, group[:0]
			continue // good stays before MULTI until EXEC
		case equalFoldASCII(name, "exec") && inMulti:
			inMulti = false
			if err := exec(*db, [][]byte{[]byte("MULTI")}); err != nil {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
			}
			for _, g := range group {
				if err := exec(*db, g); err != nil {
					return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
				}
				n++
			}
			if err := exec(*db, args); err != nil {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
			}
		case inMulti:
			group = append(group, args)
			continue
		default:
			if err := exec(*db, args); err != nil {
				return n, good, fmt.Errorf("persist: %s at offset %d: %w", path, start, err)
			}
			n++
		}
		good = r.n
	}
}

type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

func (c *countingReader) readLine() (string, error) {
	line, err := c.r.ReadString('\n')
	c.n += int64(len(line))
	if err != nil {
		if len(line) > 0 && err == io.EOF {
			return "", io.ErrUnexpectedEOF
		}
		return "", err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return "", errors.New("line without CRLF")
	}
	return line[:len(line)-2], nil
}

// maxAOFArgs bounds what a corrupt header can make Load allocate.
const maxAOFArgs = 1 << 20

// readCommand reads one RESP multibulk command.
func readCommand(c *countingReader) ([][]byte, error) {
	line, err := c.readLine()
	if err != nil {
		return nil, err
	}
	if len(line) == 0 || line[0] != '*' {
		return nil, fmt.Errorf("expected '*', got %q", truncate(line))
	}
	argc, err := strconv.Atoi(line[1:])
	if err != nil || argc < 1 || argc > maxAOFArgs {
		return nil, fmt.Errorf("invalid multibulk length %q", truncate(line))
	}
	args := make([][]byte, 0, min(argc, 64))
	for i := 0; i < argc; i++ {
		line, err := c.readLine()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if len(line) == 0 || line[0] != '$' {
			return nil, fmt.Errorf("expected '$', got %q", truncate(line))
		}
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 || n > 1<<30 {
			return nil, fmt.Errorf("invalid bulk length %q", truncate(line))
		}
		b := make([]byte, n+2)
		got, err := io.ReadFull(c.r, b)
		c.n += int64(got)
		if err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		if b[n] != '\r' || b[n+1] != '\n' {
			return nil, errors.New("bulk string without CRLF")
		}
		args = append(args, b[:n])
	}
	return args, nil
}

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x := a[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != b[i] {
			return false
		}
	}
	return true
}
