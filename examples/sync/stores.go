package main

// The kinds of --out the command writes to: each dialect registers itself
// with store.New when imported.
import (
	_ "github.com/bcsdk/bc/bcsync/store/jsonl"
	_ "github.com/bcsdk/bc/bcsync/store/postgres"
	_ "github.com/bcsdk/bc/bcsync/store/sqlite"
)
