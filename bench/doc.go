// Package bench measures the SDK against what it replaces: hand-written
// net/http code (overhead per call), a global lock (the token path), and
// fixed sleeps (rate-limit utilisation, in virtual time).
//
// Everything is in _test.go files. Plain `go test ./bench` runs only the
// quick checks: that both sides of the overhead benchmarks decode the same
// values, and the rate-limit checks in virtual time, which take well under
// a second of wall time thanks to testing/synctest. The benchmarks run
// with -bench:
//
//	go test -run '^$' -bench . -benchmem ./bench
//	go run ./bench/report          # every figure, as a markdown table
package bench
