package resp

// splitArgs splits an inline command line into arguments with the rules of
// Redis's sdssplitargs:
//
//   - arguments are separated by blanks; leading blanks are any C isspace
//     byte, but an unquoted argument ends only at ' ', '\t', '\r', '\n';
//   - "double quotes" understand \xHH (two hex digits), \n \r \t \b \a, and
//     a backslash before any other byte stands for that byte (\" and \\);
//   - 'single quotes' understand only \';
//   - quotes may start in the middle of an argument (a"b c" is "ab c"), but
//     a closing quote must be followed by a blank or the end of the line;
//   - an unterminated quote, or a closing quote followed by something else,
//     makes the whole line invalid (ok is false).
//
// line must not contain NUL or '\n' bytes (the Reader never passes any). The
// unescaped bytes are appended to scratch, which is grown once up front so
// that every argument appended to argv keeps pointing into the returned
// scratch; each argument's capacity is clipped to its length.
func splitArgs(line, scratch []byte, argv [][]byte) ([]byte, [][]byte, bool) {
	if cap(scratch)-len(scratch) < len(line) {
		ns := make([]byte, len(scratch), len(scratch)+len(line))
		copy(ns, scratch)
		scratch = ns
	}
	// at returns line[i], or 0 past the end, mirroring the C string's NUL.
	at := func(i int) byte {
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return scratch, argv, true
		}
		start := len(scratch)
		inq, insq, done := false, false, false
		for !done {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					scratch = append(scratch, unhex(at(p+2))<<4|unhex(at(p+3)))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					switch e := line[p]; e {
					case 'n':
						scratch = append(scratch, '\n')
					case 'r':
						scratch = append(scratch, '\r')
					case 't':
						scratch = append(scratch, '\t')
					case 'b':
						scratch = append(scratch, '\b')
					case 'a':
						scratch = append(scratch, '\a')
					default:
						scratch = append(scratch, e)
					}
				case c == '"':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return scratch, argv, false
					}
					done = true
				case c == 0:
					return scratch, argv, false
				default:
					scratch = append(scratch, c)
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					scratch = append(scratch, '\'')
				case c == '\'':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return scratch, argv, false
					}
					done = true
				case c == 0:
					return scratch, argv, false
				default:
					scratch = append(scratch, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					scratch = append(scratch, c)
				}
			}
			if p < len(line) {
				p++
			}
		}
		argv = append(argv, scratch[start:len(scratch):len(scratch)])
	}
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// SplitArgs splits one line into arguments with the rules of Redis's
// sdssplitargs (see splitArgs above): the rules of inline commands,
// redis.conf lines, redis-cli input and script shebang lines. ok is false
// for unbalanced quotes. A NUL byte ends the line, as it ends a C string.
func SplitArgs(line string) (args []string, ok bool) {
	_, argv, ok := splitArgs([]byte(line), nil, nil)
	if !ok {
		return nil, false
	}
	args = make([]string, len(argv))
	for i, a := range argv {
		args[i] = string(a)
	}
	return args, true
}
