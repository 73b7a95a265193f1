// Package resp speaks the Redis serialization protocol, RESP2 and RESP3, the
// way Redis 7.4 does.
//
// A command handler never formats bytes: it calls a [ReplyWriter] with typed
// replies (SimpleString, Bulk, ArrayLen, MapLen, Double, ...). Three
// implementations turn those calls into what each caller needs:
//
//   - [Writer] appends RESP bytes to a buffer for a network connection,
//     rendering RESP3-only types in their RESP2 form for RESP2 clients;
//   - [ValueWriter] builds a [Value] tree, for Store.Do and for replies
//     recorded by MULTI/EXEC or scripts;
//   - the Lua bridge (package lua) builds Lua values.
//
// [WriteValue] and [Value.AppendRESP] replay a recorded Value into any
// writer or into bytes, for either protocol.
//
// On the request side, [Reader] parses what clients send: multibulk
// requests and inline commands, pipelined, with Redis's exact protocol
// errors ([ProtocolError]) and limits (proto-max-bulk-len,
// client-query-buffer-limit, the unauthenticated-client limits). Its memory
// grows with the bytes that arrive, never with the lengths a header claims.
// [ReadReply] parses replies, for clients and tests.
//
// A server loop looks like this:
//
//	rd := resp.NewReader(conn)
//	w := resp.NewWriter(2)
//	for {
//		args, err := rd.ReadCommand()
//		if err != nil {
//			var perr *resp.ProtocolError
//			if errors.As(err, &perr) {
//				w.Error("ERR " + perr.Msg)
//				w.WriteTo(conn)
//			}
//			return // close the connection
//		}
//		dispatch(w, args)
//		if !rd.HasCommand() { // flush once per pipelined batch
//			if _, err := w.WriteTo(conn); err != nil {
//				return
//			}
//		}
//	}
//
// # Concurrency
//
// A [Reader], a [Writer] and a [ValueWriter] each belong to one connection
// or one call and are not safe for concurrent use; give each goroutine its
// own. A [Value] is immutable once built (nothing in this package changes a
// Value after returning it) and may be shared between goroutines.
//
// Slices returned by the package alias internal buffers:
//
//   - the arguments returned by [Reader.ReadCommand] are valid until the
//     next ReadCommand or Reset on that Reader (HasCommand and Buffered do
//     not invalidate them); a handler that keeps an argument, for example
//     as a key or a value stored in the keyspace, must copy it;
//   - [Writer.Bytes] is valid until the next write, Reset or WriteTo;
//   - [ValueWriter.Values] is valid until Reset.
//
// Values returned by [ReadReply] and built by [ValueWriter] copy their
// bytes and alias nothing.
//
// # Caveats
//
//   - The Reader reproduces Redis's parser, quirks included: the byte after
//     a header's '\r' and the two bytes after a bulk argument are skipped
//     without being checked; a NUL byte before a line end makes the line
//     incomplete (Redis searches its buffer with strchr), so such a request
//     waits for more input until it exceeds MaxInlineLen.
//   - Whether a long line is refused as "too big" depends, in Redis as here,
//     on how the bytes were split into reads: the check applies whenever the
//     buffered bytes hold no line end and exceed MaxInlineLen, so a line
//     slightly longer than 64 KiB that arrives in one read may be accepted.
//   - MaxQueryBufferLen counts the bytes held by the Reader for the command
//     being assembled and the input after it. Redis also counts commands
//     queued by MULTI; the server has to add those itself.
//   - Writer.SimpleString and Writer.Error replace '\r' and '\n' with spaces
//     (Redis does so for formatted status and error replies); Bulk and the
//     other writers send bytes as given. Double, BigNumber and Verbatim
//     formats are written as passed in, without validation.
//   - ReadReply does not support streamed RESP3 aggregates or strings
//     ("*?", "$?"), and discards attributes.
package resp
