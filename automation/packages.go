package automation

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/bcsdk/bc"
)

// ConfigurationPackages is the configurationPackages set of the client's
// company: RapidStart packages. List, Get, Create ({"code":…,
// "packageName":…}), Update and Delete come from bc.EntitySet. The steps to
// set a company up are Create, UploadFile, Import, Apply.
type ConfigurationPackages struct {
	*bc.EntitySet[ConfigurationPackage]
}

// File is the package's file: configurationPackages({id})/file('{code}')/content.
func (p *ConfigurationPackages) File(id, code string) *bc.Media {
	return p.Media(id, "file"+bc.StringKeySegment(code)+"/content")
}

// UploadFile uploads the RapidStart file (.rapidstart) of the package with
// that id and code: PATCH …/file('{code}')/content, application/octet-stream,
// If-Match: *. r is rewound for retries.
func (p *ConfigurationPackages) UploadFile(ctx context.Context, id, code string, r io.ReadSeeker) error {
	return p.File(id, code).Upload(ctx, r, "application/octet-stream")
}

// Import starts importing the uploaded file (Microsoft.NAV.import) and waits
// until importStatus is Completed or Error, reading the package every poll
// interval. BC runs the import as a background task; it refuses to start
// while an import or apply is pending, and without an uploaded file. An
// Error status returns the package and an *OperationError with importError.
func (p *ConfigurationPackages) Import(ctx context.Context, id string, opts ...WaitOption) (ConfigurationPackage, error) {
	if err := p.Action(ctx, id, "import", nil); err != nil {
		return ConfigurationPackage{}, err
	}
	return p.wait(ctx, id, "importing", func(c ConfigurationPackage) (ConfigPackageStatus, string) { return c.ImportStatus, c.ImportError }, opts)
}

// Apply starts applying an imported package to the company
// (Microsoft.NAV.apply) and waits until applyStatus is Completed or Error.
// BC refuses to apply a package whose import has not completed.
func (p *ConfigurationPackages) Apply(ctx context.Context, id string, opts ...WaitOption) (ConfigurationPackage, error) {
	if err := p.Action(ctx, id, "apply", nil); err != nil {
		return ConfigurationPackage{}, err
	}
	return p.wait(ctx, id, "applying", func(c ConfigurationPackage) (ConfigPackageStatus, string) { return c.ApplyStatus, c.ApplyError }, opts)
}

func (p *ConfigurationPackages) wait(ctx context.Context, id, doing string, status func(ConfigurationPackage) (ConfigPackageStatus, string), opts []WaitOption) (ConfigurationPackage, error) {
	cfg := waitOptions(opts)
	return poll(ctx, cfg.interval, func(ctx context.Context) (ConfigurationPackage, bool, error) {
		c, err := p.Get(ctx, id, nil, bc.ReadWrite())
		if err != nil {
			return c, false, fmt.Errorf("automation: reading the package status: %w", err)
		}
		switch st, msg := status(c); st {
		case ConfigPackageStatusCompleted:
			return c, true, nil
		case ConfigPackageStatusError:
			return c, true, &OperationError{Operation: fmt.Sprintf("%s configuration package %s", doing, c.Code), Status: string(st), Message: msg}
		}
		return c, false, nil
	})
}

// IsEnabled reports whether the feature is on for all users.
func (f Feature) IsEnabled() bool { return f.Enabled == FeatureEnabledAllUsers }

// Features is the features set of Feature Management. List and Get come from
// bc.EntitySet.
type Features struct {
	*bc.EntitySet[Feature]
}

// Activate turns a feature on for all users (Microsoft.NAV.activate).
// Features whose data must be updated run that update first: in the
// background when updateInBackground is true, from start (now when zero).
// BC answers once the request is taken; read the feature to see it enabled.
func (f *Features) Activate(ctx context.Context, featureID string, updateInBackground bool, start time.Time) error {
	if start.IsZero() {
		start = time.Now()
	}
	body := struct {
		UpdateInBackground bool   `json:"updateInBackground"`
		StartDateTime      string `json:"startDateTime"`
	}{updateInBackground, start.UTC().Format(time.RFC3339)}
	return f.Action(ctx, featureID, "activate", body)
}

// Deactivate turns a feature off (Microsoft.NAV.deactivate). One-way
// features (isOneWay) cannot be turned off.
func (f *Features) Deactivate(ctx context.Context, featureID string) error {
	return f.Action(ctx, featureID, "deactivate", nil)
}
