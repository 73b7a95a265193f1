// Package difftest tests embedis's fidelity by differential testing: the
// same commands go to the server under test (the subject) and to a real
// redis-server (the oracle), and the raw reply bytes are compared.
//
// The pieces:
//
//   - StartRedis starts a throwaway redis-server on a free port and stops it
//     when the test ends. It skips the test if no redis-server is installed,
//     unless EMBEDIS_REQUIRE_REDIS=1.
//   - Conn is a raw RESP connection. Do sends one command and returns the
//     exact bytes of one reply frame. SendRaw and ReadFrame are for protocol
//     tests, and ErrClosed tells you the server hung up. The frame scanner
//     understands every RESP2 and RESP3 type (+ - : $ * _ , # ( ! = % ~ > and
//     attributes |).
//   - Golden files (*.golden, the format is below) are run by RunFile and
//     RunDir.
//   - Random sequences come from a Generator (StringCommands, or Mix of
//     several) and are run by RunRandom. The seed is always logged and can
//     be fixed with EMBEDIS_DIFFTEST_SEED.
//   - Runner holds the options: protocols, report cap, timeout.
//
// A typical test, once embedis's server can be started on an address:
//
//	func TestFidelity(t *testing.T) {
//		redis := difftest.StartRedis(t)
//		embedis := difftest.Addr(startEmbedis(t))
//		difftest.RunDir(t, "testdata", embedis, redis)
//		difftest.RunRandom(t, difftest.Seed(t), 2000, difftest.StringCommands(), embedis, redis)
//	}
//
// # Golden files
//
// A golden file is UTF-8 text. Each line is one of:
//
//   - A blank line, or a comment starting with #. These are ignored.
//   - A command, split into arguments by Redis's inline rules (SplitArgs):
//     "double quotes" with \n \r \t \b \a \\ \" and \xHH escapes, 'single
//     quotes' with \' only, and whitespace between arguments.
//   - A directive, starting with !. Its arguments are split the same way.
//
// The file runs once per protocol: RESP2, then RESP3. Each pass starts with
// fresh connections (HELLO 3 for the RESP3 pass) and FLUSHALL on both
// servers. Each step goes to the subject, then to the oracle, and the two
// replies must match byte for byte unless a directive says otherwise.
//
// Some directives modify the step that follows them. They may be stacked
// on the lines just above a command, !raw or !read:
//
//	!sort            The reply is unordered (SMEMBERS, KEYS, HKEYS). An
//	                 aggregate is compared as a multiset of its elements;
//	                 a map as a multiset of its entries.
//	!sort pairs      The same for a flat array of pairs, such as RESP2
//	                 HGETALL: each (field, value) pair stays together.
//	!type            Compare only the reply's type, whether it is null,
//	                 and an aggregate's element count (RANDOMKEY, TIME).
//	!approx N        Non-negative integers may differ by up to N; negative
//	                 ones (TTL's -1, -2) must match. For TTL, PTTL.
//	!skip-resp3      Run the step in the RESP2 pass only.
//	!resp3-only      Run the step in the RESP3 pass only.
//	!deviation ID    embedis follows 7.4 where the 7.0 oracle differs.
//	                 ID must be in the table in deviations.go, which gives
//	                 the reason. The subject's reply is compared with the
//	                 !expect reply, under the step's mode. The oracle still
//	                 receives the command, but its reply is ignored.
//	!expect "RAW"    The raw reply a deviation step expects, in both
//	!expect2 "RAW"   passes, or in RESP2 only, or in RESP3 only. RAW is one
//	!expect3 "RAW"   quoted argument, e.g. "*1\r\n:0\r\n". It must be exactly
//	                 one complete frame.
//
// Other directives are steps of their own:
//
//	!raw "BYTES"     Send BYTES unmodified (an inline command, a pipeline,
//	                 a malformed request) and compare one reply frame.
//	!read            Compare one more reply frame without sending anything,
//	                 e.g. the second reply of a pipeline.
//	!sleep MS        Pause for MS milliseconds (for expiry tests).
//	!reconnect       Close both connections and open fresh ones.
//
// After !raw or !read, both servers closing the connection counts as a
// match. Together with !read, that checks that a protocol error hangs up.
// The next step then reconnects automatically. After an ordinary command,
// a closed connection is always reported. That way a forgotten !read
// cannot silently swallow the commands that follow.
//
// A mismatch is reported with t.Errorf. The report gives file:line, the
// protocol, the command in golden syntax, both raw replies quoted with %q,
// and the comparison mode. The run continues, so one run reports every
// mismatch. Reports are capped per file (Runner.MaxReports), and the
// number suppressed is given at the end.
//
// # Random sequences
//
// A Generator returns one Command at a time: the arguments plus the
// comparison mode its reply needs. It draws keys from a small key space, so
// that commands collide. RandomCommands(seed, n, gen) is deterministic.
// RunRandom runs the sequence in each protocol and stops a pass at its
// first mismatch, because the keyspaces have diverged by then. The report
// gives the seed and the commands that led up to the mismatch, in golden
// syntax, ready to paste into a regression file. To add a command family,
// write a Generator, and implement Finisher if the final state should be
// compared. Combine families with Mix.
//
// # Concurrency
//
// A Conn is not safe for concurrent use. Redis and Addr are safe to share:
// every Dial opens a new connection. A Runner only reads its fields, so
// one Runner may be used from several goroutines. Still, every pass starts
// with FLUSHALL. So two runs must not share a server at the same time, or
// they will wipe each other's keys. Give each parallel test its own servers.
// The []byte replies returned by Conn are freshly allocated and belong to
// the caller.
//
// # Caveats
//
//   - The oracle is Debian's redis-server 7.0, and embedis follows 7.4. Every
//     difference between the two must be listed in deviations.go and marked
//     in the golden file. A deviation step should not change the keyspace
//     differently on the two servers, or every later step will differ.
//   - Timing leaks into replies. TTL and PTTL need !approx (or ModeApprox).
//     TTLs set relative to each server's clock (EX, PX, EXPIRE) must not be
//     compared against each other with GT or LT: the result depends on
//     which millisecond each server saw. Use absolute times (EXAT, EXPIREAT)
//     for that. Keys set with an EXAT in the past linger until active expiry,
//     so DBSIZE is unpredictable after them.
//   - HELLO, CLIENT ID/LIST/INFO, INFO, TIME, OBJECT FREQ and the like are
//     server-specific. Compare them with !type or not at all.
//   - The scanner rejects streamed RESP3 strings and aggregates ($? and *?),
//     which Redis never sends. In RESP3, an out-of-band push (>) that arrives
//     before a reply is returned as the reply.
//   - Steps run one at a time, subject first. Races between clients and
//     blocking commands need hand-written tests that use several Conns.
//   - StartRedis relies on Pdeathsig to kill the server if the test binary
//     dies without running cleanups. That exists on Linux only.
package difftest
