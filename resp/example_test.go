package resp_test

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/embedis/embedis/resp"
)

// A handler writes typed replies; the Writer renders them for the client's
// protocol.
func ExampleWriter() {
	hgetall := func(w resp.ReplyWriter) {
		w.MapLen(1)
		w.BulkString("field")
		w.BulkString("value")
	}
	for _, proto := range []int{2, 3} {
		w := resp.NewWriter(proto)
		hgetall(w)
		fmt.Printf("RESP%d: %q\n", proto, w.Bytes())
	}
	// Output:
	// RESP2: "*2\r\n$5\r\nfield\r\n$5\r\nvalue\r\n"
	// RESP3: "%1\r\n$5\r\nfield\r\n$5\r\nvalue\r\n"
}

// A connection loop: parse pipelined commands, reply to each, and flush
// once per batch.
func ExampleReader() {
	conn := strings.NewReader("*1\r\n$4\r\nPING\r\nECHO \"hi there\"\r\n*1\r\n$3\r\nBAD")
	var sent strings.Builder // stands in for the network connection
	rd := resp.NewReader(conn)
	w := resp.NewWriter(2)
	for {
		args, err := rd.ReadCommand()
		if err != nil {
			var perr *resp.ProtocolError
			if errors.As(err, &perr) {
				w.Error("ERR " + perr.Msg)
				w.WriteTo(&sent)
			}
			fmt.Println("closing:", err)
			break
		}
		switch strings.ToUpper(string(args[0])) {
		case "PING":
			w.SimpleString("PONG")
		case "ECHO":
			w.Bulk(args[1])
		}
		if !rd.HasCommand() {
			w.WriteTo(&sent)
			fmt.Printf("flushed %q\n", sent.String())
			sent.Reset()
		}
	}
	// Output:
	// flushed "+PONG\r\n$8\r\nhi there\r\n"
	// closing: unexpected EOF
}

// A Reader reports malformed input with Redis's exact error text.
func ExampleProtocolError() {
	rd := resp.NewReader(strings.NewReader("*1\r\n+PING\r\n"))
	_, err := rd.ReadCommand()
	var perr *resp.ProtocolError
	if errors.As(err, &perr) {
		w := resp.NewWriter(2)
		w.Error("ERR " + perr.Msg)
		fmt.Printf("%q\n", w.Bytes())
	}
	// Output:
	// "-ERR Protocol error: expected '$', got '+'\r\n"
}

// A ValueWriter records a reply as a Value, which can be replayed later for
// either protocol.
func ExampleValueWriter() {
	rec := resp.NewValueWriter(3)
	rec.ArrayLen(2)
	rec.BulkString("member")
	rec.Double("1.5")
	fmt.Println(rec.Done(), rec.Value())

	w := resp.NewWriter(2)
	resp.WriteValue(w, rec.Value())
	fmt.Printf("%q\n", w.Bytes())
	// Output:
	// true ["member" ,1.5]
	// "*2\r\n$6\r\nmember\r\n$3\r\n1.5\r\n"
}

func ExampleReadReply() {
	r := bufio.NewReader(strings.NewReader("%2\r\n+name\r\n$5\r\nredis\r\n+ok\r\n#t\r\n"))
	v, err := resp.ReadReply(r)
	if err != nil {
		panic(err)
	}
	fmt.Println(v.Kind, v.Len(), v)
	// Output:
	// map 2 {+name: "redis", +ok: #t}
}
