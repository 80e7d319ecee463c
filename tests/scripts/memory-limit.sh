#!/usr/bin/env bash
# Inputs built to exhaust memory end with "out of memory", the limit named,
# exit 2 and nothing half written — not the kernel's OOM kill. Every command
# runs under an address-space limit: PB_MEMORY_LIMIT, else physical memory
# (lib/cli.c). Under 64 MiB:
#  - pb-coverage --by a column of 300,000 distinct values, pb-rank over
#    1,200,000 distinct entities, pb-report of a 300,000-row table: exit 2, one
#    message naming the limit, -o FILE not created and an earlier FILE kept;
#    the same runs with PB_MEMORY_LIMIT=none succeed;
#  - pb-import streams: 300,000 units import under the same limit;
#  - a bad PB_MEMORY_LIMIT is refused (exit 2) before anything is read.
# AddressSanitizer builds run without the limit (it reserves terabytes of
# address space): there the limited runs are skipped.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

python3 - <<'PY'
n = 300000
with open("units.tsv", "w") as f:
    f.write("unit_id\tdistrict\tunit_type\torg_mode\torg_id\n")
    for i in range(n):
        f.write("u%d\td%d\tvillage\tsingle\to%d\n" % (i, i, i))
with open("scores.tsv", "w") as f:
    f.write("entity_id\tscore\n")
    for i in range(4 * n):
        f.write("e%d\t%d\n" % (i, i % 997))
with open("reg.csv", "w") as f:
    f.write("单位编号,单位名称,单位类型,组建方式,党组织名称\n")
    for i in range(n):
        f.write("U%d,单位%d,村,单独组建,党支部%d\n" % (i, i, i))
PY

# is the limit in force in this build?
if PB_MEMORY_LIMIT=16M pb-coverage --by district units.tsv >/dev/null 2>&1; then
	echo "ok 1 - limited runs # SKIP the limit is off in this build (AddressSanitizer)"
	exit 0
fi

limited() { # NAME CMD...: exit 2, the limit named, -o not created, old file kept
	local name=$1
	shift
	echo "earlier" >kept.out
	PB_MEMORY_LIMIT=64M "$@" -o kept.out >out 2>err
	local rc=$?
	if [ $rc -eq 2 ] && [ ! -s out ] && grep -q 'out of memory (the limit is 64 MiB' err &&
		[ "$(cat kept.out)" = earlier ] && [ "$(grep -vc '^pb-import: read' err)" -eq 1 ]; then
		ok "$name: out of memory under 64 MiB, exit 2, the earlier -o file kept"
	else
		notok "$name: exit $rc" "$(cat err; echo "-o: $(head -c 80 kept.out)")"
	fi
	if PB_MEMORY_LIMIT=none "$@" -o free.out 2>err && [ -s free.out ]; then
		ok "$name: with PB_MEMORY_LIMIT=none it runs"
	else
		notok "$name: without the limit" err
	fi
}

limited "pb-coverage, 300,000 groups" pb-coverage --by district --rollup units.tsv
limited "pb-rank, 1,200,000 entities" pb-rank --id entity_id --score score scores.tsv
if PB_MEMORY_LIMIT=64M pb-import --kind units reg.csv -o units2.tsv 2>err &&
	grep -q '^pb-import: read 300000, wrote 300000, rejected 0' err; then
	ok "pb-import streams: 300,000 units under 64 MiB"
else
	notok "pb-import under 64 MiB" err
fi
pb-coverage --by district units.tsv >table.tsv
limited "pb-report, 300,000 rows" pb-report -f html table.tsv

for bad in 12X -5 '' 0x10 abc; do
	[ -z "$bad" ] && continue
	PB_MEMORY_LIMIT=$bad pb-coverage units.tsv >out 2>err
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s out ] && grep -q "PB_MEMORY_LIMIT '$bad': expected a size" err; then
		ok "PB_MEMORY_LIMIT=$bad is refused"
	else
		notok "PB_MEMORY_LIMIT=$bad: exit $rc" err
	fi
done
