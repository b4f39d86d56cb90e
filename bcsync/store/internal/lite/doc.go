// Package lite is the SQLite the SQLite and JSONL stores share: one
// driver-level connection with a statement cache, its checks on open (a
// writable, undamaged file in WAL mode, locked against a second writer),
// and the bookkeeping tables kept in it.
package lite
