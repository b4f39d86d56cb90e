package bcsync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/store/sqlite"
	"github.com/bcsdk/bc/bctest"
)

// committed is an Observer that counts the rows committed per set. The
// engine calls it from its own goroutines, hence the mutex.
type committed struct {
	mu   sync.Mutex
	rows map[string]int64
}

func (c *committed) SetPlanned(bcsync.SetKey, int64) {}
func (c *committed) SetFinished(bcsync.SetResult)    {}
func (c *committed) PageCommitted(k bcsync.SetKey, rows int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rows[k.Set] += rows
}

// Example syncs the customers and items of a fake BC's demo tenant into a
// SQLite file, the way a service runs a sync in its own process.
func Example() {
	// readme:bcsyncExample
	ctx := context.Background()
	demo := bctest.DefaultDemo()
	demo.Companies = 1
	fake := bctest.NewServer(bctest.WithDemo(demo))
	defer fake.Close()

	tenant, clientID, secret := fake.Credentials()
	client, err := bc.NewClient(tenant, fake.Environment(), bc.WithBaseURL(fake.BaseURL()),
		bc.WithTokenSource(bc.ClientCredentials(tenant, clientID, secret, bc.WithTokenURL(fake.TokenURL()))))
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "bcsync-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	progress := &committed{rows: map[string]int64{}}
	engine, err := bcsync.New(client, sqlite.New(filepath.Join(dir, "bc.db")), bcsync.Options{
		Sets:     []bcsync.SetRef{{Name: "customers"}, {Name: "items"}},
		Observer: progress,
	})
	if err != nil {
		panic(err)
	}
	summary, err := engine.Run(ctx) // cancel ctx to stop; the next Run resumes
	if err != nil {
		panic(err)
	}
	fmt.Println("status:", summary.Status)
	for _, r := range summary.Results {
		fmt.Printf("%s: %d inserted, %d committed\n", r.Set, r.Counts.Inserted, progress.rows[r.Set])
	}
	// readme:end

	// Output:
	// status: ok
	// customers: 120 inserted, 120 committed
	// items: 80 inserted, 80 committed
}
