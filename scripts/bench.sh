#!/usr/bin/env bash
# make bench: times pb side by side with DuckDB, mawk, datamash, Miller, GNU sort and a
# bare libcsv parse (the floor) on seeded registers, checks that every peer computing
# the same thing as pb gives the same answer, and writes bench/RESULTS.md.
# Timings are measurements for people, never test assertions: `make check` runs none.
#
#   BENCH_SIZES   register sizes in units (default "2000000 10000000"; quick: 200000)
#   BENCH_RUNS    repetitions of every command (default 3); the table shows medians
#   BENCH_RANK    entities in the pb-rank job (default 1000000, at most the first size)
#   BENCH_SEED    generator seed (default 2026)
#   BENCH_RESULTS where the Markdown goes (default bench/RESULTS.md)
#   XDG_CACHE_HOME  the registers and DuckDB's npm package are kept in $XDG_CACHE_HOME/pb-bench
#                   (default ~/.cache/pb-bench), outside the repository
#
# Each job's commands run round-robin (pb, then each peer, then pb again...), so a
# drift in the machine's speed touches every tool alike.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export LC_ALL=C
PB_EXTRA_PKGS="datamash miller" sh scripts/deps.sh   # the peers (parallel and mawk are pb's own deps)

sizes=${BENCH_SIZES:-2000000 10000000}
runs=${BENCH_RUNS:-3}
seed=${BENCH_SEED:-2026}
rank_max=${BENCH_RANK:-1000000}
results=${BENCH_RESULTS:-bench/RESULTS.md}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/pb-bench
duckdb_pkg=@duckdb/node-api@1.5.6-r.1   # the version these SQL files were written for
B=$top/build/bench
PB=$top/bin
for x in "$PB/pb-coverage" "$B/gen" "$B/csvparse" "$B/runstat"; do
	[ -x "$x" ] || { echo "bench: $x is missing (run make bench)" >&2; exit 2; }
done
mkdir -p "$cache"
work=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# --- DuckDB, from npm into the cache; without npm or the registry, the bench goes on
duck=""
duckdb_setup() {
	local dir=$cache/node
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		echo "bench: node and npm are not installed: DuckDB is left out"
		return
	fi
	if ! grep -q "\"version\": \"${duckdb_pkg##*@}\"" "$dir/node_modules/@duckdb/node-api/package.json" 2>/dev/null; then
		echo "bench: installing $duckdb_pkg with npm into $dir"
		mkdir -p "$dir"
		if ! (cd "$dir" && npm install --no-audit --no-fund --silent "$duckdb_pkg") >"$work/npm.log" 2>&1; then
			echo "bench: npm could not install $duckdb_pkg (no registry?): DuckDB is left out"
			sed 's/^/    /' "$work/npm.log" | tail -5
			return
		fi
	fi
	if duck_version=$(node bench/duckdb.mjs "$dir" --version 2>"$work/node.err"); then
		duck="node $top/bench/duckdb.mjs $dir"
	else
		echo "bench: DuckDB does not load: left out"; sed 's/^/    /' "$work/node.err" | tail -5
	fi
}
duckdb_setup

# --- registers: generated once per size, seed and generator, kept in the cache
gen_id=$(cksum <bench/gen.c | cut -d' ' -f1)
units_files() { # N -> sets C (CSV) and U (TSV), generating them when missing
	C=$cache/units-$1-$seed-$gen_id.csv U=$cache/units-$1-$seed-$gen_id.tsv
	if [ ! -s "$C" ] || [ ! -s "$U" ]; then
		echo "bench: generating $1 units (seed $seed) into $cache"
		"$B/gen" units "$1" "$seed" "$C.tmp" "$U.tmp"
		mv "$C.tmp" "$C"; mv "$U.tmp" "$U"
	fi
	if [ ! -s "$U.2" ]; then # two halves at a line boundary, each with the header
		header=$(head -n 1 "$U") split -n l/2 --numeric-suffixes=1 -a 1 \
			--filter='{ printf "%s\n" "$header"; case $FILE in *.1) tail -n +2 ;; *) cat ;; esac; } >"$FILE"' "$U" "$U."
	fi
}
scores_file() { # N -> sets S
	S=$cache/scores-$1-$seed-$gen_id.tsv
	if [ ! -s "$S" ]; then
		echo "bench: generating $1 scored entities (seed $seed)"
		"$B/gen" scores "$1" "$seed" "$S.tmp"
		mv "$S.tmp" "$S"
	fi
}

