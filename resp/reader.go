package resp

import (
	"bytes"
	"errors"
	"io"
	"math"
)

// Defaults of the Reader limits. Each is the Redis 7 default of the setting
// named.
const (
	// DefaultMaxBulkLen is proto-max-bulk-len: 512 MiB.
	DefaultMaxBulkLen = 512 << 20
	// DefaultMaxMultibulkLen is the largest argument count Redis 7 accepts,
	// INT_MAX.
	DefaultMaxMultibulkLen = math.MaxInt32
	// DefaultMaxInlineLen is PROTO_INLINE_MAX_SIZE: 64 KiB.
	DefaultMaxInlineLen = 64 << 10
	// DefaultMaxQueryBufferLen is client-query-buffer-limit: 1 GiB.
	DefaultMaxQueryBufferLen = 1 << 30
)

// Limits Redis 7 applies to a client that still has to authenticate
// (authRequired in src/networking.c); see Reader.Unauthenticated.
const (
	// UnauthMaxMultibulkLen is the largest argument count accepted from an
	// unauthenticated client.
	UnauthMaxMultibulkLen = 10
	// UnauthMaxBulkLen is the largest argument accepted from an
	// unauthenticated client, in bytes.
	UnauthMaxBulkLen = 16384
)

const (
	// ioBufLen is the first size of the input buffer (PROTO_IOBUF_LEN).
	ioBufLen = 16 << 10
	// maxIdleBufLen is the largest input buffer kept once everything in it
	// has been consumed; a bigger one is dropped for a fresh ioBufLen one.
	maxIdleBufLen = 64 << 10
	// bigArgLen is PROTO_MBULK_BIG_ARG: an argument at least this long that
	// is not already buffered is read into a buffer of its own.
	bigArgLen = 32 << 10
	// bigArgInitial caps the first allocation for such an argument; the
	// buffer then doubles as bytes arrive, up to the announced length.
	bigArgInitial = 64 << 10
	// maxPreallocArgs caps the argument slots reserved for an announced
	// count, like Redis's min(multibulklen, 1024).
	maxPreallocArgs = 1024
	// maxRetainedArgs is the most argument slots kept between commands.
	maxRetainedArgs = 64 << 10
	// maxEmptyReads is how many (0, nil) reads in a row are taken as a
	// stuck io.Reader, the bound bufio uses.
	maxEmptyReads = 100
)

// Reader parses the commands a client sends: RESP multibulk requests
// ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline commands ("GET k\r\n"),
// with Redis 7's exact protocol errors and limits. It keeps its own input
// buffer, so several pipelined commands arriving in one read are parsed one
// per call, and a command split across reads is assembled without losing
// anything to a transient read error such as a deadline.
//
// Memory grows only with the bytes actually received: a header announcing
// 2^31-1 arguments or a 512 MiB argument reserves at most 1024 argument
// slots or 64 KiB up front.
//
// Set the limit fields before the first ReadCommand; Unauthenticated may be
// changed between calls. The zero value of each limit field means its
// default.
type Reader struct {
	// MaxBulkLen is proto-max-bulk-len, the longest argument accepted, in
	// bytes. A longer one is "Protocol error: invalid bulk length".
	// Default: 512 MiB.
	MaxBulkLen int64
	// MaxMultibulkLen is the largest argument count accepted. A larger one
	// is "Protocol error: invalid multibulk length". Default: 2147483647
	// (INT_MAX, the Redis 7 limit).
	MaxMultibulkLen int64
	// MaxInlineLen is PROTO_INLINE_MAX_SIZE: how many bytes may be buffered
	// without a line end before an inline command or a header line is
	// refused ("too big inline request", "too big mbulk count string", "too
	// big bulk count string"). Default: 64 KiB.
	MaxInlineLen int
	// MaxQueryBufferLen is client-query-buffer-limit: the most bytes held
	// for one connection (the command being assembled and any pipelined
	// input after it). Past it ReadCommand returns ErrQueryBufferLimit.
	// Default: 1 GiB.
	MaxQueryBufferLen int64
	// Unauthenticated applies the stricter limits Redis 7 uses while a
	// client still has to authenticate: more than UnauthMaxMultibulkLen
	// arguments is "Protocol error: unauthenticated multibulk length", an
	// argument longer than UnauthMaxBulkLen bytes is "Protocol error:
	// unauthenticated bulk length". The server sets it for a new connection
	// when a password is required and clears it after AUTH or HELLO AUTH
	// succeeds. Default: false.
	Unauthenticated bool

	rd   io.Reader
	rerr error // error rd returned along with data, returned by the next fill
	err  error // sticky: a *ProtocolError or ErrQueryBufferLimit

	buf []byte // input; buf[st.pos:end] is not yet parsed
	end int
	st  parseState
	cur argSink // arguments of the multibulk being parsed

	// HasCommand's look-ahead: when it parsed a whole multibulk starting
	// from state aheadFrom, ahead holds its arguments and aheadTo the state
	// after it, so the next ReadCommand need not parse it again.
	ahead       argSink
	aheadFrom   parseState
	aheadTo     parseState
	aheadUnauth bool // Unauthenticated when the look-ahead was parsed
	aheadOK     bool

	big     []byte   // big argument being read, CRLF included; while st.inBig
	bigs    [][]byte // completed big arguments of the current command
	bigHeld int64    // bytes in bigs and big

	argv    [][]byte // the command returned by ReadCommand
	scratch []byte   // unescaped arguments of an inline command
	dryArgv [][]byte // splitArgs output discarded by HasCommand
	dryBuf  []byte
}

