package table

// Change is a change to one row, as the fake's parts (webhooks, the
// Automation API) hear about it.
type Change struct {
	Route, CompanyID, Set string
	Key                   string // the row's key (for child sets, "parentId/id")
	Kind                  string // Created, Updated or Deleted
	Table                 *Table
	Old, New              *Row // the row before and after; nil when absent
}

// Row is the row that identifies the change: after it, or before a delete.
func (c Change) Row() *Row {
	if c.New != nil {
		return c.New
	}
	return c.Old
}
