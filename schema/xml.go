package schema

// The x* types mirror the CSDL XML elements the parser reads with
// encoding/xml; everything else in a document is skipped.

type xEntityType struct {
	Name        string         `xml:"Name,attr"`
	BaseType    string         `xml:"BaseType,attr"`
	Key         []xPropertyRef `xml:"Key>PropertyRef"`
	Properties  []xProperty    `xml:"Property"`
	Navigation  []xNavigation  `xml:"NavigationProperty"`
	Annotations []xAnnotation  `xml:"Annotation"`
}

type xPropertyRef struct {
	Name string `xml:"Name,attr"`
}

type xProperty struct {
	Name        string        `xml:"Name,attr"`
	Type        string        `xml:"Type,attr"`
	Nullable    string        `xml:"Nullable,attr"`
	MaxLength   string        `xml:"MaxLength,attr"`
	Precision   string        `xml:"Precision,attr"`
	Scale       string        `xml:"Scale,attr"`
	Annotations []xAnnotation `xml:"Annotation"`
}

type xNavigation struct {
	Name           string               `xml:"Name,attr"`
	Type           string               `xml:"Type,attr"`
	Partner        string               `xml:"Partner,attr"`
	ContainsTarget string               `xml:"ContainsTarget,attr"`
	Constraints    []xReferentialConstr `xml:"ReferentialConstraint"`
}

type xReferentialConstr struct {
	Property           string `xml:"Property,attr"`
	ReferencedProperty string `xml:"ReferencedProperty,attr"`
}

type xComplexType struct {
	Name       string      `xml:"Name,attr"`
	Properties []xProperty `xml:"Property"`
}

type xEnumType struct {
	Name           string        `xml:"Name,attr"`
	IsFlags        string        `xml:"IsFlags,attr"`
	UnderlyingType string        `xml:"UnderlyingType,attr"`
	Members        []xMember     `xml:"Member"`
	Annotations    []xAnnotation `xml:"Annotation"`
}

type xMember struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:"Value,attr"`
}

type xAction struct {
	Name       string       `xml:"Name,attr"`
	IsBound    string       `xml:"IsBound,attr"`
	Parameters []xParameter `xml:"Parameter"`
	ReturnType *struct {
		Type string `xml:"Type,attr"`
	} `xml:"ReturnType"`
}

type xParameter struct {
	Name     string `xml:"Name,attr"`
	Type     string `xml:"Type,attr"`
	Nullable string `xml:"Nullable,attr"`
}

type xEntitySet struct {
	Name        string        `xml:"Name,attr"`
	EntityType  string        `xml:"EntityType,attr"`
	Annotations []xAnnotation `xml:"Annotation"`
}

// xAnnotations is an out-of-line <Annotations Target="…">.
type xAnnotations struct {
	Target      string        `xml:"Target,attr"`
	Annotations []xAnnotation `xml:"Annotation"`
}

type xAnnotation struct {
	Term       string       `xml:"Term,attr"`
	Bool       *string      `xml:"Bool,attr"`
	String     *string      `xml:"String,attr"`
	EnumMember string       `xml:"EnumMember,attr"`
	Record     *xRecord     `xml:"Record"`
	Collection *xCollection `xml:"Collection"`
}

type xRecord struct {
	Type   string           `xml:"Type,attr"`
	Values []xPropertyValue `xml:"PropertyValue"`
}

type xPropertyValue struct {
	Property     string       `xml:"Property,attr"`
	Bool         string       `xml:"Bool,attr"`
	String       string       `xml:"String,attr"`
	PropertyPath string       `xml:"PropertyPath,attr"`
	Collection   *xCollection `xml:"Collection"`
}

type xCollection struct {
	Records []xRecord `xml:"Record"`
}
