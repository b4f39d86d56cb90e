package jsonl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/storetest"
	"github.com/stretchr/testify/require"
)

// subject is the JSONL store for the contract suite.
var subject = storetest.Subject{
	Fresh: func(t testing.TB) func() store.Store {
		dir := filepath.Join(t.TempDir(), "out")
		return func() store.Store { return New(dir) }
	},
	Dump: func(t testing.TB, s store.Store, table *store.Table) storetest.Rows {
		return dump(t, s.(*Store), table)
	},
}

func TestContract(t *testing.T) { storetest.Run(t, subject) }

func BenchmarkJSONLApply(b *testing.B) { storetest.Bench(b, subject.Fresh) }

// dump publishes what s committed and reads DIR/<table>.jsonl back.
func dump(t testing.TB, s *Store, table *store.Table) storetest.Rows {
	t.Helper()
	s.db.Mu.Lock()
	require.NoError(t, s.finalize(context.Background()))
	s.db.Mu.Unlock()
	data, err := os.ReadFile(s.filePath(table.Name))
	require.NoError(t, err)
	out := storetest.Rows{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		var m map[string]any
		require.NoError(t, d.Decode(&m), "line %s", sc.Text())
		row := map[string]*string{}
		for k, x := range m {
			switch x := x.(type) {
			case nil:
				row[k] = nil
			case string:
				row[k] = &x
			case json.Number:
				s := x.String()
				row[k] = &s
			case bool:
				s := strconv.FormatBool(x)
				row[k] = &s
			default:
				t.Fatalf("unexpected JSON value %v", x)
			}
		}
		storetest.Add(t, out, table, row)
	}
	return out
}
