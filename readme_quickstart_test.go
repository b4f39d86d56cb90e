package bc_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/bcsdk/bc"
)

// Example_quickstart is the README's quick start: a client from the
// three values a BC admin hands over, and the companies it can see.
func Example_quickstart() {
	ctx := context.Background()
	tenantID, clientID, clientSecret := "contoso.onmicrosoft.com", "client-id", os.Getenv("BC_CLIENT_SECRET")
	// readme:quickstart
	ts := bc.ClientCredentials(tenantID, clientID, clientSecret)
	c, err := bc.NewClient(tenantID, "Production", bc.WithTokenSource(ts))
	if err != nil {
		log.Fatal(err)
	}
	for co, err := range c.Companies().List(nil).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(co.ID, co.Name)
	}
	// readme:end
}
