package bc

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// FuzzWebhookHandler posts arbitrary bodies, methods, content types and
// client states. The handler never panics, answers only with the codes BC
// is meant to see, queues nothing from a refused post, and never queues an
// event when no accepted client state occurs in the body.
func FuzzWebhookHandler(f *testing.F) {
	f.Add("st", http.MethodPost, "application/json", `{"value":[`+`{"subscriptionId":"s","clientState":"st","resource":"api/v2.0/companies(1)/items(2)","changeType":"updated"}`+`]}`)
	f.Add("st", http.MethodPost, "application/json", `{"value":[{},{"clientState":"st"}]}`)
	f.Add("st", http.MethodPost, "", `{"value":null,"x":{"y":[1,2]}}`)
	f.Add("s\"t", http.MethodPost, "text/plain", `{"value":[{"clientState":"s\"t","resource":"%zz"}]}`)
	f.Add("st", http.MethodGet, "application/json", ``)
	f.Add("", http.MethodPost, "application/json", `{"value":[{}]}`)
	f.Add("st", http.MethodPost, "application/json", `{"value":[{"clientState":"st"}]}}trailing`)
	f.Fuzz(func(t *testing.T, state, method, contentType, body string) {
		h, err := NewWebhookHandler(state, WebhookQueue(64))
		if state == "" {
			if err == nil {
				t.Fatal("an empty client state was accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !validMethod(method) {
			method = http.MethodPost
		}
		req := httptest.NewRequest(method, "/hook", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		evs := queued(h)
		allowed := []int{http.StatusAccepted, http.StatusBadRequest, http.StatusUnauthorized, http.StatusRequestEntityTooLarge, http.StatusServiceUnavailable}
		if method != http.MethodPost {
			allowed = []int{http.StatusMethodNotAllowed}
		}
		if !slices.Contains(allowed, rec.Code) {
			t.Fatalf("status %d for %s %q", rec.Code, method, body)
		}
		if rec.Code != http.StatusAccepted && rec.Code != http.StatusServiceUnavailable && len(evs) > 0 {
			t.Fatalf("status %d but %d events queued", rec.Code, len(evs))
		}
		if len(evs) > 0 && !strings.Contains(body, state) && !strings.Contains(body, `\`) {
			t.Fatalf("queued %d events from a body without the client state: %q", len(evs), body)
		}
	})
}

// validMethod reports whether m can stand in a request line.
func validMethod(m string) bool {
	return m != "" && !strings.ContainsFunc(m, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("()<>@,;:\\\"/[]?={}", r) })
}
