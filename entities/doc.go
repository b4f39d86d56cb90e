// Package entities holds typed models for every entity set of Business
// Central's standard API v2.0, generated from BC's real $metadata (server
// build 26.0.30643): one struct per entity type, one string type per enum
// with its members as constants, and Schema, the registry of sets, types and
// capabilities that the fake server and the sync read.
//
// Field tags carry what the SDK needs by reflection: bc:"key" and
// bc:"readonly" fields are never sent in Create/Update payloads, bc:"guid"
// marks Edm.Guid strings, bc:"nav" expanded navigation and bc:"media" links
// to Edm.Stream content. Date (Edm.Date) is hand-written beside the
// generated zz_generated_*.go files.
package entities
