# 200 enterprises and 100 social organizations; single-build units: 2021: 80 and 20,
# 2022: 108 (+14 points of 200) and 35 (+15 points of 100). The rest have joint ones.
BEGIN {
	OFS = "\t"
	ne = year == 2021 ? 80 : 108; ns = year == 2021 ? 20 : 35
	print "unit_id", "unit_type", "org_mode", "org_id"
	for (k = 1; k <= 200; k++)
		print sprintf("e%03d", k), "enterprise", (k <= ne ? "single" : "joint"), (k <= ne ? "o" k : "je" k % 20)
	for (k = 1; k <= 100; k++)
		print sprintf("s%03d", k), "social_org", (k <= ns ? "single" : "joint"), (k <= ns ? "os" k : "js" k % 10)
}
