// Package bc is a client for the Microsoft Dynamics 365 Business Central web APIs:
// the standard API v2.0, custom APIs (/api/{publisher}/{group}/{version}) and the
// Automation API (/api/microsoft/automation/v2.0).
package bc
