package demo

// The words the demo tenant is made of: company profiles, countries with
// their cities, streets and names (with the non-ASCII letters real tenants
// have), products, and the folding of names into codes and addresses.

import "strings"

// demoProfile describes one demo company.
type demoProfile struct {
	name     string // BC company names have at most 30 characters
	display  string
	country  string // home country code
	currency string // local currency
	symbol   string
	acy      string // additional reporting currency, "" for none
	acyRate  int64  // ACY per 10,000 LCY
	taxBP    int64  // standard tax rate in hundredths of a percent
	vat      bool   // VAT (Europe) rather than US sales tax
	lang     string // "en", "da", "pl", "de": names of accounts, items, dimensions
	domain   string
	industry string
}

var demoProfiles = []demoProfile{
	{name: "CRONUS USA, Inc.", display: "CRONUS USA, Inc.", country: "US", currency: "USD", symbol: "$",
		acy: "EUR", acyRate: 9210, taxBP: 825, lang: "en", domain: "cronus-usa.example", industry: "Furniture wholesale"},
	{name: "Contoso Europe Ltd.", display: "Contoso Europe Limited", country: "GB", currency: "GBP", symbol: "£",
		taxBP: 2000, vat: true, lang: "en", domain: "contoso-europe.example", industry: "Office equipment"},
	{name: `Søren's Café "Nord" ApS`, display: `Søren's Café "Nord" ApS – København`, country: "DK", currency: "DKK", symbol: "kr.",
		acy: "EUR", acyRate: 1341, taxBP: 2500, vat: true, lang: "da", domain: "sorens-cafe.example", industry: "Café og catering"},
	{name: "Fabrikam Polska Sp. z o.o.", display: "Fabrikam Polska Sp. z o.o.", country: "PL", currency: "PLN", symbol: "zł",
		acy: "EUR", acyRate: 2315, taxBP: 2300, vat: true, lang: "pl", domain: "fabrikam-polska.example", industry: "Produkcja mebli"},
	{name: "Müller & Söhne GmbH", display: "Müller & Söhne GmbH", country: "DE", currency: "EUR", symbol: "€",
		acy: "USD", acyRate: 10850, taxBP: 1900, vat: true, lang: "de", domain: "mueller-soehne.example", industry: "Maschinenbau"},
}

type demoCity struct{ name, post, state string }

type demoCountry struct {
	code, name, format, phone, vatPrefix string
	cities                               []demoCity
	streets                              []string
	first, last                          []string
	words, trades, legal                 []string
}

