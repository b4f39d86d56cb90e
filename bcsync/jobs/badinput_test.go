package jobs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bcsdk/bc/bcsync/jobs"
	"github.com/bcsdk/bc/bcsync/synctest"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
)

// TestBadInput runs, beside a good tenant, an unknown tenant, one whose
// secret reference cannot be read and one whose secret BC's Entra refuses:
// the bad ones are cancelled, the two registered ones need attention with
// the step and fix, the good one is synced, and the wrong secret appears
// in no run, job error, attention or log line.
func TestBadInput(t *testing.T) {
	const wrongSecret = "wrong-secret-value-4711"
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			h := newHarness(t, b, nil)
			ctx := t.Context()
			p := synctest.NewPrincipal()
			goodFake := fakeFor(t, p, "Good", 1, "right-secret")
			good := h.tenant("good", p, goodFake, "right-secret")
			wrong := h.tenant("wrong", p, fakeFor(t, p, "Wrong", 2, "right-secret"), wrongSecret)
			unreadable := h.tenant("unreadable", p, fakeFor(t, p, "Unreadable", 3, "right-secret"), "")
			unreadable.SecretRef = "file:/nonexistent/bc-secret"
			require.NoError(t, h.db.Registry().Add(ctx, unreadable))
			for _, tn := range []jobs.Tenant{good, wrong, unreadable, {Name: "nobody"}} {
				_, err := h.client.Insert(ctx, jobs.SyncArgs(tn), nil)
				require.NoError(t, err)
			}
			h.start()
			done := h.waitDone("good", "wrong", "unreadable", "nobody")
			require.Equal(t, river.EventKindJobCompleted, done["good"].Kind)
			requireSynced(t, good, goodFake)

			require.Equal(t, river.EventKindJobCancelled, done["nobody"].Kind)
			require.Equal(t, `JobCancelError: unknown tenant "nobody": add it to the registry first`, lastError(done["nobody"]))

			reg := h.db.Registry()
			got, err := reg.Get(ctx, "unreadable")
			require.NoError(t, err)
			require.False(t, got.Enabled)
			require.NotNil(t, got.Attention)
			require.Equal(t, jobs.Attention{Step: "secret reference",
				Detail: "secret file:/nonexistent/bc-secret: cannot read /nonexistent/bc-secret: no such file or directory",
				Fix:    "make file:/nonexistent/bc-secret readable by the sync's processes, or point the tenant at another reference",
				At:     got.Attention.At}, *got.Attention)
			require.Equal(t, river.EventKindJobCancelled, done["unreadable"].Kind)

			got, err = reg.Get(ctx, "wrong")
			require.NoError(t, err)
			require.False(t, got.Enabled)
			require.NotNil(t, got.Attention)
			require.Equal(t, jobs.Attention{Step: "3. Client secret is valid and not expired",
				Detail: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + p.Client + "'.",
				Fix:    "check the client secret: use the secret's Value (shown once when it was created), not its Secret ID; create a new secret under Certificates & secrets if the value is lost",
				At:     got.Attention.At}, *got.Attention)
			require.Equal(t, river.EventKindJobCancelled, done["wrong"].Kind)
			require.Equal(t, "JobCancelError: needs attention: 3. Client secret is valid and not expired: "+got.Attention.Detail+"; fix: "+got.Attention.Fix, lastError(done["wrong"]))

			runs, err := reg.Runs(ctx, "")
			require.NoError(t, err)
			var texts []string
			for _, r := range runs {
				texts = append(texts, r.Error)
			}
			for _, ev := range done {
				for _, e := range ev.Job.Errors {
					texts = append(texts, e.Error)
				}
			}
			texts = append(texts, h.logs.String(), got.Attention.Detail, got.Attention.Fix)
			for _, s := range texts {
				require.NotContains(t, s, wrongSecret)
			}
			require.NotContains(t, strings.Join(texts, "\n"), "right-secret")
		})
	}
}

// lastError is the error of the job's last attempt.
func lastError(ev *river.Event) string {
	if len(ev.Job.Errors) == 0 {
		return ""
	}
	return ev.Job.Errors[len(ev.Job.Errors)-1].Error
}

// TestStoreErrors: a store that is misconfigured (here a SQLite path under
// a file, so its directory cannot exist) is a setup error — the tenant
// needs attention and its job is cancelled — while a store that does not
// answer (a PostgreSQL server down) may come back, so its job is retried
// and the tenant stays enabled. A good tenant beside them syncs.
func TestStoreErrors(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			h := newHarness(t, b, nil)
			ctx := t.Context()
			p := synctest.NewPrincipal()
			goodFake := fakeFor(t, p, "Good", 1, "s")
			good := h.tenant("good", p, goodFake, "s")
			file := filepath.Join(t.TempDir(), "a-file")
			require.NoError(t, os.WriteFile(file, nil, 0o600))
			bad := h.tenant("badstore", p, fakeFor(t, p, "Bad", 2, "s"), "s")
			bad.Store = "sqlite:" + filepath.Join(file, "bad.db")
			down := h.tenant("downstore", p, fakeFor(t, p, "Down", 3, "s"), "s")
			down.Store = "postgres://bcsync:store-pw-4711@127.0.0.1:1/bcsync?connect_timeout=5"
			for _, tn := range []jobs.Tenant{bad, down} {
				require.NoError(t, h.db.Registry().Add(ctx, tn))
			}
			for _, tn := range []jobs.Tenant{good, bad, down} {
				_, err := h.client.Insert(ctx, jobs.SyncArgs(tn), nil)
				require.NoError(t, err)
			}
			h.start()
			want := map[string]river.EventKind{"good": river.EventKindJobCompleted, "badstore": river.EventKindJobCancelled, "downstore": river.EventKindJobFailed}
			got := map[string]*river.Event{}
			deadline := time.After(3 * time.Minute)
			for len(got) < len(want) {
				select {
				case ev := <-h.events:
					if ev.Job.Kind != jobs.KindSyncEnvironment {
						continue
					}
					if name := tenantOf(t, ev); want[name] == ev.Kind && got[name] == nil {
						got[name] = ev
					}
				case <-deadline:
					t.Fatalf("got %d of %d outcomes; logs:\n%s", len(got), len(want), h.logs.String())
				}
			}
			requireSynced(t, good, goodFake)
			reg := h.db.Registry()
			gotBad, err := reg.Get(ctx, "badstore")
			require.NoError(t, err)
			require.False(t, gotBad.Enabled)
			require.NotNil(t, gotBad.Attention)
			require.Equal(t, "store", gotBad.Attention.Step)
			require.Equal(t, "sqlite:"+filepath.Join(file, "bad.db")+": cannot create the directory: mkdir "+file+": not a directory", gotBad.Attention.Detail)
			require.Equal(t, "correct the tenant's store (its path, permissions, credentials, database or schema) or give it another", gotBad.Attention.Fix)

			gotDown, err := reg.Get(ctx, "downstore")
			require.NoError(t, err)
			require.True(t, gotDown.Enabled)
			require.Nil(t, gotDown.Attention)
			// Retried: River queues a near retry as available, a later one
			// as retryable.
			require.Contains(t, []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStateRetryable}, got["downstore"].Job.State)
			require.Contains(t, lastError(got["downstore"]), "cannot reach the PostgreSQL server at 127.0.0.1:1")
			require.NotContains(t, lastError(got["downstore"]), "store-pw-4711")
			require.NotContains(t, h.logs.String(), "store-pw-4711")
		})
	}
}
