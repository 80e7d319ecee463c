# bench/coverage.awk: the table of `pb-coverage --by district,unit_type` as a mawk
# program, so `make bench` can time it against pb and check both give the same bytes.
# units and the four modes counted per group; orgs = single + distinct joint org_id;
# should_build = units with at least 3 members and no organization of their own.
# Run with LC_ALL=C (rows in byte order, as pb writes them).
BEGIN { FS = OFS = "\t" }
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{
	g = $(c["district"]) "\t" $(c["unit_type"]); m = $(c["org_mode"]); mem = $(c["members"])
	units[g]++; cnt[g, m]++
	if (mem != "") { members[g] += mem; if (mem >= 3 && m != "single") sb[g]++ }
	o = $(c["org_id"])
	if (m == "joint" && o != "" && !((g, o) in seen)) { seen[g, o] = 1; jo[g]++ }
}
END {
	print "district", "unit_type", "units", "single", "joint", "work", "none", "orgs", "members",
		"should_build", "org_rate", "single_rate", "work_rate"
	fflush()
	for (g in units) {
		u = units[g]; s = cnt[g, "single"] + 0; j = cnt[g, "joint"] + 0; w = cnt[g, "work"] + 0
		printf "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.6f\t%.6f\t%.6f\n", g, u, s, j, w,
			cnt[g, "none"] + 0, s + jo[g], members[g] + 0, sb[g] + 0, (s + j) / u, s / u, (s + j + w) / u | "sort"
	}
}
