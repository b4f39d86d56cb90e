package postgres_test

import (
	"context"
	"errors"
	"log"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/bcsdk/bc/bcsync/store/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A service writes each tenant to a schema of its own on one shared pool.
func ExampleNew() {
	var client *bc.Client // the tenant's client, made with bc.NewClient
	// readme:postgresPool
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://sync:secret@db:5432/mosaic")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close() // the store never closes a pool it was given

	st := postgres.New(pool, postgres.Schema("tenant_42"))
	engine, err := bcsync.New(client, st, bcsync.Options{Profile: "finance"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = engine.Run(ctx) // opens the store (one pooled connection), gives it back at the end
	if errors.Is(err, store.ErrLocked) {
		log.Print("tenant_42 is being synced already; try later")
	} else if err != nil {
		log.Fatal(err)
	}
	// readme:end
}
