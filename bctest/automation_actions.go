package bctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// The bound actions of the Automation API, with BC's refusals and texts
// (from the AL pages APIV2 - Aut. Extensions, Aut. Extension Upload, Aut.
// Config. Packages and Feature Management).

func init() {
	for action, h := range map[string]actionHandler{
		"extensions/install":                         extensionAction(true, false, "The extension %s is already installed."),
		"extensions/uninstall":                       extensionAction(false, true, "The extension %s is not installed."),
		"extensions/uninstallAndDeleteExtensionData": extensionAction(false, true, "The extension %s is not installed."),
		"extensions/unpublish":                       unpublishExtension,
		"extensionUpload/upload":                     uploadExtension,
		"configurationPackages/import":               importPackage,
		"configurationPackages/apply":                applyPackage,
		"features/activate":                          featureAction(true),
		"features/deactivate":                        featureAction(false),
	} {
		actionHandlers[AutomationRoute+"/"+action] = h
	}
}

func dialog(msg string) *protocol.Error {
	return protocol.BadRequest("Application_DialogException", msg)
}

// done answers an action that has done its work.
func (c *reqContext) done() {
	c.srv.stats.writes.Add(1)
	c.w.WriteHeader(http.StatusNoContent)
}

func (c *reqContext) val(n *node, name string) string { return n.row.Vals[n.t.ColIdx[name]] }

// extensionAction installs (install true) or uninstalls an extension;
// BC refuses when it is already in that state.
func extensionAction(install, wantInstalled bool, refusal string) actionHandler {
	return func(c *reqContext, n *node) bool {
		if (c.val(n, "isInstalled") == "true") != wantInstalled {
			c.fail(dialog(fmt.Sprintf(refusal, c.val(n, "displayName"))))
			return true
		}
		c.srv.automation.update(n.t, n.row, map[string]string{"isInstalled": strconv.FormatBool(install)})
		c.done()
		return true
	}
}

func unpublishExtension(c *reqContext, n *node) bool {
	if c.val(n, "isInstalled") == "true" {
		c.fail(dialog(fmt.Sprintf("The extension %s cannot be unpublished because it is installed.", c.val(n, "displayName"))))
		return true
	}
	n.t.Remove(n.row)
	c.done()
	return true
}

var (
	schedules = []string{"Current version", "Next minor version", "Next major version"}
	syncModes = []string{"Add", "Force Sync"}
	// manifestAttr reads an attribute of the <App …> element of an .app's
	// NavxManifest.xml, when the file carries it uncompressed (as test files do).
	manifestAttr = regexp.MustCompile(`\b(Id|Name|Publisher|Version)="([^"]*)"`)
)

// uploadExtension starts the deployment of the uploaded .app: an
// extensionDeploymentStatus operation that is InProgress for two polls and
// then Completed (the extension appears installed) or, for a file that is
// not an .app (which starts with "NAVX"), Failed. BC deletes the upload
// record.
func uploadExtension(c *reqContext, n *node) bool {
	st := c.srv.automation
	schedule, mode := c.val(n, "schedule"), c.val(n, "schemaSyncMode")
	switch {
	case !slices.Contains(schedules, schedule):
		c.fail(protocol.BadRequest("Application_EvaluateException", "'"+schedule+"' is not an option. The existing options are: "+strings.Join(schedules, ",")))
		return true
	case !slices.Contains(syncModes, mode):
		c.fail(protocol.BadRequest("Application_EvaluateException", "'"+mode+"' is not an option. The existing options are: "+strings.Join(syncModes, ",")))
		return true
	}
	blobKey := n.t.Set.Name + "(" + n.row.Vals[n.t.Key] + ")/extensionContent"
	store := n.co.media
	store.mu.Lock()
	content := store.blobs[blobKey].data
	delete(store.blobs, blobKey)
	store.mu.Unlock()
	if len(content) == 0 {
		c.fail(dialog("Extension content is empty"))
		return true
	}
	app := map[string]string{"Name": "Uploaded extension", "Publisher": "Default publisher", "Version": "1.0.0.0"}
	for _, m := range manifestAttr.FindAllSubmatch(content, -1) {
		app[string(m[1])] = string(m[2])
	}
	statuses, exts := st.table("extensionDeploymentStatus"), st.table("extensions")
	op, err := st.insert(statuses, map[string]any{
		"name": app["Name"], "publisher": app["Publisher"], "operationType": "Upload", "status": "InProgress",
		"schedule": schedule, "appVersion": app["Version"], "startedOn": c.srv.tenant.now(),
	})
	if err != nil {
		c.fail(&protocol.Error{Status: http.StatusInternalServerError, Code: "Internal_ServerError", Message: err.Error()})
		return true
	}
	n.t.Remove(n.row)
	final := map[string]string{"status": "Completed"}
	valid := bytes.HasPrefix(content, []byte("NAVX"))
	if !valid {
		final["status"] = "Failed"
	}
	st.schedule(&operation{t: statuses, key: op.Vals[statuses.Key], steps: []map[string]string{{}, {}, final},
		done: func() {
			if valid {
				st.installUploaded(exts, app)
			}
		}})
	c.done()
	return true
}

