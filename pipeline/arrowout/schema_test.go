package arrowout

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

// TestSchemaDoc checks docs/schema.md against the schema declarations;
// run with -update to regenerate it.
func TestSchemaDoc(t *testing.T) {
	golden(t, "../../docs/schema.md", SchemaMarkdown())
}

func TestSchemaDeclarations(t *testing.T) {
	tests := []struct {
		table    string
		cols     []colSpec
		wantCols int
	}{
		{TableArticles, articlesTable.specs(), 18 + 12},
		{TableMentions, mentionsTable.specs(), 12 + 12},
		{TableCompanyDaily, companyDailyTable.specs(), 18 + 12},
	}
	for _, tt := range tests {
		if got := len(tt.cols); got != tt.wantCols {
			t.Errorf("%s: got %d columns, want %d", tt.table, got, tt.wantCols)
		}
		seen := map[string]bool{}
		for _, c := range tt.cols {
			if seen[c.name] {
				t.Errorf("%s.%s: got a duplicate column, want unique names", tt.table, c.name)
			}
			seen[c.name] = true
			if c.doc == "" || !strings.HasSuffix(c.doc, ".") {
				t.Errorf("%s.%s: got doc %q, want a sentence", tt.table, c.name, c.doc)
			}
			if c.name != strings.ToLower(c.name) || strings.ContainsAny(c.name, " -") {
				t.Errorf("%s.%s: got a name that is not snake_case", tt.table, c.name)
			}
			if c.typ.ID() == arrow.DICTIONARY {
				t.Errorf("%s.%s: got dictionary type, want plain", tt.table, c.name)
			}
		}
	}
}

func TestMetadataKeysDocumented(t *testing.T) {
	meta := testMeta
	meta.Panel = `{"smoothing":"exp:7"}`
	md, err := meta.arrow(TableCompanyDaily)
	if err != nil {
		t.Fatal(err)
	}
	doc := SchemaMarkdown()
	for _, k := range md.Keys() {
		if !strings.Contains(doc, "`"+k+"`") {
			t.Errorf("got docs without metadata key %s, want it documented", k)
		}
	}
	if got, want := len(metaKeyDocs), md.Len(); got != want {
		t.Errorf("got %d documented keys, want %d", got, want)
	}
}
