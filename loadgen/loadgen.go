// Package loadgen drives a running knowledge-base server with a mix of
// searches at a fixed concurrency and reports throughput and latency. It
// only talks to loopback addresses and always stops by itself: after a
// duration or a number of requests, whichever comes first.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Config is one load run.
type Config struct {
	BaseURL     string        // http://127.0.0.1:8080
	Concurrency int           // clients in parallel
	Duration    time.Duration // stop after this long (at most MaxDuration)
	MaxRequests int           // stop after this many requests (at most MaxRequestsCap)
	Queries     []Query       // the mix, used round-robin per client
}

// Query is one request of the mix.
type Query struct {
	Q       string
	Filters url.Values // county=…, theme=…
}

// Hard caps so a run can never go on indefinitely.
const (
	MaxDuration    = 10 * time.Minute
	MaxRequestsCap = 5_000_000
)

// Report is the outcome of a run.
type Report struct {
	Requests           int
	Errors             int
	Elapsed            time.Duration
	QPS                float64
	P50, P95, P99, Max time.Duration
}

func (r Report) String() string {
	return fmt.Sprintf("requests %d, errors %d, %.1fs, %.0f req/s, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms",
		r.Requests, r.Errors, r.Elapsed.Seconds(), r.QPS, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Validate checks the configuration, including that the target is on this machine.
func (c *Config) Validate() error {
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("invalid URL %q", c.BaseURL)
	}
	host := u.Hostname()
	if host != "localhost" {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("load runs only against loopback addresses (127.0.0.0/8, ::1, localhost), not %q", host)
		}
	}
	switch {
	case c.Concurrency < 1 || c.Concurrency > 256:
		return errors.New("concurrency must be 1–256")
	case c.Duration <= 0 || c.Duration > MaxDuration:
		return fmt.Errorf("duration must be in (0, %s]", MaxDuration)
	case c.MaxRequests <= 0 || c.MaxRequests > MaxRequestsCap:
		return fmt.Errorf("requests must be 1–%d", MaxRequestsCap)
	case len(c.Queries) == 0:
		return errors.New("no queries")
	}
	return nil
}

// Run drives the server and returns the report.
func Run(ctx context.Context, c Config) (Report, error) {
	if err := c.Validate(); err != nil {
		return Report{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c.Concurrency}}
	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, min(c.MaxRequests, 1<<20))
		errs      int
		issued    int
		wg        sync.WaitGroup
	)
	next := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if issued >= c.MaxRequests || ctx.Err() != nil {
			return 0, false
		}
		issued++
		return issued, true
	}
	start := time.Now()
	for w := 0; w < c.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, ok := next()
				if !ok {
					return
				}
				q := c.Queries[n%len(c.Queries)]
				t0 := time.Now()
				err := get(ctx, client, c.BaseURL, q)
				d := time.Since(t0)
				if ctx.Err() != nil && err != nil {
					return // the run ended mid-request: not the server's error
				}
				mu.Lock()
				latencies = append(latencies, d)
				if err != nil {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	r := Report{Requests: len(latencies), Errors: errs, Elapsed: elapsed}
	if len(latencies) > 0 {
		r.QPS = float64(len(latencies)) / elapsed.Seconds()
		r.P50, r.P95, r.P99 = pct(latencies, 50), pct(latencies, 95), pct(latencies, 99)
		r.Max = latencies[len(latencies)-1]
	}
	return r, nil
}

func get(ctx context.Context, client *http.Client, base string, q Query) error {
	v := url.Values{}
	for k, vs := range q.Filters {
		v[k] = vs
	}
	v.Set("q", q.Q)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/search?"+v.Encode(), nil)
	if err != nil {
		return err
	}
	// Asked for explicitly, a compressed answer is not decompressed by the
	// transport: the server compresses as it does for browsers, and the
	// tool, which runs on the server's machine and discards the body,
	// takes less of its CPU.
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// pct is the p-th percentile of sorted durations (nearest rank).
func pct(sorted []time.Duration, p int) time.Duration {
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// DefaultMix is a query mix of the shapes users send: one term, a
// colloquial sentence, a term with facet filters, and browsing by filter.
func DefaultMix() []Query {
	f := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	return []Query{
		{Q: "楼宇经济"},
		{Q: "科技型企业缺少抵押物怎么贷款"},
		{Q: "小升规", Filters: f("city", "吕梁市")},
		{Q: "专业镇 品牌建设"},
		{Q: "写字楼怎么招商"},
		{Q: "人才引进", Filters: f("theme", "人才", "kind", "经验")},
		{Q: "光伏 储能"},
		{Q: "", Filters: f("county", "定襄县")},
		{Q: "融资难"},
		{Q: "一站式审批"},
	}
}
