package runes

import (
	"testing"
	"unicode/utf8"
)

func TestCutAndTruncateKeepUTF8Whole(t *testing.T) {
	for _, c := range []struct {
		s         string
		n         int
		cut, trun string
	}{
		{"abc", 5, "abc", "abc"},
		{"abc", 3, "abc", "abc"},
		{"abcdef", 3, "abc", "abc…"},
		{"实例不存在", 4, "实", "实…"}, // 3 bytes a rune: the 4th byte starts no rune
		{"实例不存在", 6, "实例", "实例…"},
		{"实例不存在", 2, "", "…"},
		{"x", 0, "", "…"},
		{"\xff\xfeabc", 2, "\xff\xfe", "\xff\xfe…"}, // invalid bytes are left as they are
	} {
		if got := Cut(c.s, c.n); got != c.cut {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.s, c.n, got, c.cut)
		}
		if got := Truncate(c.s, c.n); got != c.trun {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.s, c.n, got, c.trun)
		}
		if utf8.ValidString(c.s) && !utf8.ValidString(Cut(c.s, c.n)) {
			t.Errorf("Cut(%q, %d) is not valid UTF-8", c.s, c.n)
		}
	}
}

func FuzzCut(f *testing.F) {
	f.Add("实例不存在 instance job is not found", 7)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := Cut(s, n)
		if len(got) > max(n, 0) && len(s) > n {
			t.Fatalf("Cut(%q, %d) = %q is longer than %d bytes", s, n, got, n)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Cut(%q, %d) = %q is not valid UTF-8", s, n, got)
		}
	})
}