# --- the jobs: tool JOB NAME "WHAT IT COMPUTES" 'BASH COMMAND writing to $o'
# The first tool of each job is pb; ratios are to it.
T_JOB=() T_NAME=() T_WHAT=() T_CMD=()
tool() { T_JOB+=("$1"); T_NAME+=("$2"); T_WHAT+=("$3"); T_CMD+=("$4"); }
tool coverage "pb-coverage" "the coverage table by district, unit_type" \
	'"$PB/pb-coverage" --by district,unit_type "$U" >"$o"'
tool coverage "parallel --pipepart, 2 jobs" "the same: 2 x pb-coverage --partial, one --merge" \
	'parallel -j2 --pipepart -a "$U" --header : --block -1 "$PB/pb-coverage" --by district,unit_type --partial | "$PB/pb-coverage" --merge >"$o"'
tool coverage "2 x --partial on halves" "the same: halves split beforehand, as Slurm jobs read them" \
	'"$PB/pb-coverage" --by district,unit_type --partial "$U.1" >"$o.1" & "$PB/pb-coverage" --by district,unit_type --partial "$U.2" >"$o.2" && wait $! && "$PB/pb-coverage" --merge "$o.1" "$o.2" >"$o"'
[ -n "$duck" ] && tool coverage "DuckDB GROUP BY" "the same table (SQL, 2 threads)" \
	'$duck bench/coverage.sql IN="$U" OUT="$o"'
tool coverage "mawk" "the same table (bench/coverage.awk)" \
	'mawk -f bench/coverage.awk "$U" >"$o"'
tool coverage "datamash -s -g count" "units per district, unit_type, org_mode only (sorts)" \
	'datamash -H -s -g "$(col "$U" district),$(col "$U" unit_type),$(col "$U" org_mode)" count 1 <"$U" >"$o"'
tool coverage "wc -l" "lines (the floor: read the file once)" \
	'wc -l <"$U" >"$o"'
tool import-raw "pb-import --kind raw" "CSV to pb TSV (NFKC, trimming)" \
	'"$PB/pb-import" --kind raw -q "$C" >"$o" 2>/dev/null'
tool import-raw "libcsv parse" "records and fields counted (bench/csvparse.c, the floor)" \
	'"$B/csvparse" "$C" >"$o"'
[ -n "$duck" ] && tool import-raw "DuckDB read_csv to TSV" "CSV to TSV (COPY, 2 threads)" \
	'$duck bench/import-raw.sql IN="$C" OUT="$o"'
tool import-raw "mlr --icsv --otsv cat" "CSV to TSV" \
	'mlr --icsv --otsv cat "$C" >"$o"'
tool import-units "pb-import --kind units" "CSV to the validated, normalized units register" \
	'"$PB/pb-import" --kind units --as-of 2026-01-01 -q "$C" >"$o" 2>/dev/null'
tool import-units "libcsv parse" "records and fields counted (the floor)" \
	'"$B/csvparse" "$C" >"$o"'
tool rank "pb-rank --by district" "rank, n, pct within each district" \
	'"$PB/pb-rank" --by district "$S" >"$o"'
[ -n "$duck" ] && tool rank "DuckDB RANK() OVER" "the same ranks, n and pct (window, 2 threads)" \
	'$duck bench/rank.sql IN="$S" OUT="$o"'
tool rank "GNU sort" "the same order (district, score desc, id), no ranks" \
	'sort -t "$TAB" -k3,3 -k4,4gr -k1,1 "$S" >"$o"'

col() { head -1 "$1" | tr '\t' '\n' | grep -n -x -F "$2" | cut -d: -f1; }
export -f col
export PB B TAB=$'\t' duck

