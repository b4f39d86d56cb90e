package main

import (
	"os"
	"strings"
	"testing"

	"github.com/bcsdk/bc/bcsync"
	"github.com/bcsdk/bc/bctest"
	"github.com/stretchr/testify/require"
)

// TestDocsDemoCustomAPICommandWorks runs the custom-API command line the
// manual's Profiles section (docs/sync.md) gives for the demo, and checks the store holds
// exactly the demo's job tasks beside the mosaic profile. The README once
// gave a route the demo does not serve (404).
func TestDocsDemoCustomAPICommandWorks(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../docs/sync.md")
	require.NoError(t, err)
	_, profiles, _ := strings.Cut(string(data), "\n## Profiles\n")
	var args []string
	for _, line := range strings.Split(profiles, "\n") {
		if cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "go run ./examples/sync "); ok {
			for _, a := range strings.Fields(cmd) {
				args = append(args, strings.Trim(a, "'"))
			}
			break
		}
	}
	require.Equal(t, []string{"--demo", "--entities", "jobTasks@/api/bcsdk/demo/v1.0"}, args, "the manual's demo command")

	// The embedded demo is DefaultDemo with the custom API; a server of our
	// own with the same data tells what the store must hold.
	srv := bctest.NewDemoServer(bctest.DefaultDemo())
	t.Cleanup(srv.Close)
	h := &harness{t: t, srv: srv, dir: t.TempDir(), env: map[string]string{"BC_LOG_FORMAT": "json"}}
	dest := h.sqlite("readme.db")
	r := h.run(append(args, "--out", dest)...)
	require.Equal(t, 0, r.code, r.stderr)
	h.requireSynced(dest, h.plan("mosaic", bcsync.SetRef{Name: "jobTasks", Route: bctest.JobTasksRoute}))
	require.Contains(t, r.stdout, "jobTasks")
}
