package demo

import (
	"strconv"
	"strings"
	"time"
)

// attachments writes attachment metadata for some invoices and journal
// lines, and stores their content so that downloads return byteSize bytes.
func (g *demoGen) attachments(sales, purchases []*demoDoc, journalLines []string) {
	s := g.set("attachments")
	rng := s.rng
	add := func(parentID, parentType, file string, when time.Time) {
		size := 300 + rng.IntN(2700)
		vals := s.row().put("parentId", parentID).put("fileName", file).put("byteSize", strconv.Itoa(size)).
			put("lastModifiedDateTime", g.modified(rng, when)).put("parentType", parentType).add()
		g.storeContent("attachments", vals[0], "attachmentContent", file, size)
	}
	for i, d := range everyNth(sales, 6) {
		add(d.id, "Sales_x0020_Invoice", "Delivery note "+d.number+".pdf", d.date.AddDate(0, 0, i%3))
	}
	for _, d := range everyNth(purchases, 6) {
		add(d.id, "Purchase_x0020_Invoice", "Invoice "+d.ext+".pdf", d.date)
	}
	for i, id := range journalLines[:min(3, len(journalLines))] {
		add(id, "Journal", []string{"receipt.jpg", "Kvittering café.png", "bank-statement.csv"}[i], g.today)
	}
	ds := g.set("documentAttachments")
	type parent struct {
		id, typ, name string
		when          time.Time
	}
	var parents []parent
	for _, c := range everyNth(g.m.customers, 4) {
		parents = append(parents, parent{c.id, "Customer", "Contract " + c.number + ".pdf", g.start})
	}
	for _, v := range everyNth(g.m.vendors, 4) {
		parents = append(parents, parent{v.id, "Vendor", "Price list " + v.name + ".xlsx", g.start})
	}
	for _, it := range everyNth(g.m.items, 3) {
		parents = append(parents, parent{it.id, "Item", "Datasheet " + it.number + ".pdf", g.start})
	}
	for _, e := range everyNth(g.m.employees, 2) {
		parents = append(parents, parent{e.id, "Employee", "Employment contract " + e.number + ".pdf", g.start})
	}
	for _, p := range everyNth(g.m.projects, 3) {
		parents = append(parents, parent{p.id, "Job", "Project plan " + p.code + ".docx", g.start})
	}
	for _, d := range everyNth(sales, 3) {
		parents = append(parents, parent{d.id, "Sales_x0020_Invoice", "Signed order " + d.number + ".pdf", d.date})
	}
	for _, d := range everyNth(purchases, 3) {
		parents = append(parents, parent{d.id, "Purchase_x0020_Invoice", "Scan " + d.ext + ".pdf", d.date})
	}
	for i, p := range parents {
		files := 1 + i%2
		for k := 1; k <= files; k++ {
			name := p.name
			if k == 2 {
				name = strings.Replace(name, ".", " (2).", 1)
			}
			size := 500 + rng.IntN(3500)
			vals := ds.row().put("fileName", name).put("byteSize", strconv.Itoa(size)).put("parentType", p.typ).
				put("parentId", p.id).put("lineNumber", strconv.Itoa(k)).
				put("documentFlowSales", boolText(p.typ == "Customer" || p.typ == "Sales_x0020_Invoice")).
				put("documentFlowPurchase", boolText(p.typ == "Vendor" || p.typ == "Purchase_x0020_Invoice")).
				put("lastModifiedDateTime", g.modified(rng, p.when.AddDate(0, 0, rng.IntN(60)))).add()
			g.storeContent("documentAttachments", vals[0], "attachmentContent", name, size)
		}
	}
	pdf := g.set("pdfDocument")
	for _, d := range everyNth(sales, 4) {
		if d.posted {
			pdf.row().put("id", d.id).put("parentId", d.id).put("parentType", "Sales_x0020_Invoice").add()
		}
	}
	for _, d := range everyNth(purchases, 4) {
		if d.posted {
			pdf.row().put("id", d.id).put("parentId", d.id).put("parentType", "Purchase_x0020_Invoice").add()
		}
	}
}

// everyNth returns up to n elements spread over xs.
func everyNth[T any](xs []T, n int) []T {
	if len(xs) == 0 || n <= 0 {
		return nil
	}
	step := max(len(xs)/n, 1)
	var out []T
	for i := step / 2; i < len(xs) && len(out) < n; i += step {
		out = append(out, xs[i])
	}
	return out
}

// storeContent keeps a file's bytes in the company's media store: a small
// PDF, image or text of the given size.
func (g *demoGen) storeContent(set, id, prop, file string, size int) {
	ct, head := "application/octet-stream", ""
	switch {
	case strings.HasSuffix(file, ".pdf"):
		ct, head = "application/pdf", "%PDF-1.7\n% bctest attachment "+file+"\n"
	case strings.HasSuffix(file, ".png"):
		ct, head = "image/png", "\x89PNG\r\n\x1a\n"
	case strings.HasSuffix(file, ".jpg"):
		ct, head = "image/jpeg", "\xff\xd8\xff\xe0"
	case strings.HasSuffix(file, ".csv"):
		ct, head = "text/csv", "date;text;amount\n"
	}
	data := make([]byte, size)
	n := copy(data, head)
	for i := n; i < size; i++ {
		data[i] = "bctest demo attachment content\n"[(i-n)%31]
	}
	g.co.PutMedia(set+"("+id+")/"+prop, ct, data)
}