// installUploaded publishes and installs a deployed per-tenant extension,
// replacing an earlier version of the same app.
func (st *automationState) installUploaded(exts *table.Table, app map[string]string) {
	v := [4]int{1}
	for i, part := range strings.SplitN(app["Version"], ".", 4) {
		v[i], _ = strconv.Atoi(part)
	}
	values := map[string]any{
		"displayName": app["Name"], "publisher": app["Publisher"], "isInstalled": true, "publishedAs": "PTE",
		"versionMajor": v[0], "versionMinor": v[1], "versionBuild": v[2], "versionRevision": v[3],
	}
	if id := app["Id"]; protocol.IsGUID(id) {
		values["id"] = id
		for _, r := range exts.RowsWhere("id", id) {
			if cur, ok := exts.Lookup("", r.Vals[exts.Key]); ok {
				exts.Remove(cur)
			}
		}
	}
	_, _ = st.insert(exts, values)
}

func packagePending(c *reqContext, n *node) bool {
	for _, f := range []string{"importStatus", "applyStatus"} {
		if s := c.val(n, f); s == "Scheduled" || s == "InProgress" {
			return true
		}
	}
	return false
}

// importPackage imports the uploaded RapidStart file as a background task:
// Scheduled, InProgress at the next poll, then Completed (with its table and
// record counts) or Error for a file that is neither gzip nor XML.
func importPackage(c *reqContext, n *node) bool {
	if packagePending(c, n) {
		c.fail(dialog("Cannot import a package while import or apply is in progress."))
		return true
	}
	code := c.val(n, "code")
	n.co.media.mu.RLock()
	content := n.co.media.blobs["file("+code+")/content"].data
	n.co.media.mu.RUnlock()
	if len(content) == 0 {
		c.fail(dialog("Please upload a Rapid Start File, before running the import."))
		return true
	}
	st := c.srv.automation
	r := st.update(n.t, n.row, map[string]string{"importStatus": "Scheduled", "importError": ""})
	final := map[string]string{"importStatus": "Completed",
		"numberOfTables":  strconv.Itoa(max(1, bytes.Count(content, []byte("<TableID>")))),
		"numberOfRecords": strconv.Itoa(bytes.Count(content, []byte("<Record")))}
	if !bytes.HasPrefix(content, []byte{0x1f, 0x8b}) && !bytes.HasPrefix(bytes.TrimSpace(content), []byte("<")) {
		final = map[string]string{"importStatus": "Error", "importError": "The file is not a valid RapidStart package."}
	}
	st.schedule(&operation{t: n.t, key: r.Vals[n.t.Key], steps: []map[string]string{{"importStatus": "InProgress"}, final}})
	c.done()
	return true
}

// applyPackage applies an imported package as a background task:
// Scheduled, InProgress, Completed.
func applyPackage(c *reqContext, n *node) bool {
	switch {
	case packagePending(c, n):
		c.fail(dialog("Cannot apply a package while import or apply is in progress."))
		return true
	case c.val(n, "importStatus") != "Completed":
		c.fail(dialog("Import Status is not completed. You must import the package before you apply it."))
		return true
	}
	st := c.srv.automation
	r := st.update(n.t, n.row, map[string]string{"applyStatus": "Scheduled", "applyError": ""})
	st.schedule(&operation{t: n.t, key: r.Vals[n.t.Key], steps: []map[string]string{{"applyStatus": "InProgress"}, {"applyStatus": "Completed"}}})
	c.done()
	return true
}

// featureAction turns a feature on (with BC's body {"updateInBackground":…,
// "startDateTime":…}) or off; one-way features stay on.
func featureAction(on bool) actionHandler {
	return func(c *reqContext, n *node) bool {
		if on {
			var body struct {
				UpdateInBackground *bool   `json:"updateInBackground"`
				StartDateTime      *string `json:"startDateTime"`
			}
			if c.r.ContentLength != 0 {
				if err := json.NewDecoder(c.r.Body).Decode(&body); err != nil {
					c.fail(protocol.BadRequest("BadRequest", "Invalid Request Body"))
					return true
				}
			}
			if body.StartDateTime != nil {
				if _, err := time.Parse(time.RFC3339Nano, *body.StartDateTime); err != nil {
					c.fail(protocol.BadRequest("BadRequest", "Unable to convert value '"+*body.StartDateTime+"' to DateTime."))
					return true
				}
			}
		} else if c.val(n, "isOneWay") == "true" {
			c.fail(dialog(fmt.Sprintf("The feature %s cannot be turned off once it is enabled.", c.val(n, "id"))))
			return true
		}
		enabled := "None"
		if on {
			enabled = "All_x0020_Users"
		}
		c.srv.automation.update(n.t, n.row, map[string]string{"enabled": enabled})
		c.done()
		return true
	}
}
