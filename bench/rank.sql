-- bench/rank.sql: pb-rank --by district in DuckDB: RANK() within each district, score
-- descending (ties share the lower rank, as pb's --ties min), with pb's n and pct, rows
-- ordered as pb orders them, written as TSV.
COPY (
	SELECT entity_id, entity_name, district, score, rank, n, round((n - rank + 1) / n, 6) AS pct
	FROM (
		SELECT *, RANK() OVER (PARTITION BY district ORDER BY score DESC) AS rank,
			count(*) OVER (PARTITION BY district) AS n
		FROM read_csv({IN}, delim = '\t', header = true, quote = '', escape = '',
			types = {'score': 'DOUBLE'})
	)
	ORDER BY district COLLATE "binary", rank, entity_id COLLATE "binary"
) TO {OUT} (FORMAT csv, DELIMITER '\t', HEADER true, QUOTE '');
