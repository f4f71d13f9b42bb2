package phonelineplus

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// BenchmarkTokenWarm measures the token lookup every request makes, with
// the token already cached, from 1, 8 and 64 goroutines (run it with
// -cpu 1,2). The cache's hot path is one atomic load, so adding goroutines
// and cores must not make a lookup slower. "mutex" is the same lookup
// behind one sync.Mutex, for contrast: what a serialising cache costs.
//
// It lives in package phonelineplus because the cache is unexported;
// bench/ reports it (go run ./bench/report).
func BenchmarkTokenWarm(b *testing.B) {
	ctx := context.Background()
	tc := &tokenCache{src: staticTokens{Token{AccessToken: NewSecret("t"), Expiry: time.Now().Add(time.Hour)}}}
	if _, _, err := tc.token(ctx); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	locked := tc.cur.Load()
	lookups := []struct {
		name   string
		lookup func() bool
	}{
		{"cache", func() bool {
			ct, _, err := tc.token(ctx)
			return err == nil && !ct.tok.AccessToken.IsZero()
		}},
		{"mutex", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return locked.fresh(time.Now()) && !locked.tok.AccessToken.IsZero()
		}},
	}
	for _, l := range lookups {
		for _, g := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", l.name, g), func(b *testing.B) {
				inGoroutines(b, g, l.lookup)
			})
		}
	}
}

// inGoroutines runs f b.N times in all, from g goroutines.
func inGoroutines(b *testing.B, g int, f func() bool) {
	if g == 1 {
		for b.Loop() {
			if !f() {
				b.Fatal("no token")
			}
		}
		return
	}
	b.SetParallelism(max(1, g/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !f() {
				b.Error("no token")
				return
			}
		}
	})
}

type staticTokens struct{ tok Token }

func (s staticTokens) Token(context.Context) (Token, error) { return s.tok, nil }
