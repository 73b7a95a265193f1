//go:build !linux

package server

import "io"

// Without Linux's epoll every connection has a goroutine of its own; the
// event-loop types exist only so that the shared code compiles.

type eventLoop struct{}

type loops struct{}

func (l *eventLoop) post(f func()) bool      { return false }
func (l *eventLoop) closeConn(c *conn)       {}
func (c *conn) loopRead([]byte) (int, error) { return 0, io.EOF }

func (srv *Server) serveLoopConn(*conn) bool { return false }
func (srv *Server) stopLoops()               {}
func (c *conn) closeOwnFD()                  {}