// demoCountries are the countries customers, vendors and employees live in;
// demoOtherCountries only appear in countriesRegions.
var demoCountries = []demoCountry{
	{code: "US", name: "United States", format: "City_x002B_County_x002B_Post_x0020_Code", phone: "+1",
		cities:  []demoCity{{"Atlanta", "30303", "GA"}, {"Chicago", "60601", "IL"}, {"Seattle", "98101", "WA"}, {"Miami", "33131", "FL"}, {"Denver", "80202", "CO"}, {"Boston", "02108", "MA"}},
		streets: []string{"Main Street", "Oak Avenue", "Peachtree Road", "Lake Shore Drive", "Pine Street", "Elm Street"},
		first:   []string{"James", "Mary", "Robert", "Patricia", "Michael", "Linda", "David", "Jennifer", "José", "Zoë"},
		last:    []string{"Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Martínez", "O'Connor", "Nguyen"},
		words:   []string{"Adatum", "Fabrikam", "Litware", "Northwind", "Proseware", "Tailspin", "Wingtip", "Trey", "Alpine", "Blue Yonder"},
		trades:  []string{"Furniture", "Logistics", "Outfitters", "Systems", "Trading", "Interiors", "Supplies", "Consulting"},
		legal:   []string{"Inc.", "LLC", "Corp."}},
	{code: "GB", name: "United Kingdom", format: "City_x002B_Post_x0020_Code", phone: "+44", vatPrefix: "GB",
		cities:  []demoCity{{"London", "EC1A 1BB", ""}, {"Manchester", "M1 1AE", ""}, {"Bristol", "BS1 4DJ", ""}, {"Leeds", "LS1 4AP", ""}, {"Edinburgh", "EH1 1YZ", "Scotland"}},
		streets: []string{"High Street", "Station Road", "Church Lane", "Victoria Road", "King's Road"},
		first:   []string{"Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Sophie", "Siân", "Niamh"},
		last:    []string{"Taylor", "Jones", "Evans", "Wilson", "Thomas", "Roberts", "O'Brien", "Hughes", "Wright", "Walker"},
		words:   []string{"Thames", "Pennine", "Cotswold", "Highland", "Brighton", "Kingsway", "Mersey", "Solent"},
		trades:  []string{"Joinery", "Freight", "Supplies", "Trading", "Interiors", "Office Solutions"},
		legal:   []string{"Ltd.", "plc", "LLP"}},
	{code: "DK", name: "Denmark", format: "Post_x0020_Code_x002B_City", phone: "+45", vatPrefix: "DK",
		cities:  []demoCity{{"København", "1050", ""}, {"Aarhus", "8000", ""}, {"Odense", "5000", ""}, {"Aalborg", "9000", ""}, {"Ærøskøbing", "5970", ""}, {"Køge", "4600", ""}},
		streets: []string{"Østergade", "Nørregade", "Vesterbrogade", "Søndre Allé", "Bredgade", "Strøget"},
		first:   []string{"Søren", "Mette", "Jens", "Lærke", "Mads", "Anne", "Bjørn", "Sofie", "Frederik", "Ida"},
		last:    []string{"Sørensen", "Jørgensen", "Nielsen", "Østergaard", "Kjær", "Bøgh", "Mølgaard", "Hansen", "Lund", "Thøgersen"},
		words:   []string{"Nørrebro", "Østerbro", "Vesterå", "Fyn", "Søndergaard", "Højbjerg", "Kløver", "Ærø"},
		trades:  []string{"Møbler", "Kaffe", "Byg", "Handel", "Trælast", "Bageri", "Tekstil"},
		legal:   []string{"ApS", "A/S", "I/S"}},
	{code: "DE", name: "Germany", format: "Post_x0020_Code_x002B_City", phone: "+49", vatPrefix: "DE",
		cities:  []demoCity{{"München", "80331", "BY"}, {"Köln", "50667", "NW"}, {"Berlin", "10115", "BE"}, {"Düsseldorf", "40213", "NW"}, {"Nürnberg", "90402", "BY"}},
		streets: []string{"Hauptstraße", "Bahnhofstraße", "Schloßallee", "Gartenweg", "Königstraße"},
		first:   []string{"Jürgen", "Käthe", "Lukas", "Jörg", "Anna", "Björn", "Lena", "Günther", "Maximilian", "Sophie"},
		last:    []string{"Müller", "Schäfer", "Böhm", "Weiß", "Köhler", "Großmann", "Becker", "Schröder", "Hoffmann", "Krüger"},
		words:   []string{"Müller", "Schäfer", "Böhm", "Weiß", "Köhler", "Großmann", "Fuchs", "Wagner"},
		trades:  []string{"Maschinenbau", "Logistik", "Möbelwerk", "Elektrotechnik", "Handelshaus", "Büroausstattung"},
		legal:   []string{"GmbH", "AG", "KG"}},
	{code: "PL", name: "Poland", format: "Post_x0020_Code_x002B_City", phone: "+48", vatPrefix: "PL",
		cities:  []demoCity{{"Warszawa", "00-001", ""}, {"Kraków", "30-001", ""}, {"Gdańsk", "80-123", ""}, {"Łódź", "90-001", ""}, {"Wrocław", "50-001", ""}, {"Poznań", "60-101", ""}},
		streets: []string{"ul. Wieżowa", "ul. Świętokrzyska", "ul. Długa", "al. Jerozolimskie", "ul. Żurawia"},
		first:   []string{"Paweł", "Małgorzata", "Łukasz", "Agnieszka", "Wojciech", "Katarzyna", "Michał", "Zofia", "Jan", "Barbara"},
		last:    []string{"Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zieliński", "Szymańska", "Dąbrowski", "Jeleń", "Kaczmarek"},
		words:   []string{"Żuraw", "Wiśnia", "Sokół", "Bałtyk", "Mazowsze", "Jeleń", "Orzeł", "Wisła"},
		trades:  []string{"Meble", "Logistyka", "Handel", "Budownictwo", "Tekstylia", "Ubezpieczenia"},
		legal:   []string{"Sp. z o.o.", "S.A.", "Sp.k."}},
	{code: "FR", name: "France", format: "Post_x0020_Code_x002B_City", phone: "+33", vatPrefix: "FR",
		cities:  []demoCity{{"Paris", "75001", ""}, {"Lyon", "69001", ""}, {"Marseille", "13001", ""}, {"Nantes", "44000", ""}},
		streets: []string{"rue de la Paix", "avenue des Champs-Élysées", "boulevard Saint-Germain", "rue Émile Zola"},
		first:   []string{"Élodie", "François", "Hélène", "Jérôme", "Chloé", "Benoît", "Léa", "Théo"},
		last:    []string{"Lefèvre", "Dubois", "Moreau", "Girard", "Bérubé", "Faure", "Rousseau", "Lemaître"},
		words:   []string{"Étoile", "Côte", "Lumière", "Château", "Rivière", "Mistral"},
		trades:  []string{"Meubles", "Transports", "Négoce", "Équipements", "Bureautique"},
		legal:   []string{"SARL", "SA", "SAS"}},
	{code: "SE", name: "Sweden", format: "Post_x0020_Code_x002B_City", phone: "+46", vatPrefix: "SE",
		cities:  []demoCity{{"Stockholm", "111 20", ""}, {"Göteborg", "411 01", ""}, {"Malmö", "211 20", ""}, {"Västerås", "721 30", ""}},
		streets: []string{"Drottninggatan", "Storgatan", "Kungsgatan", "Södra Vägen"},
		first:   []string{"Åsa", "Björn", "Märta", "Örjan", "Linnéa", "Göran", "Elsa", "Nils"},
		last:    []string{"Åkesson", "Lindqvist", "Björk", "Sjöberg", "Öberg", "Lindström", "Ångström", "Nyström"},
		words:   []string{"Åkesson", "Lindqvist", "Björk", "Sjöberg", "Öresund", "Fjäll"},
		trades:  []string{"Möbler", "Logistik", "Trä", "Handel", "Kontorsvaror"},
		legal:   []string{"AB", "HB"}},
	{code: "NL", name: "Netherlands", format: "Post_x0020_Code_x002B_City", phone: "+31", vatPrefix: "NL",
		cities:  []demoCity{{"Amsterdam", "1012 AB", ""}, {"Rotterdam", "3011 AA", ""}, {"Utrecht", "3511 AA", ""}, {"Den Haag", "2511 AA", ""}},
		streets: []string{"Keizersgracht", "Damrak", "Coolsingel", "Oudegracht"},
		first:   []string{"Daan", "Sanne", "Bram", "Femke", "Joris", "Anouk", "Sjoerd", "Eline"},
		last:    []string{"de Vries", "van Dijk", "Jansen", "Bakker", "van den Berg", "Visser", "Smit", "de Groot"},
		words:   []string{"Van Dijk", "De Vries", "Zeeland", "Utrecht", "Oranje", "Polder"},
		trades:  []string{"Meubelen", "Transport", "Handel", "Kantoorinrichting"},
		legal:   []string{"B.V.", "N.V."}},
}

