package sqlite

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/stretchr/testify/require"
)

// subject is the SQLite store for the contract suite.
var subject = storetest.Subject{
	Fresh: func(t testing.TB) func() store.Store {
		path := filepath.Join(t.TempDir(), "bc.db")
		return func() store.Store { return New(path) }
	},
	Dump: dump,
}

func TestContract(t *testing.T) { storetest.Run(t, subject) }

// dump reads table over the store's own connection.
func dump(t testing.TB, st store.Store, table *store.Table) storetest.Rows {
	t.Helper()
	s := st.(*Store)
	ctx := context.Background()
	types := map[string]store.ColType{layout.DeletedCol: store.DateTime}
	for _, c := range table.Columns {
		types[c.Name] = c.Type
	}
	s.db.Mu.Lock()
	defer s.db.Mu.Unlock()
	cols, _, _, err := s.db.Conn.Columns(ctx, "main", table.Name)
	require.NoError(t, err)
	out := storetest.Rows{}
	require.NoError(t, s.db.Conn.Query(ctx, "SELECT "+lite.List(cols)+" FROM "+lite.Ident(table.Name), nil, func(r []driver.Value) error {
		row := map[string]*string{}
		for i, c := range cols {
			row[c] = liteText(types[c], r[i])
		}
		storetest.Add(t, out, table, row)
		return nil
	}))
	return out
}

func liteText(typ store.ColType, x driver.Value) *string {
	var s string
	switch x := x.(type) {
	case nil:
		return nil
	case int64:
		s = strconv.FormatInt(x, 10)
		if typ == store.Bool {
			s = strconv.FormatBool(x != 0)
		}
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		s = x
	case []byte:
		s = string(x)
	}
	return &s
}

func BenchmarkSQLiteApply(b *testing.B) { storetest.Bench(b, subject.Fresh) }