// jobQueue writes the company's background jobs and their recent runs.
func (g *demoGen) jobQueue() {
	s := g.set("jobQueueEntries")
	ls := g.set("jobQueueLogEntries")
	rng := s.rng
	jobs := []struct {
		typ      string
		obj      int
		caption  string
		category string
		minutes  int
		formula  string
		status   string
		errMsg   string
	}{
		{"Codeunit", 1509, "Notification Entry Dispatcher", "", 1, "", "Ready", ""},
		{"Report", 795, "Adjust Cost - Item Entries", "COSTADJ", 0, "1D", "Ready", ""},
		{"Report", 1002, "Post Inventory Cost to G/L", "COSTADJ", 0, "1D", "Ready", ""},
		{"Codeunit", 8888, "Email Dispatcher", "", 0, "", "Error", "The SMTP server rejected the sender address."},
		{"Codeunit", 3997, "Retention Policy JQ", "", 0, "1D", "Ready", ""},
		{"Report", 296, "Batch Post Sales Orders", "SALESPOST", 0, "", "Finished", ""},
		{"Codeunit", 5339, "Integration Synch. Job Runner", "CRM SYNC", 30, "", "On Hold", ""},
		{"Codeunit", 1836, "Monitor Sensitive Field Data", "", 0, "1W", "In Process", ""},
	}
	user := "BC-ADMIN"
	lang := "1033"
	if g.p.lang == "da" {
		lang = "1030"
	}
	for i, j := range jobs {
		entryID := g.id("jobQueueEntry", i)
		start := g.today.Add(time.Duration(6+i) * time.Hour)
		out := "PDF"
		if j.typ == "Report" {
			out = "None_x0020__x0028_Processing_x0020_only_x0029_"
		}
		recurring := j.minutes > 0 || j.formula != ""
		startTime, endTime := "", ""
		if recurring {
			startTime, endTime = "06:00:00", "22:00:00"
		}
		attempts := "0"
		if j.status == "Error" {
			attempts = "3"
		}
		s.row().put("jobQueueEntryId", entryID).put("userId", user).put("lastReadyState", stamp(start.Add(-time.Hour))).
			put("expirationDateTime", stamp(time.Time{})).put("earliestStartDateTime", stamp(start)).
			put("objectTypeToRun", j.typ).put("objectIdToRun", strconv.Itoa(j.obj)).put("objectCaptionToRun", j.caption).
			put("reportOutputType", out).put("maxNumberAttemptsToRun", "3").put("numberOfAttemptsToRun", attempts).
			put("status", j.status).put("recordIdToProcess", "").put("parameterString", "").
			put("recurringJob", boolText(recurring)).put("numberOfMinutesBetweenRuns", strconv.Itoa(j.minutes)).
			put("runOnMonday", boolText(recurring)).put("runOnTuesday", boolText(recurring)).
			put("runOnWednesday", boolText(recurring)).put("runOnThursday", boolText(recurring)).
			put("runOnFridays", boolText(recurring)).put("runOnSaturdays", "false").put("runOnSundays", "false").
			put("startingTime", startTime).put("endingTime", endTime).put("referenceStartingTime", stamp(start)).
			put("nextRunDateFormula", j.formula).put("description", j.caption).put("runInUserSession", "false").
			put("jobQueueCategoryCode", j.category).put("errorMessage", j.errMsg).
			put("userServiceInstanceId", strconv.Itoa(100+i%3)).put("notifyOnSuccess", "false").
			put("userLanguageId", lang).put("rerunDelay", "60").put("systemTaskId", g.id("systemTask", i)).
			put("scheduled", boolText(j.status == "Ready")).put("jobTimeOut", "12 hours").
			put("priorityWithinCategory", []string{"Normal", "Normal", "High", "Low"}[i%4]).
			put("lastModifiedDateTime", g.modified(rng, g.today)).add()
		for k := 0; k < 3+i%4; k++ {
			began := g.today.AddDate(0, 0, -k).Add(time.Duration(6+i)*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
			status, msg, ended := "Success", "", stamp(began.Add(time.Duration(1+rng.IntN(90))*time.Second))
			switch {
			case j.status == "Error" && k == 0:
				status, msg = "Error", j.errMsg
			case j.status == "In Process" && k == 0:
				status, ended = "In Process", stamp(time.Time{})
			}
			ls.row().put("jobQueueEntryId", entryID).put("userId", user).put("startDateTime", stamp(began)).
				put("endDateTime", ended).put("objectIdToRun", strconv.Itoa(j.obj)).put("objectTypeToRun", j.typ).
				put("status", status).put("description", j.caption).put("errorMessage", msg).
				put("jobQueueCategoryCode", j.category).put("parameterString", "").
				put("systemTaskId", g.id("systemTask", i)).put("userSessionId", strconv.Itoa(40000+rng.IntN(9000))).
				put("userServiceInstanceId", strconv.Itoa(100+i%3)).put("lastModifiedDateTime", stamp(began)).add()
		}
	}
}
