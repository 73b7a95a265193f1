package lua

import "github.com/embedis/embedis/resp"

// splitArgs splits a shebang line as Redis's sdssplitargs does.
func splitArgs(line string) ([]string, bool) { return resp.SplitArgs(line) }
