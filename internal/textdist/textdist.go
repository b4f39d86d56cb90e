// Package textdist measures how far apart two strings are, for "did you
// mean" hints: the fake BC's replay naming the closest recorded request, the
// commands naming the closest flag.
package textdist

// Levenshtein is the edit distance (insertions, deletions, substitutions of
// bytes) between a and b.
func Levenshtein(a, b string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
