// Command report runs the SDK's benchmarks and virtual-time checks and
// prints one markdown table of the results against their targets.
//
//	go run ./bench/report                 # -count 10, about five minutes
//	go run ./bench/report -count 3        # quicker, noisier
//	go run ./bench/report > bench/RESULTS.md
//
// The overhead benchmarks run -count times, each time as one process that
// runs the SDK and the hand-written client back to back, so that a change
// in machine load hits both sides of a ratio alike; each figure is the
// median of the runs (as benchstat reports it). Progress goes to stderr.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	count     = flag.Int("count", 10, "how many times to run each benchmark")
	benchtime = flag.String("benchtime", "1s", "-benchtime for each benchmark run")
)

func main() {
	flag.Parse()
	if *count < 1 {
		fatalf("-count must be at least 1")
	}
	root, err := moduleRoot()
	if err != nil {
		fatalf("finding the module: %v", err)
	}
	tmp, err := os.MkdirTemp("", "phonelineplus-bench-")
	if err != nil {
		fatalf("%v", err)
	}
	defer os.RemoveAll(tmp)

	benchBin := filepath.Join(tmp, "bench.test")
	rootBin := filepath.Join(tmp, "root.test")
	progress("building the test binaries")
	mustRun(root, "go", "test", "-c", "-o", benchBin, "./bench")
	mustRun(root, "go", "test", "-c", "-o", rootBin, ".")

	samples := samples{}
	for i := range *count {
		progress("round %d/%d: overhead and token benchmarks", i+1, *count)
		out := mustRun(root, benchBin, "-test.run", "^$", "-test.bench", "^BenchmarkOverhead$",
			"-test.benchmem", "-test.benchtime", *benchtime, "-test.count", "1")
		samples.parse(out)
		out = mustRun(root, rootBin, "-test.run", "^$", "-test.bench", "^BenchmarkTokenWarm$",
			"-test.cpu", "1,2", "-test.benchtime", *benchtime, "-test.count", "1")
		samples.parse(out)
	}
	progress("virtual-time checks")
	vt, vtErr := run(root, benchBin, "-test.run", "^(TestLimiterUtilisation|TestProvisioningWorkload)$", "-test.v", "-test.count", "1")
	virtual := parseVirtual(vt)
	if vtErr != nil && len(virtual) == 0 {
		fatalf("the virtual-time checks did not run: %v\n%s", vtErr, vt)
	}

	var b bytes.Buffer
	writeHeader(&b, root)
	t := &table{}
	t.overhead(samples)
	t.token(samples)
	t.virtual(virtual)
	t.write(&b)
	writeNotes(&b)
	os.Stdout.Write(b.Bytes())
}

// samples maps a benchmark name (without the -GOMAXPROCS suffix, which
// becomes "/cpu=N") and a unit ("ns/op") to the values of its runs.
type samples map[string]map[string][]float64

var procsSuffix = regexp.MustCompile(`-(\d+)$`)

func (s samples) parse(out []byte) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name, procs := f[0], "1"
		if m := procsSuffix.FindStringSubmatch(name); m != nil {
			name, procs = strings.TrimSuffix(name, m[0]), m[1]
		}
		name += "/cpu=" + procs
		if s[name] == nil {
			s[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			s[name][f[i+1]] = append(s[name][f[i+1]], v)
		}
	}
}

// median returns the median of a benchmark's values in unit, and false if
// there are none.
func (s samples) median(name, unit string) (float64, bool) {
	vs := slices.Clone(s[name][unit])
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], true
	}
	return (vs[n/2-1] + vs[n/2]) / 2, true
}

// findProcs returns the GOMAXPROCS the overhead benchmarks ran with.
func (s samples) findProcs(prefix string) string {
	for name := range s {
		if strings.HasPrefix(name, prefix) {
			return name[strings.LastIndex(name, "/cpu=")+len("/cpu="):]
		}
	}
	return "1"
}

// virtualResult is one "BENCH kind k=v ..." line of the virtual-time tests.
type virtualResult struct {
	kind   string
	fields map[string]string
}

