package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/bcsdk/bc"
	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bcsync/doctor"
	"github.com/bcsdk/bc/bcsync/store"
	"github.com/riverqueue/river"
)

// secretError is a secret reference that could not be resolved.
type secretError struct{ err error }

func (e *secretError) Error() string { return e.err.Error() }
func (e *secretError) Unwrap() error { return e.err }

// storeError is a tenant's store destination that is not one.
type storeError struct{ err error }

func (e *storeError) Error() string { return e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

// outcome is how a run ended: the status recorded in the runs table, its
// one-line message, and what the worker returns to River.
type outcome struct {
	status, message string
	err             error
}

// Statuses of the runs table beyond the engine's (bcsync.Status).
const (
	StatusCancelled = "cancelled" // needs attention: not retried
	StatusThrottled = "throttled" // snoozed for Retry-After
)

// classify turns a run's result into River's terms:
//   - done (or partial: the failed sets are retried next time) → completed;
//   - stopped (the job's context ended: shutdown, timeout) → snoozed at
//     once, so the next worker resumes from the checkpoints;
//   - a 429 that outlasted the client's retries → snoozed for Retry-After;
//   - a setup failure (credentials, consent, the app in BC, the
//     environment, the secret reference, the plan, a misconfigured store)
//     → the tenant needs attention, with the doctor's failing step and
//     fix, and the job is cancelled;
//   - anything else → River's retry, resuming from the checkpoints.
func (w *syncWorker) classify(ctx context.Context, t Tenant, secret string, summary *bcsync.Summary, err error) outcome {
	if err == nil {
		return outcome{status: string(summary.Status)}
	}
	msg := oneLine(err.Error())
	if ctx.Err() != nil || errors.Is(err, bcsync.ErrInterrupted) {
		return outcome{string(bcsync.StatusInterrupted), msg, river.JobSnooze(0)}
	}
	var api *bc.APIError
	if errors.Is(err, bc.ErrThrottled) {
		wait := w.cfg.ThrottledSnooze
		if errors.As(err, &api) && api.RetryAfter > 0 {
			wait = api.RetryAfter
		}
		return outcome{StatusThrottled, msg, river.JobSnooze(wait)}
	}
	if a, ok := w.attention(ctx, t, secret, err); ok {
		if merr := w.cfg.DB.Registry().markAttention(context.WithoutCancel(ctx), t.Name, a); merr != nil {
			return outcome{string(bcsync.StatusFailed), msg, fmt.Errorf("marking tenant %s as needing attention: %w", t.Name, merr)}
		}
		msg = fmt.Sprintf("needs attention: %s: %s; fix: %s", a.Step, a.Detail, a.Fix)
		return outcome{StatusCancelled, msg, river.JobCancel(errors.New(msg))}
	}
	if summary != nil && summary.Status == bcsync.StatusPartial {
		// The synced sets are committed; the failed ones are read again by
		// the next scheduled run.
		return outcome{string(summary.Status), msg, nil}
	}
	return outcome{string(bcsync.StatusFailed), msg, err}
}

// attention says what an operator must fix for err, if err is a setup
// failure: the doctor's first failing check when it finds one, else the
// setup step and its error.
func (w *syncWorker) attention(ctx context.Context, t Tenant, secret string, err error) (Attention, bool) {
	now := w.cfg.Clock.Now().UTC()
	var se *secretError
	if errors.As(err, &se) {
		return Attention{Step: "secret reference", Detail: oneLine(se.Error()), Fix: "make " + t.SecretRef + " readable by the sync's processes, or point the tenant at another reference", At: now}, true
	}
	var sto *storeError
	if errors.As(err, &sto) {
		return Attention{Step: "store", Detail: oneLine(sto.Error()), Fix: "give the tenant a valid store destination", At: now}, true
	}
	var setup *bcsync.SetupError
	if errors.As(err, &setup) && setup.Step == bcsync.StepStore && errors.Is(err, store.ErrMisconfigured) {
		return Attention{Step: "store", Detail: oneLine(setup.Err.Error()), Fix: "correct the tenant's store (its path, permissions, credentials, database or schema) or give it another", At: now}, true
	}
	if !errors.As(err, &setup) || setup.Step == bcsync.StepStore || setup.Step == bcsync.StepResume {
		// A store that does not answer (down, restarting, locked by another
		// sync) may answer later; a set-aside run starts afresh on the next
		// attempt.
		return Attention{}, false
	}
	cfg := doctor.Config{TenantID: t.EntraTenant, ClientID: t.ClientID, Secret: secret, Environment: t.Environment,
		BaseURL: t.BaseURL, TokenURL: t.TokenURL, Profile: t.Profile,
		Names: doctor.Names{Doctor: "run the doctor for this tenant", Environment: "the tenant's environment"}}
	if res, ok := doctor.Explain(ctx, cfg, err, nil); ok {
		return Attention{Step: fmt.Sprintf("%d. %s", res.Number, res.Check), Detail: res.Detail, Fix: res.Fix, At: now}, true
	}
	return Attention{Step: string(setup.Step), Detail: oneLine(setup.Error()), Fix: "correct the tenant's " + string(setup.Step) + " in the registry", At: now}, true
}
