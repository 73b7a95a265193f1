package difftest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"
)

// DefaultTimeout bounds dialing and each read or write on a Conn unless
// SetTimeout says otherwise.
const DefaultTimeout = 5 * time.Second

// ErrClosed reports that the peer closed the connection (EOF, reset or
// broken pipe). Errors from Conn wrap it, so errors.Is(err, ErrClosed)
// detects a server hanging up, for example after a protocol error.
var ErrClosed = errors.New("difftest: connection closed by peer")

// Conn is a raw RESP connection. It sends commands as multibulk requests,
// or arbitrary bytes, and hands back the exact bytes of each reply frame.
// A Conn is not safe for concurrent use.
type Conn struct {
	nc      net.Conn
	br      *bufio.Reader
	timeout time.Duration
	// broken is the first read error: after a timeout, a framing error or
	// EOF the stream is out of step and every later read returns it.
	broken error
}

// Dial connects to a RESP server at addr ("host:port") over TCP.
func Dial(addr string) (*Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, DefaultTimeout)
	if err != nil {
		return nil, err
	}
	return NewConn(nc), nil
}

// NewConn wraps an established connection, for example one end of a
// net.Pipe served by an in-process server. The Conn owns nc and closes it
// in Close.
func NewConn(nc net.Conn) *Conn {
	return &Conn{nc: nc, br: bufio.NewReader(nc), timeout: DefaultTimeout}
}

// SetTimeout sets the deadline applied to each later write and each frame
// read. Zero means no deadline.
func (c *Conn) SetTimeout(d time.Duration) { c.timeout = d }

// Do sends one command as a RESP multibulk request and returns the exact
// bytes of the next complete reply frame. In RESP3 an out-of-band push
// ('>') that arrives first is returned as that frame.
func (c *Conn) Do(args ...string) ([]byte, error) {
	if err := c.SendRaw(EncodeCommand(args...)); err != nil {
		return nil, err
	}
	return c.ReadFrame()
}

// SendRaw writes p unmodified: an inline command, a pipeline, or a
// deliberately malformed request.
func (c *Conn) SendRaw(p []byte) error {
	if c.timeout > 0 {
		if err := c.nc.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
			return classify(err)
		}
	}
	_, err := c.nc.Write(p)
	// A failed write does not mark the Conn broken: the peer may have
	// sent a reply before hanging up, and ReadFrame still returns it.
	return classify(err)
}

// ReadFrame reads one complete reply frame and returns its exact bytes,
// including any attribute ('|') that precedes the reply. If the peer has
// closed the connection the error wraps ErrClosed; a frame that is not
// valid RESP gives an error wrapping ErrProtocol. After any error the Conn
// is unusable for reading (see Err).
func (c *Conn) ReadFrame() ([]byte, error) {
	if c.broken != nil {
		return nil, c.broken
	}
	if c.timeout > 0 {
		if err := c.nc.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
			c.broken = classify(err)
			return nil, c.broken
		}
	}
	raw, err := readFrame(c.br)
	if err != nil {
		if len(raw) > 0 {
			err = fmt.Errorf("%w (after %q)", err, raw)
		}
		c.broken = classify(err)
		return nil, c.broken
	}
	return raw, nil
}

// Err returns the error that made the Conn unusable for reading, or nil.
func (c *Conn) Err() error { return c.broken }

// Close closes the connection.
func (c *Conn) Close() error {
	if c.broken == nil {
		c.broken = net.ErrClosed
	}
	return c.nc.Close()
}

// classify wraps errors that mean "the peer is gone" with ErrClosed.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrClosedPipe):
		return fmt.Errorf("%w: %w", ErrClosed, err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("difftest: no complete reply in time: %w", err)
	}
	return err
}

// EncodeCommand returns args encoded as a RESP multibulk request.
func EncodeCommand(args ...string) []byte {
	n := 16
	for _, a := range args {
		n += len(a) + 16
	}
	b := make([]byte, 0, n)
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}
