package huaweicloud

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
)

// Redacted replaces a secret in text that came from the network.
const Redacted = "<redacted>"

// minSecretLen is the shortest value scrubbed: a shorter one would mangle
// ordinary text and is no real key.
const minSecretLen = 4

// minPartial is the shortest run of a secret that is scrubbed on its own: a
// secret this long or longer is scrubbed wherever any minPartial
// consecutive characters of one of its forms appear (a prefix, a middle, a
// suffix), not only whole. A shorter secret is scrubbed whole.
const minPartial = 16

// scrubWindow is the length of the windows a secretIndex holds. A window
// is indexed at every scrubWindow-th byte of a form, so every run of
// minPartial bytes of a form holds one indexed window whole (which needs
// minPartial >= 2*scrubWindow-1), and the index is an eighth of the forms'
// length.
const scrubWindow = 8

// scrubber removes secrets from text the cloud sent back. A real API
// gateway echoes the access key in some 401 messages ("ak … not exist"); a
// hostile endpoint can echo the security token or the request's signature,
// raw or encoded, whole or in part. Each secret is replaced in its raw,
// URL-escaped, JSON-escaped, base64 and hex forms, in any letter case.
type scrubber struct {
	whole []string // forms replaced only whole (ASCII lower case)
	index *secretIndex
}

// withWhole is s that also replaces each of values whole (in all its
// forms): values that change with every request (the Authorization header
// and its signature), not worth an index.
func (s scrubber) withWhole(values ...string) scrubber {
	for _, v := range values {
		if len(v) >= minSecretLen {
			s.whole = append(s.whole, secretForms(v, false)...)
		}
	}
	return s
}

