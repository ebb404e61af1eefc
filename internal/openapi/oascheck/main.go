// Command oascheck validates an OpenAPI document against the OpenAPI
// specification's own JSON Schema (3.1 for idgate), with pb33f's
// libopenapi-validator. It is a separate module so that idgate's build
// and tests do not carry its dependencies; run it after editing
// openapi.json:
//
//	cd internal/openapi/oascheck && go run . ../openapi.json
package main

import (
	"fmt"
	"os"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: oascheck FILE")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parse:", err)
		os.Exit(1)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		fmt.Fprintln(os.Stderr, "build validator:", errs)
		os.Exit(1)
	}
	ok, problems := v.ValidateDocument()
	for _, p := range problems {
		fmt.Println(p.Message, p.Reason)
		for _, f := range p.SchemaValidationErrors {
			fmt.Println("  ", f.Reason, f.FieldPath)
		}
	}
	if !ok {
		os.Exit(1)
	}
	fmt.Println(os.Args[1] + ": valid OpenAPI " + doc.GetVersion())
}
