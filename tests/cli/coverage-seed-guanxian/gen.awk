# 68 key enterprises: 63 with their own organization, 5 under one joint branch.
BEGIN {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "district", "town", "org_mode", "org_id", "members"
	for (k = 1; k <= 68; k++)
		print sprintf("e%02d", k), "重点企业" k, "enterprise", "冠县", "冠县经济开发区", (k <= 63 ? "single" : "joint"), (k <= 63 ? sprintf("o%02d", k) : "j1"), 3 + k % 11
}
