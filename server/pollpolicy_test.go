package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPollPolicy(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	p := newPollPolicy(0)
	assert.Equal(t, defaultLoopPoll, p.budget(now), "polls at first, for the default window")

	p.polled(true, time.Microsecond)
	assert.Equal(t, defaultLoopPoll, p.budget(now), "a poll that found events keeps polling on")
	p.polled(false, defaultLoopPoll)
	assert.Zero(t, p.budget(now), "a poll that found nothing turns it off")

	p.slept(time.Second)
	assert.Zero(t, p.budget(now), "a long sleep keeps it off: polling would have been wasted")
	p.slept(10 * time.Microsecond)
	assert.Equal(t, defaultLoopPoll, p.budget(now), "a sleep shorter than the window turns it back on")

	p = newPollPolicy(time.Millisecond)
	assert.Equal(t, time.Millisecond, p.budget(now))
	p.polled(false, time.Millisecond)
	p.slept(500 * time.Microsecond)
	assert.Equal(t, time.Millisecond, p.budget(now), "the window is the option's")

	p = newPollPolicy(-1)
	assert.Zero(t, p.budget(now), "negative: never polls")
	p.slept(0)
	p.polled(true, 0)
	assert.Zero(t, p.budget(now), "and never starts")
}

// Successful polls may take at most a quarter of each period.
func TestPollPolicy_Share(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	p := newPollPolicy(0)
	total := time.Duration(0)
	for range 1000 {
		b := p.budget(now)
		if b == 0 {
			break
		}
		d := min(b, 40*time.Microsecond) // each poll finds a request after 40µs
		p.polled(true, d)
		total += d
		now = now.Add(d + 10*time.Microsecond) // and the loop answers it in 10µs
	}
	assert.Equal(t, pollShare, total, "polling stops when the period's share is spent")
	assert.Zero(t, p.budget(now), "for the rest of the period")
	assert.Equal(t, defaultLoopPoll, p.budget(now.Add(pollPeriod)), "and resumes in the next")
}
