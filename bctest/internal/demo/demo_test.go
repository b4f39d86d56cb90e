package demo

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestProfileNamesTheCompanies(t *testing.T) {
	t.Parallel()
	for i, want := range [][2]string{
		{"CRONUS USA, Inc.", "CRONUS USA, Inc."},
		{"Contoso Europe Ltd.", "Contoso Europe Limited"},
		{`Søren's Café "Nord" ApS`, `Søren's Café "Nord" ApS – København`},
		{"Fabrikam Polska Sp. z o.o.", "Fabrikam Polska Sp. z o.o."},
		{"Müller & Söhne GmbH", "Müller & Söhne GmbH"},
		{"CRONUS USA, Inc. 2", "CRONUS USA, Inc. 2"},
		{"Contoso Europe Ltd. 2", "Contoso Europe Limited 2"},
		{`Søren's Café "Nord" ApS 2`, `Søren's Café "Nord" ApS – København 2`},
	} {
		name, display := Profile(i)
		require.Equal(t, want, [2]string{name, display}, "company %d", i)
	}
	seen := map[string]int{}
	for i := range 200 {
		name, _ := Profile(i)
		require.LessOrEqual(t, utf8.RuneCountInString(name), 30, "BC's company names have 30 characters: %q", name)
		prev, dup := seen[name]
		require.False(t, dup, "companies %d and %d are both %q", prev, i, name)
		seen[name] = i
	}
	name, _ := Profile(14)
	require.Equal(t, "Müller & Söhne GmbH 3", name)
}

func TestWithDefaultsFillsOnlyTheZeroFields(t *testing.T) {
	t.Parallel()
	require.Equal(t, Default(), Config{Seed: 1}.WithDefaults())
	zero := Config{}.WithDefaults()
	require.Zero(t, zero.Seed, "a zero seed is a seed like any other")

	got := Config{Seed: 9, Companies: -1, GLEntries: 5, Customers: 7, Months: 0,
		StartDate: time.Date(2024, time.March, 4, 23, 30, 0, 0, time.FixedZone("PST", -8*3600))}.WithDefaults()
	want := Default()
	want.Seed, want.GLEntries, want.Customers = 9, 5, 7
	want.StartDate = time.Date(2024, time.March, 4, 0, 0, 0, 0, time.UTC)
	require.Equal(t, want, got, "the start is the calendar day as written, at midnight UTC")
	require.False(t, got.NoGLDimensions)
}
