package doctor

// Names are the words the fixes use for the settings they ask to change
// and for running the checks again: a command's flags (--environment,
// "run --doctor"), a service's configuration keys. A field left empty
// reads as in DefaultNames.
type Names struct {
	Environment, BaseURL, TokenURL, Companies, Profile, Entities string
	// Doctor is how to run these checks, as in "…, then run the doctor
	// again".
	Doctor string
}

// DefaultNames are the neutral words used where Config.Names has none.
var DefaultNames = Names{
	Environment: "the environment name", BaseURL: "the base URL", TokenURL: "the token URL",
	Companies: "the company selection", Profile: "the profile", Entities: "the entity sets",
	Doctor: "run the doctor",
}

// withDefaults fills n's empty fields from DefaultNames.
func (n Names) withDefaults() Names {
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&n.Environment, DefaultNames.Environment}, {&n.BaseURL, DefaultNames.BaseURL},
		{&n.TokenURL, DefaultNames.TokenURL}, {&n.Companies, DefaultNames.Companies},
		{&n.Profile, DefaultNames.Profile}, {&n.Entities, DefaultNames.Entities}, {&n.Doctor, DefaultNames.Doctor},
	} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	return n
}
