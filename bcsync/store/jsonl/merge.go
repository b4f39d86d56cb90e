package jsonl

import (
	"bufio"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/internal/layout"
	"github.com/bcsdk/bc/bcsync/store/internal/lite"
	"github.com/bcsdk/bc/internal/jsontext"
)

// finalize publishes every table with unpublished changes, then the
// bookkeeping tables (_runs last, so a run marked ok has its data out).
func (s *Store) finalize(ctx context.Context) error {
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := s.publish(ctx, s.tables[n]); err != nil {
			return err
		}
	}
	for i := len(layout.BookTables) - 1; i >= 0; i-- {
		if err := s.publishBook(ctx, layout.BookTables[i]); err != nil {
			return fmt.Errorf("%s: publishing %s: %w", s.db.Where, layout.BookTables[i].Name, err)
		}
	}
	return nil
}

// publish merges t's published file with its changes into a new file and
// renames it into place. Redoing a merge after a crash between the rename
// and the index update gives the same file, so the order is safe.
func (s *Store) publish(ctx context.Context, t *tableState) error {
	if !t.dirty && t.published == len(t.cols) {
		return nil
	}
	if err := s.merge(ctx, t); err != nil {
		return fmt.Errorf("%s: publishing %s: %w", s.db.Where, s.filePath(t.name), err)
	}
	idx := jsonlIndex(t)
	err := s.db.Conn.Tx(ctx, func() error {
		if _, err := s.db.Conn.Exec(ctx, "DELETE FROM "+idx+" WHERE h IS NULL"); err != nil {
			return err
		}
		if _, err := s.db.Conn.Exec(ctx, "UPDATE "+idx+" SET st = NULL, n = NULL, mm = 0 WHERE st IS NOT NULL OR mm = 1"); err != nil {
			return err
		}
		published := t.published
		t.published = len(t.cols)
		if err := s.saveMeta(ctx, t, 0, false); err != nil {
			t.published = published
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: publishing %s: %w", s.db.Where, t.name, err)
	}
	t.staged, t.dirty = 0, false
	return t.f.Truncate(0)
}

// change is one changed key of the index, in key order.
type change struct {
	key     []string
	st, n   int64 // the staged line, n 0 if none
	deleted bool
	mark    []byte // raw JSON for _deleted when the mark changed, else nil
}

func (s *Store) merge(ctx context.Context, t *tableState) (err error) {
	path := s.filePath(t.name)
	tmp, err := os.OpenFile(filepath.Join(s.dir, "."+t.name+".jsonl.tmp"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, lite.FileMode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	old, err := newOldFile(path, t)
	if err != nil {
		return err
	}
	defer old.Close()

	kc := jsonlKeyCols(len(t.key))
	q := "SELECT " + strings.Join(kc, ", ") + ", st, n, h IS NULL, mm, m FROM " + jsonlIndex(t) +
		" WHERE " + jsonlChanged + " ORDER BY " + strings.Join(kc, ", ")
	delName := jsontext.AppendString(nil, layout.DeletedCol)
	var staged []byte
	emit := func(ch *change, oldLine []byte) error {
		var line []byte
		switch {
		case ch.deleted:
			return nil
		case ch.n > 0:
			staged = slices.Grow(staged[:0], int(ch.n))[:ch.n]
			if _, err := t.f.ReadAt(staged, ch.st); err != nil {
				return fmt.Errorf("reading the staged line at %d: %w", ch.st, err)
			}
			line = staged
		case oldLine != nil:
			line = oldLine
		default:
			return nil // a mark of a row not in the file
		}
		if ch.mark != nil {
			if line, err = setMember(line, delName, ch.mark); err != nil {
				return err
			}
		}
		_, err := w.Write(line)
		return err
	}
	// Walk the old file and the changes in key order together.
	if err := old.next(); err != nil {
		return err
	}
	nk := len(kc)
	err = s.db.Conn.Query(ctx, q, nil, func(row []driver.Value) error {
		ch := change{key: make([]string, nk)}
		for j := range nk {
			ch.key[j] = lite.AsString(row[j])
		}
		if row[nk] != nil {
			ch.st, _ = row[nk].(int64)
			ch.n, _ = row[nk+1].(int64)
		}
		ch.deleted = row[nk+2] == int64(1)
		if mm, _ := row[nk+3].(int64); mm == 1 {
			ch.mark = []byte("null")
			if m, ok := row[nk+4].(string); ok {
				ch.mark = jsontext.AppendString(nil, m)
			}
		}
		for old.line != nil && cmpKey(old.key, ch.key) < 0 {
			if _, err := w.Write(old.line); err != nil {
				return err
			}
			if err := old.next(); err != nil {
				return err
			}
		}
		if old.line != nil && cmpKey(old.key, ch.key) == 0 {
			if err := emit(&ch, old.line); err != nil {
				return err
			}
			return old.next()
		}
		return emit(&ch, nil)
	})
	if err != nil {
		return err
	}
	for old.line != nil {
		if _, err := w.Write(old.line); err != nil {
			return err
		}
		if err := old.next(); err != nil {
			return err
		}
	}
	return commitFile(w, tmp, path)
}

// commitFile flushes, fsyncs and renames tmp to path, then fsyncs the
// directory so the rename survives a crash.
func commitFile(w *bufio.Writer, tmp *os.File, path string) error {
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// oldFile reads a published file line by line with each line's key,
// adding null for columns added since it was written.
type oldFile struct {
	f       *os.File
	r       *bufio.Reader
	t       *tableState
	keyName [][]byte // the key columns' names, quoted
	missing [][]byte // names of columns the file lacks, quoted
	lineNo  int

	line    []byte // the current line (padded), nil at the end
	key     [][]byte
	buf     []byte
	scratch [][]byte
}

func newOldFile(path string, t *tableState) (*oldFile, error) {
	o := &oldFile{t: t, key: make([][]byte, len(t.key)), scratch: make([][]byte, len(t.key))}
	for _, k := range t.key {
		o.keyName = append(o.keyName, jsontext.AppendString(nil, k))
	}
	for _, c := range t.cols[min(t.published, len(t.cols)):] {
		o.missing = append(o.missing, jsontext.AppendString(nil, c.Name))
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return o, nil
	}
	if err != nil {
		return nil, err
	}
	o.f, o.r = f, bufio.NewReaderSize(f, 1<<20)
	return o, nil
}

func (o *oldFile) Close() {
	if o.f != nil {
		o.f.Close()
	}
}

// next reads the following line and its key.
func (o *oldFile) next() error {
	o.line = nil
	if o.r == nil {
		return nil
	}
	line, err := o.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			line, err = o.r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err == io.EOF && len(line) == 0 {
		return nil
	}
	if err != nil && err != io.EOF {
		return err
	}
	o.lineNo++
	switch {
	case len(o.missing) > 0:
		o.buf = padLine(o.buf[:0], line, o.missing, []byte("null"))
		line = o.buf
	case line[len(line)-1] != '\n':
		o.buf = append(append(o.buf[:0], line...), '\n')
		line = o.buf
	}
	clear(o.key)
	found := 0
	err = members(line, func(name, raw []byte) bool {
		for j, k := range o.keyName {
			if string(name) == string(k) {
				text, ok := rawText(raw, &o.scratch[j])
				if !ok {
					return false
				}
				o.key[j] = text
				found++
			}
		}
		return found < len(o.keyName)
	})
	if err != nil || found < len(o.keyName) {
		return fmt.Errorf("line %d is not a line the sync wrote (or lacks its key): move the file away to rebuild it", o.lineNo)
	}
	o.line = line
	return nil
}

// publishBook rewrites DIR/<table>.jsonl of a bookkeeping table.
func (s *Store) publishBook(ctx context.Context, t *store.Table) error {
	path := s.filePath(t.Name)
	tmp, err := os.OpenFile(filepath.Join(s.dir, "."+t.Name+".jsonl.tmp"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, lite.FileMode)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(tmp)
	q := "SELECT " + lite.List(layout.ColumnNames(t)) + " FROM " + lite.Ident(t.Name) + " ORDER BY " + lite.List(t.Key)
	names := make([][]byte, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = jsontext.AppendString(nil, c.Name)
	}
	var line []byte
	err = s.db.Conn.Query(ctx, q, nil, func(row []driver.Value) error {
		line = append(line[:0], '{')
		for i, c := range t.Columns {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, names[i]...)
			line = append(line, ':')
			v := store.Value{}
			switch x := row[i].(type) {
			case int64:
				v = store.Value{Text: strconv.FormatInt(x, 10), Valid: true}
			case string:
				v = store.Value{Text: x, Valid: true}
			}
			line = appendJSONValue(line, c.Type, v)
		}
		line = append(line, '}', '\n')
		_, err := w.Write(line)
		return err
	})
	if err == nil {
		err = commitFile(w, tmp, path)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
	}
	return err
}