// parseState is where the parser stands. It is a value so that HasCommand
// can run the parser on a copy without disturbing the real state.
type parseState struct {
	pos     int   // next byte of buf to parse
	mbulk   int64 // arguments still to read of the current multibulk; 0 between commands
	bulklen int64 // length of the argument being read, -1 before its "$len" line
	inBig   bool  // the argument being read goes to Reader.big
}

// argSink collects the arguments of a multibulk as spans, which stay right
// when buf is compacted or grown while the command is incomplete.
type argSink struct {
	// cmdStart is where the arguments begin in buf (right after the "*N"
	// line); span offsets are relative to it. Valid while the multibulk is
	// being parsed.
	cmdStart int
	spans    []span
}

// span locates one argument: buf[cmdStart+off:][:n] when off >= 0, or
// bigs[-off-1] when off < 0.
type span struct{ off, n int }

// parseResult is what one parse step produced.
type parseResult int

const (
	needMore   parseResult = iota // the buffered input ends inside a command
	gotCommand                    // a multibulk command with at least one argument
	gotInline                     // an inline command with at least one argument
	gotEmpty                      // an empty line, "*0" or "*-1": nothing to run
)

// NewReader returns a Reader that reads commands from rd, a client
// connection, with default limits.
func NewReader(rd io.Reader) *Reader { return &Reader{rd: rd} }

// Reset makes r read from rd as if it were new, keeping its buffers and its
// limit fields (including Unauthenticated) for reuse.
func (r *Reader) Reset(rd io.Reader) {
	r.rd, r.rerr, r.err = rd, nil, nil
	r.end = 0
	r.st = parseState{}
	r.aheadOK = false
	r.dropBig()
	r.cur.spans = r.cur.spans[:0]
	r.argv = r.argv[:0]
}

// Buffered returns how many bytes have been read from the connection but
// not yet parsed.
func (r *Reader) Buffered() int { return r.end - r.st.pos }

