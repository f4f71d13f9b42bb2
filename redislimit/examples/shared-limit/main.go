// Command shared-limit shows several processes sharing one PhoneLine+ rate
// budget through Redis with package redislimit.
//
// Each "process" is a goroutine with its own phonelineplus.Client, go-redis
// client and redislimit.Limiter, as separate pods of a service would have;
// several workers in each call the API as fast as the shared budget allows.
// The budget lives in one Redis key, so together they send no more than the
// key's rate, evenly spaced, and the server never answers 429.
//
// By default it runs on an embedded Redis (miniredis) and the in-process
// fake API (phonelineplustest) with a strict rolling-window limit:
//
//	go run ./redislimit/examples/shared-limit
//	go run ./redislimit/examples/shared-limit -processes 4 -workers 10 -per-minute 600 -duration 20s
//
// Set REDIS_URL to use a real Redis, and PHONELINEPLUS_KEY_ID and
// PHONELINEPLUS_SECRET (and PHONELINEPLUS_BASE_URL, default production) to
// call the real API with read-only requests (keep -per-minute at 100 there):
//
//	REDIS_URL=redis://127.0.0.1:6379/0 go run ./redislimit/examples/shared-limit
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
	"github.com/phonelineplus-go/phonelineplus/redislimit"
)

func main() {
	processes := flag.Int("processes", 3, "processes sharing the budget")
	workers := flag.Int("workers", 5, "goroutines calling the API in each process")
	perMinute := flag.Int("per-minute", 300, "the shared budget, requests per minute")
	duration := flag.Duration("duration", 10*time.Second, "how long to run")
	flag.Parse()
	if *processes < 1 || *workers < 1 || *perMinute < 1 || *duration <= 0 {
		log.Fatal("shared-limit: -processes, -workers, -per-minute and -duration must be positive")
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			log.Fatalf("shared-limit: starting miniredis: %v", err)
		}
		defer mr.Close()
		redisURL = "redis://" + mr.Addr() + "/0"
	}
	redisOpts, err := redis.ParseURL(redisURL)
	if err != nil {
		log.Fatalf("shared-limit: REDIS_URL: %v", err)
	}
	redisOpts.ContextTimeoutEnabled = true

	keyID, secret := os.Getenv("PHONELINEPLUS_KEY_ID"), os.Getenv("PHONELINEPLUS_SECRET")
	baseURL := os.Getenv("PHONELINEPLUS_BASE_URL")
	var fake *phonelineplustest.Server
	if keyID == "" {
		fake = phonelineplustest.NewServer(phonelineplustest.WithRateLimit(*perMinute))
		defer fake.Close()
		keyID, secret = fake.Credentials()
		baseURL = fake.URL()
	} else if baseURL == "" {
		baseURL = phonelineplus.ProductionURL
	}

	fmt.Printf("%d processes x %d workers share %d requests/min for %v (Redis %s)\n",
		*processes, *workers, *perMinute, *duration, redisOpts.Addr)
	ctx := context.Background()
	clients := make([]*phonelineplus.Client, *processes)
	for p := range clients {
		// Everything here is per process: nothing is shared but Redis.
		rdb := redis.NewClient(redisOpts)
		defer rdb.Close()
		lim := redislimit.New(rdb, keyID,
			redislimit.WithRateLimit(*perMinute, 1),
			redislimit.WithFallback(max(*perMinute / *processes, 1)),
			redislimit.WithLogger(logger))
		client, err := phonelineplus.New(keyID, secret,
			phonelineplus.WithBaseURL(baseURL),
			phonelineplus.WithLimiter(lim),
			phonelineplus.WithLogger(logger))
		if err != nil {
			log.Fatalf("shared-limit: %v", err)
		}
		// A start-up check of the credentials.
		if _, err := client.Partner.GetSettings(ctx); err != nil {
			log.Fatalf("shared-limit: checking the credentials: %v", err)
		}
		clients[p] = client
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	counts := make([]processCount, *processes)
	var wg sync.WaitGroup
	for p, client := range clients {
		for range *workers {
			wg.Go(func() { counts[p].work(ctx, client) })
		}
	}
	wg.Wait()

	var ok, limited int64
	for p := range counts {
		c := &counts[p]
		fmt.Printf("process %d: %d requests, %d answered 429\n", p+1, c.ok.Load(), c.status429.Load())
		ok += c.ok.Load()
		limited += c.status429.Load()
	}
	fmt.Printf("together: %d requests in %v, %d answered 429\n", ok, time.Since(start).Round(time.Millisecond), limited)
	if fake != nil {
		var times []time.Time
		n429 := 0
		for _, r := range fake.Requests() {
			if r.Status == http.StatusTooManyRequests {
				n429++
			}
			if !r.Time.Before(start) {
				times = append(times, r.Time)
			}
		}
		if len(times) > 1 {
			// n evenly spaced requests fill n-1 intervals.
			span := times[len(times)-1].Sub(times[0])
			fmt.Printf("the fake server saw %d requests from the workers over %v: %.0f/min of %d allowed; %d answered 429 in all\n",
				len(times), span.Round(time.Millisecond), float64(len(times)-1)/span.Minutes(), *perMinute, n429)
		}
	}
}

// processCount counts one process's calls.
type processCount struct {
	ok, status429 atomic.Int64
}

// work calls a read-only endpoint until ctx ends.
func (c *processCount) work(ctx context.Context, client *phonelineplus.Client) {
	for ctx.Err() == nil {
		_, err := client.Customers.List(ctx)
		var apiErr *phonelineplus.APIError
		switch {
		case err == nil:
			c.ok.Add(1)
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests:
			c.status429.Add(1)
		case ctx.Err() != nil || errors.Is(err, phonelineplus.ErrRateLimited):
			return // the run is over: the next slot is past the end
		default:
			log.Printf("shared-limit: %v", err)
			return
		}
	}
}
