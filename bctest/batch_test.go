package bctest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/entities"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
	"github.com/stretchr/testify/require"
)

// snapshot is every customer of co in BC's order, ETags included.
func snapshot(co *Company) []map[string]string {
	var rows []map[string]string
	co.Each("customers", func(r map[string]string) bool {
		r["@odata.etag"] = ""
		rows = append(rows, r)
		return true
	})
	for i, r := range rows {
		got, _ := co.Get("customers", r["id"])
		rows[i] = got
	}
	return rows
}

// rawBatch posts a JSON batch to the standard route and decodes the answer.
func rawBatch(t *testing.T, srv *Server, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	c := srv.Client()
	req, err := c.NewRequest(t.Context(), http.MethodPost, "api/v2.0/$batch", []byte(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	var out map[string]any
	resp, err := c.Do(req, &out)
	if err != nil {
		var apiErr *bc.APIError
		require.ErrorAs(t, err, &apiErr)
		require.NoError(t, json.Unmarshal(apiErr.Body, &out))
		return apiErr.StatusCode, out
	}
	return resp.StatusCode, out
}

func TestBatchRunsInnerRequestsThroughTheDispatch(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 3)
	first, _ := co.Get("customers", snapshot(co)[0]["id"])
	srv.RecordRequests(true)
	body := `{"requests":[
		{"id":"a","method":"GET","url":"companies(` + co.ID + `)/customers?$select=id,number&$top=1"},
		{"id":"b","method":"PATCH","url":"companies(` + co.ID + `)/customers(` + first["id"] + `)","headers":{"Content-Type":"application/json","If-Match":` + jsonString(first["@odata.etag"]) + `},"body":{"displayName":"Renamed"}},
		{"id":"c","method":"GET","url":"companies(` + co.ID + `)/customers/$count"},
		{"id":"d","method":"DELETE","url":"companies(` + co.ID + `)/customers(` + first["id"] + `)"}
	]}`
	status, out := rawBatch(t, srv, body, nil)
	require.Equal(t, http.StatusOK, status)
	answers := out["responses"].([]any)
	require.Len(t, answers, 4)
	a := answers[0].(map[string]any)
	require.Equal(t, "a", a["id"])
	require.Equal(t, "200", fmt.Sprint(a["status"]))
	require.Equal(t, "application/json; odata.metadata=minimal; odata.streaming=true", a["headers"].(map[string]any)["content-type"])
	rows := a["body"].(map[string]any)["value"].([]any)
	require.Len(t, rows, 1)
	require.Len(t, rows[0].(map[string]any), 3, "@odata.etag, id, number")
	b := answers[1].(map[string]any)
	require.Equal(t, "200", fmt.Sprint(b["status"]))
	require.Equal(t, "Renamed", b["body"].(map[string]any)["displayName"])
	require.Equal(t, "3", answers[2].(map[string]any)["body"])
	d := answers[3].(map[string]any)
	require.Equal(t, "400", fmt.Sprint(d["status"]))
	require.Equal(t, "BadRequest_InvalidToken", d["body"].(map[string]any)["error"].(map[string]any)["code"])

	prefix := "/v2.0/" + TenantID + "/Production/api/v2.0/"
	require.Equal(t, []string{
		"POST " + prefix + "$batch",
		"GET " + prefix + "companies(" + co.ID + ")/customers?$select=id,number&$top=1",
		"PATCH " + prefix + "companies(" + co.ID + ")/customers(" + first["id"] + ")",
		"GET " + prefix + "companies(" + co.ID + ")/customers/$count",
		"DELETE " + prefix + "companies(" + co.ID + ")/customers(" + first["id"] + ")",
	}, srv.Requests())
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestBatchRefusesMoreThan100Parts(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 0)
	parts := make([]string, 101)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"id":"%d","method":"GET","url":"companies(%s)/customers"}`, i, co.ID)
	}
	status, out := rawBatch(t, srv, `{"requests":[`+strings.Join(parts, ",")+`]}`, nil)
	require.Equal(t, http.StatusBadRequest, status)
	e := out["error"].(map[string]any)
	require.Equal(t, "Unknown", e["code"])
	require.True(t, strings.HasPrefix(e["message"].(string), "The current batch message contains too many parts. A maximum number of '100' query operations and change sets are allowed in a batch message.  CorrelationId:  "), e["message"])
}

func TestBatchStopsAtFirstFailureOrContinues(t *testing.T) {
	t.Parallel()
	for _, cont := range []bool{false, true} {
		t.Run(fmt.Sprint("continue=", cont), func(t *testing.T) {
			t.Parallel()
			srv, co := newCustomers(t, 0)
			c := srv.Client()
			customers := sets.For(c.Company(co.ID)).Customers()
			b := c.StandardAPI().Batch()
			ok1 := customers.In(b).Create(entities.Customer{Number: "N1", DisplayName: "One"})
			bad := customers.In(b).Create(entities.Customer{Number: "N2", DisplayName: "Two", Type: "Alien"})
			ok2 := customers.In(b).Create(entities.Customer{Number: "N3", DisplayName: "Three"})
			var opts []bc.BatchOption
			if cont {
				opts = append(opts, bc.ContinueOnError())
			}
			err := b.Send(t.Context(), opts...)
			var be *bc.BatchError
			require.ErrorAs(t, err, &be)
			require.Equal(t, 1, be.Failed)

			v, err := ok1.Result()
			require.NoError(t, err)
			require.Equal(t, "One", v.DisplayName)
			var apiErr *bc.APIError
			require.ErrorAs(t, bad.Err(), &apiErr)
			require.Equal(t, 400, apiErr.StatusCode)
			require.Equal(t, "Application_EvaluateException", apiErr.Code)
			require.Equal(t, "'Alien' is not an option. The existing options are: Company,Person", apiErr.Message)
			require.NotEmpty(t, apiErr.CorrelationID)
			if cont {
				require.NoError(t, ok2.Err())
				require.Equal(t, 2, co.Count("customers"))
			} else {
				require.ErrorIs(t, ok2.Err(), bc.ErrNotExecuted)
				require.Equal(t, 1, co.Count("customers"), "the operation before the failure stays committed")
			}
		})
	}
}

func TestAtomicBatchRollsBackEverything(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 4)
	before := snapshot(co)
	var mu sync.Mutex
	var heard []string
	stop := srv.Tenant().OnChange(func(ch Change) {
		mu.Lock()
		heard = append(heard, ch.Kind+" "+ch.Key)
		mu.Unlock()
	})
	defer stop()

	c := srv.Client()
	customers := sets.For(c.Company(co.ID)).Customers()
	var a, b2, d entities.Customer
	for _, r := range []struct {
		row map[string]string
		to  *entities.Customer
	}{{before[0], &a}, {before[1], &b2}, {before[3], &d}} {
		got, err := customers.Get(t.Context(), r.row["id"], nil)
		require.NoError(t, err)
		*r.to = got
	}
	b := c.StandardAPI().Batch()
	a.DisplayName = "Changed"
	upd := customers.In(b).Update(a, bc.Fields("displayName"))
	del := customers.In(b).Delete(b2.ID, b2.ETag)
	created := customers.In(b).Create(entities.Customer{Number: "NEW", DisplayName: "New"})
	again := customers.In(b).Update(a, bc.Fields("displayName")) // a's table.ETag is stale now
	after := customers.In(b).Delete(d.ID, d.ETag)
	err := b.Send(t.Context(), bc.Atomic())
	require.ErrorIs(t, err, bc.ErrConflict)
	require.ErrorIs(t, upd.Err(), bc.ErrRolledBack)
	require.ErrorIs(t, del.Err(), bc.ErrRolledBack)
	require.ErrorIs(t, created.Err(), bc.ErrRolledBack)
	require.ErrorIs(t, again.Err(), bc.ErrConflict)
	require.ErrorIs(t, after.Err(), bc.ErrNotExecuted)

	require.Equal(t, before, snapshot(co), "rows, order, ETags and versions as before the batch")
	mu.Lock()
	require.Len(t, heard, 3, "the three changes were heard; their undoing was not")
	mu.Unlock()
	// The restored rows are the rows: their old ETags still work.
	_, err = customers.Update(t.Context(), b2, bc.Fields("displayName"))
	require.NoError(t, err)

	b = c.StandardAPI().Batch()
	ok := customers.In(b).Create(entities.Customer{Number: "NEW", DisplayName: "New"})
	require.NoError(t, b.Send(t.Context(), bc.Atomic()))
	require.NoError(t, ok.Err())
	require.Equal(t, 5, co.Count("customers"))
}

func TestBatchChunksAreSeparateRequests(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 0)
	c := srv.Client()
	srv.RecordRequests(true)
	b := c.StandardAPI().Batch()
	var ops []*bc.BatchOp[entities.Customer]
	for i := range 250 {
		ops = append(ops, sets.For(c.Company(co.ID)).Customers().In(b).Create(entities.Customer{Number: fmt.Sprintf("N%03d", i)}))
	}
	require.NoError(t, b.Send(t.Context()))
	outer := 0
	for _, line := range srv.Requests() {
		if strings.HasSuffix(line, "/$batch") {
			outer++
		}
	}
	require.Equal(t, 3, outer)
	require.Len(t, srv.Requests(), 253)
	require.Equal(t, 250, co.Count("customers"))
	v, err := ops[249].Result()
	require.NoError(t, err)
	require.Equal(t, "N249", v.Number)

	page, err := func() (bc.Page[entities.Customer], error) {
		b := c.StandardAPI().Batch()
		op := sets.For(c.Company(co.ID)).Customers().In(b).List(odata.New().Select("id", "number").MaxPageSize(100))
		if err := b.Send(t.Context()); err != nil {
			return bc.Page[entities.Customer]{}, err
		}
		return op.Result()
	}()
	require.NoError(t, err)
	require.Equal(t, 100, len(page.Items))
	require.NotEmpty(t, page.NextLink, "an inner list pages like any list")
	next, err := sets.For(c.Company(co.ID)).Customers().ListFrom(page.NextLink, odata.New().MaxPageSize(100)).NextPage(t.Context())
	require.NoError(t, err)
	require.Equal(t, 100, len(next.Items))
}

func TestBatchInnerURLsAndBodiesAreChecked(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 1)
	status, out := rawBatch(t, srv, `{"requests":[
		{"id":"1","method":"GET","url":"https://elsewhere.example/api/v2.0/companies"},
		{"id":"2","method":"POST","url":"$batch","body":{}},
		{"id":"3","method":"GET","url":"companies(`+co.ID+`)/nothing"},
		{"id":"4","method":"TRACE","url":"companies"}
	]}`, map[string]string{"Prefer": "odata.continue-on-error"})
	require.Equal(t, http.StatusOK, status)
	var codes []string
	for _, a := range out["responses"].([]any) {
		m := a.(map[string]any)
		codes = append(codes, fmt.Sprint(m["status"], " ", m["body"].(map[string]any)["error"].(map[string]any)["code"]))
	}
	require.Equal(t, []string{"404 BadRequest_NotFound", "400 BadRequest", "404 BadRequest_NotFound", "400 BadRequest"}, codes)

	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.BaseURL()+"/"+TenantID+"/Production/api/v2.0/$batch", strings.NewReader("--boundary"))
	require.NoError(t, err)
	tok, err := bc.ClientCredentials(TenantID, ClientID, ClientSecret, bc.WithTokenURL(srv.TokenURL())).Token()
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "multipart/mixed; boundary=boundary")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, string(b))
	require.Contains(t, string(b), "JSON batches only")
}

// TestAtomicRollbackKeepsOtherWriters runs failing atomic batches while
// other clients create customers through the API and the Tenant's methods:
// every batch is undone and every other write is kept.
func TestAtomicRollbackKeepsOtherWriters(t *testing.T) {
	t.Parallel()
	srv, co := newCustomers(t, 2)
	c := srv.Client()
	customers := sets.For(c.Company(co.ID)).Customers()
	stale, err := customers.Get(t.Context(), snapshot(co)[0]["id"], nil)
	require.NoError(t, err)
	stale.ETag = `W/"stale"`

	const writers, each, batches = 4, 10, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				number := fmt.Sprintf("W%d-%02d", w, i)
				if w%2 == 0 {
					_, err := customers.Create(t.Context(), entities.Customer{Number: number, DisplayName: number})
					require.NoError(t, err)
				} else {
					_, err := co.Insert("customers", map[string]any{"number": number, "displayName": number})
					require.NoError(t, err)
				}
			}
		})
	}
	wg.Go(func() {
		for i := range batches {
			b := c.StandardAPI().Batch()
			customers.In(b).Create(entities.Customer{Number: fmt.Sprintf("B%02d", i), DisplayName: "rolled back"})
			customers.In(b).Update(stale, bc.Fields("displayName"))
			require.ErrorIs(t, b.Send(t.Context(), bc.Atomic()), bc.ErrConflict)
		}
	})
	wg.Wait()

	var numbers []string
	co.Each("customers", func(r map[string]string) bool {
		numbers = append(numbers, r["number"])
		return true
	})
	require.Len(t, numbers, 2+writers*each, "every other writer's row, none of the batches'")
	for _, n := range numbers {
		require.False(t, strings.HasPrefix(n, "B"), "batch row %s survived its rollback", n)
	}
}
