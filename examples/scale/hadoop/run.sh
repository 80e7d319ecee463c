#!/bin/sh
# run.sh HEADER.tsv INPUT OUTPUT [pb-coverage OPTION...]
#
# pb-coverage over a register in HDFS with Hadoop Streaming: one mapper per split runs
# map.sh (pb-coverage --partial), one reducer runs reduce.sh (pb-coverage --merge).
# HEADER.tsv is the register's header line (head -n 1 units.tsv >header.tsv); INPUT the
# register's HDFS path (a file or a folder of them, all with the same columns), OUTPUT a
# new HDFS folder: the table is OUTPUT/part-00000. Files that options name (--compare,
# --targets, --links, --partners) go in PB_HADOOP_FILES (comma-separated), named in the
# options by their base names. See README.md.
#
# HADOOP (default hadoop) and HADOOP_STREAMING_JAR choose the command and the jar;
# HADOOP=examples/scale/hadoop/local.sh runs the same job on this machine, without Hadoop.
set -eu
[ $# -ge 3 ] || { echo "usage: run.sh HEADER.tsv INPUT OUTPUT [pb-coverage OPTION...]" >&2; exit 2; }
header=$1 input=$2 output=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
pbcov=$(command -v "${PB_BIN:+$PB_BIN/}pb-coverage") || { echo "run.sh: no pb-coverage (PATH or PB_BIN)" >&2; exit 2; }
jar=${HADOOP_STREAMING_JAR:-$(ls "${HADOOP_HOME:-/usr/lib/hadoop}"/share/hadoop/tools/lib/hadoop-streaming-*.jar 2>/dev/null | head -n 1)}

# This is the command an operator types (with the paths spelled out):
#   hadoop jar hadoop-streaming.jar \
#     -D mapreduce.job.name=pb-coverage \
#     -files map.sh,reduce.sh,header.tsv,bin/pb-coverage \
#     -input /data/units -output /data/cov -numReduceTasks 1 \
#     -mapper "sh map.sh header.tsv --by district,unit_type --rollup" \
#     -reducer "sh reduce.sh"
# -files puts each file in every task's working folder (path#name renames it); the
# binary needs libcsv, PCRE2, utf8proc and libxlsxwriter on the nodes, or pb installed there.
# shellcheck disable=SC2086
exec ${HADOOP:-hadoop} jar "${jar:-hadoop-streaming.jar}" \
	-D mapreduce.job.name=pb-coverage \
	-files "$here/map.sh,$here/reduce.sh,$header#header.tsv,$pbcov${PB_HADOOP_FILES:+,$PB_HADOOP_FILES}" \
	-input "$input" -output "$output" -numReduceTasks 1 \
	-mapper "sh map.sh header.tsv $*" \
	-reducer "sh reduce.sh"
