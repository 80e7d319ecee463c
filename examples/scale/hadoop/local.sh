#!/bin/sh
# local.sh jar JAR [-D K=V] -files F,... -input IN -output OUT -numReduceTasks 1 \
#          -mapper CMD -reducer CMD
#
# `hadoop jar hadoop-streaming.jar` as Hadoop Streaming runs a job, on this machine, for
# trying run.sh without a cluster (HADOOP=examples/scale/hadoop/local.sh) and for the
# tests: each -files entry is linked into a task folder (path#name renames it); every
# input file is cut into LOCAL_SPLITS splits at line boundaries (default 4) with no header
# handling, as HDFS splits are; each split goes to the mapper command, run in the task
# folder; the mappers' lines are sorted by key (their first field, byte order) as the
# shuffle does; the reducer command reads them and writes OUT/part-00000.
set -eu
die() { echo "local.sh: $*" >&2; exit 2; }
[ "${1:-}" = jar ] && [ $# -ge 2 ] || die "usage: local.sh jar JAR OPTION..."
shift 2
files="" inputs="" output="" mapper="" reducer=""
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "$1 needs a value"
	case $1 in
	-D) ;;
	-files) files=$2 ;;
	-input) inputs="$inputs $2" ;;
	-output) output=$2 ;;
	-mapper) mapper=$2 ;;
	-reducer) reducer=$2 ;;
	-numReduceTasks) [ "$2" = 1 ] || die "this stand-in runs one reducer" ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[ -n "$inputs" ] && [ -n "$output" ] && [ -n "$mapper" ] && [ -n "$reducer" ] || die "-input, -output, -mapper and -reducer are required"
[ ! -e "$output" ] || die "$output exists (Hadoop refuses to overwrite an output folder)"
task=$(mktemp -d)
trap 'rm -rf "$task"' EXIT INT TERM
mkdir "$task/work" "$task/splits"
# -files: a comma list; a link per file in the task folder
old_ifs=$IFS IFS=,
for f in $files; do
	IFS=$old_ifs
	path=${f%%#*} name=${f##*#}
	[ "$name" != "$f" ] || name=$(basename "$path")
	case $path in /*) ;; *) path=$PWD/$path ;; esac
	[ -r "$path" ] || die "$path: cannot read (-files)"
	ln -s "$path" "$task/work/$name"
done
IFS=$old_ifs
# the splits: every file of every input (a folder's files but _SUCCESS and hidden ones)
k=0
for inp in $inputs; do
	if [ -d "$inp" ]; then set -- "$inp"/[!_.]*; else set -- "$inp"; fi
	for f in "$@"; do
		k=$((k + 1))
		split -n l/"${LOCAL_SPLITS:-4}" -a 6 "$f" "$task/splits/$k."
	done
done
tab=$(printf '\t')
mkdir "$task/mapped"
for s in "$task"/splits/*; do
	(cd "$task/work" && sh -c "$mapper") <"$s" >"$task/mapped/${s##*/}" || die "mapper failed on split ${s##*/}"
done
LC_ALL=C sort -s -t "$tab" -k1,1 "$task"/mapped/* >"$task/shuffled"
mkdir -p "$output"
(cd "$task/work" && sh -c "$reducer") <"$task/shuffled" >"$output/part-00000" || die "reducer failed"
: >"$output/_SUCCESS"
