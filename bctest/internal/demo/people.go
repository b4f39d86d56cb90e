package demo

// Employees with their projects and time sheets, fixed assets, and the
// contacts and opportunities of the sales pipeline.

import (
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bctest/internal/table"
)

// demoEmployee is an employee; active ones register time on their projects.
type demoEmployee struct {
	id, number, first, last, title string
	active                         bool
	dept                           *demoCode
	projects                       []*demoCode
}

// demoContact is a contact: a customer's or vendor's company, a person
// working there, or a prospect.
type demoContact struct {
	id, number, name, typ, relation string
	party                           *demoParty
	company                         *demoContact
	first, last, title              string
}

func (g *demoGen) employees() {
	s := g.set("employees")
	c := demoCountryOf(g.p.country)
	depts := g.dim("DEPARTMENT").values
	for i := 0; i < g.cfg.Employees; i++ {
		rng := s.rng
		e := &demoEmployee{number: seqNo("E", 1001+i), first: pick(rng, c.first), last: pick(rng, c.last),
			title: demoJobTitles[i%len(demoJobTitles)], active: true, dept: depts[i%len(depts)]}
		middle := ""
		if chance(rng, 0.2) {
			middle = pick(rng, c.first)
		}
		display := e.first + " " + e.last
		if middle != "" {
			display = e.first + " " + middle + " " + e.last
		}
		hired := time.Date(2012+rng.IntN(12), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		status, terminated := "Active", time.Time{}
		switch r := rng.IntN(20); {
		case r < 3:
			status = "Terminated"
			terminated = g.start.AddDate(0, 0, rng.IntN(max(days(g.start, g.today)*3/4, 1)))
			e.active = false
		case r == 3:
			status, e.active = "Inactive", false
		}
		city := pick(rng, c.cities)
		personal := ""
		if chance(rng, 0.6) {
			personal = emailLocal(e.first, e.last) + strconv.Itoa(rng.IntN(90)) + "@mail.example"
		}
		vals := s.row().put("number", e.number).put("displayName", display).put("givenName", e.first).
			put("middleName", middle).put("surname", e.last).put("jobTitle", e.title).
			put("addressLine1", pick(rng, c.streets)+" "+strconv.Itoa(1+rng.IntN(99))).put("addressLine2", "").
			put("city", city.name).put("state", city.state).put("country", c.code).put("postalCode", city.post).
			put("phoneNumber", c.phone+" 555 1"+strconv.Itoa(100+i)).
			put("mobilePhone", c.phone+" "+strconv.Itoa(20_000_000+rng.IntN(70_000_000))).
			put("email", emailLocal(e.first, e.last)+"@"+g.p.domain).put("personalEmail", personal).
			put("employmentDate", g.date(hired)).put("terminationDate", g.date(terminated)).put("status", status).
			put("birthDate", g.date(time.Date(1960+rng.IntN(42), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC))).
			put("statisticsGroupCode", pick(rng, []string{"", "SALARY", "HOURLY"})).
			put("lastModifiedDateTime", g.anyDayStamp(rng)).add()
		e.id = vals[0]
		g.m.employees = append(g.m.employees, e)
	}
}

func (g *demoGen) projects() {
	s := g.set("projects")
	for i := 0; i < g.cfg.Projects; i++ {
		cust := g.m.customers[(i*7)%len(g.m.customers)]
		name := demoProjectNames[i%len(demoProjectNames)] + " " + strings.SplitN(cust.name, " ", 2)[0]
		vals := s.row().put("number", seqNo("J", 10010+10*i)).put("displayName", runes(name, 100)).
			put("lastModifiedDateTime", g.anyDayStamp(s.rng)).add()
		g.m.projects = append(g.m.projects, &demoCode{id: vals[0], code: vals[1], name: name})
	}
	for i, e := range g.m.employees {
		if len(g.m.projects) > 0 {
			e.projects = []*demoCode{g.m.projects[i%len(g.m.projects)], g.m.projects[(i*3+1)%len(g.m.projects)]}
		}
	}
}

// contacts writes company contacts of some customers and vendors, a person
// at each, a few prospects, and the sets derived from them.
func (g *demoGen) contacts() {
	s := g.set("contacts")
	rng := s.rng
	home := demoCountryOf(g.p.country)
	var list []*demoContact
	add := func(ct *demoContact, p *demoParty, c *demoCountry, modified string) {
		ct.number = seqNo("CT", 100010+10*len(list))
		addr1, city, state, post, phone, email := "", "", "", "", "", ""
		if p != nil {
			addr1, city, state, post, phone, email = p.addr1, p.city, p.state, p.post, p.phone, p.email
		}
		if ct.typ == "Person" {
			email = emailLocal(ct.first, ct.last) + "@" + strings.SplitN(email+"@mail.example", "@", 3)[1]
		}
		compNo, compName, taxReg, web := "", "", "", ""
		if p != nil && ct.typ == "Company" {
			taxReg, web = p.taxReg, p.website
		}
		if ct.company != nil {
			compNo, compName = ct.company.number, ct.company.name
		}
		last := g.date(time.Time{})
		if chance(rng, 0.5) {
			last = g.date(g.today.AddDate(0, 0, -rng.IntN(300)))
		}
		vals := s.row().put("number", ct.number).put("type", ct.typ).put("displayName", ct.name).
			put("jobTitle", ct.title).put("companyNumber", compNo).put("companyName", compName).
			put("contactBusinessRelation", ct.relation).put("addressLine1", addr1).put("city", city).
			put("state", state).put("country", c.code).put("postalCode", post).put("phoneNumber", phone).
			put("mobilePhoneNumber", "").put("email", email).put("website", web).put("searchName", runes(strings.ToUpper(ct.name), 100)).
			put("privacyBlocked", strconv.FormatBool(len(list) == 7)).put("taxRegistrationNumber", taxReg).put("lastInteractionDate", last).
			put("lastModifiedDateTime", modified).add()
		ct.id = vals[0]
		list = append(list, ct)
	}
	company := func(p *demoParty, relation string) {
		comp := &demoContact{name: p.name, typ: "Company", relation: relation, party: p}
		if p.typ == "Person" {
			comp.typ = "Person"
			comp.first, comp.last, _ = strings.Cut(p.name, " ")
		}
		add(comp, p, p.country, p.modified)
		if comp.typ == "Company" {
			first, last, _ := strings.Cut(p.contact, " ")
			add(&demoContact{name: p.contact, typ: "Person", relation: relation, party: p, company: comp,
				first: first, last: last, title: pick(rng, demoJobTitles)}, p, p.country, p.modified)
		}
	}
	for i, p := range g.m.customers {
		if i%5 < 2 {
			company(p, "Customer")
		}
	}
	for i, p := range g.m.vendors {
		if i%3 == 0 {
			company(p, "Vendor")
		}
	}
	for i := 0; i < 6; i++ {
		name := pick(rng, home.words) + " " + pick(rng, home.trades) + " " + pick(rng, home.legal)
		add(&demoContact{name: name, typ: "Company", relation: []string{"None", "None", "Other", "Bank_x0020_Account", "Multiple", "_x0020_"}[i]},
			nil, home, g.anyDayStamp(rng))
	}
	g.m.contacts = list
	ci := g.set("contactsInformation")
	cc := g.set("customerContacts")
	for _, ct := range list {
		relType, relID := "_x0020_", table.ZeroGUID
		if ct.party != nil {
			relType, relID = ct.relation, ct.party.id
		}
		ci.row().put("contactId", ct.id).put("contactNumber", ct.number).put("contactName", ct.name).
			put("contactType", ct.typ).put("relatedId", relID).put("relatedType", relType).add()
		if ct.typ == "Person" && ct.relation == "Customer" && ct.company != nil {
			cc.row().put("id", ct.id).put("email", emailLocal(ct.first, ct.last)+"@mail.example").
				put("firstName", runes(ct.first, 30)).put("lastName", runes(ct.last, 30)).
				put("professionalTitle", ct.title).put("customerId", ct.party.id).put("customerName", ct.party.name).
				put("primaryPhoneNumber", ct.party.phone).add()
		}
	}
}

func (g *demoGen) opportunities() {
	s := g.set("opportunities")
	var persons []*demoContact
	for _, c := range g.m.contacts {
		if c.typ == "Person" && c.company != nil {
			persons = append(persons, c)
		}
	}
	what := []string{"New office furniture", "Showroom equipment", "Conference room upgrade", "Canteen furniture", "Storage solution", "Lighting retrofit"}
	for i := 0; i < 20 && len(persons) > 0; i++ {
		rng := s.rng
		ct := persons[(i*5)%len(persons)]
		created := g.start.AddDate(0, 0, rng.IntN(days(g.start, g.today)+1))
		status := []string{"Not_x0020_Started", "In_x0020_Progress", "In_x0020_Progress", "Won", "Lost"}[rng.IntN(5)]
		closed := status == "Won" || status == "Lost"
		est := int64(500_000 + rng.IntN(5_000_000))
		chances := []int64{0, 25, 50, 75, 100}[rng.IntN(5)]
		dateClosed, completed, value := time.Time{}, int64(rng.IntN(90)), est*chances/100
		if closed {
			dateClosed, completed = created.AddDate(0, 0, 10+rng.IntN(60)), 100
			if dateClosed.After(g.today) {
				dateClosed = g.today
			}
			if status == "Lost" {
				value, chances = 0, 0
			}
		}
		createdAt := g.modified(rng, created)
		modifiedAt := createdAt
		if m := g.modified(rng, dateClosed); closed && table.CompareDateTimeText(m, createdAt) > 0 {
			modifiedAt = m
		}
		s.row().put("number", seqNo("OP", 100010+10*i)).put("contactNumber", ct.number).put("contactName", ct.name).
			put("contactCompanyName", ct.company.name).put("salespersonCode", g.m.people[i%5].code).
			put("description", pick(rng, what)).put("status", status).put("closed", strconv.FormatBool(closed)).
			put("creationDate", g.date(created)).put("dateClosed", g.date(dateClosed)).
			put("calculatedCurrentValue", money(value)).put("chancesOfSuccessPrc", strconv.FormatInt(chances, 10)).
			put("completedPrc", strconv.FormatInt(completed, 10)).
			put("estimatedClosingDate", g.date(created.AddDate(0, 2, 0))).put("estimatedValue", money(est)).
			put("systemCreatedAt", createdAt).put("lastModifiedDateTime", modifiedAt).add()
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (g *demoGen) fixedAssets() {
	s := g.set("fixedAssets")
	names := []string{"Forklift", "Delivery van", "Server rack", "Conference room furniture", "Company car",
		"CNC machine", "Laptop pool", "Coffee machine", "Pallet racking", "Photocopier", "Workbench", "Air compressor",
		"Security system", "Electric car charger", "Office building"}
	sub := []string{"EQUIPMENT", "VEHICLES", "IT", "FURNITURE", "VEHICLES", "EQUIPMENT", "IT", "EQUIPMENT",
		"EQUIPMENT", "IT", "EQUIPMENT", "EQUIPMENT", "IT", "EQUIPMENT", "BUILDINGS"}
	for i, name := range names {
		loc := g.m.faLocs[i%len(g.m.faLocs)]
		empNo, empID := "", table.ZeroGUID
		if i%3 == 1 && len(g.m.employees) > 0 {
			e := g.m.employees[i%len(g.m.employees)]
			empNo, empID = e.number, e.id
		}
		s.row().put("number", seqNo("FA", 100010+10*i)).put("displayName", name).
			put("fixedAssetLocationCode", loc.code).put("fixedAssetLocationId", loc.id).put("classCode", "TANGIBLE").
			put("subclassCode", sub[i]).put("blocked", strconv.FormatBool(i == 11)).
			put("serialNumber", strings.ToUpper(strconv.FormatUint(s.rng.Uint64()%1e10, 36))).
			put("employeeNumber", empNo).put("employeeId", empID).put("underMaintenance", strconv.FormatBool(i == 5)).
			put("lastModifiedDateTime", g.anyDayStamp(s.rng)).add()
	}
}

// timeRegistrations writes the last 13 weeks of time sheets of the active
// employees: project hours and absences, approved when old, open when new.
func (g *demoGen) timeRegistrations() {
	s := g.set("timeRegistrationEntries")
	hour := g.m.uoms["HOUR"]
	monday := g.today.AddDate(0, 0, -int((g.today.Weekday()+6)%7)-7*12)
	for _, e := range g.m.employees {
		if !e.active {
			continue
		}
		for w := 0; w < 13; w++ {
			line := 10000
			for d := 0; d < 5; d++ {
				day := monday.AddDate(0, 0, 7*w+d)
				if day.After(g.today) || chance(s.rng, 0.2) {
					continue
				}
				g.timeEntry(s, e, day, w, &line, hour)
			}
		}
	}
}

func (g *demoGen) timeEntry(s *demoSet, e *demoEmployee, day time.Time, week int, line *int, hour *demoCode) {
	rng := s.rng
	status := "Approved"
	switch {
	case week >= 11:
		status = "Open"
	case week >= 9:
		status = pick(rng, []string{"Submitted", "Submitted", "Approved"})
	case chance(rng, 0.04):
		status = "Rejected"
	}
	entry := func(job *demoCode, task, absence string, qty int64) {
		jobID, jobNo := table.ZeroGUID, ""
		if job != nil {
			jobID, jobNo = job.id, job.code
		}
		s.row().put("employeeId", e.id).put("employeeNumber", e.number).put("jobId", jobID).
			put("jobNumber", jobNo).put("jobTaskNumber", task).put("absence", absence).
			put("lineNumber", strconv.Itoa(*line)).put("date", g.date(day)).put("quantity", hundredths(qty)).
			put("status", status).put("unitOfMeasureId", hour.id).put("unitOfMeasureCode", hour.code).
			put("lastModfiedDateTime", g.modified(rng, day)).add()
		*line += 10000
	}
	if chance(rng, 0.05) {
		entry(nil, "", pick(rng, []string{"VACATION", "SICK", "HOLIDAY"}), 750)
		return
	}
	total := []int64{800, 750, 700, 800, 600}[rng.IntN(5)]
	if len(e.projects) == 0 {
		return
	}
	first := total
	if chance(rng, 0.3) {
		first = total - []int64{200, 250, 400}[rng.IntN(3)]
		entry(e.projects[1], pick(rng, []string{"1000", "2000", "3000"}), "", total-first)
	}
	entry(e.projects[0], pick(rng, []string{"1000", "2000", "3000"}), "", first)
}
