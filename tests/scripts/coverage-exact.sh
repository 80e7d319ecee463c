#!/usr/bin/env bash
# Property (DESIGN §7 "Numbers"): every rate, change in points, progress, time share and
# ahead_pp that pb-coverage writes is the correctly rounded double of its exact value.
# Python's fractions are the oracle: for many random pairs of registers (groups of 5 to
# 300 units, and groups of over 1,000), pb's text read with float() must equal
# float(Fraction(...)) of the exact figure. --compare is checked against the earlier
# period's counts and against its rates alone (read as exact decimals), --targets with
# the calendar and with --time-rate fractions; exact half-way cases are planted.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

cat >"$tmp/check.py" <<'EOF'
import csv, random, subprocess, sys
from datetime import date
from fractions import Fraction as F

tmp, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
MODES = ("single", "joint", "work", "none")

def register(path, groups):
    with open(path, "w") as f:
        f.write("unit_id\tdistrict\torg_mode\torg_id\n")
        for g, modes in groups.items():
            for i, m in enumerate(modes):
                f.write(f"{g}-{i}\t{g}\t{m}\t{'o%s%d' % (g, i) if m in ('single', 'joint') else ''}\n")

def counts(modes):
    return {m: modes.count(m) for m in MODES} | {"units": len(modes)}

def rates(c):
    u = c["units"]
    if not u:
        return None
    return {"org_rate": F(c["single"] + c["joint"], u), "single_rate": F(c["single"], u),
            "work_rate": F(c["single"] + c["joint"] + c["work"], u)}

def run(*args):
    out = subprocess.run(["pb-coverage", *args], capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(out.splitlines(), delimiter="\t"))
    return [dict(zip(rows[0], r)) for r in rows[1:]]

def modes_of(n):
    w = [rnd.random() for _ in MODES]
    return rnd.choices(MODES, weights=w, k=n)

def same(what, text, exact):
    global bad, checked
    checked += 1
    want = float(exact)
    if text == "" or float(text) != want:
        bad.append(f"{what}: pb wrote '{text}', exact {exact} is {want!r}")

bad, checked = [], 0
prev, cur = {}, {}
for g in range(rnd.randint(3, 9)):
    name = f"g{g}"
    n = rnd.randint(1001, 3000) if g == 0 else rnd.randint(5, 300)
    prev[name], cur[name] = modes_of(rnd.randint(5, 300) if g else n), modes_of(n)
# planted: 1 of 10, then 247 of 2000 single: 0.1235 - 0.1 = 2.35 points exactly;
# 4 of 6, then 6 of 7: 19.047619047619047 points
prev["half"], cur["half"] = ["single"] + ["none"] * 9, ["single"] * 247 + ["none"] * 1753
prev["june"], cur["june"] = ["single"] * 4 + ["none"] * 2, ["single"] * 6 + ["work"]
register(f"{tmp}/prev.tsv", prev)
register(f"{tmp}/cur.tsv", cur)
subprocess.run(["pb-coverage", "--by", "district", "--total", "-o", f"{tmp}/p.tsv", f"{tmp}/prev.tsv"], check=True)
# the earlier table with its rates only: its counts cut away
with open(f"{tmp}/p.tsv") as f, open(f"{tmp}/prates.tsv", "w") as o:
    for line in f:
        c = line.rstrip("\n").split("\t")
        o.write("\t".join([c[0]] + c[9:12]) + "\n")
prev_rows = {r["district"]: r for r in run("--by", "district", "--total", f"{tmp}/prev.tsv")}

start, end, as_of = date(2022, 1, 1), date(2022, 12, 31), date(2022, rnd.randint(1, 12), rnd.randint(1, 28))
targets = {g: rnd.randint(0, 400) for g in cur if rnd.random() < 0.8}
with open(f"{tmp}/t.tsv", "w") as f:
    f.write("district\ttarget\tperiod_start\tperiod_end\n")
    for g, t in targets.items():
        f.write(f"{g}\t{t}\t{start}\t{end}\n")
tr_text = f"{rnd.randint(0, 24) / 2}/12"  # half months, as 6.5/12

for source in ("counts", "rates"):
    args = ["--by", "district", "--compare", f"{tmp}/{'p' if source == 'counts' else 'prates'}.tsv",
            "--as-of", str(as_of), "--targets", f"{tmp}/t.tsv"]
    for time_rate in (None, tr_text):
        extra = ["--time-rate", time_rate] if time_rate else []
        if time_rate:
            time_rate = F(time_rate.split("/")[0]) / 12
        for row in run(*args, *extra, f"{tmp}/cur.tsv"):
            g = row["district"]
            c = counts(cur[g]) if g in cur else None
            now = rates(c) if c else None
            if now:
                for k, v in now.items():
                    same(f"{g} {k}", row[k], v)
            if now and g in prev:
                for k in now:
                    p = rates(counts(prev[g]))[k] if source == "counts" else F(prev_rows[g][k])
                    same(f"{g} {k}_delta_pp from {source}", row[k + "_delta_pp"], 100 * (now[k] - p))
            if g in targets:
                days = (end - start).days + 1
                t = time_rate if time_rate is not None else F(min(max((as_of - start).days + 1, 0), days), days)
                same(f"{g} time_rate", row["time_rate"], t)
                if c and targets[g]:
                    progress = F(c["single"] + c["joint"], targets[g])
                    same(f"{g} progress_rate", row["progress_rate"], progress)
                    same(f"{g} ahead_pp", row["ahead_pp"], 100 * (progress - t))

# --status counts its covered values the same way
for row in run("--by", "district", "--status", "org_mode", "--covered", "single,joint", f"{tmp}/cur.tsv"):
    c = counts(cur[row["district"]])
    same(f"{row['district']} covered_rate", row["covered_rate"], F(c["single"] + c["joint"], c["units"]))
print(f"{checked} {len(bad)}")
for b in bad[:10]:
    print(b)
EOF

trials=0 figures=0 wrong=""
for seed in $(seq 1 30); do
	out=$(python3 "$tmp/check.py" "$tmp" "$seed" 2>&1) || { wrong="seed $seed: $out"; break; }
	read -r n nbad <<<"$(head -1 <<<"$out")"
	trials=$((trials + 1)) figures=$((figures + n))
	[ "$nbad" = 0 ] || { wrong="seed $seed: $(tail -n +2 <<<"$out")"; break; }
done
if [ -z "$wrong" ]; then
	ok "$figures rates, points, progress and time shares of $trials random register pairs are the correctly rounded exact values"
else
	notok "exact figures" "$wrong"
fi
half=$(awk -F'\t' '$1 == "half" { print $14 }' <(pb-coverage --by district --compare "$tmp/prates.tsv" "$tmp/cur.tsv"))
[ "$half" = 2.35 ] && ok "0.1235 against a table's 0.1: exactly 2.35 points" || notok "half-way: got '$half'"
june=$(awk -F'\t' '$1 == "june" { print $14 }' <(pb-coverage --by district --compare "$tmp/p.tsv" "$tmp/cur.tsv"))
[ "$june" = 19.047619047619047 ] && ok "June 4/6, July 6/7: 19.047619047619047 points" || notok "june/july: got '$june'"
echo "1..$tap_n"
