# 500 planned key-project branches; 357 built (357/500 = 71.4%).
BEGIN {
	OFS = "\t"
	print "unit_id", "unit_type", "district", "org_mode", "org_id"
	for (k = 1; k <= 520; k++)
		print sprintf("p%03d", k), "key_project", "佛山市", (k <= 357 ? "single" : "work"), (k <= 357 ? "t" k : "")
}
