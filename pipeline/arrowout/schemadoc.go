package arrowout

import (
	"fmt"
	"strings"
)

// SchemaMarkdown renders the documentation of every output table and the
// schema metadata keys as Markdown; docs/schema.md is its output.
func SchemaMarkdown() string {
	var b strings.Builder
	b.WriteString("# Output schema\n\n")
	b.WriteString("<!-- Generated from pipeline/arrowout/schema.go by `go test ./pipeline/arrowout/ -run TestSchemaDoc -update`; do not edit. -->\n\n")
	b.WriteString("`marktstem score` writes three Apache Arrow IPC files (Feather v2), each written to a temporary\n")
	b.WriteString("file, synced and renamed into place. All columns are plain Arrow types without dictionary\n")
	b.WriteString("encoding or compression, so pandas (`pd.read_feather`), polars (`pl.read_ipc`), DuckDB, R and\n")
	b.WriteString("Spark read them as they are. Dates are `date32` civil dates (no time zone). Columns are\n")
	b.WriteString("non-nullable unless marked otherwise; list columns hold an empty list, never null. Record\n")
	fmt.Fprintf(&b, "batches hold %d rows. `marktstem cat` prints any of them (`--format table|csv|jsonl`,\n", DefaultBatchRows)
	b.WriteString("`--schema`).\n\n")

	b.WriteString("## Schema metadata\n\n")
	b.WriteString("Every file carries these schema-level key/value pairs (keys sorted), so each number can be\n")
	b.WriteString("traced back to the program, lexicons and inputs that produced it:\n\n")
	b.WriteString("| key | value |\n|---|---|\n")
	for _, m := range metaKeyDocs {
		fmt.Fprintf(&b, "| `%s` | %s |\n", m.key, mdEscape(m.doc))
	}
	fmt.Fprintf(&b, "\nThe same rows with the same metadata give byte-identical files.\n")

	for _, t := range allTables() {
		fmt.Fprintf(&b, "\n## %s\n\n", t.name)
		fmt.Fprintf(&b, "`%s`: one row per %s.\n\n", t.file, t.row)
		b.WriteString("| column | Arrow type | nullable | unit / range | meaning |\n|---|---|---|---|---|\n")
		for _, c := range t.cols {
			null := "no"
			if c.nullable {
				null = "yes"
			}
			unit := c.unit
			switch {
			case unit != "" && c.rng != "":
				unit += ", " + c.rng
			case unit == "":
				unit = c.rng
			}
			if unit == "" {
				unit = "—"
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s |\n", c.name, typeName(c.typ), null, mdEscape(unit), mdEscape(c.doc))
		}
	}
	return b.String()
}

// mdEscape keeps a cell inside its Markdown table column.
func mdEscape(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}