func parseVirtual(out []byte) []virtualResult {
	var res []virtualResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		_, after, ok := strings.Cut(sc.Text(), "BENCH ")
		if !ok {
			continue
		}
		f := strings.Fields(after)
		if len(f) == 0 {
			continue
		}
		r := virtualResult{kind: f[0], fields: map[string]string{}}
		for _, kv := range f[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				r.fields[k] = v
			}
		}
		res = append(res, r)
	}
	return res
}

// table is the one markdown table of the report.
type table struct{ rows [][]string }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func passFail(ok bool) string {
	if ok {
		return "pass"
	}
	return "**FAIL**"
}

var overheadCases = []struct {
	name, label string
	maxRatio    float64
}{
	{"CustomersGet", "Customers.Get (small body)", 1.10},
	{"NumbersList1000", "Numbers.List, 1,000 numbers", 1.10},
	{"CustomersCreate", "Customers.Create (POST)", 1.15},
}

const maxExtraAllocs = 20

func (t *table) overhead(s samples) {
	procs := s.findProcs("BenchmarkOverhead/")
	for _, c := range overheadCases {
		sdk := "BenchmarkOverhead/" + c.name + "/sdk/cpu=" + procs
		hooked := "BenchmarkOverhead/" + c.name + "/hooked/cpu=" + procs
		raw := "BenchmarkOverhead/" + c.name + "/raw/cpu=" + procs
		med := func(name, unit string) float64 { v, _ := s.median(name, unit); return v }
		st, rt := med(sdk, "ns/op"), med(raw, "ns/op")
		if st == 0 || rt == 0 {
			continue
		}
		t.add(c.label+": time per call (ns)", number(st), number(rt)+" (hand-written net/http)",
			fmt.Sprintf("%.3f", st/rt), "—", "")
		rc := med(raw, "cpu-ns/op")
		for _, v := range []struct{ name, label string }{{sdk, "CPU per call (ns)"}, {hooked, "CPU per call with a no-op hook in every field (ns)"}} {
			if sc := med(v.name, "cpu-ns/op"); sc > 0 && rc > 0 {
				t.add(c.label+": "+v.label, number(sc), number(rc)+" (hand-written net/http)", fmt.Sprintf("%.3f", sc/rc),
					fmt.Sprintf("≤ %.2f", c.maxRatio), passFail(sc/rc <= c.maxRatio))
			}
		}
		sa, ra := med(sdk, "allocs/op"), med(raw, "allocs/op")
		t.add(c.label+": allocations per call (bytes)",
			fmt.Sprintf("%s (%s B)", number(sa), number(med(sdk, "B/op"))),
			fmt.Sprintf("%s (%s B)", number(ra), number(med(raw, "B/op"))),
			fmt.Sprintf("%+.1f allocs", sa-ra), fmt.Sprintf("≤ +%d allocs", maxExtraAllocs), passFail(sa-ra <= maxExtraAllocs))
	}
}

func (t *table) token(s samples) {
	for _, procs := range []string{"1", "2"} {
		base, ok := s.median("BenchmarkTokenWarm/cache/goroutines=1/cpu="+procs, "ns/op")
		if !ok {
			continue
		}
		for _, g := range []string{"1", "8", "64"} {
			v, ok := s.median("BenchmarkTokenWarm/cache/goroutines="+g+"/cpu="+procs, "ns/op")
			if !ok {
				continue
			}
			mutex, _ := s.median("BenchmarkTokenWarm/mutex/goroutines="+g+"/cpu="+procs, "ns/op")
			t.add(fmt.Sprintf("Warm token lookup, %s goroutine(s), -cpu %s (ns)", g, procs),
				fmt.Sprintf("%.1f", v), fmt.Sprintf("%.1f (one global mutex)", mutex),
				fmt.Sprintf("%.2f", v/base), "≤ 1.25 × 1 goroutine",
				passFail(v <= 1.25*base))
		}
	}
}

