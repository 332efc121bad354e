package scenarios

import (
	"bytes"
	_ "embed" // for the schema
)

//go:embed scenario.schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of the scenario file, for editors. A
// test keeps it in sync with the Go types. The caller gets its own copy.
func Schema() []byte { return bytes.Clone(schema) }
