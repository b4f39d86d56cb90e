package store

// Locator is a Store that can say where it writes, for people: what a
// command prints after a run, or a service logs. The stores of the dialect
// packages are Locators.
type Locator interface {
	// Location is an absolute path with the kind of store, or the
	// PostgreSQL server, database and schema; never a user or password.
	Location() string
}

// Describe says where dest, a destination New accepts, is (see Locator):
// "/srv/bc.db (SQLite)", "postgres://db:5432/bc, schema tenant_42
// (PostgreSQL)". It does no I/O, and returns "" when New refuses dest or
// its store is not a Locator.
func Describe(dest string) string {
	st, err := New(dest)
	if err != nil {
		return ""
	}
	if l, ok := st.(Locator); ok {
		return l.Location()
	}
	return ""
}
