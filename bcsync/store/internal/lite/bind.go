package lite

import (
	"fmt"
	"math"
	"reflect"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Binder is one prepared statement run through SQLite's C API directly,
// on the connection's own handle: the driver boxes every value in an
// interface (an allocation per text) and copies each text into a C buffer
// of its own (a malloc and a free per value); a Binder copies a row's texts
// into one buffer it keeps and binds them where they lie. It is for the
// hot inserts only; everything else goes through the driver.
type Binder struct {
	tls   *libc.TLS
	db    uintptr
	pstmt uintptr
	// buf holds the texts bound since the last Exec, used of size.
	buf        uintptr
	size, used int
}

// handles returns the sqlite3* and the libc TLS inside a connection of
// modernc.org/sqlite's driver, ok false for a driver laid out otherwise
// (then the store binds through the driver).
func handles(c any) (db uintptr, tls *libc.TLS, ok bool) {
	v := reflect.ValueOf(c)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return 0, nil, false
	}
	t := v.Elem().Type()
	if t.PkgPath() != "modernc.org/sqlite" || t.Name() != "conn" || t.NumField() < 2 {
		return 0, nil, false
	}
	f0, f1 := t.Field(0), t.Field(1)
	if f0.Name != "db" || f0.Type != reflect.TypeFor[uintptr]() || f0.Offset != 0 ||
		f1.Name != "tls" || f1.Type != reflect.TypeFor[*libc.TLS]() {
		return 0, nil, false
	}
	p := v.UnsafePointer()
	db, tls = *(*uintptr)(p), *(**libc.TLS)(unsafe.Add(p, f1.Offset))
	return db, tls, db != 0 && tls != nil
}

// cmem is n bytes of C memory at p.
func cmem(p uintptr, n int) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(nil), p)), n)
}

// Binder returns a Binder for q, kept with the connection's statements
// (Forget and Close finalize it); nil when the driver's handle is out of
// reach.
func (l *Conn) Binder(q string) (*Binder, error) {
	if b, ok := l.binders[q]; ok {
		return b, nil
	}
	db, tls, ok := handles(l.conn)
	if !ok {
		return nil, nil
	}
	b := &Binder{tls: tls, db: db}
	sql := sqlite3.Xsqlite3_malloc64(tls, uint64(len(q)+1+8))
	if sql == 0 {
		return nil, fmt.Errorf("out of memory preparing a statement")
	}
	defer sqlite3.Xsqlite3_free(tls, sql)
	copy(cmem(sql, len(q)), q)
	cmem(sql+uintptr(len(q)), 1)[0] = 0
	out := sql + uintptr(len(q)+1) // the sqlite3_stmt* written back
	if rc := sqlite3.Xsqlite3_prepare_v3(tls, db, sql, int32(len(q)), sqlite3.SQLITE_PREPARE_PERSISTENT, out, 0); rc != sqlite3.SQLITE_OK {
		return nil, b.err(rc)
	}
	b.pstmt = *(*uintptr)(unsafe.Add(unsafe.Pointer(nil), out))
	if b.pstmt == 0 {
		return nil, fmt.Errorf("statement %.40q is empty", q)
	}
	l.binders[q] = b
	return b, nil
}

// Reserve makes room for n bytes of text before a row's values are bound:
// texts stay where they were copied until Exec, so the buffer may not
// move while they are bound.
func (b *Binder) Reserve(n int) error {
	if n <= b.size {
		return nil
	}
	size := max(n, 2*b.size, 4<<10)
	p := sqlite3.Xsqlite3_malloc64(b.tls, uint64(size))
	if p == 0 {
		return fmt.Errorf("out of memory binding %d bytes", size)
	}
	if b.buf != 0 {
		sqlite3.Xsqlite3_free(b.tls, b.buf)
	}
	b.buf, b.size, b.used = p, size, 0
	return nil
}

// Text binds s to parameter i (from 1), within the room Reserve made.
func (b *Binder) Text(i int, s string) error {
	if b.used+len(s) > b.size || len(s) > math.MaxInt32 {
		return fmt.Errorf("binding parameter %d: %d bytes of text were not reserved", i, len(s))
	}
	p := b.buf + uintptr(b.used)
	copy(cmem(p, len(s)), s)
	b.used += len(s)
	// The destructor 0 (SQLITE_STATIC): SQLite reads the text where it is.
	return b.check(sqlite3.Xsqlite3_bind_text(b.tls, b.pstmt, int32(i), p, int32(len(s)), 0))
}

// Int binds v to parameter i.
func (b *Binder) Int(i int, v int64) error {
	return b.check(sqlite3.Xsqlite3_bind_int64(b.tls, b.pstmt, int32(i), v))
}

// Float binds v to parameter i.
func (b *Binder) Float(i int, v float64) error {
	return b.check(sqlite3.Xsqlite3_bind_double(b.tls, b.pstmt, int32(i), v))
}

// Null binds NULL to parameter i.
func (b *Binder) Null(i int) error {
	return b.check(sqlite3.Xsqlite3_bind_null(b.tls, b.pstmt, int32(i)))
}

// Exec runs the statement with the values bound, resets it and returns
// the number of rows it changed.
func (b *Binder) Exec() (int64, error) {
	rc := sqlite3.Xsqlite3_step(b.tls, b.pstmt)
	var err error
	if rc != sqlite3.SQLITE_DONE {
		err = b.err(rc)
	}
	n := int64(sqlite3.Xsqlite3_changes64(b.tls, b.db))
	sqlite3.Xsqlite3_reset(b.tls, b.pstmt)
	sqlite3.Xsqlite3_clear_bindings(b.tls, b.pstmt)
	b.used = 0
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Clear drops the values bound since the last Exec, after a failure.
func (b *Binder) Clear() {
	sqlite3.Xsqlite3_clear_bindings(b.tls, b.pstmt)
	b.used = 0
}

// Close finalizes the statement and frees the text buffer.
func (b *Binder) Close() error {
	var err error
	if b.pstmt != 0 {
		err = b.check(sqlite3.Xsqlite3_finalize(b.tls, b.pstmt))
		b.pstmt = 0
	}
	if b.buf != 0 {
		sqlite3.Xsqlite3_free(b.tls, b.buf)
		b.buf, b.size, b.used = 0, 0, 0
	}
	return err
}

func (b *Binder) check(rc int32) error {
	if rc == sqlite3.SQLITE_OK {
		return nil
	}
	return b.err(rc)
}

// err is SQLite's message for rc, as the driver words it.
func (b *Binder) err(rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errmsg(b.tls, b.db))
	if msg == "" {
		msg = libc.GoString(sqlite3.Xsqlite3_errstr(b.tls, rc))
	}
	return fmt.Errorf("%s (%d)", msg, rc)
}
