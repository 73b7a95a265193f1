package embedis

import (
	"fmt"

	"github.com/embedis/embedis/keyspace"
)

var notifyChars = []struct {
	ch   byte
	flag uint32
}{
	{'K', keyspace.NotifyKeyspace}, {'E', keyspace.NotifyKeyevent}, {'g', keyspace.NotifyGeneric},
	{'$', keyspace.NotifyString}, {'l', keyspace.NotifyList}, {'s', keyspace.NotifySet},
	{'h', keyspace.NotifyHash}, {'z', keyspace.NotifyZSet}, {'x', keyspace.NotifyExpired},
	{'e', keyspace.NotifyEvicted}, {'t', keyspace.NotifyStream}, {'m', keyspace.NotifyKeyMiss},
	{'d', keyspace.NotifyModule}, {'n', keyspace.NotifyNew},
}

// parseNotifyFlags parses a notify-keyspace-events string.
func parseNotifyFlags(s string) (uint32, error) {
	var f uint32
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == 'A' {
			f |= keyspace.NotifyAll
			continue
		}
		found := false
		for _, nc := range notifyChars {
			if nc.ch == ch {
				f |= nc.flag
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("invalid event class character %q", ch)
		}
	}
	return f, nil
}

func fmtAny(v any) string { return fmt.Sprint(v) }
