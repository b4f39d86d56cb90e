package automation

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/bcsdk/bc"
)

// Version is the extension's version as BC shows it, e.g. "26.0.30643.0".
func (e Extension) Version() string {
	return fmt.Sprintf("%d.%d.%d.%d", e.VersionMajor, e.VersionMinor, e.VersionBuild, e.VersionRevision)
}

// Schedule says when an uploaded per-tenant extension is deployed: the
// values of ExtensionUpload.Schedule.
type Schedule string

// The schedules BC's extensionUpload accepts.
const (
	ScheduleCurrentVersion   Schedule = "Current version"
	ScheduleNextMinorVersion Schedule = "Next minor version"
	ScheduleNextMajorVersion Schedule = "Next major version"
)

// SchemaSyncMode says how an uploaded extension's table changes are applied:
// the values of ExtensionUpload.SchemaSyncMode. Force Sync drops data of
// removed fields and tables.
type SchemaSyncMode string

// The schema sync modes BC's extensionUpload accepts.
const (
	SchemaSyncAdd       SchemaSyncMode = "Add"
	SchemaSyncForceSync SchemaSyncMode = "Force Sync"
)

// Extensions is the extensions set: every app published to the tenant (on
// BC online, per-tenant extensions and installed apps). List and Get come
// from bc.EntitySet. The actions answer once BC has done the work; BC
// refuses to install an installed extension ("The extension … is already
// installed."), to uninstall one that is not, and to unpublish an installed
// one.
type Extensions struct {
	*bc.EntitySet[Extension]
	a *Client
}

// Install installs a published extension (Microsoft.NAV.install).
func (x *Extensions) Install(ctx context.Context, packageID string) error {
	return x.Action(ctx, packageID, "install", nil)
}

// Uninstall uninstalls an extension and keeps its data
// (Microsoft.NAV.uninstall).
func (x *Extensions) Uninstall(ctx context.Context, packageID string) error {
	return x.Action(ctx, packageID, "uninstall", nil)
}

// UninstallAndDeleteExtensionData uninstalls an extension and deletes the
// tables holding its data (Microsoft.NAV.uninstallAndDeleteExtensionData).
// This cannot be undone.
func (x *Extensions) UninstallAndDeleteExtensionData(ctx context.Context, packageID string) error {
	return x.Action(ctx, packageID, "uninstallAndDeleteExtensionData", nil)
}

// Unpublish removes an uninstalled extension from the tenant
// (Microsoft.NAV.unpublish, BC 25.4 and later).
func (x *Extensions) Unpublish(ctx context.Context, packageID string) error {
	return x.Action(ctx, packageID, "unpublish", nil)
}

// Upload uploads and deploys a per-tenant extension (an .app file; BC online
// only) and follows its deployment until it completes or fails, or ctx ends:
//
//  1. POST extensionUpload {"schedule":…, "schemaSyncMode":…}
//  2. PATCH extensionUpload({id})/extensionContent with the file
//     (application/octet-stream, If-Match: *)
//  3. POST extensionUpload({id})/Microsoft.NAV.upload
//  4. read extensionDeploymentStatus until the new operation is no longer
//     InProgress.
//
// A failed deployment returns its status and an *OperationError (matching
// ErrOperationFailed). r is rewound for retries. With a schedule other
// than ScheduleCurrentVersion the deployment completes at the next update.
func (x *Extensions) Upload(ctx context.Context, r io.ReadSeeker, schedule Schedule, mode SchemaSyncMode, opts ...WaitOption) (ExtensionDeploymentStatus, error) {
	var zero ExtensionDeploymentStatus
	if r == nil {
		return zero, errors.New("automation: Upload needs the .app file's content")
	}
	if schedule == "" {
		schedule = ScheduleCurrentVersion
	}
	if mode == "" {
		mode = SchemaSyncAdd
	}
	cfg := waitOptions(opts)
	statuses := x.a.ExtensionDeploymentStatus()
	before, err := statuses.List(nil, bc.ReadWrite()).Collect(ctx)
	if err != nil {
		return zero, fmt.Errorf("automation: reading the deployment status before the upload: %w", err)
	}
	known := map[string]bool{}
	for _, s := range before {
		known[operationIdentity(s)] = true
	}

	uploads := x.a.ExtensionUpload()
	up, err := uploads.Create(ctx, ExtensionUpload{Schedule: string(schedule), SchemaSyncMode: string(mode)})
	if err != nil {
		return zero, fmt.Errorf("automation: creating the extension upload: %w", err)
	}
	if up.SystemID == "" {
		return zero, errors.New("automation: BC created the extension upload without a systemId")
	}
	if err := uploads.Media(up.SystemID, "extensionContent").Upload(ctx, r, "application/octet-stream"); err != nil {
		return zero, fmt.Errorf("automation: uploading the extension file: %w", err)
	}
	if err := uploads.Action(ctx, up.SystemID, "upload", nil); err != nil {
		return zero, fmt.Errorf("automation: starting the extension upload: %w", err)
	}

	return poll(ctx, cfg.interval, func(ctx context.Context) (ExtensionDeploymentStatus, bool, error) {
		all, err := statuses.List(nil, bc.ReadWrite()).Collect(ctx)
		if err != nil {
			return zero, false, fmt.Errorf("automation: reading the deployment status: %w", err)
		}
		for _, s := range all {
			if known[operationIdentity(s)] {
				continue
			}
			switch s.Status {
			case DeploymentStatusCompleted:
				return s, true, nil
			case DeploymentStatusFailed:
				return s, true, &OperationError{Operation: fmt.Sprintf("deploying extension %q", s.Name), Status: string(s.Status)}
			}
			return s, false, nil
		}
		return zero, false, nil
	})
}

// operationIdentity tells deployment operations apart: by operationID where
// BC exposes it, else by what the page shows.
func operationIdentity(s ExtensionDeploymentStatus) string {
	if s.OperationID != "" {
		return s.OperationID
	}
	return s.Name + "\x00" + s.Publisher + "\x00" + s.AppVersion + "\x00" + s.StartedOn.String()
}
