package bctest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
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

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