# --- agreement: does a peer's output say what pb's says? (from the last run's outputs)
out() { echo "$work/$1.$2.out"; } # JOB TOOL-INDEX
agrees() { # JOB INDEX N -> "same bytes", "same counts", "yes", "DIFFERS" or "-"
	local job=$1 i=$2 n=$3 pb mine
	pb=$(out "$job" "$(first_of "$job")") mine=$(out "$job" "$i")
	case "$job:${T_NAME[$i]}" in
	*:pb-*) [ "$job" = import-units ] && { cmp -s "$mine" "$U" && echo "= generator's TSV" || echo DIFFERS; return; }
		echo "-" ;;
	coverage:parallel* | coverage:2* | import-raw:mlr* | import-raw:DuckDB*)
		cmp -s "$pb" "$mine" && echo "same bytes" || echo DIFFERS ;;
	coverage:mawk | coverage:DuckDB*) # they print rates to 6 places; pb writes them in full
		awk -F '\t' -v OFS='\t' 'NR > 1 { for (k = 11; k <= 13; k++) $k = sprintf("%.6f", $k) } 1' \
			"$pb" >"$work/a"
		cmp -s "$work/a" "$mine" && echo "same table" || echo DIFFERS ;;
	coverage:datamash*) # pb's per-mode counts, one line per nonzero count, against datamash's
		awk -F '\t' 'NR > 1 { for (k = 4; k <= 7; k++) if ($k > 0) print $1 "\t" $2 "\t" m[k] "\t" $k }
			BEGIN { m[4] = "single"; m[5] = "joint"; m[6] = "work"; m[7] = "none" }' "$pb" | sort >"$work/a"
		tail -n +2 "$mine" | sort >"$work/b"
		cmp -s "$work/a" "$work/b" && echo "same counts" || echo DIFFERS ;;
	coverage:wc*) [ "$(cat "$mine")" -eq $((n + 1)) ] && echo "n + 1 lines" || echo DIFFERS ;;
	import-*:libcsv*) [ "$(cut -d' ' -f1 "$mine")" -eq $((n + 1)) ] && echo "n + 1 records" || echo DIFFERS ;;
	rank:DuckDB*) # id, district and rank of every entity, in pb's order
		cmp -s <(cut -f1,3,5 "$pb") <(cut -f1,3,5 "$mine") && echo "same ranks" || echo DIFFERS ;;
	rank:GNU*)
		cmp -s <(tail -n +2 "$pb" | cut -f1) <(grep -v '^entity_id' "$mine" | cut -f1) && echo "same order" || echo DIFFERS ;;
	*) echo "-" ;;
	esac
}
first_of() { local i; for i in "${!T_JOB[@]}"; do [ "${T_JOB[$i]}" = "$1" ] && { echo "$i"; return; }; done; }

