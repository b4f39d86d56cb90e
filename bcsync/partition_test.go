package bcsync

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestPartitionTextsOfExistingStores checks that the texts earlier versions
// wrote to _checkpoints.partition parse and are written back byte for byte,
// so an interrupted run of an existing store resumes.
func TestPartitionTextsOfExistingStores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want partition
	}{
		{"all", partition{kind: partAll}},
		{"done", partition{kind: partUnitDone}},
		{"entryNumber-all", partition{kind: partRange}},
		{"entryNumber:1-20000", partition{kind: partEntries, lo: 1, hi: 20000}},
		{"since:2025-05-16T15:37:35.593Z", partition{kind: partSince, since: "2025-05-16T15:37:35.593Z"}},
		{"modified:|2025-01-01T00:00:00Z", partition{kind: partModified, to: "2025-01-01T00:00:00Z"}},
		{"modified:2025-01-01T00:00:00Z|2025-03-02T12:30:00.5Z", partition{kind: partModified, from: "2025-01-01T00:00:00Z", to: "2025-03-02T12:30:00.5Z"}},
		{"modified:2025-03-02T12:30:00.5Z|", partition{kind: partModified, from: "2025-03-02T12:30:00.5Z"}},
		{"modified:|", partition{kind: partModified}},
	}
	for _, tt := range tests {
		got, err := parsePartition(tt.text)
		require.NoError(t, err, tt.text)
		require.Equal(t, tt.want, got, tt.text)
		require.Equal(t, tt.text, got.String(), tt.text)
	}
	require.Equal(t, "since:2025-05-16T15:37:35.593Z", sincePartition(time.Date(2025, 5, 16, 15, 37, 35, 593e6, time.UTC)).String())
	require.Equal(t, "entryNumber:1-20000", entriesPartition(1, 20000).String())
}

func TestParsePartitionRefusesForeignTexts(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"":                    `unknown partition ""`,
		"everything":          `unknown partition "everything"`,
		"entryNumber:1":       `a checkpoint holds the range "1", not lo-hi`,
		"entryNumber:a-b":     `a checkpoint holds the range "a-b", not lo-hi`,
		"modified:2025-01-01": `a checkpoint holds the range "2025-01-01", not from|to`,
		"modified:yesterday|": `parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "yesterday" as "2006"`,
	} {
		_, err := parsePartition(text)
		require.EqualError(t, err, want, text)
	}
}

func TestPartitionModifiedFilter(t *testing.T) {
	t.Parallel()
	f, err := modifiedPartition("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z").modifiedFilter()
	require.NoError(t, err)
	require.Equal(t, "lastModifiedDateTime ge 2025-01-01T00:00:00.000Z and lastModifiedDateTime lt 2025-02-01T00:00:00.000Z", f.String())
	f, err = modifiedPartition("", "").modifiedFilter()
	require.NoError(t, err)
	require.Nil(t, f)
	require.True(t, modifiedPartition("", "").bulk())
	require.True(t, entriesPartition(1, 2).bulk())
	require.False(t, allPartition.bulk())
}
