// Runs each SQL statement given as an argument in an in-memory DuckDB and
// prints a JSON array with the rows of each result (DATE as YYYY-MM-DD,
// lists as arrays, NULL as null). DuckDB reads marktstem's Parquet files
// with its own Parquet reader, independent of the Go library that wrote
// them.
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const out = [];
for (const sql of process.argv.slice(2)) {
  const reader = await conn.runAndReadAll(sql);
  out.push(reader.getRowObjectsJson());
}
process.stdout.write(JSON.stringify(out));
