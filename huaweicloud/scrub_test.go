package huaweicloud

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// randomSecret is n characters of the alphabets keys and tokens use, from
// a fixed seed, with the characters URL and JSON escaping change.
func randomSecret(seed uint64, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_"
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

var (
	scrubAK    = randomSecret(1, 20)
	scrubSK    = randomSecret(2, 40)
	scrubToken = randomSecret(3, 2400)
)

// encodings are the ways a hostile answer can echo a piece of a secret.
var encodings = []struct {
	name string
	enc  func(string) string
	// tail is how many characters at the end of the encoded piece may stay:
	// base64's last group mixes the piece's last byte with padding, so it
	// does not match the secret's own encoding.
	tail int
}{
	{"raw", func(s string) string { return s }, 0},
	{"upper", strings.ToUpper, 0},
	{"query-escaped", url.QueryEscape, 0},
	{"path-escaped", url.PathEscape, 0},
	{"json", func(s string) string { j, _ := json.Marshal(s); return string(j[1 : len(j)-1]) }, 0},
	{"json-slash", func(s string) string {
		j, _ := json.Marshal(s)
		return strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`)
	}, 0},
	{"hex", func(s string) string { return hex.EncodeToString([]byte(s)) }, 0},
	{"HEX", func(s string) string { return strings.ToUpper(hex.EncodeToString([]byte(s))) }, 0},
	{"base64", func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }, 3},
	{"base64-raw", func(s string) string { return base64.RawStdEncoding.EncodeToString([]byte(s)) }, 3},
	{"base64-url", func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }, 3},
	{"base64-raw-url", func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }, 3},
}

func TestScrubRemovesRunsOfSecrets(t *testing.T) {
	c := &scrubCache{}
	s := c.scrubber([]string{scrubAK, scrubSK, scrubToken})
	type piece struct {
		name, text string
	}
	var pieces []piece
	for _, sec := range []struct{ name, v string }{{"ak", scrubAK}, {"sk", scrubSK}, {"token", scrubToken}} {
		v := sec.v
		pieces = append(pieces,
			piece{sec.name + " whole", v},
			piece{sec.name + " prefix 16", v[:16]},
			piece{sec.name + " suffix 16", v[len(v)-16:]},
			piece{sec.name + " middle 16 at 1", v[1:17]},
			piece{sec.name + " middle 16 at 2", v[2:18]},
			piece{sec.name + " middle 17 at 3", v[3:20]},
		)
		if len(v) >= 40 {
			pieces = append(pieces, piece{sec.name + " prefix 40", v[:40]}, piece{sec.name + " middle 23 at 10", v[10:33]})
		}
	}
	pieces = append(pieces, piece{"token middle 1000 at 701", scrubToken[701:1701]}, piece{"token suffix 100", scrubToken[len(scrubToken)-100:]})
	for _, p := range pieces {
		for _, e := range encodings {
			enc := e.enc(p.text)
			in := "ak " + enc + " not exist"
			got := s.scrub(in)
			const before, after = "ak " + Redacted, " not exist"
			left := strings.TrimSuffix(strings.TrimPrefix(got, before), after)
			if !strings.HasPrefix(got, before) || !strings.HasSuffix(got, after) || len(left) > e.tail || !strings.HasSuffix(enc, left) {
				t.Errorf("%s, %s: %q became %q", p.name, e.name, in, got)
			}
		}
	}
}

// TestScrubFindsRunsInsideEncodedHeaders echoes a piece of a secret encoded
// together with the header it was sent in, at each byte alignment, and
// checks that no 16 characters of any form of any secret are left.
func TestScrubFindsRunsInsideEncodedHeaders(t *testing.T) {
	s := (&scrubCache{}).scrubber([]string{scrubAK, scrubSK, scrubToken})
	for _, header := range []string{"X-Security-Token: ", "X-Security-Token:", "X-Security-Token:  "} {
		for _, piece := range []string{scrubToken[:40], scrubToken[500:520], scrubSK[7:30], scrubAK[3:19]} {
			for _, e := range encodings {
				in := "echo " + e.enc(header+piece+"\r\nX-Sdk-Date: 20261123T100000Z") + " end"
				got := s.scrub(in)
				if !strings.Contains(got, Redacted) {
					t.Errorf("%q, %s: nothing redacted in %q", header, e.name, got)
				}
				if run := secretRunIn(got, scrubAK, scrubSK, scrubToken); run != "" {
					t.Errorf("%q, %s: %q is left in %q", header, e.name, run, got)
				}
			}
		}
	}
}

// secretRunIn returns the first 16 characters of text that stand in a form
// of one of secrets (base64 at any alignment), found the slow way.
func secretRunIn(text string, secrets ...string) string {
	lower := asciiLower(text)
	var forms []string
	for _, v := range secrets {
		forms = append(forms, secretForms(v, true)...)
	}
	for i := 0; i+minPartial <= len(lower); i++ {
		for _, f := range forms {
			if strings.Contains(f, lower[i:i+minPartial]) {
				return text[i : i+minPartial]
			}
		}
	}
	return ""
}

func TestScrubLeavesOtherTextAlone(t *testing.T) {
	short := "shortsecret12" // under 16: scrubbed whole only
	s := (&scrubCache{}).scrubber([]string{scrubAK, scrubSK, scrubToken, short, "abc", ""})
	for _, in := range []string{
		"",
		"Instance job is not found.",
		"ak " + scrubAK[:15] + " not exist",
		"token " + scrubToken[1000:1015] + "…" + scrubToken[1015:1030],
		scrubSK[:15] + " " + scrubSK[15:30] + " " + scrubSK[30:],
		"hex " + hex.EncodeToString([]byte(scrubToken[:7])),
		"short " + short[:12],
		"abc abc abc", // under 4: never scrubbed
		randomSecret(4, 300),
	} {
		if got := s.scrub(in); got != in {
			t.Errorf("%q became %q", in, got)
		}
	}
	if got := s.scrub("short " + short + "!"); got != "short "+Redacted+"!" {
		t.Errorf("a short secret whole: %q", got)
	}
	if got := s.scrub("x" + scrubAK[4:20] + "x"); got != "x"+Redacted+"x" {
		t.Errorf("16 characters: %q", got)
	}
}

// TestScrubCacheFollowsTheSecrets renews a token: the cached index is for
// the old one only until the secrets asked for change.
func TestScrubCacheFollowsTheSecrets(t *testing.T) {
	c := &scrubCache{}
	old, renewed := randomSecret(5, 800), randomSecret(6, 800)
	in := "token " + renewed[100:140]
	if got := c.scrubber([]string{scrubAK, scrubSK, old}).scrub(in); got != in {
		t.Errorf("the old token's scrubber changed %q to %q", in, got)
	}
	first := c.last.Load()
	if c.scrubber([]string{scrubAK, scrubSK, old}); c.last.Load() != first {
		t.Error("the same secrets built a new index")
	}
	if got := c.scrubber([]string{scrubAK, scrubSK, renewed}).scrub(in); got != "token "+Redacted {
		t.Errorf("after renewal: %q", got)
	}
	sig := "a1b2c3d4e5f6a7b8c9d0"
	if got := c.scrubber([]string{scrubAK}, "", sig).scrub("sig " + sig + " and " + sig[:16]); got != "sig "+Redacted+" and "+sig[:16] {
		t.Errorf("a value to replace whole: %q", got)
	}
}

// BenchmarkScrub scrubs an error message of maxErrorMessage characters
// that echoes 40 characters of a 2,400-character token, with the index
// cached (as the client does) and built for each message.
func BenchmarkScrub(b *testing.B) {
	secrets := []string{scrubAK, scrubSK, scrubToken}
	msg := "ak not exist; X-Security-Token: " + scrubToken[:40] + " " + randomSecret(7, maxErrorMessage)
	msg = msg[:maxErrorMessage]
	for _, cached := range []bool{true, false} {
		b.Run(fmt.Sprintf("cached=%v", cached), func(b *testing.B) {
			c := &scrubCache{}
			b.ReportAllocs()
			for b.Loop() {
				if !cached {
					c = &scrubCache{}
				}
				if !strings.Contains(c.scrubber(secrets).scrub(msg), Redacted) {
					b.Fatal("not scrubbed")
				}
			}
		})
	}
}
