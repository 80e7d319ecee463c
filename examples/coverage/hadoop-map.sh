#!/bin/sh
# The Hadoop Streaming (or Spark pipe()) mapper of examples/coverage-parallel.sh.
# A split of the register holds no header unless it is the first: put header.tsv
# (shipped with -files) back on top and drop the copy the first split has.
# Usage: hadoop-map.sh HEADER.tsv PB-COVERAGE-OPTIONS...
header=$1
shift
{ cat "$header"; grep -v -x -F -f "$header"; } | pb-coverage "$@" --partial
