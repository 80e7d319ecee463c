#!/bin/sh
# submit.sh REGISTER PARTS OUTPUT [pb-coverage OPTION...]
#
# pb-coverage on a Slurm cluster: splits REGISTER (pb TSV) into PARTS at line boundaries,
# each part with the header; submits a job array whose task N runs
# `pb-coverage OPTIONS --partial` on part N (array.sbatch), and a merge job that starts when
# every task has succeeded (--dependency=afterok) and runs `pb-coverage --merge -o OUTPUT`
# (merge.sbatch). Prints the merge job's id. OUTPUT appears whole when the merge ends.
#
# The parts, partials and logs go to a work folder beside OUTPUT (or PB_SLURM_WORK), which
# every node must see (a shared file system), as must REGISTER's folder for the split.
# pb-coverage is taken from PB_BIN (a folder) or PATH, and must be at the same path on the
# nodes. sbatch's own variables (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT, ...)
# reach both submissions. See README.md beside this script.
set -eu
me=submit.sh
die() { echo "$me: $*" >&2; exit 2; }
[ $# -ge 3 ] || die "usage: submit.sh REGISTER PARTS OUTPUT [pb-coverage OPTION...]"
register=$1 parts=$2 output=$3
shift 3
case $parts in '' | *[!0-9]* | 0*) die "PARTS must be a whole number from 1: '$parts'" ;; esac
[ -f "$register" ] && [ -r "$register" ] || die "$register: not a readable file"
for a in "$@"; do
	case $a in
	--partial | --merge | -o | --output | --output=*) die "$a: submit.sh adds --partial and --merge -o OUTPUT itself" ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)

# absolute paths: the jobs run on other nodes, from spooled copies of the job scripts
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
register=$(abspath "$register") output=$(abspath "$output")
if [ -n "${PB_BIN:-}" ]; then
	pbcov=$(abspath "$PB_BIN")/pb-coverage
else
	pbcov=$(command -v pb-coverage) || die "pb-coverage is not on PATH (or set PB_BIN to its folder)"
	pbcov=$(abspath "$pbcov")
fi
[ -x "$pbcov" ] || die "$pbcov: not an executable"
command -v sbatch >/dev/null || die "sbatch is not on PATH (is this a Slurm submit host?)"
outdir=$(dirname "$output")
[ -d "$outdir" ] && [ -w "$outdir" ] || die "$outdir: not a writable folder (for OUTPUT)"

# Refuse bad options and missing columns here, not in a hundred job logs: the header
# alone is a valid, empty register.
header=$(head -n 1 "$register")
printf '%s\n' "$header" | "$pbcov" "$@" --partial -q >/dev/null ||
	die "pb-coverage refused these options or this register's header (see above)"

work=${PB_SLURM_WORK:-}
if [ -z "$work" ]; then
	work=$(mktemp -d "$outdir/.$(basename "$output").slurm.XXXXXX")
else
	work=$(abspath "$work")
	mkdir -p "$work"
fi

# split -n l/PARTS cuts at line boundaries into chunks of about equal bytes (part.000001,
# part.000002, ...); the filter puts the header on every part and drops the copy that
# starts the first one.
export header
split -n l/"$parts" --numeric-suffixes=1 -a 6 \
	--filter='{ printf "%s\n" "$header"; case $FILE in *.000001) tail -n +2 ;; *) cat ;; esac; } >"$FILE"' \
	"$register" "$work/part."

# --parsable prints "jobid" or "jobid;cluster"
array=$(sbatch --parsable --array=1-"$parts" --job-name=pb-coverage \
	--output="$work/part-%a.log" "$here/array.sbatch" "$work" "$pbcov" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
	--job-name=pb-coverage-merge --output="$work/merge.log" \
	"$here/merge.sbatch" "$work" "$pbcov" "$output") || {
	scancel "$array" 2>/dev/null || true
	die "the merge job was not accepted; the array $array is cancelled"
}
echo "${merge%%;*}"
