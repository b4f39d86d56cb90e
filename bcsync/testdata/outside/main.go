// Command outside is a program in a module of its own that imports bcsync
// the way a service does: it syncs the customers and items of the fake BC's
// demo tenant (one company) into the SQLite file named by its argument and
// prints the run's status and one line per set.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store/sqlite"
	"github.com/bcsdk/bc/bctest"
)

func main() {
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "outside:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string) error {
	demo := bctest.DefaultDemo()
	demo.Companies = 1
	fake := bctest.NewServer(bctest.WithDemo(demo))
	defer fake.Close()
	tenant, id, secret := fake.Credentials()
	client, err := bc.NewClient(tenant, fake.Environment(), bc.WithBaseURL(fake.BaseURL()),
		bc.WithTokenSource(bc.ClientCredentials(tenant, id, secret, bc.WithTokenURL(fake.TokenURL()))))
	if err != nil {
		return err
	}
	engine, err := bcsync.New(client, sqlite.New(path), bcsync.Options{
		Sets: []bcsync.SetRef{{Name: "customers"}, {Name: "items"}},
	})
	if err != nil {
		return err
	}
	summary, err := engine.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Println("status", summary.Status)
	for _, r := range summary.Results {
		fmt.Println(r.Set, r.Counts.Inserted)
	}
	return nil
}