var demoOtherCountries = [][3]string{
	{"CA", "Canada", "City_x002B_County_x002B_Post_x0020_Code"},
	{"NO", "Norway", "Post_x0020_Code_x002B_City"},
	{"ES", "Spain", "Post_x0020_Code_x002B_City"},
	{"IT", "Italy", "Post_x0020_Code_x002B_City"},
	{"CH", "Switzerland", "Post_x0020_Code_x002B_City"},
	{"AT", "Austria", "Post_x0020_Code_x002B_City"},
	{"BE", "Belgium", "Post_x0020_Code_x002B_City"},
	{"IS", "Iceland", "Blank_x0020_Line_x002B_Post_x0020_Code_x002B_City"},
	{"JP", "Japan", "Custom"},
}

func demoCountryOf(code string) *demoCountry {
	for i := range demoCountries {
		if demoCountries[i].code == code {
			return &demoCountries[i]
		}
	}
	return &demoCountries[0]
}

// demoCurrencies are the currencies a company may trade in; its own is left
// out, as BC keeps the local currency outside the Currency table.
var demoCurrencies = []struct {
	code, name, symbol string
	perEUR             int64 // units per 100 EUR, in cents
}{
	{"EUR", "Euro", "€", 10000},
	{"USD", "US dollar", "$", 10857},
	{"GBP", "Pound sterling", "£", 8462},
	{"DKK", "Danish krone", "kr.", 74590},
	{"PLN", "Polish złoty", "zł", 43190},
	{"SEK", "Swedish krona", "kr", 115230},
	{"CHF", "Swiss franc", "CHF", 9412},
	{"NOK", "Norwegian krone", "kr", 117650},
}

