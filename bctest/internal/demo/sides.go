package demo

import "math/rand/v2"

// side is what sets the sales and the purchase side of the demo's documents
// apart; the generators of documents both sides have take one.
type side struct {
	sales   bool
	prefix  string // of the sets' names: "sales", "purchase"
	docType string // BC's document types begin with it: "Sales", "Purchase"
	price   string // the lines' price property
	header  func(g *demoGen, s *demoSet, d *demoDoc, dateField string) demoRec
	parties func(g *demoGen) []*demoParty // customers or vendors

	invoices           func(cfg Config) int // invoices of the period
	invoiceLines       int                  // an invoice has 1 + [0, invoiceLines) lines
	invoicePosted      string               // number series of posted invoices
	invoicePostedStart int
	invoiceDraft       string // number series of draft invoices
	invoiceDraftStart  int
	// invoiceOrder draws the order a posted invoice came from, before its
	// number, or is nil when the side draws it in invoiceHeader.
	invoiceOrder  func(rng *rand.Rand, d *demoDoc, k int)
	partPayments  bool   // open invoices may be partly paid
	paidDays      [2]int // a paid invoice was paid paidDays[0] + [0, paidDays[1]) days after it was due
	canceledLater bool   // a canceled invoice was changed again days after its date
	// invoiceHeader makes the side's own random draws for invoice k and
	// returns its header.
	invoiceHeader func(g *demoGen, s *demoSet, d *demoDoc, k int) demoRec

	shipment      string // what the side calls the posted delivery of an invoice's items
	shipmentNo    string // number series of shipments, and its start
	shipmentStart int
	shipmentDate  string // the lines' date property
	// shipmentSrc makes a shipment remember its invoice, which gives the
	// item ledger entries the shipment's number. Only receipts do: sales
	// shipments never did, and the demo's rows must not change.
	shipmentSrc    bool
	shipmentHeader func(g *demoGen, s *demoSet, d *demoDoc) demoRec

	orders        func(cfg Config) int // open orders of the last 75 days
	orderNo       string               // number series of orders, and its start
	orderStart    int
	orderStatuses []string // an order's status is drawn from these
	// orderExt draws the party's reference of an order before its party,
	// or is nil.
	orderExt                  func(rng *rand.Rand, d *demoDoc)
	orderFull                 bool                  // some open orders are wholly shipped
	orderPart                 func(qty int64) int64 // what a partly shipped line has shipped
	orderPrice                string                // the order lines' price property
	orderShipped, orderToShip string                // the order lines' quantity properties: shipped, still to ship
	orderHeader               func(g *demoGen, s *demoSet, d *demoDoc, shippedAll bool) demoRec

	memos      func(cfg Config) int              // credit memos for returns, besides the corrective ones
	memoLine   func(l *demoLine) bool            // which lines of an invoice can be returned
	memoQty    func(rng *rand.Rand, l *demoLine) // adjusts a returned line, or nil
	memoExt    func(k int) string                // the customer's or vendor's reference of return k
	memoDays   [2]int                            // a return comes memoDays[0] + [0, memoDays[1]) days after the invoice
	memoPosted string                            // number series of posted credit memos, and its start
	memoStart  int
	memoDraft  string // of draft credit memos, starting at 1001
	memoHeader func(h demoRec, m *demoDoc, reason string) demoRec
}