func (t *table) virtual(rs []virtualResult) {
	// Parallel subtests log in any order: utilisation rows by goroutines.
	slices.SortStableFunc(rs, func(a, b virtualResult) int {
		if a.kind != b.kind {
			return strings.Compare(b.kind, a.kind)
		}
		x, _ := strconv.Atoi(a.fields["goroutines"])
		y, _ := strconv.Atoi(b.fields["goroutines"])
		return x - y
	})
	for _, r := range rs {
		f := r.fields
		atoi := func(k string) int { n, _ := strconv.Atoi(f[k]); return n }
		switch r.kind {
		case "utilisation":
			ok := atoi("completed")*100 >= 99*atoi("theoretical") && atoi("status429") == 0 && atoi("max_per_minute") <= 100
			t.add(fmt.Sprintf("Limiter utilisation, %s goroutine(s), 10 virtual min (requests)", f["goroutines"]),
				fmt.Sprintf("%s (429s: %s; most in a rolling minute: %s)", f["completed"], f["status429"], f["max_per_minute"]),
				f["theoretical"]+" (theoretical)", f["pct"]+"%", "≥ 99%, no 429, ≤ 100 per rolling minute", passFail(ok))
		case "provisioning":
			ratio, _ := strconv.ParseFloat(f["ratio"], 64)
			who, target, result := "SDK, default limiter", "≤ 1.02× the minimum, no 429", passFail(ratio <= 1.02 && atoi("status429") == 0)
			if f["client"] != "sdk" {
				who, target, result = "Python client's fixed sleeps (model)", "for comparison", ""
			}
			t.add(fmt.Sprintf("Provisioning 100 customers (%s requests), %s", f["requests"], who),
				fmt.Sprintf("%s (429s: %s)", f["took"], f["status429"]),
				f["theoretical"]+" (requests ÷ 100/min)", fmt.Sprintf("%.3f", ratio), target, result)
		}
	}
}

func (t *table) write(w io.Writer) {
	fmt.Fprintln(w, "| Figure | SDK | Compared with | Ratio | Target | Result |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|---|")
	for _, r := range t.rows {
		fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
	}
}

// number formats a median: whole numbers with thousands separators.
func number(v float64) string {
	s := strconv.FormatFloat(v, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func writeHeader(w io.Writer, root string) {
	goVersion := strings.TrimSpace(string(mustRun(root, "go", "env", "GOVERSION")))
	fmt.Fprintln(w, "# Benchmark results")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Produced by `go run ./bench/report -count %d -benchtime %s` on %s.\n\n",
		*count, *benchtime, time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(w, "- Machine: %s, %d logical cores, %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- Go: %s\n", goVersion)
	fmt.Fprintf(w, "- Each figure is the median of %d runs.\n\n", *count)
}

func writeNotes(w io.Writer) {
	fmt.Fprint(w, `
Absolute times vary by machine (and, on a shared machine, by the minute);
only the ratios carry over. "time" is wall time per call; "CPU" is the CPU
time of the whole process (client, the in-process httptest server, the
runtime) per call, which other programs on a shared machine disturb less.
Both sides of each overhead row share one http.Transport with keep-alive,
one httptest server with canned bodies and a cached token; the SDK has an
infinite limiter and default retries; the hand-written side checks the
status and decodes into an equivalent struct.

The token rows are ns per lookup of a cached token (the atomic load every
request makes) from 1, 8 and 64 goroutines; "one global mutex" is the same
lookup behind a sync.Mutex, for contrast.

The virtual-time rows are single, deterministic runs in testing/synctest
against phonelineplustest's strict rolling window of 100 requests per 60 s
per key, with zero server latency. The provisioning workload is 100
customers, each with 3 users, a number allocated to each user and one
order: 12 requests per customer (a page of available numbers, the
customer, per user the user, the number and its allocation, the order)
plus /auth and /products. The Python row models the public Python client:
no limiter, a 3.5 s sleep after each customer, 0.5 s after each user and
2 s after each order, and on a 429 a linear backoff of 1.5 s times the
attempt (up to 8 tries), without reading Retry-After.
`)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run it inside the module")
	}
	return filepath.Dir(mod), nil
}

func run(dir, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.Bytes(), err
}

func mustRun(dir, name string, args ...string) []byte {
	out, err := run(dir, name, args...)
	if err != nil {
		fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "report: "+format+"\n", args...)
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "report: "+format+"\n", args...)
	os.Exit(1)
}
