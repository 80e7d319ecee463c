// bench/duckdb.mjs: runs one SQL file in DuckDB (in memory, 2 threads) for `make bench`.
//   node bench/duckdb.mjs MODULES_DIR FILE.sql [NAME=VALUE...]
//   node bench/duckdb.mjs MODULES_DIR --version
// MODULES_DIR is where npm installed @duckdb/node-api (a cache outside the repository);
// {NAME} in the SQL is replaced by VALUE as a quoted SQL string.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, what, ...args] = process.argv.slice(2);
if (!modules || !what) {
	console.error('usage: duckdb.mjs MODULES_DIR FILE.sql [NAME=VALUE...] | MODULES_DIR --version');
	process.exit(2);
}
// ES modules ignore NODE_PATH: resolve the package from the cache directory itself
const require = createRequire(join(modules, 'package.json'));
const duckdb = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

if (what === '--version') {
	console.log(duckdb.version());
	process.exit(0);
}
let sql = readFileSync(what, 'utf8');
for (const a of args) {
	const eq = a.indexOf('=');
	const quoted = "'" + a.slice(eq + 1).replaceAll("'", "''") + "'";
	sql = sql.replaceAll('{' + a.slice(0, eq) + '}', quoted);
}
const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '2' });
const connection = await instance.connect();
await connection.run(sql);
