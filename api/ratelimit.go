package api

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// Bounds of the rate limit settings. Below MinRateLimit a refused client
// would be told to come back after more than a quarter of an hour, which
// is a misconfiguration rather than a limit.
const (
	MinRateLimit = 0.001
	MaxRateLimit = 1_000_000
	MaxRateBurst = 1_000_000
)

// Errors of CheckRateLimit, for callers that explain them (the CLI names the flag).
var (
	ErrRateLimit = errors.New("rate limit out of range")
	ErrRateBurst = errors.New("rate burst out of range")
)

// CheckRateLimit validates a rate limit (requests per second per client,
// 0 for none) and its burst (0 for the default).
func CheckRateLimit(limit float64, burst int) error {
	if math.IsNaN(limit) || math.IsInf(limit, 0) || limit < 0 || limit > MaxRateLimit || limit > 0 && limit < MinRateLimit {
		return ErrRateLimit
	}
	if burst < 0 || burst > MaxRateBurst {
		return ErrRateBurst
	}
	return nil
}

// limiter keeps a token bucket (golang.org/x/time/rate) per client. The map
// is bounded: clients idle long enough to have refilled their bucket are
// forgotten (a fresh bucket is the same), and a flood of new clients beyond
// maxClients evicts arbitrary entries rather than growing without limit.
type limiter struct {
	limit     rate.Limit
	burst     int
	idle      time.Duration // after this long unseen, a bucket is full again
	max       int
	mu        sync.Mutex
	clients   map[string]*client
	lastSweep time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxClients bounds the memory a flood of client addresses can take
// (about 200 bytes each).
const maxClients = 100_000

// newLimiter returns a limiter of perSecond requests per client with bursts
// of burst (0: the rate rounded up, at least 1). Invalid settings, which
// CheckRateLimit reports, are clamped here.
func newLimiter(perSecond float64, burst int) *limiter {
	perSecond = math.Min(math.Max(perSecond, MinRateLimit), MaxRateLimit)
	if burst < 1 {
		burst = int(math.Max(1, math.Ceil(perSecond)))
	}
	burst = min(burst, MaxRateBurst)
	idle := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &limiter{limit: rate.Limit(perSecond), burst: burst, idle: max(idle, time.Second),
		max: maxClients, clients: map[string]*client{}}
}

// allow takes a token for key, or says how long until one is free.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cl := l.clients[key]
	if cl == nil {
		if now.Sub(l.lastSweep) > time.Minute || len(l.clients) >= l.max {
			l.sweep(now)
		}
		cl = &client{lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[key] = cl
	}
	cl.seen = now
	r := cl.lim.ReserveN(now, 1)
	if !r.OK() { // cannot happen with burst >= 1
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep forgets idle clients; if the map is still full, it drops a quarter
// of it (map order is random), so sweeping stays amortised O(1) per client.
func (l *limiter) sweep(now time.Time) {
	for k, cl := range l.clients {
		if now.Sub(cl.seen) > l.idle {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= l.max {
		target := l.max * 3 / 4
		for k := range l.clients {
			if len(l.clients) <= target {
				break
			}
			delete(l.clients, k)
		}
	}
	l.lastSweep = now
}

// size is the number of clients tracked.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// clientKey is the key a client is limited by: its address, and for IPv6
// its /64 network, which one subscriber typically holds whole.
func clientKey(ip string) string {
	addr := net.ParseIP(ip)
	if addr == nil || addr.To4() != nil {
		return ip
	}
	return addr.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// rateLimit answers 429 with Retry-After when a client exceeds its rate.
// The client is c.ClientIP(): the connection's address unless it is a
// trusted proxy (Options.TrustedProxies), so forwarding headers sent by
// anyone else cannot pick a fresh bucket per request.
func (s *Server) rateLimit(l *limiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		ok, wait := l.allow(clientKey(c.ClientIP()), time.Now())
		if !ok {
			c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			failCode(c, http.StatusTooManyRequests, CodeRateLimited, "请求过于频繁，请稍后再试")
			return
		}
		c.Next()
	}
}

// ParseTrustedProxies reads a comma-separated list of proxy addresses and
// CIDR ranges ("10.0.0.1, 192.168.0.0/16"); empty means none.
func ParseTrustedProxies(list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if strings.Contains(p, "/") {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return nil, &ProxyError{Entry: p}
			}
		} else if net.ParseIP(p) == nil {
			return nil, &ProxyError{Entry: p}
		}
		out = append(out, p)
	}
	return out, nil
}

// ProxyError is an entry of a trusted proxy list that is neither an IP
// address nor a CIDR range.
type ProxyError struct{ Entry string }

func (e *ProxyError) Error() string {
	return fmt.Sprintf("%q is not an IP address or CIDR range", e.Entry)
}
