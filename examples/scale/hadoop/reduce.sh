#!/bin/sh
# reduce.sh: the Hadoop Streaming reducer (run.sh ships it; one reducer for the job).
# Its stdin is every mapper's partial, lines sorted by key: the #pb_coverage_partial
# headers sort first ('#' is below every letter), and pb-coverage --merge reads the rest as
# an unordered set of lines, so the shuffle's order within a key does not matter.
# Writes the coverage table; Streaming splits each line at its first tab and writes it back
# joined by a tab, so part-00000 holds the table's bytes.
if [ -x ./pb-coverage ]; then
	pbcov=./pb-coverage
elif [ -n "${PB_BIN:-}" ]; then
	pbcov=$PB_BIN/pb-coverage
else
	pbcov=pb-coverage
fi
exec "$pbcov" --merge -q
