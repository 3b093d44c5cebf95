package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/migration-exporter/migration_exporter/internal/app"
)

// connCounter counts the server's open connections through its ConnState
// hook: one goroutine serves each.
type connCounter struct {
	mu   sync.Mutex
	open int
	seen int
}

func (c *connCounter) hook(_ net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.open++
		c.seen++
	case http.StateClosed, http.StateHijacked:
		c.open--
	}
}

func (c *connCounter) counts() (open, seen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.open, c.seen
}

// The server closes idle keep-alive connections, connections that stop in
// the middle of the request line, and connections that stop in the middle
// of a request body, each after its timeout; every client sees EOF (or a
// reset) and the server holds no connection afterwards.
func TestServerClosesIdleAndHalfSentConnections(t *testing.T) {
	t.Parallel()
	const (
		idle, halfLine, halfBody, silent = 200, 50, 20, 20
		clientWait                       = 10 * time.Second // a client that waits this long has failed
	)
	var conns connCounter
	exp := startExporterWith(t, app.Options{
		Limits: app.ServerLimits{
			ReadHeaderTimeout: 300 * time.Millisecond,
			ReadTimeout:       500 * time.Millisecond,
			IdleTimeout:       300 * time.Millisecond,
		},
		ConnState: conns.hook,
	}, "--simulate")
	addr := exp.URL[len("http://"):]

	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	type client struct {
		kind string
		conn net.Conn
		r    io.Reader
	}
	var clients []client
	start := time.Now()
	for range idle { // one full request and answer each, then idle
		c := dial()
		if _, err := io.WriteString(c, "GET /-/healthy HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("keep-alive request: %d, close %v", resp.StatusCode, resp.Close)
		}
		clients = append(clients, client{"idle", c, br})
	}
	for range halfLine {
		c := dial()
		if _, err := io.WriteString(c, "GET /metr"); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, client{"half request line", c, c})
	}
	for range halfBody { // the headers promise 100 bytes, 10 come
		c := dial()
		if _, err := io.WriteString(c, "POST /-/healthy HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n0123456789"); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, client{"half body", c, c})
	}
	for range silent {
		clients = append(clients, client{"silent", dial(), nil})
	}
	if open, _ := conns.counts(); open < len(clients) {
		// Not fatal: a connection may already have been closed.
		t.Logf("%d connections open on the server after opening %d", open, len(clients))
	}

	// Every client reads until the server closes its connection.
	type outcome struct {
		kind  string
		err   error
		after time.Duration
	}
	outcomes := make(chan outcome, len(clients))
	for _, c := range clients {
		go func() {
			_ = c.conn.SetReadDeadline(time.Now().Add(clientWait))
			r := c.r
			if r == nil {
				r = c.conn
			}
			_, err := io.Copy(io.Discard, r) // nil at EOF
			outcomes <- outcome{c.kind, err, time.Since(start)}
		}()
	}
	slowest := map[string]time.Duration{}
	for range clients {
		o := <-outcomes
		slowest[o.kind] = max(slowest[o.kind], o.after)
		var ne net.Error
		switch {
		case o.err == nil, errors.Is(o.err, syscall.ECONNRESET):
		case errors.As(o.err, &ne) && ne.Timeout():
			t.Errorf("%s connection: still open after %v", o.kind, clientWait)
		default:
			t.Errorf("%s connection: %v, want EOF or a reset", o.kind, o.err)
		}
	}
	t.Logf("%d clients done; the last of each kind after: %v", len(clients), slowest)

	// The server side: no connection (so no goroutine serving one) is left.
	deadline := time.Now().Add(5 * time.Second)
	for {
		open, seen := conns.counts()
		if open == 0 {
			t.Logf("server: %d connections seen, none open, after %v", seen, time.Since(start))
			if seen < len(clients) {
				t.Errorf("server saw %d connections, want at least %d", seen, len(clients))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server: %d of %d connections still open", open, seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A request whose line and headers pass ServerLimits.MaxHeaderBytes is refused with
// 431 Request Header Fields Too Large.
func TestServerRefusesHugeHeaders(t *testing.T) {
	t.Parallel()
	exp := startExporterWith(t, app.Options{Limits: app.ServerLimits{MaxHeaderBytes: 1 << 10}}, "--simulate")
	req, _ := http.NewRequest(http.MethodGet, exp.URL+"/-/healthy", nil)
	req.Header.Set("X-Padding", fmt.Sprintf("%08192d", 0))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("8 KiB header against a 1 KiB limit: %d, want 431", resp.StatusCode)
	}
}
