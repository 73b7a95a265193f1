package server

import (
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Client smoke tests: real client libraries, unchanged, over TCP and over
// the in-memory connection.

// transports are the two ways a client reaches the server.
var transports = []struct {
	name string
	// goRedis returns go-redis options for the server.
	goRedis func(ts *testServer) *redis.Options
	// rueidis returns rueidis options for the server.
	rueidis func(ts *testServer) rueidis.ClientOption
}{
	{
		name:    "tcp",
		goRedis: func(ts *testServer) *redis.Options { return &redis.Options{Addr: ts.addr} },
		rueidis: func(ts *testServer) rueidis.ClientOption {
			return rueidis.ClientOption{InitAddress: []string{ts.addr}, DisableCache: true}
		},
	},
	{
		name: "memory",
		goRedis: func(ts *testServer) *redis.Options {
			return &redis.Options{Addr: "embedis", Dialer: ts.DialContext}
		},
		rueidis: func(ts *testServer) rueidis.ClientOption {
			return rueidis.ClientOption{
				InitAddress:  []string{"embedis:0"},
				DisableCache: true,
				DialCtxFn: func(ctx context.Context, _ string, _ *net.Dialer, _ *tls.Config) (net.Conn, error) {
					return ts.DialContext(ctx, "embedis", "")
				},
			}
		},
	},
}

func newGoRedis(t *testing.T, opts *redis.Options) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// TestGoRedis_Smoke exercises go-redis v9 with its defaults (RESP3, HELLO
// handshake, CLIENT SETINFO): plain commands, nil replies, errors,
// pipelines, transactions with WATCH, and pub/sub.
func TestGoRedis_Smoke(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ts := startServer(t, nil)
			ctx := context.Background()
			rdb := newGoRedis(t, tr.goRedis(ts))

			require.NoError(t, rdb.Ping(ctx).Err())
			require.NoError(t, rdb.Set(ctx, "k", "v", time.Minute).Err())
			v, err := rdb.Get(ctx, "k").Result()
			require.NoError(t, err)
			assert.Equal(t, "v", v)
			_, err = rdb.Get(ctx, "missing").Result()
			assert.ErrorIs(t, err, redis.Nil)
			n, err := rdb.Incr(ctx, "n").Result()
			require.NoError(t, err)
			assert.Equal(t, int64(1), n)
			err = rdb.Incr(ctx, "k").Err()
			assert.EqualError(t, err, "ERR value is not an integer or out of range")
			ttl, err := rdb.TTL(ctx, "k").Result()
			require.NoError(t, err)
			assert.InDelta(t, time.Minute.Seconds(), ttl.Seconds(), 1)

			// The RESP3 handshake: HELLO 3 and the library's identity.
			info, err := rdb.ClientInfo(ctx).Result()
			require.NoError(t, err)
			assert.Equal(t, 3, info.Resp)
			assert.Equal(t, "go-redis", info.LibName[:8])

			// A pipeline of 100 commands in one round trip.
			cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := 0; i < 100; i++ {
					p.Set(ctx, "p"+strconv.Itoa(i), i, 0)
					p.Get(ctx, "p"+strconv.Itoa(i))
				}
				return nil
			})
			require.NoError(t, err)
			require.Len(t, cmds, 200)
			assert.Equal(t, "99", cmds[199].(*redis.StringCmd).Val())

			// MULTI/EXEC through TxPipelined, and a WATCH that aborts.
			res, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "tx", "1", 0)
				p.IncrBy(ctx, "tx", 41)
				return nil
			})
			require.NoError(t, err)
			assert.Equal(t, int64(42), res[1].(*redis.IntCmd).Val())
			err = rdb.Watch(ctx, func(tx *redis.Tx) error {
				// Another client changes the watched key before EXEC.
				require.NoError(t, rdb.Set(ctx, "tx", "changed", 0).Err())
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "tx", "mine", 0)
					return nil
				})
				return err
			}, "tx")
			assert.ErrorIs(t, err, redis.TxFailedErr)
			assert.Equal(t, "changed", rdb.Get(ctx, "tx").Val())

			// Pub/sub on its own connection, RESP3 pushes.
			ps := rdb.Subscribe(ctx, "news")
			defer ps.Close()
			_, err = ps.Receive(ctx) // the subscribe confirmation
			require.NoError(t, err)
			psub := rdb.PSubscribe(ctx, "n*")
			defer psub.Close()
			_, err = psub.Receive(ctx)
			require.NoError(t, err)
			delivered, err := rdb.Publish(ctx, "news", "hello").Result()
			require.NoError(t, err)
			assert.Equal(t, int64(2), delivered)
			msg, err := ps.ReceiveMessage(ctx)
			require.NoError(t, err)
			assert.Equal(t, "news", msg.Channel)
			assert.Equal(t, "hello", msg.Payload)
			pmsg, err := psub.ReceiveMessage(ctx)
			require.NoError(t, err)
			assert.Equal(t, "n*", pmsg.Pattern)
			assert.Equal(t, "hello", pmsg.Payload)
			// Channel() delivers in order.
			ch := ps.Channel()
			for i := 0; i < 50; i++ {
				require.NoError(t, rdb.Publish(ctx, "news", strconv.Itoa(i)).Err())
			}
			for i := 0; i < 50; i++ {
				select {
				case m := <-ch:
					require.Equal(t, strconv.Itoa(i), m.Payload)
				case <-time.After(10 * time.Second):
					t.Fatalf("message %d not delivered", i)
				}
			}
			nums, err := rdb.PubSubNumSub(ctx, "news", "other").Result()
			require.NoError(t, err)
			assert.Equal(t, map[string]int64{"news": 1, "other": 0}, nums)
		})
	}
}

