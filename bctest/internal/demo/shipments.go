package demo

import "slices"

// shipments writes one side's shipments (sales) or receipts (purchase) of a
// quarter of the posted invoices that have items, with one line per invoice
// line.
func (g *demoGen) shipments(sd side, invoices []*demoDoc) []*demoDoc {
	set := sd.prefix + sd.shipment + "s"
	s := g.set(set)
	ls := g.set(sd.prefix + sd.shipment + "Lines")
	rng := s.rng
	var out []*demoDoc
	for _, inv := range invoices {
		if !inv.posted || inv.status == "Canceled" || rng.IntN(4) != 0 || !hasItems(inv) {
			continue
		}
		d := *inv
		d.id, d.number = g.id(set, len(out)), seqNo(sd.shipmentNo, sd.shipmentStart+len(out))
		if sd.shipmentSrc {
			d.src = inv
		}
		sd.shipmentHeader(g, s, &d).add()
		docType := sd.docType + "_x0020_" + sd.shipment
		if d.dims {
			g.writeDimSet(d.id, docType, &d, nil, rng)
		}
		for k, l := range inv.lines {
			r := ls.row().put("documentId", d.id).put("sequence", seqNo("", 10000*(k+1))).
				put("lineType", shipLineType(l)).put("lineObjectNumber", lineObject(l)).
				put("description", runes(l.desc, 100)).put("unitOfMeasureCode", codeOf(l.uom)).
				put(sd.price, money(l.price)).put("quantity", hundredths(l.qty)).
				put("discountPercent", hundredths(l.discBP)).put("taxPercent", hundredths(l.taxBP)).
				put(sd.shipmentDate, g.date(d.date))
			vals := r.opt("documentNo", d.number).add() // only sales shipment lines have it
			if l.dims {
				g.writeDimSet(vals[0], docType+"_x0020_Line", &d, l, rng)
			}
		}
		out = append(out, &d)
	}
	return out
}

// salesShipmentHeader is a shipment's header: the invoice's, with the
// customer's references.
func (g *demoGen) salesShipmentHeader(s *demoSet, d *demoDoc) demoRec {
	return g.salesHeader(s, d, "invoiceDate").put("customerPurchaseOrderReference", d.ext).
		put("orderNumber", d.order).put("externalDocumentNumber", d.ext)
}

// purchaseReceiptHeader is a receipt's header: the invoice's, with its order.
func (g *demoGen) purchaseReceiptHeader(s *demoSet, d *demoDoc) demoRec {
	return g.purchaseHeader(s, d, "invoiceDate").put("orderNumber", d.order)
}

func hasItems(d *demoDoc) bool {
	return slices.ContainsFunc(d.lines, func(l *demoLine) bool { return l.kind == "Item" })
}

// shipLineType is a posted line's type: comments are blank there.
func shipLineType(l *demoLine) string {
	switch l.kind {
	case "Item":
		return "Item"
	case "Account":
		return "G_x002F_L_x0020_Account"
	}
	return "_x0020_"
}

func lineObject(l *demoLine) string {
	switch {
	case l.item != nil:
		return l.item.number
	case l.acct != nil:
		return l.acct.number
	}
	return ""
}
