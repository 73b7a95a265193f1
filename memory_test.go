package embedis

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMaxMemory_NoEvictionRefusesGrowthKeepsData(t *testing.T) {
	s, err := Open(&Options{MaxMemory: 200 << 10})
	require.NoError(t, err)
	defer s.Close()
	val := strings.Repeat("x", 1000)
	stored := 0
	var oomErr error
	for i := 0; i < 1000; i++ {
		if _, err := s.Set("k"+strconv.Itoa(i), val, nil); err != nil {
			oomErr = err
			break
		}
		stored++
	}
	require.ErrorIs(t, oomErr, ErrOOM)
	assert.Equal(t, "OOM command not allowed when used memory > 'maxmemory'.", oomErr.Error())
	assert.Greater(t, stored, 100)
	// nothing stored is lost; reads and deletes keep working
	for i := 0; i < stored; i++ {
		v, err := s.Get("k" + strconv.Itoa(i))
		require.NoError(t, err)
		require.Equal(t, val, v)
	}
	assert.Equal(t, 1, s.Del("k0"))
	assert.Zero(t, s.Stats().EvictedKeys)
}

func TestMaxMemory_AllKeysLRUStaysUnderLimit(t *testing.T) {
	const limit = 256 << 10
	s, err := Open(&Options{MaxMemory: limit, MaxMemoryPolicy: "allkeys-lru"})
	require.NoError(t, err)
	defer s.Close()
	val := strings.Repeat("v", 2000)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				_, err := s.Set("g"+strconv.Itoa(g)+":"+strconv.Itoa(i), val, nil)
				if err != nil {
					t.Errorf("set: %v", err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	st := s.Stats()
	assert.Greater(t, st.EvictedKeys, int64(0))
	// at rest the data set is within one command's growth of the limit:
	// every write evicts back under it once it is done
	assert.LessOrEqual(t, st.UsedMemory, int64(limit+len(val)+512))
	assert.Greater(t, st.UsedMemory, int64(limit/2))
}

func TestMaxMemory_VolatileWithoutCandidatesIsOOM(t *testing.T) {
	s, err := Open(&Options{MaxMemory: 100 << 10, MaxMemoryPolicy: "volatile-lru"})
	require.NoError(t, err)
	defer s.Close()
	val := strings.Repeat("x", 1000)
	var last error
	for i := 0; i < 500 && last == nil; i++ {
		_, last = s.Set("k"+strconv.Itoa(i), val, nil)
	}
	assert.ErrorIs(t, last, ErrOOM, "no key has a TTL: nothing is evictable")
}

func TestStats_Counters(t *testing.T) {
	s, _ := openTest(t)
	s.Set("a", "1", nil)
	s.Get("a")
	s.Get("nope")
	st := s.Stats()
	assert.Equal(t, int64(1), st.KeyspaceHits)
	assert.Equal(t, int64(1), st.KeyspaceMisses)
	assert.Equal(t, 1, st.Keys[0])
	assert.Greater(t, st.UsedMemory, int64(0))
	assert.Equal(t, "noeviction", st.MaxMemoryPolicy)
}

func TestMaxMemory_TypedCollectionWritersRefuse(t *testing.T) {
	s, err := Open(&Options{MaxMemory: 64 << 10})
	require.NoError(t, err)
	defer s.Close()
	big := strings.Repeat("x", 1000)
	for i := 0; ; i++ {
		if _, err := s.Set("fill"+strconv.Itoa(i), big, nil); err != nil {
			require.ErrorIs(t, err, ErrOOM)
			break
		}
	}
	_, err = s.HSet("h", "f", "v")
	assert.ErrorIs(t, err, ErrOOM)
	_, err = s.LPush("l", "v")
	assert.ErrorIs(t, err, ErrOOM)
	_, err = s.SAdd("s", "v")
	assert.ErrorIs(t, err, ErrOOM)
	_, err = s.ZAdd("z", nil, Z{Score: 1, Member: "m"})
	assert.ErrorIs(t, err, ErrOOM)
	_, err = s.XAdd("x", nil, "f", "v")
	assert.ErrorIs(t, err, ErrOOM)
	_, err = s.PFAdd("p", "a")
	assert.ErrorIs(t, err, ErrOOM)
	assert.Equal(t, 0, s.Exists("h", "l", "s", "z", "x", "p"), "nothing was written")
	// the command path refuses too, and reads keep working
	_, err = s.Do(bg, "HSET", "h", "f", "v")
	assert.ErrorIs(t, err, ErrOOM)
	_, err = s.Get("fill0")
	assert.NoError(t, err)
}
