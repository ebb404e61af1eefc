package openapi

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// The reference page is rendered on the server from the document with
// html/template: no script, no external resources, nothing to vendor, and
// it works offline and in any browser. It is rendered once, on first use.

//go:embed docs.html.tmpl
var docsFS embed.FS

var renderDocs = sync.OnceValues(func() ([]byte, error) {
	p, err := newPage(document)
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("docs.html.tmpl").Funcs(template.FuncMap{"prose": prose}).ParseFS(docsFS, "docs.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse docs template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("render docs: %w", err)
	}
	return buf.Bytes(), nil
})

// DocsHTML returns the reference page.
func DocsHTML() ([]byte, error) { return renderDocs() }

func serveDocs(w http.ResponseWriter, r *http.Request) {
	page, err := renderDocs()
	if err != nil {
		// The document and template are embedded and tested; this is a
		// build defect, not a runtime condition.
		http.Error(w, "the API reference could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(page)
}

// page is what the template shows.
type page struct {
	Title, Version, Summary, Description string
	Groups                               []group
	Security                             []securityScheme
	Schemas                              []namedSchema
}

type group struct {
	Name, Description string
	Operations        []operation
}

type operation struct {
	ID, Method, Path, Summary, Description string
	Security                               []string
	Parameters                             []parameter
	Request                                []mediaBody
	Responses                              []response
	Curl                                   string // a command to try it; "" for webhook events
	firstSecurity                          []string
}

type parameter struct {
	Name, In, Description string
	Required              bool
	Schema                *schema
}

type mediaBody struct {
	MediaType string
	Schema    *schema
	Example   string
}

type response struct {
	Status, Description string
	Bodies              []mediaBody
	ref                 string // the shared response it came from, if any
}

type securityScheme struct {
	Name, Kind, Description string
}

type namedSchema struct {
	Name   string
	Schema *schema
}

// schema is a JSON Schema as the page shows it: a type line, and the
// properties or variants below it.
type schema struct {
	Ref         string // component name, when the schema is a $ref
	Type        string // "object", "string or null", "array of X"…
	Description string
	Enum        []string
	Format      string
	Closed      bool // additionalProperties: false
	Properties  []property
	Items       *schema
	Combinator  string // "one of", "all of"
	Variants    []*schema
}

type property struct {
	Name     string
	Required bool
	Schema   *schema
}

type object = map[string]any

func newPage(doc []byte) (*page, error) {
	var d object
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decode openapi document: %w", err)
	}
	info, _ := d["info"].(object)
	p := &page{
		Title: str(info["title"]), Version: str(info["version"]),
		Summary: str(info["summary"]), Description: str(info["description"]),
	}
	components, _ := d["components"].(object)
	refs := refTargets{}
	refs.responses, _ = components["responses"].(object)
	refs.parameters, _ = components["parameters"].(object)
	byTag := map[string]*group{}
	for _, t := range list(d["tags"]) {
		tag, _ := t.(object)
		g := &group{Name: str(tag["name"]), Description: str(tag["description"])}
		byTag[g.Name] = g
		p.Groups = append(p.Groups, *g)
	}
	examples, compact := rawExamples(doc)
	paths, _ := d["paths"].(object)
	webhooks, _ := d["webhooks"].(object)
	for _, path := range append(sortedKeys(paths), sortedKeys(webhooks)...) {
		item, ok := paths[path].(object)
		if !ok {
			// A webhook: idgate calls the receiver's URL.
			item, _ = webhooks[path].(object)
		}
		for _, method := range []string{"get", "put", "post", "patch", "delete"} {
			op, ok := item[method].(object)
			if !ok {
				continue
			}
			o := newOperation(strings.ToUpper(method), path, op, refs)
			for i, b := range o.Request {
				if ex, ok := examples[method+" "+path+" "+b.MediaType]; ok {
					o.Request[i].Example = ex
				}
			}
			if _, isPath := paths[path]; isPath {
				o.Curl = curl(o, compact[method+" "+path])
			}
			tag := "Other"
			if tags := list(op["tags"]); len(tags) > 0 {
				tag = str(tags[0])
			}
			g := byTag[tag]
			if g == nil {
				g = &group{Name: tag}
				byTag[tag] = g
				p.Groups = append(p.Groups, *g)
			}
			g.Operations = append(g.Operations, o)
		}
	}
	for i := range p.Groups {
		p.Groups[i].Operations = byTag[p.Groups[i].Name].Operations
	}
	schemes, _ := components["securitySchemes"].(object)
	for _, name := range sortedKeys(schemes) {
		s, _ := schemes[name].(object)
		kind := str(s["type"])
		switch kind {
		case "http":
			kind = "HTTP " + str(s["scheme"])
		case "apiKey":
			kind = fmt.Sprintf("API key in %s %q", str(s["in"]), str(s["name"]))
		case "oauth2":
			if cc, ok := s["flows"].(object)["clientCredentials"].(object); ok {
				kind = "OAuth 2.0 client credentials, token URL " + str(cc["tokenUrl"])
			}
		}
		p.Security = append(p.Security, securityScheme{Name: name, Kind: kind, Description: str(s["description"])})
	}
	schemas, _ := components["schemas"].(object)
	for _, name := range sortedKeys(schemas) {
		s, _ := schemas[name].(object)
		p.Schemas = append(p.Schemas, namedSchema{Name: name, Schema: newSchema(s)})
	}
	return p, nil
}

// refTargets are the components operations refer to besides schemas.
type refTargets struct{ responses, parameters object }

func newOperation(method, path string, op object, refs refTargets) operation {
	o := operation{
		ID: str(op["operationId"]), Method: method, Path: path,
		Summary: str(op["summary"]), Description: str(op["description"]),
	}
	for _, req := range list(op["security"]) {
		names := sortedKeys(req.(object))
		if len(names) == 0 {
			names = []string{"none"}
		}
		o.Security = append(o.Security, strings.Join(names, " + "))
		if o.firstSecurity == nil {
			o.firstSecurity = names
		}
	}
	for _, pr := range list(op["parameters"]) {
		prm, _ := pr.(object)
		if ref := str(prm["$ref"]); ref != "" {
			prm, _ = refs.parameters[strings.TrimPrefix(ref, "#/components/parameters/")].(object)
		}
		sch, _ := prm["schema"].(object)
		o.Parameters = append(o.Parameters, parameter{
			Name: str(prm["name"]), In: str(prm["in"]), Description: str(prm["description"]),
			Required: prm["required"] == true, Schema: newSchema(sch),
		})
	}
	if body, ok := op["requestBody"].(object); ok {
		o.Request = bodies(body)
	}
	rs, _ := op["responses"].(object)
	for _, status := range sortedKeys(rs) {
		r, _ := rs[status].(object)
		ref := str(r["$ref"])
		if n := len(o.Responses); ref != "" && n > 0 && o.Responses[n-1].ref == ref {
			// Statuses answered alike (one envelope) share a row.
			o.Responses[n-1].Status += ", " + status
			continue
		}
		if ref != "" {
			r, _ = refs.responses[strings.TrimPrefix(ref, "#/components/responses/")].(object)
		}
		o.Responses = append(o.Responses, response{Status: status, Description: str(r["description"]), Bodies: bodies(r), ref: ref})
	}
	return o
}

// rawExamples returns the request examples as the document writes them,
// indented, by "method path media-type": decoding into maps would sort
// their fields, and the order is part of what they show.
func rawExamples(doc []byte) (indented map[string]string, compact map[string]string) {
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	_ = json.Unmarshal(doc, &d) // the document decoded once already
	out, flat := map[string]string{}, map[string]string{}
	for path, item := range d.Paths {
		for method, raw := range item {
			var op struct {
				RequestBody struct {
					Content map[string]struct {
						Example json.RawMessage `json:"example"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if json.Unmarshal(raw, &op) != nil {
				continue // not an operation (path-level parameters)
			}
			for mt, c := range op.RequestBody.Content {
				var buf bytes.Buffer
				if len(c.Example) > 0 && json.Indent(&buf, c.Example, "", "  ") == nil {
					out[method+" "+path+" "+mt] = buf.String()
					buf.Reset()
					if mt == "application/json" && json.Compact(&buf, c.Example) == nil {
						flat[method+" "+path] = buf.String()
					}
				}
			}
		}
	}
	return out, flat
}

// curl returns a shell command that calls the operation on the server in
// $IDGATE_URL with the credentials in $IDGATE_KEY (and, for Laboremus,
// $IDGATE_SUBSCRIPTION_KEY), sending body when there is one.
func curl(o operation, body string) string {
	var b strings.Builder
	b.WriteString("curl")
	if o.Method != "GET" {
		b.WriteString(" -X " + o.Method)
	}
	// Path parameters become <name>: to be filled in, and never a curl
	// glob or a shell expansion.
	target := "$IDGATE_URL" + strings.NewReplacer("{", "<", "}", ">").Replace(o.Path)
	for _, p := range o.Parameters {
		if p.Name == "api-version" {
			target += "?api-version=2.0" // Laboremus needs a version
		}
	}
	b.WriteString(` "` + target + `"`)
	for _, scheme := range o.firstSecurity {
		switch scheme {
		case "bearerAuth", "oauth2":
			b.WriteString(` \` + "\n" + `  -H "Authorization: Bearer $IDGATE_KEY"`)
		case "youverifyToken":
			b.WriteString(` \` + "\n" + `  -H "token: $IDGATE_KEY"`)
		case "subscriptionKey":
			b.WriteString(` \` + "\n" + `  -H "Ocp-Apim-Subscription-Key: $IDGATE_SUBSCRIPTION_KEY"`)
		case "clientBasic":
			b.WriteString(` \` + "\n" + `  -u "$IDGATE_CLIENT_ID:$IDGATE_CLIENT_SECRET" -d grant_type=client_credentials`)
		}
	}
	if body != "" {
		b.WriteString(` \` + "\n" + `  -H "Content-Type: application/json" \` + "\n" + `  -d '` + strings.ReplaceAll(body, "'", `'\''`) + `'`)
	}
	return b.String()
}

func bodies(holder object) []mediaBody {
	content, _ := holder["content"].(object)
	var out []mediaBody
	for _, mt := range sortedKeys(content) {
		m, _ := content[mt].(object)
		sch, _ := m["schema"].(object)
		b := mediaBody{MediaType: mt, Schema: newSchema(sch)}
		if ex, ok := m["example"]; ok {
			pretty, _ := json.MarshalIndent(ex, "", "  ")
			b.Example = string(pretty)
		}
		out = append(out, b)
	}
	return out
}

func newSchema(s object) *schema {
	if s == nil {
		return nil
	}
	out := &schema{Description: str(s["description"]), Format: str(s["format"])}
	if ref := str(s["$ref"]); ref != "" {
		out.Ref = strings.TrimPrefix(ref, "#/components/schemas/")
		return out
	}
	switch t := s["type"].(type) {
	case string:
		out.Type = t
	case []any:
		var ts []string
		for _, x := range t {
			ts = append(ts, str(x))
		}
		out.Type = strings.Join(ts, " or ")
	}
	if c, ok := s["const"]; ok {
		b, _ := json.Marshal(c)
		out.Enum = []string{string(b)}
	}
	for _, e := range list(s["enum"]) {
		b, _ := json.Marshal(e)
		out.Enum = append(out.Enum, string(b))
	}
	out.Closed = s["additionalProperties"] == false
	required := map[string]bool{}
	for _, r := range list(s["required"]) {
		required[str(r)] = true
	}
	props, _ := s["properties"].(object)
	for _, name := range propertyOrder(s) {
		sub, _ := props[name].(object)
		out.Properties = append(out.Properties, property{Name: name, Required: required[name], Schema: newSchema(sub)})
	}
	if items, ok := s["items"].(object); ok {
		out.Items = newSchema(items)
	}
	for _, c := range [][2]string{{"oneOf", "one of"}, {"anyOf", "any of"}, {"allOf", "all of"}} {
		for _, v := range list(s[c[0]]) {
			sub, _ := v.(object)
			out.Combinator = c[1]
			out.Variants = append(out.Variants, newSchema(sub))
		}
	}
	return out
}

// propertyOrder lists required properties in the order "required" gives
// them (the wire order), then the optional ones by name.
func propertyOrder(s object) []string {
	props, _ := s["properties"].(object)
	var names []string
	for _, r := range list(s["required"]) {
		if _, ok := props[str(r)]; ok {
			names = append(names, str(r))
		}
	}
	for _, name := range sortedKeys(props) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// prose renders a description: HTML-escaped, `code` spans set as code,
// blank lines as paragraph breaks.
func prose(s string) template.HTML {
	var b strings.Builder
	for i, para := range strings.Split(s, "\n\n") {
		if i > 0 {
			b.WriteString("</p><p>")
		}
		parts := strings.Split(para, "`")
		for j, part := range parts {
			esc := template.HTMLEscapeString(part)
			if j%2 == 1 && j < len(parts)-1 {
				b.WriteString("<code>" + esc + "</code>")
			} else {
				b.WriteString(esc)
			}
		}
	}
	return template.HTML(b.String())
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
