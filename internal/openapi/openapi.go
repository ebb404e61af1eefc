// Package openapi publishes idgate's API description: the OpenAPI 3.1
// document at GET /openapi.json and a reference page rendered from it for
// people at GET /docs.
//
// The document is hand-maintained JSON (openapi.json), embedded in the
// binary. It is not generated from the Go wire structs because most of them
// are unexported in their dialect packages, several surfaces decode into
// raw or pointer fields to report errors by field name (so their Go types
// do not say what the wire accepts), and what a reader needs most — which
// fields are nullable, which are always present, the vendors' message
// codes, which envelope answers which status — is not in a struct tag. A
// hand-written document says all of that and reads like the vendors' own
// pages.
//
// It cannot drift silently: the tests in this package build the real wired
// server and fail when a registered route has no operation (or an operation
// no route), when any response of the end-to-end calls — native, every
// dialect, success and error — does not validate against its schema
// (required fields and additionalProperties false make the response
// schemas exact), and when a request example is not accepted by the
// server. Package openapitest holds the validator, so other packages' tests
// can check their responses too.
package openapi

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var document []byte

// Document returns the OpenAPI 3.1 document as JSON. The caller must not
// modify it.
func Document() []byte { return document }

// Routes returns the description's own routes by ServeMux pattern:
// GET /openapi.json and GET /docs.
func Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /openapi.json": http.HandlerFunc(serveDocument),
		"GET /docs":         http.HandlerFunc(serveDocs),
	}
}

func serveDocument(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	// Browser-based tools (viewers, code generators) fetch the document
	// from other origins; it holds nothing secret.
	h.Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write(document)
}
