package bctest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// apiError is an error answer shaped like BC online's:
// {"error":{"code":…,"message":"…  CorrelationId:  <guid>."}}.
type apiError struct {
	status     int
	code       string
	message    string
	retryAfter time.Duration
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", retryAfterHeader(e.retryAfter))
	}
	corr := newID()
	w.Header().Set("ms-correlation-x", corr)
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
	w.Header().Set("OData-Version", "4.0")
	w.WriteHeader(e.status)
	body := map[string]map[string]string{"error": {"code": e.code, "message": e.message + "  CorrelationId:  " + corr + "."}}
	_ = json.NewEncoder(w).Encode(body)
}

// writeXMLError answers the way BC's front door does for a request it
// routes to no environment: OData's XML error body, not the JSON envelope.
func writeXMLError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(e.status)
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	_, _ = fmt.Fprintf(w, `<error xmlns="http://docs.oasis-open.org/odata/ns/metadata"><code>%s</code><message>%s</message></error>`,
		esc.Replace(e.code), esc.Replace(e.message))
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