// TestGoRedis_RESP2 runs go-redis in RESP2, where pub/sub uses the
// subscribed state.
func TestGoRedis_RESP2(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	opts := tr0(ts)
	opts.Protocol = 2
	rdb := newGoRedis(t, opts)
	require.NoError(t, rdb.HSet(ctx, "h", "a", "1", "b", "2").Err())
	m, err := rdb.HGetAll(ctx, "h").Result()
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "1", "b": "2"}, m)
	ps := rdb.Subscribe(ctx, "c")
	defer ps.Close()
	_, err = ps.Receive(ctx)
	require.NoError(t, err)
	require.NoError(t, rdb.Publish(ctx, "c", "x").Err())
	msg, err := ps.ReceiveMessage(ctx)
	require.NoError(t, err)
	assert.Equal(t, "x", msg.Payload)
	require.NoError(t, ps.Ping(ctx))
}

func tr0(ts *testServer) *redis.Options { return transports[0].goRedis(ts) }

// TestGoRedis_Auth checks requirepass with go-redis's HELLO ... AUTH.
func TestGoRedis_Auth(t *testing.T) {
	ts := startServer(t, &Options{RequirePass: "s3cret"})
	ctx := context.Background()
	bad := newGoRedis(t, &redis.Options{Addr: ts.addr, MaxRetries: -1})
	err := bad.Ping(ctx).Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NOAUTH")
	wrong := newGoRedis(t, &redis.Options{Addr: ts.addr, Password: "nope", MaxRetries: -1})
	err = wrong.Ping(ctx).Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "WRONGPASS")
	good := newGoRedis(t, &redis.Options{Addr: ts.addr, Password: "s3cret"})
	require.NoError(t, good.Ping(ctx).Err())
	goodRESP2 := newGoRedis(t, &redis.Options{Addr: ts.addr, Password: "s3cret", Protocol: 2})
	require.NoError(t, goodRESP2.Ping(ctx).Err())
}

// TestRueidis_Smoke exercises rueidis (RESP3 only, auto-pipelining),
// with client-side caching off since CLIENT TRACKING is not supported.
func TestRueidis_Smoke(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ts := startServer(t, nil)
			ctx := context.Background()
			c, err := rueidis.NewClient(tr.rueidis(ts))
			require.NoError(t, err)
			defer c.Close()

			require.NoError(t, c.Do(ctx, c.B().Set().Key("k").Value("v").Build()).Error())
			v, err := c.Do(ctx, c.B().Get().Key("k").Build()).ToString()
			require.NoError(t, err)
			assert.Equal(t, "v", v)
			err = c.Do(ctx, c.B().Get().Key("missing").Build()).Error()
			assert.True(t, rueidis.IsRedisNil(err))

			// DoMulti pipelines; auto-pipelining from goroutines.
			var cmds rueidis.Commands
			for i := 0; i < 50; i++ {
				cmds = append(cmds, c.B().Incr().Key("ctr").Build())
			}
			for i, r := range c.DoMulti(ctx, cmds...) {
				n, err := r.AsInt64()
				require.NoError(t, err)
				assert.Equal(t, int64(i+1), n)
			}
			done := make(chan error, 8)
			for g := 0; g < 8; g++ {
				go func() {
					for i := 0; i < 100; i++ {
						if err := c.Do(ctx, c.B().Incr().Key("par").Build()).Error(); err != nil {
							done <- err
							return
						}
					}
					done <- nil
				}()
			}
			for g := 0; g < 8; g++ {
				require.NoError(t, <-done)
			}
			n, err := c.Do(ctx, c.B().Get().Key("par").Build()).AsInt64()
			require.NoError(t, err)
			assert.Equal(t, int64(800), n)

			// MULTI/EXEC on a dedicated connection.
			err = c.Dedicated(func(d rueidis.DedicatedClient) error {
				rs := d.DoMulti(ctx,
					d.B().Multi().Build(),
					d.B().Set().Key("t").Value("1").Build(),
					d.B().Incr().Key("t").Build(),
					d.B().Exec().Build())
				arr, err := rs[3].ToArray()
				if err != nil {
					return err
				}
				got, err := arr[1].AsInt64()
				assert.Equal(t, int64(2), got)
				return err
			})
			require.NoError(t, err)

			// Pub/sub: Receive blocks until the context ends.
			rctx, cancel := context.WithCancel(ctx)
			got := make(chan rueidis.PubSubMessage, 1)
			recvDone := make(chan error, 1)
			go func() {
				recvDone <- c.Receive(rctx, c.B().Subscribe().Channel("ch").Build(), func(m rueidis.PubSubMessage) {
					got <- m
				})
			}()
			deadline := time.Now().Add(10 * time.Second)
			for {
				nums, err := c.Do(ctx, c.B().PubsubNumsub().Channel("ch").Build()).AsIntMap()
				require.NoError(t, err)
				if nums["ch"] == 1 {
					break
				}
				require.True(t, time.Now().Before(deadline), "subscription not registered")
				time.Sleep(5 * time.Millisecond)
			}
			require.NoError(t, c.Do(ctx, c.B().Publish().Channel("ch").Message("hi").Build()).Error())
			select {
			case m := <-got:
				assert.Equal(t, "ch", m.Channel)
				assert.Equal(t, "hi", m.Message)
			case <-time.After(10 * time.Second):
				t.Fatal("message not delivered")
			}
			cancel()
			<-recvDone
		})
	}
}
