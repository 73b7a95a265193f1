// Package rconv holds the small conversions on which byte-exact Redis replies
// depend: parsing integers, doubles, long doubles, score and lex range bounds
// and SCAN cursors the way Redis 7.4 parses them; formatting doubles the way
// its d2string, fpconv_dtoa and ld2string print them; the INCRBYFLOAT and
// HINCRBYFLOAT arithmetic in x87 80-bit long double; glob matching
// (stringmatchlen) and the cluster key slot (CRC16/XMODEM with hash tags).
//
// Every function mirrors one Redis routine, named in its doc comment, and
// follows what that routine does rather than what it was meant to do: the
// quirks (an empty ZRANGEBYSCORE bound means 0, "+\x00" is a valid lex bound,
// an unterminated "[" class still matches, 12345.678901234567 is printed in
// exponent form) are kept on purpose, because clients can observe them.
//
// Quick map from Redis to this package:
//
//	string2ll                 ParseInt, ParseIntString
//	string2ull (SCAN cursor)  ParseUint64, ParseUint64String
//	string2d                  ParseFloat, ParseFloatString
//	zslParseRange             ParseScoreBound
//	zslParseLexRangeItem      ParseLexBound
//	d2string / fpconv_dtoa    FormatDouble, DoubleString
//	ld2string LD_STR_AUTO     FormatLongDoubleG17, AppendLongDoubleG17 (%.17Lg)
//	string2ld                 ParseLongDouble, ParseLongDoubleString
//	ld2string LD_STR_HUMAN    LongDouble.AppendHuman (%.17Lf, trimmed)
//	incrbyfloatCommand        IncrByFloat
//	hincrbyfloatCommand       HIncrByFloatIncrement, HIncrByFloat
//	stringmatchlen            Match, MatchBytes
//	crc16 / keyHashSlot       CRC16, KeySlot, KeySlotBytes
//
// # Concurrency
//
// All functions are pure and safe for concurrent use from any number of
// goroutines. Nothing is cached and no package state is written after
// initialization. A []byte returned by an Append/Format function is the dst
// slice passed in (possibly grown); a []byte returned by ParseLexBound
// aliases its argument and stays valid as long as the caller keeps that
// argument unchanged.
//
// # Caveats
//
//   - The formatting of doubles reproduces Redis 7.2+ (Grisu2 through
//     fpconv_dtoa), not Redis 7.0, whose replies used "%.17g". Grisu2 is not
//     always the shortest representation; FormatDouble prints what Redis
//     prints, not what strconv would. It was written from fpconv_dtoa's
//     algorithm and is tested for its layout rules, round trips and
//     Grisu2's known statistics; no Redis 7.2+ server was at hand to compare
//     it with byte for byte.
//   - Long double arithmetic models the x87 80-bit format of Redis on x86-64
//     Linux (64-bit significand, 15-bit exponent, subnormals). Redis built for
//     a platform whose long double differs (arm64: 128-bit, or MSVC: 64-bit)
//     prints different INCRBYFLOAT results; embedis follows x86-64.
//   - Redis hands some arguments to C functions that stop at the first NUL
//     byte, and so does this package: ParseScoreBound and ParseUint64 read
//     their argument only up to a NUL, and ParseLexBound accepts "+" or "-"
//     followed by a NUL. ParseInt, ParseFloat and ParseLongDouble reject a
//     NUL byte, as Redis does; Match and KeySlot treat it as any other byte.
//   - Match follows stringmatchlen byte for byte, including the nesting limit
//     of 1000 recursion levels (deeper patterns never match) and the fact that
//     "*" does not match the empty string: KEYS and SCAN short-circuit a bare
//     "*" themselves, and callers must do the same.
//   - The glob range "[a-z]" compares bytes as C's signed char, as Redis on
//     x86-64 does, so ranges that cross 0x7f behave like they do there.
package rconv
