package automation

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

	"github.com/bcsdk/bc/bctest/internal/filter"
	"github.com/bcsdk/bc/bctest/internal/protocol"
	"github.com/bcsdk/bc/bctest/internal/table"
)

// The bound actions of the Automation API, with BC's refusals and texts
// (from the AL pages APIV2 - Aut. Extensions, Aut. Extension Upload, Aut.
// Config. Packages and Feature Management).

// actions are the bound actions with a behaviour of their own, keyed by
// "set/action".
var actions = map[string]action{
	"extensions/install":                         extensionAction(true, false, "The extension %s is already installed."),
	"extensions/uninstall":                       extensionAction(false, true, "The extension %s is not installed."),
	"extensions/uninstallAndDeleteExtensionData": extensionAction(false, true, "The extension %s is not installed."),
	"extensions/unpublish":                       unpublishExtension,
	"extensionUpload/upload":                     uploadExtension,
	"configurationPackages/import":               importPackage,
	"configurationPackages/apply":                applyPackage,
	"features/activate":                          featureAction(true),
	"features/deactivate":                        featureAction(false),
}

// action gives a bound action its behaviour. It returns false to leave the
// call to the core's generic handling.
type action func(c *Call) bool

// Call is a POST of a bound action on a row of the route, which the core
// has checked is bound to the row's type.
type Call struct {
	W         http.ResponseWriter
	R         *http.Request
	CompanyID string
	Table     *table.Table
	Row       *table.Row

	st *State
}

// Act runs the named bound action on c's row if the Automation API gives
// it a behaviour, and reports whether it answered.
func (st *State) Act(c *Call, name string) bool {
	a, ok := actions[c.Table.Set.Name+"/"+name]
	if !ok {
		return false
	}
	c.st = st
	return a(c)
}

func (c *Call) fail(e *protocol.Error) { protocol.WriteError(c.W, e) }

func dialog(msg string) *protocol.Error {
	return protocol.BadRequest("Application_DialogException", msg)
}

// done answers an action that has done its work.
func (c *Call) done() {
	c.st.host.Wrote()
	c.W.WriteHeader(http.StatusNoContent)
}

func (c *Call) val(name string) string { return c.Row.Vals[c.Table.ColIdx[name]] }

// extensionAction installs (install true) or uninstalls an extension;
// BC refuses when it is already in that state.
func extensionAction(install, wantInstalled bool, refusal string) action {
	return func(c *Call) bool {
		if (c.val("isInstalled") == "true") != wantInstalled {
			c.fail(dialog(fmt.Sprintf(refusal, c.val("displayName"))))
			return true
		}
		c.st.update(c.Table, c.Row, map[string]string{"isInstalled": strconv.FormatBool(install)})
		c.done()
		return true
	}
}

func unpublishExtension(c *Call) bool {
	if c.val("isInstalled") == "true" {
		c.fail(dialog(fmt.Sprintf("The extension %s cannot be unpublished because it is installed.", c.val("displayName"))))
		return true
	}
	c.Table.Remove(c.Row)
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
func uploadExtension(c *Call) bool {
	st := c.st
	schedule, mode := c.val("schedule"), c.val("schemaSyncMode")
	switch {
	case !slices.Contains(schedules, schedule):
		c.fail(protocol.BadRequest("Application_EvaluateException", "'"+schedule+"' is not an option. The existing options are: "+strings.Join(schedules, ",")))
		return true
	case !slices.Contains(syncModes, mode):
		c.fail(protocol.BadRequest("Application_EvaluateException", "'"+mode+"' is not an option. The existing options are: "+strings.Join(syncModes, ",")))
		return true
	}
	blobKey := c.Table.Set.Name + "(" + c.Row.Vals[c.Table.Key] + ")/extensionContent"
	content := st.host.Media(c.CompanyID, blobKey)
	st.host.DeleteMedia(c.CompanyID, blobKey)
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
		"schedule": schedule, "appVersion": app["Version"], "startedOn": c.st.host.Now(),
	})
	if err != nil {
		c.fail(&protocol.Error{Status: http.StatusInternalServerError, Code: "Internal_ServerError", Message: err.Error()})
		return true
	}
	c.Table.Remove(c.Row)
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
func (st *State) installUploaded(exts *table.Table, app map[string]string) {
	v := [4]int{1}
	for i, part := range strings.SplitN(app["Version"], ".", 4) {
		v[i], _ = strconv.Atoi(part)
	}
	values := map[string]any{
		"displayName": app["Name"], "publisher": app["Publisher"], "isInstalled": true, "publishedAs": "PTE",
		"versionMajor": v[0], "versionMinor": v[1], "versionBuild": v[2], "versionRevision": v[3],
	}
	if id := app["Id"]; filter.IsGUID(id) {
		values["id"] = id
		for _, r := range exts.RowsWhere("id", id) {
			if cur, ok := exts.Lookup("", r.Vals[exts.Key]); ok {
				exts.Remove(cur)
			}
		}
	}
	_, _ = st.insert(exts, values)
}

