package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/embedis/embedis/resp"
)

// directive is one configuration line: a parameter name and its
// arguments, from redis.conf or from the command line.
type directive struct {
	name string
	args []string
	// where says where it came from, for error messages:
	// "redis.conf:12" or "command line".
	where string
	// line is the text as written.
	line string
}

// errUsage is returned for --help.
var errUsage = errors.New("usage")

// errVersion is returned for --version.
var errVersion = errors.New("version")

// parseArgs turns redis-server's command line into directives:
//
//	embedis [/path/to/redis.conf] [--name value ...] ...
//
// As in redis-server, every "--name" starts a directive and the words
// after it, up to the next "--name", are its arguments (so "--save 900 1
// --save 60 100" gives two save lines, and `--save ""` an empty one). A
// first argument not starting with "--" is a configuration file ("-"
// reads it from stdin). Options are applied after the file, so they
// override it.
func parseArgs(argv []string, stdin io.Reader) ([]directive, string, error) {
	var dirs []directive
	confFile := ""
	i := 0
	if len(argv) > 0 {
		switch argv[0] {
		case "-h", "--help":
			return nil, "", errUsage
		case "-v", "--version":
			return nil, "", errVersion
		}
		if !strings.HasPrefix(argv[0], "--") {
			confFile = argv[0]
			var err error
			if confFile == "-" {
				dirs, err = parseConfig(stdin, "stdin")
				confFile = ""
			} else {
				dirs, err = readConfigFile(confFile, 0)
			}
			if err != nil {
				return nil, "", err
			}
			i = 1
		}
	}
	var cur *directive
	for ; i < len(argv); i++ {
		a := argv[i]
		if strings.HasPrefix(a, "--") && len(a) > 2 {
			name := strings.ToLower(a[2:])
			switch name {
			case "help":
				return nil, "", errUsage
			case "version":
				return nil, "", errVersion
			}
			dirs = append(dirs, directive{name: name, where: "command line", line: a})
			cur = &dirs[len(dirs)-1]
			continue
		}
		if cur == nil {
			return nil, "", fmt.Errorf("unexpected argument %q: options are --name value (a configuration file must come first)", a)
		}
		cur.args = append(cur.args, a)
		cur.line += " " + a
	}
	return dirs, confFile, nil
}

// readConfigFile reads a redis.conf file, following include directives.
func readConfigFile(path string, depth int) ([]directive, error) {
	if depth > 16 {
		return nil, fmt.Errorf("%s: include nested too deeply", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the configuration file: %w", err)
	}
	defer f.Close()
	dirs, err := parseConfig(f, path)
	if err != nil {
		return nil, err
	}
	var out []directive
	for _, d := range dirs {
		if d.name != "include" {
			out = append(out, d)
			continue
		}
		if len(d.args) != 1 {
			return nil, fmt.Errorf("%s: >>> '%s': include takes one file name", d.where, d.line)
		}
		inc := d.args[0]
		if !filepath.IsAbs(inc) {
			inc = filepath.Join(filepath.Dir(path), inc)
		}
		sub, err := readConfigFile(inc, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// parseConfig splits redis.conf text into directives: one per line,
// arguments split by Redis's rules (quotes and escapes as sdssplitargs),
// "#" comments and blank lines skipped.
func parseConfig(r io.Reader, name string) ([]directive, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var out []directive
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		args, ok := resp.SplitArgs(line)
		if !ok {
			return nil, fmt.Errorf("%s:%d: >>> '%s': Unbalanced quotes in configuration line", name, n, line)
		}
		if len(args) == 0 {
			continue
		}
		out = append(out, directive{
			name:  strings.ToLower(args[0]),
			args:  args[1:],
			where: fmt.Sprintf("%s:%d", name, n),
			line:  line,
		})
	}
	return out, sc.Err()
}
