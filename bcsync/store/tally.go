package store

// tallyRow is what one transaction adds to one row of _counts.
type tallyRow struct {
	Tally
	Counts
}

// tallies merges the tallies of batches by _counts row, so a transaction
// writes each row once (PostgreSQL refuses to upsert a row twice in one
// statement).
func tallies(batches []Batch) []tallyRow {
	var out []tallyRow
	for _, b := range batches {
		if b.Tally != nil {
			out = addTally(out, *b.Tally, b.Counts)
		}
	}
	return out
}

// reconciled is the tally of a reconciliation that removed or marked n
// rows, none when tally is nil.
func reconciled(tally *Tally, n int64) []tallyRow {
	if tally == nil {
		return nil
	}
	return []tallyRow{{*tally, Counts{Deleted: n}}}
}

func addTally(rows []tallyRow, t Tally, c Counts) []tallyRow {
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
	return append(rows, tallyRow{t, c})
}

// countsUpsert adds to a _counts row, creating it if needed; the
// placeholders are $1…$10 (runId, companyId, set, inserted, updated,
// unchanged, deleted, requests, retries, throttled), which SQLite reads as
// numbered parameters too.
const countsUpsert = `INSERT INTO "_counts" ("runId", "companyId", "set", "inserted", "updated", "unchanged", "deleted", "requests", "retries", "throttled", "durationMs")
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)
	ON CONFLICT ("runId", "companyId", "set") DO UPDATE SET "inserted" = "_counts"."inserted" + excluded."inserted",
	"updated" = "_counts"."updated" + excluded."updated", "unchanged" = "_counts"."unchanged" + excluded."unchanged",
	"deleted" = "_counts"."deleted" + excluded."deleted", "requests" = "_counts"."requests" + excluded."requests",
	"retries" = "_counts"."retries" + excluded."retries", "throttled" = "_counts"."throttled" + excluded."throttled"`

// durationUpsert records how long a company × set took ($4, in ms).
const durationUpsert = `INSERT INTO "_counts" ("runId", "companyId", "set", "inserted", "updated", "unchanged", "deleted", "requests", "retries", "throttled", "durationMs")
	VALUES ($1, $2, $3, 0, 0, 0, 0, 0, 0, 0, $4)
	ON CONFLICT ("runId", "companyId", "set") DO UPDATE SET "durationMs" = excluded."durationMs"`

func (r tallyRow) args() []any {
	return []any{r.RunID, r.CompanyID, r.Set, r.Inserted, r.Updated, r.Unchanged, r.Deleted, r.Requests, r.Retries, r.Throttled}
}
