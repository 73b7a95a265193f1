package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
)

// The Go collector starts a cycle each time the heap has grown by GOGC
// percent (100 by default) over what the last cycle left live. A server
// whose dataset is a few megabytes therefore collects every few megabytes
// of allocation: under redis-benchmark's HSET at pipeline 16, about seven
// times per million requests. Each cycle's mark phase takes a processor
// for its worker, turns on the write barrier and makes the event loop
// assist, which showed up as a higher p99 than redis-server's, which has
// no collector (bench/RESULTS.md, session 6).
//
// The heap floor raises GOGC while the live heap is small, so that the
// heap goal is never below the floor: with a 64 MiB floor and 8 MiB live,
// GOGC becomes 700. Once the live heap passes the floor, GOGC is what the
// process started with, and memory use is what it would be without the
// floor. The floor only delays collections; GOMEMLIMIT, when set, still
// bounds the heap.
//
// It is on by default in the standalone server (not in the library: the
// collector belongs to the program that embeds a Store). The environment
// variable EMBEDIS_GC_HEAP_FLOOR_MB sets it in MiB (0 turns it off). Setting GOGC turns it off too: whoever sets GOGC
// has chosen their collector's pace.

// defaultHeapFloor is the heap floor when EMBEDIS_GC_HEAP_FLOOR is unset.
const defaultHeapFloor = 64 << 20

// heapFloorFromEnv returns the heap floor in bytes that the environment
// asks for (0: none), or an error naming a bad EMBEDIS_GC_HEAP_FLOOR_MB.
func heapFloorFromEnv(getenv func(string) string) (uint64, error) {
	if getenv("GOGC") != "" {
		return 0, nil
	}
	v := getenv("EMBEDIS_GC_HEAP_FLOOR_MB")
	if v == "" {
		return defaultHeapFloor, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("EMBEDIS_GC_HEAP_FLOOR_MB=%q: want a whole number of MiB (0: no floor)", v)
	}
	return n << 20, nil
}

// floorPercent returns the GOGC that puts the heap goal of a heap with
// live bytes live at floor or above, and never below base. (The goal is
// live * (1 + GOGC/100); stacks and globals, which also count, only
// raise it.)
func floorPercent(live, floor uint64, base int) int {
	if live == 0 || live >= floor {
		return base
	}
	p := (floor - live) * 100 / live
	if p > 1<<20 {
		p = 1 << 20
	}
	if int(p) < base {
		return base
	}
	return int(p)
}

// heapFloor retunes GOGC after every collection (see floorPercent). A
// sentinel object's finalizer runs once per cycle, in the runtime's
// finalizer goroutine; it reads the live heap the cycle left, sets GOGC
// and arms a new sentinel. stop restores the starting GOGC; the sentinel
// armed last then finds the floor stopped and arms no other.
type heapFloor struct {
	floor uint64
	base  int // GOGC when the floor started

	mu      sync.Mutex
	stopped bool
	percent int // GOGC as last set
	sample  []metrics.Sample
}

// sentinel is the object whose finalizer marks a collection. It holds a
// pointer so that it is not a tiny allocation (whose finalizer may never
// run while it shares a block with live objects).
type sentinel struct{ f *heapFloor }

// startHeapFloor starts a heap floor of floor bytes and returns its stop
// function. A zero floor starts nothing.
func startHeapFloor(floor uint64) (stop func()) {
	if floor == 0 {
		return func() {}
	}
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if base < 0 {
		return func() {} // collection is off: nothing to delay
	}
	f := &heapFloor{floor: floor, base: base, percent: base, sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	f.tune()
	f.arm()
	return f.stop
}

func (f *heapFloor) arm() {
	runtime.SetFinalizer(&sentinel{f: f}, func(s *sentinel) {
		if s.f.tune() {
			s.f.arm()
		}
	})
}

// tune sets GOGC for the live heap the last collection left and reports
// whether the floor is still running.
func (f *heapFloor) tune() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return false
	}
	metrics.Read(f.sample)
	live := uint64(0)
	if f.sample[0].Value.Kind() == metrics.KindUint64 {
		live = f.sample[0].Value.Uint64()
	}
	if live == 0 {
		// Before the first collection the goal is 4 MiB * GOGC/100;
		// counting the live heap as 4 MiB puts it near the floor.
		live = 4 << 20
	}
	if p := floorPercent(live, f.floor, f.base); p != f.percent {
		debug.SetGCPercent(p)
		f.percent = p
	}
	return true
}

func (f *heapFloor) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	f.stopped = true
	debug.SetGCPercent(f.base)
}

// heapFloorFromProcess reads the floor from this process's environment.
func heapFloorFromProcess() (uint64, error) { return heapFloorFromEnv(os.Getenv) }
