package gate

import (
	"net/http"
	"time"
)

// ServiceModel is how long the fake takes to serve a request: a fixed cost
// per request plus the time to stream the body at a per-call transfer rate.
// BC documents about 2 MB/s per call; the base cost covers query planning
// and the network round trip. Scale multiplies every duration, so
// benchmarks can run a full model in seconds (Scale 0.01) or at real speed
// (Scale 1). The zero value serves as fast as it can.
type ServiceModel struct {
	Base           time.Duration
	BytesPerSecond float64
	Scale          float64
}

// RealBC is the model at BC online's published rates: 2 MB/s per call and
// 100 ms per request.
func RealBC() ServiceModel {
	return ServiceModel{Base: 100 * time.Millisecond, BytesPerSecond: 2e6, Scale: 1}
}

func (m ServiceModel) enabled() bool { return m.Scale > 0 && (m.Base > 0 || m.BytesPerSecond > 0) }

// serviceTime is the modelled time of a response of n bytes, before scaling.
func (m ServiceModel) serviceTime(n int) time.Duration {
	d := m.Base
	if m.BytesPerSecond > 0 {
		d += time.Duration(float64(n) / m.BytesPerSecond * float64(time.Second))
	}
	return d
}

// Writer writes a response in chunks, no faster than the service model
// allows: nothing before the base cost has passed, then BytesPerSecond. It
// also cuts the body when a Reset or Truncate fault was chosen.
type Writer struct {
	w       http.ResponseWriter
	l       *Gate
	start   time.Time
	fault   Fault
	buf     []byte
	written int
	cut     bool
	status  int
}

// ChunkSize is how much of an answer a Writer sends at once; writers of
// long answers hand it pieces of about this size.
const ChunkSize = 32 << 10

// Pace wraps w for an answer whose service time runs from start, with the
// fault f (Fault{} for none).
func (l *Gate) Pace(w http.ResponseWriter, start time.Time, f Fault) *Writer {
	return &Writer{w: w, l: l, start: start, fault: f}
}

func (p *Writer) Header() http.Header { return p.w.Header() }

func (p *Writer) WriteHeader(status int) {
	if p.status != 0 {
		return
	}
	p.status = status
	if status != http.StatusOK {
		p.fault.body = "" // body faults only hit successful reads
	}
}

func (p *Writer) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.WriteHeader(http.StatusOK)
	}
	if p.cut {
		return len(b), nil
	}
	p.buf = append(p.buf, b...)
	for len(p.buf) >= ChunkSize && !p.cut {
		p.flush(ChunkSize)
	}
	return len(b), nil
}

// flush sends the first n buffered bytes, after waiting for the model.
func (p *Writer) flush(n int) {
	if p.fault.body != "" {
		p.cutBody(n)
		return
	}
	p.wait(p.written + n)
	if p.written == 0 {
		p.w.WriteHeader(p.status)
	}
	_, _ = p.w.Write(p.buf[:n])
	p.written += n
	p.buf = append(p.buf[:0], p.buf[n:]...)
	if f, ok := p.w.(http.Flusher); ok {
		f.Flush()
	}
}

// cutBody sends half of the pending bytes, then truncates the body or drops
// the connection.
func (p *Writer) cutBody(n int) {
	half := max(1, n/2)
	p.wait(p.written + half)
	if p.written == 0 {
		p.w.Header().Del("Content-Length")
		p.w.WriteHeader(p.status)
	}
	_, _ = p.w.Write(p.buf[:half])
	p.written += half
	p.cut = true
	p.l.meter.Fault(p.fault.Name)
	p.buf = p.buf[:0]
	if f, ok := p.w.(http.Flusher); ok {
		f.Flush()
	}
	if p.fault.body == "reset" {
		p.account()
		panic(http.ErrAbortHandler) // net/http closes the connection mid-body
	}
}

func (p *Writer) wait(bytes int) {
	m := p.l.model
	if !m.enabled() {
		return
	}
	target := p.start.Add(time.Duration(float64(m.serviceTime(bytes)) * m.Scale))
	if d := time.Until(target); d > 0 {
		time.Sleep(d)
	}
}

// Finish sends what is left and accounts the response's service time.
func (p *Writer) Finish() {
	if p.status == 0 {
		p.WriteHeader(http.StatusNoContent)
	}
	switch {
	case p.cut:
	case len(p.buf) > 0:
		p.flush(len(p.buf))
	default:
		p.wait(p.written)
		if p.written == 0 {
			p.w.WriteHeader(p.status)
		}
	}
	p.account()
}

func (p *Writer) account() {
	m := p.l.model
	var d time.Duration
	if m.enabled() {
		d = time.Duration(float64(m.serviceTime(p.written)) * m.Scale)
	}
	p.l.meter.Served(p.written, d)
}
