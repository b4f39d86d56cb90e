package watch

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

// patient are limits that never expire in a test; each test makes tiny only
// the limit it exercises, so nothing else can be what ends a connection.
var patient = receiverLimits{readHeader: time.Hour, read: time.Hour, write: time.Hour, idle: time.Hour, conns: 64}

// startReceiver serves h on a loopback port behind lim until the test ends.
func startReceiver(t *testing.T, h http.Handler, lim receiverLimits) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv, served := serve(l, h, lim, slog.New(slog.DiscardHandler))
	t.Cleanup(func() {
		require.NoError(t, srv.Close())
		require.ErrorIs(t, <-served, http.ErrServerClosed)
	})
	return l.Addr().String()
}

// requireClosedByServer reads conn until the server ends it. It returns only
// when the server closes the connection; no deadline is set, so a receiver
// that keeps the connection open makes the test hang instead of pass.
func requireClosedByServer(t *testing.T, r io.Reader) {
	t.Helper()
	_, err := io.ReadAll(r)
	if err != nil {
		require.ErrorIs(t, err, syscall.ECONNRESET)
	}
}

func TestReceiverClosesIdleKeepAlives(t *testing.T) {
	t.Parallel()
	lim := patient
	lim.idle = 20 * time.Millisecond
	addr := startReceiver(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), lim)
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: receiver\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.False(t, resp.Close, "the answer keeps the connection alive")
	require.NoError(t, resp.Body.Close())
	requireClosedByServer(t, br)
}

// TestReceiverDisconnectsSlowloris: a client that never finishes its headers
// is dropped by the header timeout before any handler runs; one that never
// finishes its body is dropped by the request timeout, which the handler's
// read of the body reports as a timeout.
func TestReceiverDisconnectsSlowloris(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sent    string
		tiny    func(*receiverLimits)
		handled bool
	}{
		{"headers never finished", "POST / HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\n",
			func(l *receiverLimits) { l.readHeader = 20 * time.Millisecond }, false},
		{"body never finished", "POST / HTTP/1.1\r\nHost: receiver\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"value\":[",
			func(l *receiverLimits) { l.read = 20 * time.Millisecond }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lim := patient
			tt.tiny(&lim)
			read := make(chan error, 1)
			addr := startReceiver(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, err := io.ReadAll(r.Body)
				read <- err // before the handler returns, so before the server closes
			}), lim)
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			_, err = io.WriteString(conn, tt.sent)
			require.NoError(t, err)
			requireClosedByServer(t, conn)
			if !tt.handled {
				require.Empty(t, read, "a request without complete headers reached the handler")
				return
			}
			require.Len(t, read, 1)
			var ne net.Error
			err = <-read
			require.True(t, errors.As(err, &ne) && ne.Timeout(), "the body read ended with %v, not a timeout", err)
		})
	}
}

// TestReceiverCapsConcurrentConnections: the receiver applies its cap. With a
// cap of 2, four clients, each on its own connection, are all served, never
// more than two at a time (a handler leaves before its connection closes, so
// a third can only start after one has left). Handlers hold until released,
// one per new entry. That the third is not even accepted is shown by
// TestLimitListenerTakesNoConnectionBeyondTheCap.
func TestReceiverCapsConcurrentConnections(t *testing.T) {
	t.Parallel()
	const limit, clients = 2, 4
	lim := patient
	lim.conns = limit
	var active, most atomic.Int32
	entered, release := make(chan struct{}), make(chan struct{})
	addr := startReceiver(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := active.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		entered <- struct{}{}
		<-release
		active.Add(-1)
	}), lim)

	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var wg sync.WaitGroup
	codes := make(chan int, clients)
	for range clients {
		wg.Go(func() {
			resp, err := hc.Get("http://" + addr + "/")
			if err != nil {
				codes <- 0
				return
			}
			_ = resp.Body.Close()
			codes <- resp.StatusCode
		})
	}
	for range limit {
		<-entered
	}
	for range clients - limit {
		release <- struct{}{}
		<-entered
	}
	for range limit {
		release <- struct{}{}
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		require.Equal(t, http.StatusOK, code)
	}
	require.Equal(t, int32(limit), most.Load())
}

// chanListener hands out the connections sent on conns and counts how many
// were taken; blocking on a channel lets synctest see when Accept waits.
type chanListener struct {
	conns chan net.Conn
	taken atomic.Int32
}

func (l *chanListener) Accept() (net.Conn, error) {
	c, ok := <-l.conns
	if !ok {
		return nil, net.ErrClosed
	}
	l.taken.Add(1)
	return c, nil
}

func (l *chanListener) Close() error   { return nil }
func (l *chanListener) Addr() net.Addr { return &net.TCPAddr{} }

// TestLimitListenerTakesNoConnectionBeyondTheCap: with two connections open,
// a third waiting to be accepted is not taken from the socket until one of
// them closes, and closing a connection twice frees one slot only.
func TestLimitListenerTakesNoConnectionBeyondTheCap(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		inner := &chanListener{conns: make(chan net.Conn)}
		l := newLimitListener(inner, 2)
		accepted := make(chan net.Conn)
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					close(accepted)
					return
				}
				accepted <- c
			}
		}()
		pending := make([]net.Conn, 4)
		go func() {
			for i := range pending {
				pending[i], _ = net.Pipe()
				inner.conns <- pending[i]
			}
		}()
		c1, c2 := <-accepted, <-accepted
		synctest.Wait()
		require.Equal(t, int32(2), inner.taken.Load(), "a third connection was accepted while two were open")

		require.NoError(t, c1.Close())
		require.NoError(t, c1.Close())
		<-accepted
		synctest.Wait()
		require.Equal(t, int32(3), inner.taken.Load(), "closing one connection twice freed two slots")

		require.NoError(t, c2.Close())
		<-accepted
		require.NoError(t, l.Close())
		_, open := <-accepted
		require.False(t, open, "Close ends an Accept waiting for a slot")
	})
}
