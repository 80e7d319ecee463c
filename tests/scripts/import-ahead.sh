#!/usr/bin/env bash
# pb-import parses a regular file of 1 MiB or more on a second thread, a batch of records
# ahead of the checks; a pipe is read as it comes. Both must give the same bytes: output,
# rejects, and every message with its line, for a register whose records cross read
# chunks and batches (quoted line ends of every kind, blank lines, malformed quotes, long
# fields, duplicates far apart), in UTF-8 and GB18030.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

python3 - <<'PY'
import random
random.seed(2026)
ends = ["\n", "\r\n", "\r"]
modes = ["单独组建", "联建", "工作覆盖", "空白", "单建 ", "ｊｏｉｎｔ"]
out = ["单位编号,单位名称,组建方式,党组织名称,党员人数,成立时间\r\n"]
size, i = 0, 0
while size < 3_000_000:
    k, e = random.randrange(12), random.choice(ends)
    uid = "U%07d" % (i if random.randrange(50) else random.randrange(i + 1))
    if k == 0:
        out.append("\r\n" if out[-1].endswith("\r") else e)
    elif k == 1:
        out.append('%s,"名称"错,单建,,1,%s' % (uid, e))
    elif k <= 4:
        name = '"' + "".join(random.choice(ends) + '多行""名称' for _ in range(random.randrange(1, 4))) + '"'
        out.append("%s,%s,联建,联合党支部%d,%d,2018/5/%d%s" % (uid, name, i % 97, i % 50, 1 + i % 28, e))
    elif k == 5:
        out.append("%s,%s,空白,,3,%s" % (uid, "长" * random.randrange(500, 3000), e))
    elif k == 6:
        out.append("%s,两列而已%s" % (uid, e))
    else:
        m = random.choice(modes)
        org = "" if m in ("工作覆盖", "空白") else "单位%d党支部" % i
        out.append("%s,单位%d,%s,%s,%d,2020年%d月%d日%s" % (uid, i, m, org, i % 40, 1 + i % 12, 1 + i % 28, e))
    size += len(out[-1].encode())
    i += 1
out.append('U9999999,"unterminated\n')
open("reg.csv", "w", newline="", encoding="utf-8").write("".join(out))
open("reg-gb.csv", "w", newline="", encoding="gb18030").write("".join(out))
PY

n=0
for input in reg.csv reg-gb.csv; do
	for kind in "raw" "raw --no-normalize" "units --as-of 2026-01-01"; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # the kind's options are words
		pb-import --kind $kind --rejects file.rej "$input" >file.out 2>file.err
		a=$?
		# shellcheck disable=SC2086
		cat "$input" | pb-import --kind $kind --rejects pipe.rej >pipe.out 2>pipe.err
		b=$?
		sed "s/(stdin)/$input/" pipe.err >pipe.err2
		if [ $a = $b ] && cmp -s file.out pipe.out && cmp -s file.rej pipe.rej &&
			cmp -s file.err pipe.err2 && [ "$(wc -l <file.err)" -gt 100 ]; then
			ok "$input, --kind $kind: a file read ahead gives what a pipe gives"
		else
			notok "$input, --kind $kind: a file read ahead gives what a pipe gives" \
				"$(echo "exit $a vs $b"; diff file.err pipe.err2 | head; cmp file.out pipe.out)"
		fi
	done
done
