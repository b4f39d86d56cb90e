package bc_test

import (
	"context"
	"fmt"
	"log"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bctest"
	"github.com/bcsdk/bc/odata"
	"github.com/bcsdk/bc/sets"
)

// Listing companies and reading a set. The fake BC stands in for a tenant;
// against a real one, drop WithTokenURL and WithBaseURL.
func Example() {
	srv := bctest.NewServer()
	defer srv.Close()
	tenant, clientID, secret := srv.Credentials()

	ts := bc.ClientCredentials(tenant, clientID, secret, bc.WithTokenURL(srv.TokenURL()))
	c, err := bc.NewClient(tenant, "Production", bc.WithTokenSource(ts), bc.WithBaseURL(srv.BaseURL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for co, err := range c.Companies().List(nil).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		blocked, err := sets.For(c.Company(co.ID)).Customers().Count(ctx, odata.New().Filter(odata.Eq("blocked", "All")))
		fmt.Println(co.Name, blocked, err)
	}
	// Output:
	// CRONUS USA, Inc. 0 <nil>
	// Contoso Europe Ltd. 1 <nil>
	// Søren's Café "Nord" ApS 3 <nil>
}
