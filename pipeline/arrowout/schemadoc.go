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
	b.WriteString("`marktstem score` writes three tables, each file written to a temporary file, synced and\n")
	b.WriteString("renamed into place:\n\n")
	b.WriteString("- **Arrow IPC** (Feather v2, the default): `out/<table>.arrow`. Plain Arrow types without\n")
	b.WriteString("  dictionary encoding or compression, so pandas (`pd.read_feather`), polars (`pl.read_ipc`),\n")
	fmt.Fprintf(&b, "  R, Spark and apache-arrow (JS) read them as they are. Record batches hold %d rows.\n", DefaultBatchRows)
	b.WriteString("- **Parquet** (`--format parquet`): `out/<table>.parquet`, zstd-compressed, written with the Arrow\n")
	fmt.Fprintf(&b, "  library's pqarrow; row groups hold up to %d rows. The Arrow schema and the metadata below\n", ParquetRowGroupRows)
	b.WriteString("  are stored in the file's key/value metadata, so Arrow readers get the exact types back.\n")
	b.WriteString("- **Hive-partitioned** (`--partition date`, either format):\n")
	b.WriteString("  `out/<table>/date=YYYY-MM-DD/part-0.<ext>`, one partition per publication date (`articles`,\n")
	b.WriteString("  `mentions`: `published`; `company_daily`: `date`). A run replaces exactly the partitions of the\n")
	b.WriteString("  dates it saw, each file atomically, and leaves every other date in place, so nightly runs\n")
	b.WriteString("  build a history a reader scans in one go, e.g. DuckDB\n")
	b.WriteString("  `read_parquet('out/company_daily/*/*.parquet', hive_partitioning = true)`. The partition\n")
	b.WriteString("  column is also kept inside each file. A run keeps a few dates open at a time; rows that\n")
	b.WriteString("  return to a date after others (input out of date order) are merged into its one file at the\n")
	b.WriteString("  end, byte for byte the file that date would have had in order.\n\n")
	b.WriteString("Dates are `date32` civil dates (no time zone). Columns are non-nullable unless marked\n")
	b.WriteString("otherwise; list columns hold an empty list, never null; nullable floats are null, never NaN.\n")
	b.WriteString("`marktstem cat` prints any of these files, IPC or Parquet (`--format table|csv|jsonl`,\n")
	b.WriteString("`--schema`).\n\n")

	b.WriteString("## Schema metadata\n\n")
	b.WriteString("Every file carries these schema-level key/value pairs (keys sorted), so each number can be\n")
	b.WriteString("traced back to the program, lexicons and inputs that produced it:\n\n")
	b.WriteString("| key | value |\n|---|---|\n")
	for _, m := range metaKeyDocs {
		fmt.Fprintf(&b, "| `%s` | %s |\n", m.key, mdEscape(m.doc))
	}
	fmt.Fprintf(&b, "\nThe same rows with the same metadata give byte-identical files, in either format.\n")

	for _, t := range allTables() {
		fmt.Fprintf(&b, "\n## %s\n\n", t.name)
		fmt.Fprintf(&b, "`%s.arrow` / `%s.parquet` / `%s/date=…/part-0.*`: one row per %s.\n\n", t.file, t.file, t.name, t.row)
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
