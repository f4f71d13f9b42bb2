package redislimit_test

import (
	"context"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"

	"github.com/phonelineplus-go/phonelineplus/redislimit"
)

// TestWaitReturnsByTheDeadlineWhateverTheClientOptions: against a Redis
// that never answers, Wait returns at the caller's deadline, although the
// go-redis client (default options: no ContextTimeoutEnabled, 3 s read and
// write timeouts, 3 retries) would hold the command far longer.
func TestWaitReturnsByTheDeadlineWhateverTheClientOptions(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var held []net.Conn
		rdb := redis.NewClient(&redis.Options{
			Addr: "redis.test:6379",
			Dialer: func(context.Context, string, string) (net.Conn, error) {
				client, server := net.Pipe() // server never reads: a Redis that hangs
				held = append(held, server)
				return client, nil
			},
		})
		defer func() {
			_ = rdb.Close()
			for _, c := range held {
				_ = c.Close()
			}
		}()
		l := redislimit.New(rdb, "key-1")
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		err := l.Wait(ctx)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, time.Second, time.Since(start), "returned at the deadline")
	})
}
