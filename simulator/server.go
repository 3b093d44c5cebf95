package simulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Server is a Simulator listening on a loopback port.
type Server struct {
	*Simulator
	URL string // e.g. http://127.0.0.1:41234
	srv *http.Server
}

// Start serves sim on 127.0.0.1 at a free port.
func Start(sim *Simulator) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Simulator: sim, URL: "http://" + l.Addr().String(),
		srv: &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(err) // cannot happen on a loopback listener we own
		}
	}()
	return s, nil
}

// Close stops the server and ends the answers under way.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}