// scrub returns text with every form of every secret replaced by Redacted:
// whole, and for a secret of minPartial characters or more, every run of
// minPartial or more consecutive characters of a form.
func (s scrubber) scrub(text string) string {
	ix := s.index
	if ix == nil {
		ix = &secretIndex{}
	}
	if text == "" || len(s.whole)+len(ix.whole)+len(ix.forms) == 0 {
		return text
	}
	// lower has the same length as text, so an index in one is an index in
	// the other; Redacted is lower case, so they stay aligned.
	lower := asciiLower(text)
	for _, forms := range [][]string{s.whole, ix.whole} {
		for _, f := range forms {
			for i := strings.Index(lower, f); i >= 0; i = strings.Index(lower, f) {
				text = text[:i] + Redacted + text[i+len(f):]
				lower = lower[:i] + Redacted + lower[i+len(f):]
			}
		}
	}
	spans := ix.runs(lower)
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		b.WriteString(text[at:sp.start])
		b.WriteString(Redacted)
		at = sp.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// secretIndex finds runs of the long secrets' forms in a text: it maps
// every indexed window of every form to where it stands. It is built once
// per set of secrets (scrubCache), so the error path only looks windows up.
type secretIndex struct {
	secrets []string // what it was built from
	whole   []string // forms of the secrets shorter than minPartial
	forms   []string // of the others, ASCII lower case
	heads   map[uint64]int32
	windows []indexedWindow
}

// indexedWindow is where one window stands: forms[form][off:off+scrubWindow].
// next is the next place with the same bytes, -1 at the end.
type indexedWindow struct{ form, off, next int32 }

// span is a run of text to redact, [start, end).
type span struct{ start, end int }

// newSecretIndex indexes secrets; empty and very short ones are ignored.
func newSecretIndex(secrets []string) *secretIndex {
	ix := &secretIndex{secrets: slices.Clone(secrets), heads: map[uint64]int32{}}
	seen := map[string]bool{}
	for _, v := range secrets {
		switch {
		case len(v) < minSecretLen:
		case len(v) < minPartial:
			ix.whole = append(ix.whole, secretForms(v, false)...)
		default:
			for _, f := range secretForms(v, true) {
				if !seen[f] {
					seen[f] = true
					ix.forms = append(ix.forms, f)
				}
			}
		}
	}
	for fi, f := range ix.forms {
		for off := 0; off+scrubWindow <= len(f); off += scrubWindow {
			k := windowKey(f, off)
			next, ok := ix.heads[k]
			if !ok {
				next = -1
			}
			ix.heads[k] = int32(len(ix.windows))
			ix.windows = append(ix.windows, indexedWindow{form: int32(fi), off: int32(off), next: next})
		}
	}
	return ix
}

// runs returns the runs of lower (ASCII lower case) that are minPartial or
// more bytes of a form, in order, overlapping and adjacent ones joined.
// Every position of lower is looked up (a run of one form can begin inside
// a run of another: a URL-escaped token next to a raw one); a hit is
// extended both ways as far as the text and the form agree, unless it lies
// on the run of the same form found last, so each run is walked once.
func (ix *secretIndex) runs(lower string) []span {
	var found []span
	var last []span // per form: its last run, and (in start) its diagonal: text position - form offset
	for i := 0; i+scrubWindow <= len(lower); i++ {
		e, ok := ix.heads[windowKey(lower, i)]
		if !ok {
			continue
		}
		if last == nil {
			last = make([]span, len(ix.forms))
		}
		for ; e >= 0; e = ix.windows[e].next {
			w := ix.windows[e]
			diag := i - int(w.off)
			if l := last[w.form]; i < l.end && l.start == diag {
				continue
			}
			f := ix.forms[w.form]
			start, fo := i, int(w.off)
			for start > 0 && fo > 0 && lower[start-1] == f[fo-1] {
				start, fo = start-1, fo-1
			}
			end, fe := i+scrubWindow, int(w.off)+scrubWindow
			for end < len(lower) && fe < len(f) && lower[end] == f[fe] {
				end, fe = end+1, fe+1
			}
			last[w.form] = span{start: diag, end: end}
			if end-start >= minPartial {
				found = append(found, span{start, end})
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b span) int { return a.start - b.start })
	out := found[:1]
	for _, sp := range found[1:] {
		if l := &out[len(out)-1]; sp.start <= l.end {
			l.end = max(l.end, sp.end)
		} else {
			out = append(out, sp)
		}
	}
	return out
}

// windowKey is the scrubWindow bytes of s at off, as one number.
func windowKey(s string, off int) uint64 {
	var k uint64
	for j := range scrubWindow {
		k = k<<8 | uint64(s[off+j])
	}
	return k
}

// secretForms are the ways v can be echoed, in ASCII lower case: raw,
// URL-escaped (query and path), JSON-escaped (with "/" as is and as
// "\/"), hex, and base64 (standard and URL alphabets; padded or not when
// whole). With partial, a run of v that is not aligned with v's own base64
// groups is found too: the base64 forms of v without its first one or two
// bytes are added (a run of minPartial bytes of v, base64-encoded anywhere,
// then shares at least minPartial characters with one of the three).
func secretForms(v string, partial bool) []string {
	b := []byte(v)
	j, _ := json.Marshal(v)
	js := string(j[1 : len(j)-1])
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v), js, strings.ReplaceAll(js, "/", `\/`), hex.EncodeToString(b)}
	if partial {
		for shift := range 3 {
			forms = append(forms, base64.StdEncoding.EncodeToString(b[shift:]), base64.URLEncoding.EncodeToString(b[shift:]))
		}
	} else {
		forms = append(forms, base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
			base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b))
	}
	for i, f := range forms {
		forms[i] = asciiLower(f)
	}
	return forms
}

// scrubCache keeps the secretIndex of the secrets it was last asked for:
// an account's secrets change only when temporary credentials are renewed,
// and building an index for a token of a few KB costs far more than using
// it.
type scrubCache struct {
	last atomic.Pointer[secretIndex]
}

// scrubber returns a scrubber for secrets (and values to replace whole).
func (c *scrubCache) scrubber(secrets []string, whole ...string) scrubber {
	ix := c.last.Load()
	if ix == nil || !slices.Equal(ix.secrets, secrets) {
		ix = newSecretIndex(secrets)
		c.last.Store(ix)
	}
	return scrubber{index: ix}.withWhole(whole...)
}

// asciiLower lowers the bytes A to Z only, so the result has the length of
// s (also when s is not valid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
