package cost_test

import (
	"os"
	"reflect"
	"testing"

	"github.com/thaw-dev/thaw/report/cost"
)

// TestShippedCatalogMatchesYAML checks that the catalog built into thaw (catalog_gen.go)
// is catalog.yaml decoded: edit the YAML, then run `go generate ./report/cost/`.
func TestShippedCatalogMatchesYAML(t *testing.T) {
	b, err := os.ReadFile("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := cost.ParseCatalog(b, "catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := cost.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Models) != len(want.Models) {
		t.Fatalf("built-in catalog has %d models, catalog.yaml %d: run go generate ./report/cost/", len(got.Models), len(want.Models))
	}
	for i := range want.Models {
		if !reflect.DeepEqual(got.Models[i], want.Models[i]) {
			t.Errorf("model %d (%s) differs from catalog.yaml: run go generate ./report/cost/\n got %+v\nwant %+v",
				i, want.Models[i].Model, got.Models[i], want.Models[i])
		}
	}
}
