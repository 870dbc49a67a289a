// Reads Arrow IPC files with apache-arrow, an Arrow implementation
// independent of the Go library that wrote them, and prints one JSON object
// per file: {"path", "fields": [{name, type, nullable}], "metadata", "rows"}.
// Dates print as YYYY-MM-DD, lists as arrays, nulls as null, so the Go test
// can compare every value with what it wrote.
import { readFileSync } from 'node:fs';
import { tableFromIPC, Type } from 'apache-arrow';

function value(v, type) {
  if (v === null || v === undefined) return null;
  switch (type.typeId) {
    case Type.Date:
    case Type.DateDay:
    case Type.DateMillisecond: {
      const ms = v instanceof Date ? v.getTime() : Number(v);
      return new Date(ms).toISOString().slice(0, 10);
    }
    case Type.List:
      return Array.from(v, (x) => value(x, type.children[0].type));
    case Type.Int:
      return typeof v === 'bigint' ? Number(v) : v;
    default:
      return v;
  }
}

const out = [];
for (const path of process.argv.slice(2)) {
  const table = tableFromIPC(readFileSync(path));
  const fields = table.schema.fields;
  const rows = [];
  for (let i = 0; i < table.numRows; i++) {
    const row = {};
    fields.forEach((f, c) => {
      row[f.name] = value(table.getChildAt(c).get(i), f.type);
    });
    rows.push(row);
  }
  out.push({
    path,
    fields: fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
    metadata: Object.fromEntries(table.schema.metadata),
    rows,
  });
}
process.stdout.write(JSON.stringify(out));
