package bcsync

import (
	"github.com/bcsdk/bc/bcsync/internal/decode"
	"github.com/bcsdk/bc/bcsync/internal/plan"
)

// newSetDecoder builds the decoder of a planned set and its children.
func newSetDecoder(s *plan.Set) *decode.Decoder {
	parentProp := ""
	children := make([]decode.Child, 0, len(s.Children))
	for _, ch := range s.Children {
		scope := 1
		if ch.Nested {
			scope = 2
		}
		parentProp = ch.ParentProp
		children = append(children, decode.Child{
			Table:        decode.Table{Fields: fields(ch.Cols), Scope: scope, Key: firstKey(ch.Type.Key)},
			Nav:          ch.Nav,
			Nested:       ch.Nested,
			ParentColumn: ch.ParentColumn,
		})
	}
	return decode.New(decode.Table{Fields: fields(s.Cols), Scope: 1, Key: firstKey(s.Type.Key)}, parentProp, children)
}

// fields describes the property columns to the decoder.
func fields(cols []plan.Column) []decode.Field {
	out := make([]decode.Field, len(cols))
	for i, c := range cols {
		out[i] = decode.Field{Name: c.Name, Type: c.Type, Enum: c.Enum}
	}
	return out
}

func firstKey(key []string) string {
	if len(key) == 0 {
		return ""
	}
	return key[0]
}
