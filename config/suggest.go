package config

import (
	"fmt"
	"strings"
)

// unknownFieldMsg is the message for an unknown key: it suggests the closest
// known key, or lists them all when none is close.
func unknownFieldMsg(key string, known []string) string {
	if s := closest(key, known); s != "" {
		return fmt.Sprintf("unknown field (did you mean %q?)", s)
	}
	return "unknown field (known fields: " + strings.Join(known, ", ") + ")"
}

// closest returns the known key that key most likely misspells, or "".
// Keys that differ only in case, "_" or "-" always match; otherwise the
// edit distance may be at most a third of the known key's length (min 1).
func closest(key string, known []string) string {
	best, bestDist := "", -1
	for _, k := range known {
		if normalizeKey(k) == normalizeKey(key) {
			return k
		}
		dist := editDistance(strings.ToLower(key), k)
		if dist > max(1, len(k)/3) {
			continue
		}
		if bestDist < 0 || dist < bestDist {
			best, bestDist = k, dist
		}
	}
	return best
}

func normalizeKey(s string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s))
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent bytes
// each cost 1.
func editDistance(a, b string) int {
	// rows[0], rows[1], rows[2] are the rows for i-2, i-1 and i.
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev2, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, prev2
	}
	return rows[1][len(b)]
}
