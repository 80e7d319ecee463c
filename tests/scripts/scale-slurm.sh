#!/usr/bin/env bash
# examples/scale/slurm on a real one-node Slurm cluster: installs slurm-wlm and munge
# from Debian when missing, starts munged, slurmctld and slurmd on localhost with a
# generated configuration in a temporary folder (own munge socket, free ports, no
# systemd, no cgroups), submits a register through submit.sh, waits for the merge job,
# and compares OUTPUT with one pass of pb-coverage byte for byte. Stops what it started.
# Without root (slurmd must start jobs as root) or without a way to install, it skips.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -25 | sed 's/^/# /'; }
skip() { n=$((n + 1)); echo "ok $n - slurm job array and merge # SKIP $1"; echo "1..$n"; exit 0; }
export PATH="$top/bin:$PATH:/usr/sbin:/sbin"

[ "$(id -u)" -eq 0 ] || skip "needs root to run slurmd"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
	command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >/dev/null 2>&1 ||
		skip "apt-get could not install slurm-wlm and munge"
fi

tmp=$(mktemp -d /tmp/pb-slurm.XXXXXX)
chmod 755 "$tmp"   # the job scripts run from spool folders; munged wants no group/other write
pids=()
cleanup() {
	[ -n "${SLURM_CONF:-}" ] && scancel --quiet --user=root >/dev/null 2>&1
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# two free TCP ports on localhost (a port that accepts a connection is taken)
free_port() {
	local p
	for ((p = $1; p < $1 + 200; p++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	echo "$1"
}
base=$((20000 + $$ % 20000))
ctl_port=$(free_port "$base")
d_port=$(free_port $((ctl_port + 1)))

# munge: its own key, socket, pid and log files
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge.key"
munged --foreground --force --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" \
	--pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" \
	>"$tmp/munged.out" 2>&1 &
pids+=($!)

mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<EOF
# one node on localhost for tests/scripts/scale-slurm.sh
ClusterName=pbtest
SlurmctldHost=localhost
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf

for _ in $(seq 50); do [ -S "$tmp/munge.sock" ] && break; sleep 0.1; done
slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)

# the node is up when sinfo calls it idle
up=""
for _ in $(seq 60); do
	case $(sinfo -h -n localhost -o %t 2>/dev/null) in idle*) up=1; break ;; esac
	sleep 0.5
done
if [ -z "$up" ]; then
	notok "one-node cluster up (munged, slurmctld, slurmd)" \
		"$(tail -n 8 "$tmp"/munged.log "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/*.out 2>&1)"
	echo "1..$n"
	exit 1
fi
ok "one-node cluster up (munged, slurmctld, slurmd on ports $ctl_port, $d_port)"

# the register of examples/coverage-parallel.sh, and its options
units=$top/examples/coverage/units.tsv
opts=(--by district,unit_type --rollup --as-of 2022-06-30)
pb-coverage "${opts[@]}" "$units" >"$tmp/one.tsv"

# waits (at most $2 seconds) until job $1 has left the queue; prints its final state
wait_job() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		[ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && break
		sleep 0.5
	done
	scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1
}

mkdir "$tmp/out"
for parts in 3 1; do
	if ! id=$(cd "$tmp/out" && sh "$top/examples/scale/slurm/submit.sh" "$units" $parts cov$parts.tsv "${opts[@]}" 2>"$tmp/submit.err"); then
		notok "submit.sh REGISTER $parts OUTPUT: exit 0" "$(cat "$tmp/submit.err")"
		continue
	fi
	case $id in
	*[!0-9]* | "") notok "submit.sh prints the merge job's id, not '$id'" ;;
	*) ok "submit.sh REGISTER $parts OUTPUT prints the merge job's id ($id)" ;;
	esac
	state=$(wait_job "$id" 120)
	if [ "$state" = JobState=COMPLETED ] && cmp -s "$tmp/one.tsv" "$tmp/out/cov$parts.tsv"; then
		ok "$parts-task array then merge: OUTPUT is byte for byte one pass"
	else
		notok "$parts-task array then merge: OUTPUT is byte for byte one pass ($state)" \
			"$(diff "$tmp/one.tsv" "$tmp/out/cov$parts.tsv" 2>&1 | head -5; tail -n 5 "$tmp"/out/.*.slurm.*/*.log "$tmp/slurmctld.log" 2>&1)"
	fi
	if ls -d "$tmp"/out/.cov$parts.tsv.slurm.* >/dev/null 2>&1; then
		notok "the merge removed its work folder" "$(ls -la "$tmp"/out/.cov$parts.tsv.slurm.*)"
	else
		ok "the merge removed its work folder"
	fi
done

# a register with a bad row: the table of the good rows still appears, as one pass writes
# it, and the merge job fails with pb's status 1, its log naming the row
awk -F '\t' -v OFS='\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "org_mode") m = i }
	NR == 700 { $m = "bogus" } { print }' "$units" >"$tmp/bad-row.tsv"
pb-coverage "${opts[@]}" "$tmp/bad-row.tsv" >"$tmp/one-bad.tsv" 2>/dev/null
if id=$(cd "$tmp/out" && sh "$top/examples/scale/slurm/submit.sh" "$tmp/bad-row.tsv" 2 cov-bad.tsv "${opts[@]}" 2>"$tmp/submit.err"); then
	state=$(wait_job "$id" 120)
	exitcode=$(scontrol show job "$id" 2>/dev/null | grep -o ' ExitCode=[0-9:]*' | head -1)
	if [ "$state" = JobState=FAILED ] && [ "$exitcode" = " ExitCode=1:0" ] &&
	   cmp -s "$tmp/one-bad.tsv" "$tmp/out/cov-bad.tsv" &&
	   grep -q -F 'bogus' "$tmp"/out/.cov-bad.tsv.slurm.*/merge.log; then
		ok "a bad row: OUTPUT is one pass's table, the merge exits 1 and its log names the row"
	else
		notok "a bad row: OUTPUT is one pass's table, the merge exits 1 and its log names the row" \
			"$state$exitcode $(cat "$tmp"/out/.cov-bad.tsv.slurm.*/merge.log 2>&1)"
	fi
else
	notok "submit.sh with a bad row in the register" "$(cat "$tmp/submit.err")"
fi

# bad options are refused before anything is submitted
before=$(squeue -h | wc -l)
if (cd "$tmp/out" && sh "$top/examples/scale/slurm/submit.sh" "$units" 2 bad.tsv --by no_such_column) >/dev/null 2>"$tmp/bad.err"; then
	notok "submit.sh refuses a --by column the register lacks"
elif [ "$(squeue -h | wc -l)" -eq "$before" ] && grep -q no_such_column "$tmp/bad.err"; then
	ok "submit.sh refuses a --by column the register lacks, naming it, and submits nothing"
else
	notok "submit.sh refuses a --by column the register lacks, naming it, and submits nothing" "$(cat "$tmp/bad.err")"
fi
echo "1..$n"
