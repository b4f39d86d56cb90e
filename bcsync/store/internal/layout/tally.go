package layout

import "github.com/bcsdk/bc/bcsync/store"

// TallyRow is what one transaction adds to one row of _counts.
type TallyRow struct {
	store.Tally
	store.Counts
}

// Tallies merges the tallies of batches by _counts row, so a transaction
// writes each row once (PostgreSQL refuses to upsert a row twice in one
// statement).
func Tallies(batches []store.Batch) []TallyRow {
	var out []TallyRow
	for _, b := range batches {
		if b.Tally != nil {
			out = addTally(out, *b.Tally, b.Counts)
		}
	}
	return out
}

// Reconciled is the tally of a reconciliation that removed or marked n
// rows, none when tally is nil.
func Reconciled(tally *store.Tally, n int64) []TallyRow {
	if tally == nil {
		return nil
	}
	return []TallyRow{{*tally, store.Counts{Deleted: n}}}
}

func addTally(rows []TallyRow, t store.Tally, c store.Counts) []TallyRow {
	for i := range rows {
		r := &rows[i]
		if r.RunID == t.RunID && r.CompanyID == t.CompanyID && r.Set == t.Set {
			r.Requests += t.Requests
			r.Retries += t.Retries
			r.Throttled += t.Throttled
			r.Counts.Add(c)
			return rows
		}
	}
	return append(rows, TallyRow{t, c})
}

// CountsUpsert adds to a _counts row, creating it if needed; the
// placeholders are $1…$10 (runId, companyId, set, inserted, updated,
// unchanged, deleted, requests, retries, throttled), which SQLite reads as
// numbered parameters too.
const CountsUpsert = `INSERT INTO "_counts" ("runId", "companyId", "set", "inserted", "updated", "unchanged", "deleted", "requests", "retries", "throttled", "durationMs")
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)
	ON CONFLICT ("runId", "companyId", "set") DO UPDATE SET "inserted" = "_counts"."inserted" + excluded."inserted",
	"updated" = "_counts"."updated" + excluded."updated", "unchanged" = "_counts"."unchanged" + excluded."unchanged",
	"deleted" = "_counts"."deleted" + excluded."deleted", "requests" = "_counts"."requests" + excluded."requests",
	"retries" = "_counts"."retries" + excluded."retries", "throttled" = "_counts"."throttled" + excluded."throttled"`

// DurationUpsert records how long a company × set took ($4, in ms).
const DurationUpsert = `INSERT INTO "_counts" ("runId", "companyId", "set", "inserted", "updated", "unchanged", "deleted", "requests", "retries", "throttled", "durationMs")
	VALUES ($1, $2, $3, 0, 0, 0, 0, 0, 0, 0, $4)
	ON CONFLICT ("runId", "companyId", "set") DO UPDATE SET "durationMs" = excluded."durationMs"`

func (r TallyRow) Args() []any {
	return []any{r.RunID, r.CompanyID, r.Set, r.Inserted, r.Updated, r.Unchanged, r.Deleted, r.Requests, r.Retries, r.Throttled}
}
