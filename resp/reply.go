package resp

// ReplyWriter receives a command's reply as a sequence of typed calls. The
// RESP server implements it by writing protocol bytes to a connection
// buffer, Store.Do by building Go values, and the Lua bridge by building Lua
// values, so a command handler is written once and never formats bytes
// itself.
//
// Aggregates are announced with their element count and then followed by
// exactly that many elements (for maps: 2×n elements, key then value). A
// writer for RESP2 renders a map as a flat array of 2×n elements, a set as
// an array, a double as a bulk string, a boolean as the integer 1 or 0, a
// big number as a bulk string, a verbatim string as a bulk string, and both
// nulls as their RESP2 forms ($-1 and *-1). A RESP3 writer renders them
// natively, and both nulls as "_".
//
// This package provides two implementations: [Writer], which encodes RESP
// bytes for a connection, and [ValueWriter], which builds a [Value]. A
// recorded Value is replayed into any ReplyWriter with [WriteValue].
type ReplyWriter interface {
	// Proto is the protocol version the client speaks: 2 or 3.
	Proto() int
	// SimpleString writes a status reply such as "+OK".
	SimpleString(s string)
	// Error writes an error reply. msg is the whole text without the
	// leading '-', for example "ERR syntax error" or "WRONGTYPE Operation...".
	Error(msg string)
	// Int writes an integer reply.
	Int(n int64)
	// Bulk writes a bulk string reply.
	Bulk(b []byte)
	// BulkString writes a bulk string reply from a string.
	BulkString(s string)
	// NullBulk writes RESP2 "$-1" (RESP3 "_").
	NullBulk()
	// NullArray writes RESP2 "*-1" (RESP3 "_").
	NullArray()
	// ArrayLen starts an array of n elements.
	ArrayLen(n int)
	// MapLen starts a map of n key/value pairs (RESP2: array of 2n).
	MapLen(n int)
	// SetLen starts a set of n elements (RESP2: array of n).
	SetLen(n int)
	// PushLen starts an out-of-band push of n elements (RESP2: array of n).
	PushLen(n int)
	// Double writes a double. text is the exact textual form Redis uses for
	// this value (RESP2 sends it as a bulk string, RESP3 as ",text").
	Double(text string)
	// Bool writes a boolean (RESP2: integer 1 or 0).
	Bool(b bool)
	// Verbatim writes a verbatim string with a three-letter format such as
	// "txt" (RESP2: bulk string of s alone).
	Verbatim(format, s string)
	// BigNumber writes a big number given as decimal digits (RESP2: bulk).
	BigNumber(digits string)
}
