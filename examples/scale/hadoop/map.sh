#!/bin/sh
# map.sh HEADER.tsv [pb-coverage OPTION...]: the Hadoop Streaming mapper (run.sh ships it).
# Hadoop cuts the register into splits at line boundaries and feeds each mapper its split
# on stdin: only the first split holds the header line, and pb-coverage needs one to know
# the columns. So the header, shipped as a file with -files, goes on top of every split,
# and the copy the first split has is dropped (a data line never equals the header).
# Writes pb-coverage's --partial; Streaming takes each line's first field (option, count,
# status, org, or the header's #pb_coverage_partial) as its key.
# pb-coverage: the one shipped beside this script with -files, else PB_BIN, else PATH.
header=$1
shift
if [ -x ./pb-coverage ]; then
	pbcov=./pb-coverage
elif [ -n "${PB_BIN:-}" ]; then
	pbcov=$PB_BIN/pb-coverage
else
	pbcov=pb-coverage
fi
{ cat "$header"; grep -v -x -F -f "$header"; } | "$pbcov" "$@" --partial -q
