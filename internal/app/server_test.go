package app

import (
	"net/http"
	"testing"
	"time"
)

func TestServerLimitsDefaults(t *testing.T) {
	t.Parallel()
	srv := newServer(http.NotFoundHandler(), &Options{})
	if srv.ReadHeaderTimeout != 10*time.Second || srv.ReadTimeout != 30*time.Second ||
		srv.IdleTimeout != 2*time.Minute || srv.MaxHeaderBytes != 64<<10 {
		t.Errorf("production limits: read header %v, read %v, idle %v, max header bytes %d",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	// A WriteTimeout would cut scrapes that the scrape timeout header allows.
	if srv.WriteTimeout != 0 {
		t.Errorf("WriteTimeout = %v, want none", srv.WriteTimeout)
	}
	// Prometheus reuses its connection between scrapes of 1m.
	if srv.IdleTimeout <= time.Minute {
		t.Errorf("IdleTimeout %v does not outlast a 1m scrape interval", srv.IdleTimeout)
	}

	limits := ServerLimits{ReadHeaderTimeout: 1, ReadTimeout: 2, IdleTimeout: 3, MaxHeaderBytes: 4}
	srv = newServer(http.NotFoundHandler(), &Options{Limits: limits})
	if srv.ReadHeaderTimeout != 1 || srv.ReadTimeout != 2 || srv.IdleTimeout != 3 || srv.MaxHeaderBytes != 4 {
		t.Errorf("limits not taken: %+v", srv)
	}
}
