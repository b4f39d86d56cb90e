package serve

import (
	"math"
	"net/http"
	"strconv"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/query"
	"github.com/bcsdk/bc/bctest/internal/table"
)

func (c *reqContext) countMatches(n *node, q *query.Query) int {
	t := n.t
	t.Mu.RLock()
	defer t.Mu.RUnlock()
	lo, hi := 0, math.MaxInt
	if t.Virtual != nil {
		lo, hi = t.VirtualBounds(q.Filter)
	}
	count := 0
	t.Scan(math.MinInt64, lo, hi, func(r *table.Row) bool {
		if n.children(r) && (q.Filter == nil || q.Filter.Match(r.Vals)) {
			count++
		}
		return true
	})
	return count
}

// count serves …/{set}/$count as text, with the byte-order mark BC sends.
func (c *reqContext) count(n *node) {
	if c.r.Method != http.MethodGet {
		c.fail(protocol.MethodNotAllowed(c.r.Method, n.t.Set.Name))
		return
	}
	q, aerr := query.Parse(c.r.URL.Query(), c.r.Header, n.t, c.svc(), n.t.Type.Name)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write([]byte("\ufeff" + strconv.Itoa(c.countMatches(n, q))))
}
