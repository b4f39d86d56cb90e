package lite

import (
	"database/sql/driver"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBinderBindsOnTheDriversHandle: the driver's connection is laid out
// as Binder expects (a driver upgrade that moves its handle fails here,
// instead of the store quietly binding through the driver again), and the
// values a Binder binds are stored exactly: texts of every kind, integers,
// floats and NULL, in rows after rows that reuse its buffer.
func TestBinderBindsOnTheDriversHandle(t *testing.T) {
	t.Parallel()
	l, err := Open(t.Context(), "test", filepath.Join(t.TempDir(), "bind.db"), "NORMAL")
	require.NoError(t, err)
	defer l.Close()
	_, err = l.Exec(t.Context(), "CREATE TABLE t(s TEXT, i INTEGER, f REAL, n TEXT)")
	require.NoError(t, err)

	b, err := l.Binder("INSERT INTO t(s, i, f, n) VALUES (?1, ?2, ?3, ?4)")
	require.NoError(t, err)
	require.NotNil(t, b, "the driver's sqlite3 handle is out of reach: modernc.org/sqlite's conn changed its layout")
	again, err := l.Binder("INSERT INTO t(s, i, f, n) VALUES (?1, ?2, ?3, ?4)")
	require.NoError(t, err)
	require.Same(t, b, again, "a statement is prepared once per connection")

	texts := []string{"Søren's Café \"Nord\" ApS", "", "a\x00b", "5d115c9c-44e3-ea11-bb43-000d3a2feca1"}
	for k, s := range texts {
		require.NoError(t, b.Reserve(len(s)))
		require.NoError(t, b.Text(1, s))
		require.NoError(t, b.Int(2, int64(k)-1<<40))
		require.NoError(t, b.Float(3, 1234.5+float64(k)))
		require.NoError(t, b.Null(4))
		n, err := b.Exec()
		require.NoError(t, err)
		require.Equal(t, int64(1), n)
	}

	var got [][]driver.Value
	require.NoError(t, l.Query(t.Context(), "SELECT s, i, f, n FROM t ORDER BY rowid", nil, func(row []driver.Value) error {
		got = append(got, append([]driver.Value{AsString(row[0])}, row[1:]...))
		return nil
	}))
	require.Len(t, got, len(texts))
	for k, s := range texts {
		require.Equal(t, []driver.Value{s, int64(k) - 1<<40, 1234.5 + float64(k), nil}, got[k], "row %d", k)
	}
}

// TestBinderRefusesTextItHasNoRoomFor: a text longer than Reserve made room
// for is refused, not written past the buffer, and the statement is left
// ready for the next row.
func TestBinderRefusesTextItHasNoRoomFor(t *testing.T) {
	t.Parallel()
	l, err := Open(t.Context(), "test", filepath.Join(t.TempDir(), "bind.db"), "NORMAL")
	require.NoError(t, err)
	defer l.Close()
	_, err = l.Exec(t.Context(), "CREATE TABLE t(s TEXT)")
	require.NoError(t, err)
	b, err := l.Binder("INSERT INTO t(s) VALUES (?1)")
	require.NoError(t, err)
	require.NotNil(t, b)

	long := strings.Repeat("x", 5000)
	require.NoError(t, b.Reserve(4))
	require.NoError(t, b.Text(1, "abcd"))
	err = b.Text(1, long)
	require.EqualError(t, err, "binding parameter 1: 5000 bytes of text were not reserved")
	b.Clear()
	require.NoError(t, b.Reserve(len(long)))
	require.NoError(t, b.Text(1, long))
	_, err = b.Exec()
	require.NoError(t, err)
	n, err := l.Count(t.Context(), "SELECT count(*) FROM t WHERE s = ?", long)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
}
