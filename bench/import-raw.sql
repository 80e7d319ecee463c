-- bench/import-raw.sql: pb-import --kind raw in DuckDB: read the CSV (every column as
-- text) and copy it out as TSV, for `make bench` to time and compare with pb's.
COPY (SELECT * FROM read_csv({IN}, header = true, all_varchar = true))
TO {OUT} (FORMAT csv, DELIMITER '\t', HEADER true, QUOTE '');
