# 1,232 residential compounds across Foshan's five districts, each with its own branch.
BEGIN {
	OFS = "\t"
	split("禅城区 南海区 顺德区 高明区 三水区", d, " ")
	split("310 402 318 92 110", n, " ")
	print "unit_id", "unit_name", "unit_type", "city", "district", "org_mode", "org_id", "org_kind", "members"
	for (i = 1; i <= 5; i++)
		for (j = 1; j <= n[i]; j++) {
			k++
			print sprintf("r%04d", k), d[i] "小区" j, "residential", "佛山市", d[i], "single", sprintf("o%04d", k), "branch", 3 + k % 7
		}
}
