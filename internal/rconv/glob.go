package rconv

// Match reports whether s matches the glob pattern as Redis's stringmatchlen
// decides it for KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS and CONFIG
// GET. With nocase, letters compare case-insensitively (ASCII only).
//
// Syntax: '*' matches any run of bytes, '?' any one byte, "[abc]" a byte in
// the set, "[^abc]" a byte outside it, "[a-z]" a byte in the range (a
// reversed range such as "[z-a]" is swapped), and '\' makes the next byte
// literal, inside a class too. The edge cases follow the C code:
//
//   - an unterminated class ("[abc") is closed at the end of the pattern,
//     so "[a" matches "a" and "[^" matches any single byte;
//   - a trailing '\' matches a literal backslash;
//   - '-' as the last byte of a class before ']' ("[a-]") forms a range up
//     to ']';
//   - an empty s matches only a pattern that is empty: not even "*" matches
//     it (KEYS and SCAN test for a bare "*" before calling the matcher);
//   - more than 1000 nested '*' recursion levels never match.
//
// Backtracking is cut as in Redis 7: when the rest of the pattern after a '*'
// fails at every position, no earlier '*' can do better, so the whole match
// fails at once. This keeps patterns such as "a*a*a*a*a*a*a*b" polynomial.
func Match(pattern, s string, nocase bool) bool {
	skip := false
	return matchGlob(pattern, s, nocase, &skip, 0)
}

// MatchBytes is Match for byte slices.
func MatchBytes(pattern, s []byte, nocase bool) bool {
	skip := false
	return matchGlob(pattern, s, nocase, &skip, 0)
}

// matchMaxNesting is stringmatchlen's protection against abusive patterns.
const matchMaxNesting = 1000

// matchGlob is stringmatchlen_impl. p and si index pattern and s; the C code
// reads the pattern's NUL terminator at p == len(pattern) in a few places,
// which patAt reproduces by returning 0 there.
func matchGlob[T ~string | ~[]byte](pattern, s T, nocase bool, skipLonger *bool, nesting int) bool {
	if nesting > matchMaxNesting {
		return false
	}
	patAt := func(i int) byte {
		if i < len(pattern) {
			return pattern[i]
		}
		return 0
	}
	p, si := 0, 0
	for p < len(pattern) && si < len(s) {
		switch pattern[p] {
		case '*':
			for patAt(p+1) == '*' {
				p++
			}
			if p+1 == len(pattern) {
				return true
			}
			for si < len(s) {
				if matchGlob(pattern[p+1:], s[si:], nocase, skipLonger, nesting+1) {
					return true
				}
				if *skipLonger {
					return false
				}
				si++
			}
			// Nothing after this '*' matches anywhere in the rest of s, so
			// letting an earlier '*' swallow more of s cannot help either.
			*skipLonger = true
			return false
		case '?':
			si++
		case '[':
			p++
			not := patAt(p) == '^'
			if not {
				p++
			}
			match := false
			c := s[si]
		class:
			for {
				switch {
				case patAt(p) == '\\' && len(pattern)-p >= 2:
					p++
					if pattern[p] == c {
						match = true
					}
				case patAt(p) == ']':
					break class
				case p >= len(pattern):
					// Unterminated class: step back so that the common
					// advance below lands exactly on the end of the pattern.
					p--
					break class
				case len(pattern)-p >= 3 && pattern[p+1] == '-':
					lo, hi, cc := signedChar(pattern[p]), signedChar(pattern[p+2]), signedChar(c)
					if lo > hi {
						lo, hi = hi, lo
					}
					if nocase {
						lo, hi, cc = cLower(lo), cLower(hi), cLower(cc)
					}
					p += 2
					if cc >= lo && cc <= hi {
						match = true
					}
				default:
					if pattern[p] == c || (nocase && cLower(signedChar(pattern[p])) == cLower(signedChar(c))) {
						match = true
					}
				}
				p++
			}
			if not {
				match = !match
			}
			if !match {
				return false
			}
			si++
		case '\\':
			if len(pattern)-p >= 2 {
				p++
			}
			fallthrough
		default:
			pc, c := pattern[p], s[si]
			if pc != c && (!nocase || cLower(signedChar(pc)) != cLower(signedChar(c))) {
				return false
			}
			si++
		}
		p++
		if si == len(s) {
			for patAt(p) == '*' {
				p++
			}
			break
		}
	}
	return p >= len(pattern) && si == len(s)
}

// signedChar widens a byte the way x86-64 C widens a plain char.
func signedChar(b byte) int { return int(int8(b)) }

// cLower is tolower() in the C locale on a (possibly negative) char value.
func cLower(c int) int {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
