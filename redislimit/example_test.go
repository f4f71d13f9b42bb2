package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/phonelineplus-go/phonelineplus"
	"github.com/phonelineplus-go/phonelineplus/phonelineplustest"
	"github.com/phonelineplus-go/phonelineplus/redislimit"
)

// Every process that builds its client this way, with the same key ID and
// Redis, shares the key's 100 requests per minute.
func Example() {
	fake := phonelineplustest.NewServer() // stands in for the API
	defer fake.Close()
	mr, err := miniredis.Run() // stands in for your Redis
	if err != nil {
		log.Fatal(err)
	}
	defer mr.Close()
	keyID, secret := fake.Credentials()

	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 []string{mr.Addr()},
		ContextTimeoutEnabled: true,
	})
	defer rdb.Close()
	client, err := phonelineplus.New(keyID, secret,
		phonelineplus.WithBaseURL(fake.URL()),
		phonelineplus.WithLimiter(redislimit.New(rdb, keyID)),
	)
	if err != nil {
		log.Fatal(err)
	}
	customers, err := client.Customers.List(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(customers), "customers")
	// Output: 0 customers
}

// A wait that cannot end before the context's deadline fails at once.
func ExampleLimiter_Wait() {
	mr, err := miniredis.Run()
	if err != nil {
		log.Fatal(err)
	}
	defer mr.Close()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), ContextTimeoutEnabled: true})
	defer rdb.Close()
	lim := redislimit.New(rdb, "my-key-id") // 100/min: a slot every 600 ms

	ctx := context.Background()
	fmt.Println(lim.Wait(ctx))

	ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = lim.Wait(ctx)
	fmt.Println(errors.Is(err, phonelineplus.ErrRateLimited), time.Since(start) < 100*time.Millisecond)
	// Output:
	// <nil>
	// true true
}

func ExampleLimiter_Key() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	fmt.Println(redislimit.New(rdb, "test").Key())
	fmt.Println(redislimit.New(rdb, "test", redislimit.WithKeyPrefix("staging:")).Key())
	// Output:
	// rate:phonelineplus:ratelimit:{9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
	// rate:staging:{9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
}
