package jobs

import (
	"context"
	"time"
)

// TenantStatus is a tenant as an operator sees it: its last run, when the
// next is due, and what needs attention.
type TenantStatus struct {
	Tenant Tenant
	// Last is the tenant's latest run (zero ID: none yet).
	Last Run
	// Next is when the tick next queues a sync (zero while disabled).
	Next time.Time
}

// Status is one word for the tenant: needs attention, disabled, never run,
// or its last run's status.
func (s TenantStatus) Status() string {
	switch {
	case s.Tenant.Attention != nil:
		return "needs attention"
	case !s.Tenant.Enabled:
		return "disabled"
	case s.Last.ID == 0:
		return "never run"
	}
	return s.Last.Status
}

// AttentionText is the diagnosis: the failing step, what was found and the
// fix; "" when nothing needs attention.
func (s TenantStatus) AttentionText() string {
	a := s.Tenant.Attention
	if a == nil {
		return ""
	}
	return a.Step + ": " + a.Detail + " — fix: " + a.Fix
}

// Overview lists every tenant with its last run and next run.
func Overview(ctx context.Context, db *DB) ([]TenantStatus, error) {
	reg := db.Registry()
	tenants, err := reg.List(ctx)
	if err != nil {
		return nil, err
	}
	last, err := db.lastRuns(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TenantStatus, 0, len(tenants))
	for _, t := range tenants {
		s := TenantStatus{Tenant: t, Last: last[t.Name]}
		if t.Enabled {
			s.Next = s.Last.Started.Add(t.Every)
			if s.Last.ID == 0 {
				s.Next = time.Now().UTC()
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// lastRuns returns each tenant's latest run.
func (db *DB) lastRuns(ctx context.Context) (map[string]Run, error) {
	rows, err := db.query(ctx, "SELECT "+runColumns+" FROM bcsync_runs WHERE id IN (SELECT MAX(id) FROM bcsync_runs GROUP BY tenant)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out[r.Tenant] = r
	}
	return out, rows.Err()
}