var salesSide = side{
	sales: true, prefix: "sales", docType: "Sales", price: "unitPrice",
	header:  (*demoGen).salesHeader,
	parties: func(g *demoGen) []*demoParty { return g.m.customers },

	invoices: func(cfg Config) int { return cfg.Months * cfg.InvoicesPerMonth }, invoiceLines: 6,
	invoicePosted: "PS-INV", invoicePostedStart: 103001, invoiceDraft: "S-INV", invoiceDraftStart: 101001,
	partPayments: true, paidDays: [2]int{-10, 30}, canceledLater: true,
	invoiceHeader: (*demoGen).salesInvoiceHeader,

	shipment: "Shipment", shipmentNo: "S-SHPT", shipmentStart: 102001, shipmentDate: "shipmentDate",
	shipmentHeader: (*demoGen).salesShipmentHeader,

	orders: func(cfg Config) int { return 2 * cfg.InvoicesPerMonth }, orderNo: "S-ORD", orderStart: 101001,
	orderStatuses: []string{"Draft", "Draft", "In_x0020_Review", "Open", "Open", "Open", "Open"},
	orderExt:      salesOrderExt, orderFull: true,
	orderPart:  func(qty int64) int64 { return qty / 100 / 2 * 100 },
	orderPrice: "unitPrice", orderShipped: "shippedQuantity", orderToShip: "shipQuantity",
	orderHeader: (*demoGen).salesOrderHeader,

	memos:    func(cfg Config) int { return cfg.InvoicesPerMonth },
	memoLine: func(l *demoLine) bool { return l.kind == "Item" },
	memoQty: func(rng *rand.Rand, l *demoLine) {
		if l.qty > 100 {
			l.qty = 100 * int64(1+rng.IntN(int(l.qty/100)))
			l.gross = (l.qty*l.price + 50) / 100
			l.disc = pct(l.gross, l.discBP)
			l.net = l.gross - l.disc
			l.tax = pct(l.net, l.taxBP)
		}
	},
	memoExt:    func(k int) string { return seqNo("RMA-", 2000+k) },
	memoDays:   [2]int{5, 40},
	memoPosted: "PS-CR", memoStart: 104001, memoDraft: "S-CR",
	memoHeader: func(h demoRec, m *demoDoc, reason string) demoRec {
		return h.put("invoiceId", m.src.id).put("invoiceNumber", m.src.number).put("customerReturnReasonId", reason)
	},
}

var purchaseSide = side{
	prefix: "purchase", docType: "Purchase", price: "unitCost",
	header:  (*demoGen).purchaseHeader,
	parties: func(g *demoGen) []*demoParty { return g.m.vendors },

	invoices: func(cfg Config) int { return cfg.Months * cfg.InvoicesPerMonth * 2 / 3 }, invoiceLines: 5,
	invoicePosted: "PP-INV", invoicePostedStart: 108001, invoiceDraft: "P-INV", invoiceDraftStart: 106001,
	invoiceOrder: func(rng *rand.Rand, d *demoDoc, k int) {
		if chance(rng, 0.3) {
			d.order = seqNo("P-ORD", 105001+k)
		}
	},
	paidDays:      [2]int{-5, 10},
	invoiceHeader: (*demoGen).purchaseInvoiceHeader,

	shipment: "Receipt", shipmentNo: "P-RCPT", shipmentStart: 107001, shipmentDate: "expectedReceiptDate",
	shipmentSrc: true, shipmentHeader: (*demoGen).purchaseReceiptHeader,

	orders: func(cfg Config) int { return cfg.InvoicesPerMonth * 4 / 3 }, orderNo: "P-ORD", orderStart: 106001,
	orderStatuses: []string{"Draft", "In_x0020_Review", "Open", "Open", "Open"},
	orderPart:     func(qty int64) int64 { return qty },
	orderPrice:    "directUnitCost", orderShipped: "receivedQuantity", orderToShip: "receiveQuantity",
	orderHeader: (*demoGen).purchaseOrderHeader,

	memos:      func(cfg Config) int { return cfg.InvoicesPerMonth * 2 / 3 },
	memoLine:   func(l *demoLine) bool { return l.kind != "Comment" },
	memoExt:    func(int) string { return "" },
	memoDays:   [2]int{3, 30},
	memoPosted: "PP-CR", memoStart: 109001, memoDraft: "P-CR",
	memoHeader: func(h demoRec, m *demoDoc, reason string) demoRec {
		return h.put("vendorCreditMemoNumber", "CR-"+m.src.ext).put("invoiceId", m.src.id).
			put("invoiceNumber", m.src.number).put("vendorReturnReasonId", reason)
	},
}
