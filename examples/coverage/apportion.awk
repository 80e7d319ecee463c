# Shared by the seed examples' registers: apportion(total, n, w, out) fills out[1..n] with
# whole numbers that sum to total exactly, roughly in proportion to the weights w[1..n]
# (each gets its floor; what is left goes one by one to the first units).
function apportion(total, n, w, out,    i, W, given) {
	W = 0
	for (i = 1; i <= n; i++)
		W += w[i]
	given = 0
	for (i = 1; i <= n; i++) {
		out[i] = int(total * w[i] / W)
		given += out[i]
	}
	for (i = 1; given < total; i = i % n + 1) {
		out[i]++
		given++
	}
}
# cents(v): a whole number of hundredths as decimal text, 81346 -> 813.46
function cents(v) {
	return sprintf("%d.%02d", int(v / 100), v % 100)
}