median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --- run every job at every size; rows of the result table go to $work/table
: >"$work/table"
jobs=(coverage import-raw import-units rank)
first_size=${sizes%% *}
for n in $sizes; do
	units_files "$n"
	rank_n=$((rank_max < first_size ? rank_max : first_size))
	scores_file "$rank_n"
	export C U S
	for job in "${jobs[@]}"; do
		[ "$job" = rank ] && [ "$n" != "$first_size" ] && continue   # one ranking size
		rows=$n; [ "$job" = rank ] && rows=$rank_n
		echo "bench: $job, $rows rows, $runs runs"
		for ((r = 1; r <= runs; r++)); do
			for i in "${!T_JOB[@]}"; do
				[ "${T_JOB[$i]}" = "$job" ] || continue
				o=$(out "$job" "$i") "$B/runstat" "$work/$job.$i.stat" bash -c "${T_CMD[$i]}" </dev/null ||
					echo "bench: ${T_NAME[$i]} exited $(tail -1 "$work/$job.$i.stat" | cut -d' ' -f3)" >&2
			done
		done
		pbt=$(cut -d' ' -f1 "$work/$job.$(first_of "$job").stat" | median)
		for i in "${!T_JOB[@]}"; do
			[ "${T_JOB[$i]}" = "$job" ] || continue
			st=$work/$job.$i.stat
			t=$(cut -d' ' -f1 "$st" | median)
			mem=$(cut -d' ' -f2 "$st" | sort -n | tail -1)
			bad=$(awk '$3 != 0' "$st" | wc -l)
			ag=$(agrees "$job" "$i" "$n")
			[ "$bad" -eq 0 ] || ag="exit $(awk '$3 != 0 { print $3; exit }' "$st")"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rows" "$job" "${T_NAME[$i]}" "${T_WHAT[$i]}" \
				"$t" "$mem" "$(awk -v a="$t" -v b="$pbt" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$ag" >>"$work/table"
		done
		rm -f "$work/$job".*.out*
	done
done

# --- the table, on the terminal and in Markdown
awk -F '\t' 'BEGIN { printf "%-11s %-12s %-28s %9s %11s %9s %7s  %s\n", "rows", "job", "tool", "median s", "rows/s", "peak MiB", "x pb", "agrees with pb" }
	{ printf "%-11s %-12s %-28s %9.2f %11.0f %9.1f %7s  %s\n", $1, $2, $3, $5, ($5 > 0 ? $1 / $5 : 0), $6 / 1024, $7, $8 }' "$work/table"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
ver() { "$@" 2>&1 | head -1; }
{
	echo "# pb benchmark results"
	echo
	echo "Written by \`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%d). Median wall time of"
	echo "$runs runs per command, run round-robin; peak memory is the largest resident set of the"
	echo "command's processes (wait4); \"x pb\" is the time over pb's time in the same job (above 1:"
	echo "pb is faster). Registers generated by bench/gen.c, seed $seed, read warm from the page cache."
	echo
	echo "## Machine"
	echo
	echo "- CPU: $cpu, $(nproc) cores; memory $mem; $os, Linux $(uname -r)"
	echo "- pb $(ver "$PB/pb-coverage" --version | awk '{ print $NF }'), $(ver "${CC:-cc}" --version), libcsv $(dpkg-query -W -f='${Version}' libcsv3 2>/dev/null || echo '?')"
	if [ -n "$duck" ]; then echo "- DuckDB $duck_version ($duckdb_pkg, node $(node --version)), 2 threads"; else echo "- DuckDB: not run (npm or the registry unavailable)"; fi
	echo "- $(ver mawk -W version), $(ver datamash --version), $(ver mlr --version), $(ver sort --version), $(ver parallel --version)"
	echo
	echo "## Results"
	echo
	echo "| rows | job | tool | computes | median s | rows/s | peak MiB | x pb | agrees with pb |"
	echo "|---:|---|---|---|---:|---:|---:|---:|---|"
	awk -F '\t' '{ printf "| %s | %s | %s | %s | %.2f | %.0f | %.1f | %s | %s |\n", $1, $2, $3, $4, $5, ($5 > 0 ? $1 / $5 : 0), $6 / 1024, $7, $8 }' "$work/table"
	echo
	echo "## The jobs"
	echo
	echo "- **coverage**: \`pb-coverage --by district,unit_type\` on a pb TSV register (120 districts,"
	echo "  13 unit types, up to 1,560 groups). DuckDB (bench/coverage.sql) and mawk (bench/coverage.awk)"
	echo "  compute the same table and must give the same bytes; datamash can only count units per"
	echo "  district, unit_type and org_mode (no distinct-in-a-subset, no conditional sums), after"
	echo "  sorting, and must give pb's counts; \`wc -l\` is the floor. \`parallel --pipepart\` runs"
	echo "  two \`--partial\` jobs merged by \`--merge\`, parallel piping each its half; \"2 x --partial on"
	echo "  halves\" runs the same two jobs on halves split beforehand (as the Slurm example does), and"
	echo "  merges. An x pb below 1 is a speed-up on these cores; the partials carry every group's"
	echo "  joint organizations, so the merge reads far more than the table holds."
	echo "- **import-raw**: \`pb-import --kind raw\`, a Chinese CSV (quoted fields, CRLF) to pb TSV,"
	echo "  against DuckDB read_csv → COPY TSV (bench/import-raw.sql) and Miller, which must give the"
	echo "  same bytes, and bench/csvparse.c, libcsv alone counting fields (the floor)."
	echo "- **import-units**: \`pb-import --kind units\`: header aliases, vocabularies, dates, NFKC,"
	echo "  validation and derived org ids, against the libcsv floor; its output must equal the"
	echo "  register the generator wrote."
	echo "- **rank**: \`pb-rank --by district\` on scored entities (wide form) against DuckDB"
	echo "  \`RANK() OVER (PARTITION BY district ORDER BY score DESC)\` with n and pct (bench/rank.sql;"
	echo "  the same id, district and rank on every row) and GNU sort putting the rows in pb's order."
	echo
	echo "DuckDB runs inside node (bench/duckdb.mjs): its time includes starting node and loading"
	echo "DuckDB (about 0.2 s), its memory node's own. Every tool writes its output to a file."
} >"$work/results.md"
mv "$work/results.md" "$results"
echo "bench: wrote $results"
if grep -q -e DIFFERS -e 'exit [0-9]' "$work/table"; then
	echo "bench: some peers disagree with pb or failed (see the table)" >&2
	exit 1
fi
