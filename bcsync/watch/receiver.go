package watch

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// receiverLimits bound what one caller of the notification receiver can hold:
// the receiver is reachable from the internet and anyone can connect.
type receiverLimits struct {
	// readHeader bounds the request line and headers, read bounds the whole
	// request (headers and body), so a client that never finishes sending
	// (slowloris) is disconnected.
	readHeader, read time.Duration
	// write bounds reading the body, answering and writing the answer.
	write time.Duration
	// idle closes a keep-alive connection that sends no next request.
	idle time.Duration
	// conns caps the connections served at once; more wait to be accepted.
	conns int
}

// defaultReceiverLimits: BC posts at most bc.MaxWebhookBody (4 MiB) and gives
// up on an answer after a few seconds; the webhook handler answers within
// bc.WebhookQueueWait (2 s). 30 s to read a request is 140 KB/s for the
// largest post; 45 s covers that read and the answer. BC sends notifications
// from a few background sessions at once, so 64 connections leave room while
// a flood holds at most 64 sockets, each for at most 30 s.
var defaultReceiverLimits = receiverLimits{
	readHeader: 10 * time.Second,
	read:       30 * time.Second,
	write:      45 * time.Second,
	idle:       60 * time.Second,
	conns:      64,
}

// serve starts the receiver on l with h behind lim; served gets Serve's result.
func serve(l net.Listener, h http.Handler, lim receiverLimits, log *slog.Logger) (srv *http.Server, served <-chan error) {
	srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.readHeader,
		ReadTimeout:       lim.read,
		WriteTimeout:      lim.write,
		IdleTimeout:       lim.idle,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(newLimitListener(l, lim.conns)) }()
	return srv, done
}

// limitListener accepts a connection only while fewer than its cap are open;
// the next waits, unaccepted, until one closes. (golang.org/x/net/netutil's
// LimitListener does the same; x/net is not otherwise a dependency.)
type limitListener struct {
	net.Listener
	slots chan struct{}
	done  chan struct{} // closed by Close, to end an Accept waiting for a slot
	once  sync.Once
}

func newLimitListener(l net.Listener, n int) *limitListener {
	return &limitListener{Listener: l, slots: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back once, on the first Close.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
