# 95 residential compounds in Chancheng: 41 branches set up by 2022-06-16, 9 more set
# up later in the year (not yet present on the 16th), 45 still blank.
BEGIN {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "district", "org_mode", "org_id", "members", "established"
	for (k = 1; k <= 95; k++) {
		est = k <= 41 ? sprintf("2022-%02d-%02d", 1 + k % 6, 1 + k % 15) : k <= 50 ? "2022-07-01" : ""
		print sprintf("r%02d", k), "小区" k, "residential", "禅城区", (k <= 50 ? "single" : "none"), (k <= 50 ? "o" k : ""), k % 6, est
	}
}
