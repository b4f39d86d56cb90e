package bc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bcsdk/bc/internal/realbc"
	"github.com/bcsdk/bc/odata"
	"github.com/stretchr/testify/require"
)

type testCustomer struct {
	ETag        string `json:"@odata.etag,omitempty" bc:"readonly"`
	ID          string `json:"id" bc:"key,readonly,guid"`
	Number      string `json:"number"`
	DisplayName string `json:"displayName"`
}

// pagedServer serves n customers in pages of size, with nextLinks that carry
// the original (encoded) filter and an opaque $skiptoken, like BC.
func pagedServer(t *testing.T, mux *http.ServeMux, n, size int) (*[]*http.Request, *sync.Mutex) {
	var reqs []*http.Request
	var mu sync.Mutex
	path := apiPrefix + "/companies(" + testCompany + ")/customers"
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reqs = append(reqs, r.Clone(context.Background()))
		mu.Unlock()
		start := 0
		if tok := r.URL.Query().Get("$skiptoken"); tok != "" {
			_, err := fmt.Sscanf(tok, "cust-%d", &start)
			require.NoError(t, err)
		}
		var b strings.Builder
		b.WriteString(`{"@odata.context":"https://api.businesscentral.dynamics.com/v2.0/Production/api/v2.0/$metadata#companies(` + testCompany + `)/customers","value":[`)
		end := min(start+size, n)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"@odata.etag":"W/\"JzE5OzMy%03dOzAwOyc=\"","id":"00000000-0000-0000-0000-%012d","number":"C%05d","displayName":"Customer %d"}`, i, i, i, i)
		}
		b.WriteString("]")
		if end < n {
			// BC writes nextLink after the value array, absolute, with the filter re-encoded.
			fmt.Fprintf(&b, `,"@odata.nextLink":"http://%s%s?$filter=displayName%%20ne%%20'O''Brien'&$skiptoken=cust-%d"`, r.Host, path, end)
		}
		b.WriteString("}")
		writeRaw(w, 200, b.String())
	})
	return &reqs, &mu
}

func TestPagerFollowsNextLinkVerbatim(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	reqs, mu := pagedServer(t, mux, 7, 3)
	q := odata.New().Filter(odata.Ne("displayName", "O'Brien")).MaxPageSize(3)
	var got []testCustomer
	pager := Set[testCustomer](c.Company(testCompany), "customers").List(q)
	require.Empty(t, *reqs, "a pager is lazy")
	for cust, err := range pager.All(t.Context()) {
		require.NoError(t, err)
		got = append(got, cust)
	}
	require.Len(t, got, 7)
	require.Equal(t, testCustomer{ETag: `W/"JzE5OzMy006OzAwOyc="`, ID: "00000000-0000-0000-0000-000000000006", Number: "C00006", DisplayName: "Customer 6"}, got[6])
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, *reqs, 3)
	require.Equal(t, "$filter=displayName%20ne%20'O''Brien'", (*reqs)[0].URL.RawQuery)
	require.Equal(t, "$filter=displayName%20ne%20'O''Brien'&$skiptoken=cust-3", (*reqs)[1].URL.RawQuery)
	require.Equal(t, "$filter=displayName%20ne%20'O''Brien'&$skiptoken=cust-6", (*reqs)[2].URL.RawQuery)
	for _, r := range *reqs {
		require.Equal(t, "odata.maxpagesize=3", r.Header.Get("Prefer"), "every page carries the same headers")
		require.Equal(t, "ReadOnly", r.Header.Get("Data-Access-Intent"))
		require.Equal(t, "Bearer tok-1", r.Header.Get("Authorization"))
	}
	require.NotEqual(t, (*reqs)[0].Header.Get("client-request-id"), (*reqs)[1].Header.Get("client-request-id"))
}

func TestPagerPagesAndEOF(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	pagedServer(t, mux, 5, 2)
	p := Set[testCustomer](c.Company(testCompany), "customers").List(nil)
	var sizes []int
	for p.More() {
		page, err := p.NextPage(t.Context())
		require.NoError(t, err)
		sizes = append(sizes, len(page.Items))
		require.Equal(t, 200, page.Response.StatusCode)
		require.Equal(t, int64(-1), page.Count)
	}
	require.Equal(t, []int{2, 2, 1}, sizes)
	_, err := p.NextPage(t.Context())
	require.ErrorIs(t, err, io.EOF)
}

func TestPagerBreakStopsPaging(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	reqs, mu := pagedServer(t, mux, 100, 10)
	n := 0
	for _, err := range Set[testCustomer](c.Company(testCompany), "customers").List(nil).All(t.Context()) {
		require.NoError(t, err)
		n++
		if n == 15 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, *reqs, 2, "breaking in the second page must not fetch a third")
}

func TestPagerLimit(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	reqs, mu := pagedServer(t, mux, 100, 10)
	items, err := Set[testCustomer](c.Company(testCompany), "customers").List(nil).Limit(25).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, items, 25)
	require.Equal(t, "C00024", items[24].Number)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, *reqs, 3)
}

func TestPagerStopsOnRepeatedNextLink(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	var calls atomic.Int32
	mux.HandleFunc(apiPrefix+"/companies("+testCompany+")/customers", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeRaw(w, 200, fmt.Sprintf(`{"value":[{"id":"x"}],"@odata.nextLink":"http://%s%s?$skiptoken=same"}`, r.Host, r.URL.Path))
	})
	items, err := Set[testCustomer](c.Company(testCompany), "customers").List(nil).Collect(t.Context())
	require.ErrorContains(t, err, "repeated the nextLink")
	require.Len(t, items, 2)
	require.Equal(t, int32(2), calls.Load())
}

func TestPagerRefusesNextLinkToAnotherHost(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc(apiPrefix+"/companies("+testCompany+")/customers", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, `{"value":[{"id":"x"}],"@odata.nextLink":"https://attacker.example/steal?$skiptoken=1"}`)
	})
	_, err := Set[testCustomer](c.Company(testCompany), "customers").List(nil).Collect(t.Context())
	require.ErrorContains(t, err, "not on the service host")
}

func TestPagerErrorIsYieldedOnceAndLast(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc(apiPrefix+"/companies("+testCompany+")/customers", func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 400, bcError("BadRequest_NotFound", "Bad Request - Error in query syntax."))
	})
	var errs []error
	for _, err := range Set[testCustomer](c.Company(testCompany), "customers").List(nil).All(t.Context()) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	var apiErr *APIError
	require.ErrorAs(t, errs[0], &apiErr)
	require.Equal(t, "BadRequest_NotFound", apiErr.Code)
	require.Equal(t, "Bad Request - Error in query syntax.", apiErr.Message)

	// A query that cannot be built fails on first use, without a request.
	_, err := Set[testCustomer](c.Company(testCompany), "customers").List(odata.New().Top(-1)).Collect(t.Context())
	require.Error(t, err)
}

func TestPagerDecodesRealCompanies(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	body := realbc.Read(t, "bc-v26-companies.json")
	mux.HandleFunc("GET "+apiPrefix+"/companies", func(w http.ResponseWriter, r *http.Request) { writeRaw(w, 200, string(body)) })
	type company struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
		Timestamp   int64  `json:"timestamp"`
	}
	got, err := Set[company](c.StandardAPI(), "companies").List(nil).Collect(t.Context())
	require.NoError(t, err)
	require.Equal(t, []company{
		{ID: "e802e7d1-5408-f011-9afa-6045bdabb318", Name: "My Company", Timestamp: 4006},
		{ID: "3ab5c248-e72b-f011-9a4a-7c1e5275406f", Name: "Rebel", DisplayName: "Rebel Sp. z o.o.", Timestamp: 767626},
	}, got)
}

func TestReadPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		items    int
		next     string
		count    int64
		errorHas string
	}{
		{"nextLink after value", `{"value":[{},{}],"@odata.nextLink":"n"}`, 2, "n", -1, ""},
		{"nextLink before value", `{"@odata.nextLink":"n","@odata.context":"c","value":[{}]}`, 1, "n", -1, ""},
		{"count", `{"@odata.count":42,"value":[]}`, 0, "", 42, ""},
		{"no value", `{"@odata.context":"c"}`, 0, "", -1, ""},
		{"truncated", `{"value":[{},`, 1, "", -1, "EOF"},
		{"not an object", `[1,2]`, 0, "", -1, "malformed page"},
		{"bad count", `{"@odata.count":1.5}`, 0, "", -1, "not an integer"},
		{"empty", ``, 0, "", -1, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := 0
			next, count, err := readPage(strings.NewReader(tt.body), testLimits, func(dec *json.Decoder) error {
				n++
				var v json.RawMessage
				return dec.Decode(&v)
			})
			if tt.errorHas != "" {
				require.ErrorContains(t, err, tt.errorHas)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.items, n)
			require.Equal(t, tt.next, next)
			require.Equal(t, tt.count, count)
		})
	}
}

func FuzzReadPage(f *testing.F) {
	for _, s := range []string{`{"value":[{"a":1}],"@odata.nextLink":"x"}`, `{"@odata.count":3,"value":[]}`, `{"value":[`, `{}`, `[]`, `{"value":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n := 0
		next, _, err := readPage(strings.NewReader(string(body)), testLimits, func(dec *json.Decoder) error {
			n++
			var v any
			return dec.Decode(&v)
		})
		if err == nil && !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		if err != nil && next != "" {
			t.Fatalf("returned a nextLink with an error")
		}
		var page map[string]json.RawMessage // exact-case keys, as BC writes them
		if err == nil && json.Unmarshal(body, &page) == nil {
			var items []json.RawMessage
			if v, ok := page["value"]; ok && json.Unmarshal(v, &items) == nil && len(items) != n {
				t.Fatalf("decoded %d items, the page holds %d", n, len(items))
			}
		}
	})
}

func TestListFromResumesAtASavedNextLink(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	reqs, mu := pagedServer(t, mux, 7, 3)
	set := Set[testCustomer](c.Company(testCompany), "customers")
	q := odata.New().Filter(odata.Ne("displayName", "O'Brien")).MaxPageSize(3)
	first, err := set.List(q).NextPage(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, first.NextLink)

	// A new process resumes from the saved link.
	rest, err := set.ListFrom(first.NextLink, q).Collect(t.Context())
	require.NoError(t, err)
	require.Len(t, rest, 4)
	require.Equal(t, "C00003", rest[0].Number)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, "$filter=displayName%20ne%20'O''Brien'&$skiptoken=cust-3", (*reqs)[1].URL.RawQuery)
	require.Equal(t, "odata.maxpagesize=3", (*reqs)[1].Header.Get("Prefer"))
	require.Equal(t, "ReadOnly", (*reqs)[1].Header.Get("Data-Access-Intent"))

	_, err = set.ListFrom("https://elsewhere.example/x", q).Collect(t.Context())
	require.ErrorContains(t, err, "not on the service host")
}
