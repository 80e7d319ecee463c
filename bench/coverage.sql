-- bench/coverage.sql: pb-coverage --by district,unit_type in DuckDB (the same columns;
-- rates to 6 decimals), written as TSV for `make bench` to compare with pb's.
COPY (
	SELECT district, unit_type, count(*) AS units,
		count(*) FILTER (org_mode = 'single') AS single,
		count(*) FILTER (org_mode = 'joint') AS joint,
		count(*) FILTER (org_mode = 'work') AS work,
		count(*) FILTER (org_mode = 'none') AS "none",
		count(*) FILTER (org_mode = 'single')
			+ count(DISTINCT org_id) FILTER (org_mode = 'joint' AND org_id <> '') AS orgs,
		coalesce(sum(members::BIGINT), 0) AS members,
		count(*) FILTER (members::BIGINT >= 3 AND org_mode <> 'single') AS should_build,
		printf('%.6f', (count(*) FILTER (org_mode IN ('single', 'joint')))::DOUBLE / count(*)) AS org_rate,
		printf('%.6f', (count(*) FILTER (org_mode = 'single'))::DOUBLE / count(*)) AS single_rate,
		printf('%.6f', (count(*) FILTER (org_mode <> 'none'))::DOUBLE / count(*)) AS work_rate
	FROM read_csv({IN}, delim = '\t', header = true, quote = '', escape = '', all_varchar = true)
	GROUP BY district, unit_type
	ORDER BY district COLLATE "binary", unit_type COLLATE "binary"
) TO {OUT} (FORMAT csv, DELIMITER '\t', HEADER true, QUOTE '');