// ReadCommand returns the next command's arguments, reading from the
// connection only when the buffered input does not already hold a whole
// command. Empty lines and multibulk requests with a count of zero or less
// are skipped, as in Redis, so a returned command has at least one argument.
//
// The slice and the arguments alias the Reader's buffers and stay valid
// until the next call to ReadCommand or Reset; copy what must outlive that.
// Each argument has its capacity clipped to its length, so appending to one
// never overwrites another.
//
// Errors: a *ProtocolError for malformed input and ErrQueryBufferLimit are
// sticky, and the connection should be closed. io.EOF means the client
// closed the connection between commands, io.ErrUnexpectedEOF in the middle
// of one. Any other error comes from the connection; if it is transient (a
// deadline), calling ReadCommand again resumes where it stopped.
func (r *Reader) ReadCommand() ([][]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.st.mbulk == 0 {
		// Between commands: the previous command's big arguments are dead.
		r.dropBig()
	}
	if r.aheadOK && r.st == r.aheadFrom && r.Unauthenticated == r.aheadUnauth {
		// HasCommand already parsed this command.
		r.aheadOK = false
		r.cur, r.ahead = r.ahead, r.cur
		r.st = r.aheadTo
		r.materialize()
		return r.argv, nil
	}
	r.aheadOK = false
	for {
		res, err := r.parse(&r.st, &r.cur, false)
		if err != nil {
			r.err = err
			return nil, err
		}
		switch res {
		case gotCommand, gotInline:
			return r.argv, nil
		case gotEmpty:
			continue
		}
		if err := r.fill(); err != nil {
			if err == ErrQueryBufferLimit {
				r.err = err
			} else if err == io.EOF && (r.st.mbulk > 0 || r.held() > 0) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// HasCommand reports whether the next ReadCommand will return without
// reading from the connection: a whole command, or a protocol error, is
// already buffered. A server uses it to batch the replies of pipelined
// commands and flush only before it would block. It never reads, and it
// leaves the slices returned by the last ReadCommand valid.
func (r *Reader) HasCommand() bool {
	if r.err != nil {
		return true
	}
	st := r.st
	for {
		res, err := r.parse(&st, &r.ahead, true)
		if err != nil {
			return true
		}
		switch res {
		case gotCommand:
			if r.st.mbulk == 0 { // parsed from a command boundary: reusable
				r.aheadOK, r.aheadFrom, r.aheadTo = true, r.st, st
				r.aheadUnauth = r.Unauthenticated
			}
			return true
		case gotInline:
			return true
		case needMore:
			return false
		}
	}
}

func (r *Reader) maxBulkLen() int64 {
	if r.MaxBulkLen > 0 {
		return r.MaxBulkLen
	}
	return DefaultMaxBulkLen
}

func (r *Reader) maxMultibulkLen() int64 {
	if r.MaxMultibulkLen > 0 {
		return r.MaxMultibulkLen
	}
	return DefaultMaxMultibulkLen
}

func (r *Reader) maxInlineLen() int {
	if r.MaxInlineLen > 0 {
		return r.MaxInlineLen
	}
	return DefaultMaxInlineLen
}

func (r *Reader) maxQueryBufferLen() int64 {
	if r.MaxQueryBufferLen > 0 {
		return r.MaxQueryBufferLen
	}
	return DefaultMaxQueryBufferLen
}

// parse advances st over the buffered input by at most one command, the way
// processInputBuffer, processMultibulkBuffer and processInlineBuffer do,
// recording a multibulk's arguments in sink. Unless dry, it also starts
// big-argument buffers and leaves a parsed command in r.argv. A dry parse
// changes nothing but st, sink and the dry inline buffers.
func (r *Reader) parse(st *parseState, sink *argSink, dry bool) (parseResult, error) {
	buf := r.buf[:r.end]
	if st.mbulk == 0 {
		if st.pos >= len(buf) {
			return needMore, nil
		}
		if buf[st.pos] != '*' {
			return r.parseInline(st, dry)
		}
		n, i, ok := quickHeader(buf[st.pos:])
		if !ok {
			var err error
			if n, i, ok, err = r.slowHeader(buf[st.pos:], '*', msgTooBigMbulkCount); i < 0 {
				return needMore, err
			}
		}
		if !ok || n > r.maxMultibulkLen() {
			return needMore, protoErr(msgInvalidMultibulkLen)
		}
		if r.Unauthenticated && n > UnauthMaxMultibulkLen {
			return needMore, protoErr(msgUnauthMultibulkLen)
		}
		st.pos += i + 2 // like Redis, the byte after '\r' is not checked
		if n <= 0 {
			return gotEmpty, nil
		}
		st.mbulk, st.bulklen = n, -1
		sink.begin(st.pos, n)
	}
	if st.bulklen < 0 && !st.inBig {
		// The common case first, in locals: whole arguments already
		// buffered behind plain headers. It stops at the first argument
		// that is anything else (incomplete, big, over a limit, or a
		// header quickHeader does not take), which the loop below then
		// handles from its header on.
		pos, left, spans := st.pos, st.mbulk, sink.spans
		maxBulk := r.maxBulkLen()
		if r.Unauthenticated {
			maxBulk = min(maxBulk, UnauthMaxBulkLen)
		}
		// A header is '$', 1 to 9 digits without a leading zero (what
		// quickHeader takes, shorter: the length fits an int anywhere),
		// '\r' and one more byte.
		for left > 0 && pos+3 < len(buf) && buf[pos] == '$' {
			c := buf[pos+1]
			if c < '1' || c > '9' {
				break
			}
			n := int(c - '0')
			j := pos + 2
			for ; j < len(buf) && j < pos+10; j++ {
				c = buf[j]
				if c < '0' || c > '9' {
					break
				}
				n = n*10 + int(c-'0')
			}
			if j+1 >= len(buf) || buf[j] != '\r' || int64(n) > maxBulk {
				break
			}
			start := j + 2
			if len(buf)-start < n+2 {
				break
			}
			spans = append(spans, span{off: start - sink.cmdStart, n: n})
			pos = start + n + 2
			left--
		}
		st.pos, st.mbulk, sink.spans = pos, left, spans
	}
	for st.mbulk > 0 {
		if st.bulklen < 0 {
			var n int64
			var i int
			ok := false
			if st.pos < len(buf) && buf[st.pos] == '$' {
				n, i, ok = quickHeader(buf[st.pos:])
			}
			if !ok {
				var err error
				if n, i, ok, err = r.slowHeader(buf[st.pos:], '$', msgTooBigBulkCount); i < 0 {
					return needMore, err
				}
			}
			if !ok || n < 0 || n > r.maxBulkLen() {
				return needMore, protoErr(msgInvalidBulkLen)
			}
			if r.Unauthenticated && n > UnauthMaxBulkLen {
				return needMore, protoErr(msgUnauthBulkLen)
			}
			st.pos += i + 2
			st.bulklen = n
			if n >= bigArgLen && int64(len(buf)-st.pos) < n+2 {
				if dry {
					return needMore, nil
				}
				r.startBig(st)
			}
		}
		if st.inBig {
			if int64(len(r.big)) < st.bulklen+2 {
				return needMore, nil
			}
			st.inBig = false
			if !dry {
				arg := r.big[:st.bulklen:st.bulklen] // CRLF not checked, as in Redis
				r.bigs = append(r.bigs, arg)
				sink.spans = append(sink.spans, span{off: -len(r.bigs), n: len(arg)})
				r.big = nil
			}
		} else {
			if int64(len(buf)-st.pos) < st.bulklen+2 {
				return needMore, nil
			}
			sink.spans = append(sink.spans, span{off: st.pos - sink.cmdStart, n: int(st.bulklen)})
			st.pos += int(st.bulklen) + 2
		}
		st.bulklen = -1
		st.mbulk--
	}
	if !dry {
		r.materialize()
	}
	return gotCommand, nil
}

// parseInline parses one inline command line, which must be complete.
func (r *Reader) parseInline(st *parseState, dry bool) (parseResult, error) {
	buf := r.buf[st.pos:r.end]
	i := cIndex(buf, '\n')
	if i < 0 {
		if len(buf) > r.maxInlineLen() {
			return needMore, protoErr(msgTooBigInline)
		}
		return needMore, nil
	}
	line := buf[:i]
	if i > 0 && line[i-1] == '\r' {
		line = line[:i-1]
	}
	var argc int
	var ok bool
	if dry {
		r.dryBuf, r.dryArgv, ok = splitArgs(line, r.dryBuf[:0], r.dryArgv[:0])
		argc = len(r.dryArgv)
	} else {
		r.scratch, r.argv, ok = splitArgs(line, r.scratch[:0], r.argv[:0])
		argc = len(r.argv)
	}
	if !ok {
		return needMore, protoErr(msgUnbalancedQuotes)
	}
	st.pos += i + 1
	if argc == 0 {
		return gotEmpty, nil
	}
	return gotInline, nil
}

// begin prepares to collect n arguments starting at buf[start].
func (s *argSink) begin(start int, n int64) {
	s.cmdStart = start
	if cap(s.spans) > maxRetainedArgs {
		s.spans = nil
	}
	s.spans = s.spans[:0]
	if want := int(min(n, maxPreallocArgs)); cap(s.spans) < want {
		s.spans = make([]span, 0, want)
	}
}

// materialize turns the spans of the completed multibulk into r.argv.
func (r *Reader) materialize() {
	if cap(r.argv) > maxRetainedArgs && len(r.cur.spans) <= maxRetainedArgs {
		r.argv = nil
	}
	spans := r.cur.spans
	argv := r.argv[:0]
	if cap(argv) < len(spans) {
		argv = make([][]byte, 0, len(spans))
	}
	argv = argv[:len(spans)]
	base := r.buf[r.cur.cmdStart:]
	for i, s := range spans {
		if s.off < 0 {
			argv[i] = r.bigs[-s.off-1]
			continue
		}
		argv[i] = base[s.off : s.off+s.n : s.off+s.n]
	}
	r.argv = argv
}

// startBig moves the buffered start of a big argument into a buffer of its
// own, which later reads fill directly.
func (r *Reader) startBig(st *parseState) {
	need := st.bulklen + 2
	avail := r.end - st.pos
	c := min(int64(max(avail, bigArgInitial)), need)
	r.big = make([]byte, avail, c)
	copy(r.big, r.buf[st.pos:r.end])
	r.bigHeld += int64(avail)
	st.pos = r.end
	st.inBig = true
}

// dropBig forgets the big-argument buffers of the previous command.
func (r *Reader) dropBig() {
	clear(r.bigs)
	r.bigs = r.bigs[:0]
	r.big = nil
	r.bigHeld = 0
	r.st.inBig = false
}

// keep is the first byte of buf that must be preserved: the start of the
// command being assembled, or the first unparsed byte between commands.
func (r *Reader) keep() int {
	if r.st.mbulk > 0 {
		return r.cur.cmdStart
	}
	return r.st.pos
}

// held is the number of bytes held for the connection, the figure compared
// with MaxQueryBufferLen.
func (r *Reader) held() int64 { return int64(r.end-r.keep()) + r.bigHeld }

// fill reads once from the connection, into the big-argument buffer when
// one is being filled and into buf otherwise.
func (r *Reader) fill() error {
	if r.rerr != nil {
		err := r.rerr
		r.rerr = nil
		return err
	}
	var dst []byte
	if r.st.inBig {
		if len(r.big) == cap(r.big) {
			c := min(2*int64(cap(r.big)), r.st.bulklen+2)
			nb := make([]byte, len(r.big), c)
			copy(nb, r.big)
			r.big = nb
		}
		dst = r.big[len(r.big):cap(r.big)]
	} else {
		r.makeRoom()
		// Like Redis, read at most PROTO_IOBUF_LEN at a time, so that the
		// "too big" checks see the same amounts Redis would.
		dst = r.buf[r.end:min(len(r.buf), r.end+ioBufLen)]
	}
	for range maxEmptyReads {
		n, err := r.rd.Read(dst)
		if n < 0 || n > len(dst) {
			return errors.New("resp: connection returned an invalid count from Read")
		}
		if n == 0 {
			if err != nil {
				return err
			}
			continue
		}
		if r.st.inBig {
			r.big = r.big[:len(r.big)+n]
			r.bigHeld += int64(n)
		} else {
			r.end += n
		}
		r.rerr = err
		if r.held() > r.maxQueryBufferLen() {
			return ErrQueryBufferLimit
		}
		return nil
	}
	return io.ErrNoProgress
}

// makeRoom makes free space at the end of buf: it drops consumed bytes,
// compacts, or doubles the buffer, without moving the current command's
// bytes relative to cur.cmdStart.
func (r *Reader) makeRoom() {
	if r.buf == nil {
		r.buf = make([]byte, ioBufLen)
	}
	keep := r.keep()
	if keep == r.end { // nothing worth keeping
		if len(r.buf) > maxIdleBufLen {
			r.buf = make([]byte, ioBufLen)
		}
		r.shift(keep)
		return
	}
	if keep > 0 && len(r.buf)-r.end < len(r.buf)/2 {
		copy(r.buf, r.buf[keep:r.end])
		r.shift(keep)
	}
	if len(r.buf)-r.end >= len(r.buf)/4 {
		return
	}
	n := int64(2 * len(r.buf))
	if limit := r.maxQueryBufferLen() + 1; n > limit {
		n = max(limit, int64(r.end)+1)
	}
	nb := make([]byte, n)
	copy(nb, r.buf[:r.end])
	r.buf = nb
}

// shift moves the positions into buf back by k after its first k bytes
// were dropped.
func (r *Reader) shift(k int) {
	r.end -= k
	r.st.pos -= k
	if r.st.mbulk > 0 {
		r.cur.cmdStart -= k
	}
}

// quickHeader parses the common header line quickly: b starts with the
// line's type byte ('*' or '$', not checked), then "0" or up to 18 digits
// without a leading zero, then '\r' and at least one more byte. It returns
// the number and the index of the '\r'. Any other line, complete or not,
// gives ok false and is left to cIndex and parseLL, which then find exactly
// what the general path would: the first '\r' follows only digits, so no
// NUL comes before it, and such digits are what parseLL accepts.
func quickHeader(b []byte) (n int64, i int, ok bool) {
	if len(b) < 4 {
		return 0, 0, false
	}
	c := b[1]
	if c < '1' || c > '9' {
		if c == '0' && b[2] == '\r' {
			return 0, 2, true
		}
		return 0, 0, false
	}
	n = int64(c - '0')
	// Stop one byte short of the end: the byte after '\r' must be there.
	for i = 2; i < len(b)-1 && i < 19; i++ {
		c = b[i]
		if c == '\r' {
			return n, i, true
		}
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return 0, 0, false
}

// slowHeader parses the '*' or '$' header line at the start of b when
// quickHeader could not, as Redis does: it finds the line's '\r' and
// parses the number before it. i < 0 means the line is not complete yet
// (err is tooBig when it is already longer than an inline command may be)
// or, with err set, that it does not start with want (only a '$' line is
// checked here: the caller has seen the '*'). ok is false for a malformed
// number.
func (r *Reader) slowHeader(b []byte, want byte, tooBig string) (n int64, i int, ok bool, err error) {
	i = cIndex(b, '\r')
	if i < 0 {
		if len(b) > r.maxInlineLen() {
			return 0, -1, false, protoErr(tooBig)
		}
		return 0, -1, false, nil
	}
	if i > len(b)-2 { // the byte after '\r' has not arrived
		return 0, -1, false, nil
	}
	if b[0] != want {
		return 0, -1, false, expectedDollar(b[0])
	}
	n, ok = parseLL(b[1:i])
	return n, i, ok, nil
}

// cIndex returns the index of the first c in b, or -1 if there is none or a
// NUL byte comes first. That is what strchr gives on Redis's NUL-terminated
// query buffer, so a NUL before the line end makes Redis (and this Reader)
// wait for more input. c must not be 0.
func cIndex(b []byte, c byte) int {
	// Header lines are short: a plain loop beats two IndexByte calls.
	const short = 24
	for i, x := range b[:min(len(b), short)] {
		switch x {
		case c:
			return i
		case 0:
			return -1
		}
	}
	if len(b) <= short {
		return -1
	}
	i := bytes.IndexByte(b, c)
	if i < 0 || bytes.IndexByte(b[:i], 0) >= 0 {
		return -1
	}
	return i
}

// parseLL parses a decimal int64 exactly as Redis's string2ll: an optional
// '-', no '+', no spaces, no leading zeros (except "0" itself), at most 20
// bytes, no overflow.
func parseLL(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) >= 21 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	if len(b) <= 19 { // at most 19 digits: cannot overflow uint64
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + uint64(c-'0')
		}
	} else {
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			if v > math.MaxUint64/10 {
				return 0, false
			}
			v *= 10
			if v > math.MaxUint64-uint64(c-'0') {
				return 0, false
			}
			v += uint64(c - '0')
		}
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}