// demoItemWords are product names: a base and a variant make one item.
var demoItemWords = map[string][2][]string{
	"en": {
		{"ATHENS Desk", "PARIS Guest Chair", "ANTWERP Conference Table", "LONDON Swivel Chair", "AMSTERDAM Lamp", "BERLIN Filing Cabinet", "ROME Bookcase", "MUNICH Whiteboard", "OSLO Storage Unit", "SEOUL Guest Chair"},
		{"black", "white", "oak", "walnut", "grey", "blue", "red", "green"},
	},
	"da": {
		{"Skrivebord ØSTERBRO", "Kontorstol NØRREBRO", "Lædersofa", "Bøgebord", "Kaffekop", "Espressomaskine", "Reol ÅRHUS", "Lampe SKÅNE", "Skab FÆRØ", "Mødebord"},
		{"sort", "hvid", "eg", "bøg", "grå", "blå", "rød", "grøn"},
	},
	"pl": {
		{"Biurko GDAŃSK", "Krzesło KRAKÓW", "Stół ŁÓDŹ", "Szafa WROCŁAW", "Lampa POZNAŃ", "Regał", "Fotel obrotowy", "Dętka", "Tablica", "Komoda"},
		{"czarny", "biały", "dąb", "orzech", "szary", "niebieski", "czerwony", "zielony"},
	},
	"de": {
		{"Schreibtisch MÜNCHEN", "Bürostuhl KÖLN", "Konferenztisch", "Aktenschrank", "Bücherregal", "Stehlampe", "Drehstuhl", "Whiteboard", "Rollcontainer", "Sitzbank"},
		{"schwarz", "weiß", "Eiche", "Nussbaum", "grau", "blau", "rot", "grün"},
	},
}

// demoServices are items of type Service and Non-Inventory.
var demoServices = []struct{ name, typ, uom string }{
	{"Installation", "Service", "HOUR"},
	{"Consulting hour", "Service", "HOUR"},
	{"Interior design service", "Service", "HOUR"},
	{"Delivery", "Service", "PCS"},
	{"Gift card", "Non_x002D_Inventory", "PCS"},
	{"Shipping box", "Non_x002D_Inventory", "BOX"},
}

// demoLang picks the text of a language, English when there is none.
func demoLang(lang string, texts map[string]string) string {
	if s, ok := texts[lang]; ok {
		return s
	}
	return texts["en"]
}

var demoJobTitles = []string{"Sales Manager", "Accountant", "Warehouse Worker", "Designer", "Project Manager",
	"Consultant", "Controller", "Purchaser", "Office Manager", "Installer", "Developer", "CFO"}

var demoProjectNames = []string{"Office fit-out", "Showroom redesign", "ERP rollout", "Warehouse expansion",
	"Headquarters move", "Café interior", "Conference centre", "Furniture refresh", "Hotel lobby", "Library renovation"}

// asciiFold replaces the letters of the demo's names that have no ASCII
// form, for codes, e-mail addresses and search names.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := demoFold[r]; ok {
			b.WriteString(f)
		} else if r < 128 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var demoFold = map[rune]string{
	'æ': "ae", 'Æ': "AE", 'ø': "oe", 'Ø': "OE", 'å': "aa", 'Å': "AA", 'ä': "ae", 'Ä': "AE", 'ö': "oe", 'Ö': "OE",
	'ü': "ue", 'Ü': "UE", 'ß': "ss", 'é': "e", 'É': "E", 'è': "e", 'ê': "e", 'ë': "e", 'ô': "o", 'î': "i",
	'ą': "a", 'ć': "c", 'ę': "e", 'ł': "l", 'Ł': "L", 'ń': "n", 'ó': "o", 'ś': "s", 'Ś': "S", 'ź': "z", 'ż': "z", 'Ż': "Z",
	'â': "a", 'à': "a", 'ç': "c", 'ï': "i", 'û': "u", 'ù': "u", 'í': "i", 'á': "a", 'ú': "u", 'ñ': "n",
}

// emailLocal makes the local part of an address from a person's name.
func emailLocal(first, last string) string { return slug(first) + "." + slug(last) }

// slug keeps the ASCII letters and digits of a name, lowercased, for
// e-mail addresses and domains.
func slug(s string) string {
	f := asciiFold(s)
	b := make([]byte, 0, len(f))
	for i := 0; i < len(f); i++ {
		switch c := f[i]; {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}
