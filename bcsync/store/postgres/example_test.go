package postgres_test

import (
	"context"
	"errors"
	"log"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A service writes each tenant to a schema of its own on one shared pool.
func ExampleNew() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://sync:secret@db:5432/mosaic")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close() // the store never closes a pool it was given

	st := postgres.New(pool, postgres.Schema("tenant_42"))
	if err := st.Open(ctx); errors.Is(err, store.ErrLocked) {
		log.Print("tenant_42 is being synced already; try later")
		return
	} else if err != nil {
		log.Fatal(err)
	}
	defer st.Close() // gives the connection back, lock released
	// … bcsync.New(client, st, …) and Run.
}
