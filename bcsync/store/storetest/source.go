package storetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync/store"
	"github.com/stretchr/testify/require"
)

var (
	production = store.Source{Tenant: "contoso.onmicrosoft.com", Environment: "Production",
		ServiceRoot: "https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/Production"}
	sandbox = store.Source{Tenant: "contoso.onmicrosoft.com", Environment: "Sandbox",
		ServiceRoot: "https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/Sandbox"}
)

// sourceIsRecorded: the first source is recorded, the same one (in another
// case, or the fake on another port) passes, another environment is
// refused with one line naming both.
func sourceIsRecorded(t *testing.T, sub Subject, s store.Store) {
	ctx := t.Context()
	require.NoError(t, s.CheckSource(ctx, production))
	require.NoError(t, s.CheckSource(ctx, production))
	same := store.Source{Tenant: "CONTOSO.onmicrosoft.com", Environment: "production", ServiceRoot: production.ServiceRoot + "/"}
	require.NoError(t, s.CheckSource(ctx, same), "tenant and environment names compare without case")

	err := s.CheckSource(ctx, sandbox)
	require.ErrorIs(t, err, store.ErrOtherSource)
	require.NotContains(t, err.Error(), "\n")
	_, msg, _ := strings.Cut(err.Error(), ": ") // after the destination
	require.Equal(t, `the store holds the data of another BC environment: it was filled from tenant "contoso.onmicrosoft.com", environment "Production" at `+
		`https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/Production, but this sync reads tenant "contoso.onmicrosoft.com", environment "Sandbox" at `+
		`https://api.businesscentral.dynamics.com/v2.0/contoso.onmicrosoft.com/Sandbox; choose another destination for this environment`, lastPart(msg))
	require.Equal(t, map[string]map[string]*string{production.Tenant + "|" + production.Environment + "|" + production.ServiceRoot: {
		"tenant": ptr(production.Tenant), "environment": ptr(production.Environment), "serviceRoot": ptr(production.ServiceRoot)}},
		sub.Dump(t, s, bookTable("_source")), "only the first source is recorded")

	fake := func(port string) store.Source {
		return store.Source{Tenant: "demo", Environment: "Production", ServiceRoot: "http://127.0.0.1:" + port + "/v2.0/demo/Production"}
	}
	other := sub.Fresh(t)()
	require.NoError(t, other.Open(ctx))
	defer other.Close()
	require.NoError(t, other.CheckSource(ctx, store.Source{Tenant: "demo", Environment: "Production", ServiceRoot: "http://u:secret@127.0.0.1:41234/v2.0/demo/Production"}))
	require.NoError(t, other.CheckSource(ctx, fake("45678")), "the fake BC on another port is the same source")
	err = other.CheckSource(ctx, store.Source{Tenant: "demo", Environment: "Production", ServiceRoot: "http://bc.example:41234/v2.0/demo/Production"})
	require.ErrorIs(t, err, store.ErrOtherSource, "a service root on another host is another source")
	require.NotContains(t, err.Error(), "secret", "user info is neither recorded nor shown")
	root := "http://127.0.0.1:41234/v2.0/demo/Production"
	require.Equal(t, map[string]map[string]*string{"demo|Production|" + root: {"tenant": ptr("demo"), "environment": ptr("Production"), "serviceRoot": ptr(root)}},
		sub.Dump(t, other, bookTable("_source")))
}

// lastPart drops what a store's message wraps around the sentinel's text:
// stores name their destination before it, in their own words.
func lastPart(msg string) string {
	if i := strings.Index(msg, store.ErrOtherSource.Error()); i >= 0 {
		return msg[i:]
	}
	return msg
}

// otherSourceIsRefusedAfterReopen: the record outlives the store's
// process.
func otherSourceIsRefusedAfterReopen(t *testing.T, sub Subject) {
	ctx := t.Context()
	reopen := sub.Fresh(t)
	s := reopen()
	require.NoError(t, s.Open(ctx))
	require.NoError(t, s.CheckSource(ctx, production))
	require.NoError(t, s.Close())

	s = reopen()
	require.NoError(t, s.Open(ctx))
	defer s.Close()
	require.ErrorIs(t, s.CheckSource(ctx, sandbox), store.ErrOtherSource)
	require.NoError(t, s.CheckSource(ctx, production))
}

// secondWriterIsRefused: while one store holds a destination, a second
// one is refused at once with store.ErrLocked and one line; once the
// first closes, the second opens.
func secondWriterIsRefused(t *testing.T, sub Subject) {
	ctx := t.Context()
	place := sub.Fresh(t)
	first := place()
	require.NoError(t, first.Open(ctx))
	second := place()
	err := second.Open(ctx)
	require.ErrorIs(t, err, store.ErrLocked)
	require.True(t, strings.HasSuffix(err.Error(), ": another sync is writing to it; wait for that one to finish, or choose another destination"), err.Error())
	require.NotContains(t, err.Error(), "\n")
	require.NoError(t, first.Close())
	require.NoError(t, second.Open(ctx))
	require.NoError(t, second.Close())
	require.False(t, errors.Is(second.Close(), store.ErrLocked), "closing twice is harmless")
}