func packagePending(c *Call) bool {
	for _, f := range []string{"importStatus", "applyStatus"} {
		if s := c.val(f); s == "Scheduled" || s == "InProgress" {
			return true
		}
	}
	return false
}

// importPackage imports the uploaded RapidStart file as a background task:
// Scheduled, InProgress at the next poll, then Completed (with its table and
// record counts) or Error for a file that is neither gzip nor XML.
func importPackage(c *Call) bool {
	if packagePending(c) {
		c.fail(dialog("Cannot import a package while import or apply is in progress."))
		return true
	}
	code := c.val("code")
	content := c.st.host.Media(c.CompanyID, "file("+code+")/content")
	if len(content) == 0 {
		c.fail(dialog("Please upload a Rapid Start File, before running the import."))
		return true
	}
	st := c.st
	r := st.update(c.Table, c.Row, map[string]string{"importStatus": "Scheduled", "importError": ""})
	final := map[string]string{"importStatus": "Completed",
		"numberOfTables":  strconv.Itoa(max(1, bytes.Count(content, []byte("<TableID>")))),
		"numberOfRecords": strconv.Itoa(bytes.Count(content, []byte("<Record")))}
	if !bytes.HasPrefix(content, []byte{0x1f, 0x8b}) && !bytes.HasPrefix(bytes.TrimSpace(content), []byte("<")) {
		final = map[string]string{"importStatus": "Error", "importError": "The file is not a valid RapidStart package."}
	}
	st.schedule(&operation{t: c.Table, key: r.Vals[c.Table.Key], steps: []map[string]string{{"importStatus": "InProgress"}, final}})
	c.done()
	return true
}

// applyPackage applies an imported package as a background task:
// Scheduled, InProgress, Completed.
func applyPackage(c *Call) bool {
	switch {
	case packagePending(c):
		c.fail(dialog("Cannot apply a package while import or apply is in progress."))
		return true
	case c.val("importStatus") != "Completed":
		c.fail(dialog("Import Status is not completed. You must import the package before you apply it."))
		return true
	}
	st := c.st
	r := st.update(c.Table, c.Row, map[string]string{"applyStatus": "Scheduled", "applyError": ""})
	st.schedule(&operation{t: c.Table, key: r.Vals[c.Table.Key], steps: []map[string]string{{"applyStatus": "InProgress"}, {"applyStatus": "Completed"}}})
	c.done()
	return true
}

// featureAction turns a feature on (with BC's body {"updateInBackground":…,
// "startDateTime":…}) or off; one-way features stay on.
func featureAction(on bool) action {
	return func(c *Call) bool {
		if on {
			var body struct {
				UpdateInBackground *bool   `json:"updateInBackground"`
				StartDateTime      *string `json:"startDateTime"`
			}
			if c.R.ContentLength != 0 {
				if err := json.NewDecoder(c.R.Body).Decode(&body); err != nil {
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
		} else if c.val("isOneWay") == "true" {
			c.fail(dialog(fmt.Sprintf("The feature %s cannot be turned off once it is enabled.", c.val("id"))))
			return true
		}
		enabled := "None"
		if on {
			enabled = "All_x0020_Users"
		}
		c.st.update(c.Table, c.Row, map[string]string{"enabled": enabled})
		c.done()
		return true
	}
}
