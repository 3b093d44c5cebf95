package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/internal/app"
)

// docFiles are the README and the reference pages under docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(repoPath("docs/*.md"))
	if err != nil || len(files) < 5 {
		t.Fatalf("docs/*.md: %v %q", err, files)
	}
	out := []string{"README.md", "CHANGELOG.md"}
	for _, f := range files {
		out = append(out, "docs/"+filepath.Base(f))
	}
	return out
}

var (
	mdLinkRE    = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	mdHeadingRE = regexp.MustCompile(`^#{1,6} (.+)$`)
	slugDropRE  = regexp.MustCompile(`[^\p{L}\p{N}_\- ]`)
	schemeRE    = regexp.MustCompile(`^[a-z]+:`)
)

// outsideFences gives the lines of a markdown text that are not in code
// blocks.
func outsideFences(text string) []string {
	var out []string
	fence := false
	for l := range strings.SplitSeq(text, "\n") {
		if strings.HasPrefix(l, "```") {
			fence = !fence
			continue
		}
		if !fence {
			out = append(out, l)
		}
	}
	return out
}

// mdAnchors are the anchors GitHub gives a markdown text's headings:
// lower case, punctuation but - and _ dropped, spaces as -, a repeated
// heading's anchor with -1, -2, ….
func mdAnchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, l := range outsideFences(text) {
		m := mdHeadingRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		a := strings.ReplaceAll(slugDropRE.ReplaceAllString(strings.ToLower(strings.TrimSpace(m[1])), ""), " ", "-")
		for n, b := 1, a; ; n++ {
			if !out[b] {
				out[b] = true
				break
			}
			b = a + "-" + string(rune('0'+n))
		}
	}
	return out
}

// Every link of the README and the reference pages to a file of the
// repository points at one that is there, and every #anchor at a heading
// of its page.
func TestDocsLinksResolve(t *testing.T) {
	links := 0
	for _, doc := range docFiles(t) {
		text := readRepo(t, doc)
		for _, l := range outsideFences(text) {
			for _, m := range mdLinkRE.FindAllStringSubmatch(l, -1) {
				target := m[1]
				if schemeRE.MatchString(target) {
					continue
				}
				links++
				path, anchor, _ := strings.Cut(target, "#")
				file := doc
				if path != "" {
					file = filepath.ToSlash(filepath.Join(filepath.Dir(doc), path))
					if _, err := os.Stat(repoPath(file)); err != nil {
						t.Errorf("%s links to %s: %v", doc, target, err)
						continue
					}
				}
				if anchor != "" && strings.HasSuffix(file, ".md") && !mdAnchors(readRepo(t, file))[anchor] {
					t.Errorf("%s links to %s: %s has no heading #%s", doc, target, file, anchor)
				}
			}
		}
	}
	if links < 15 {
		t.Errorf("only %d local links found: is the link pattern still right?", links)
	}
}

// The README's commands work: every flag they give the exporter is one
// it has, every path in them is in the repository (or made by an earlier
// command), and the minimal config loads with the real loader.
func TestReadmeCommandsAndConfig(t *testing.T) {
	readme := readRepo(t, "README.md")
	var help bytes.Buffer
	app.Run(t.Context(), []string{"--help"}, &help, &help, nil)
	blocks := regexp.MustCompile("(?s)```(sh|yaml)\n(.*?)```").FindAllStringSubmatch(readme, -1)
	commands, yamls := 0, 0
	flagRE := regexp.MustCompile(`(--[a-z][a-z0-9.-]+)`)
	for _, b := range blocks {
		if b[1] == "yaml" {
			yamls++
			continue
		}
		for cmd := range strings.SplitSeq(strings.ReplaceAll(b[2], "\\\n", " "), "\n") {
			if cmd = strings.TrimSpace(cmd); cmd == "" || strings.HasPrefix(cmd, "#") {
				continue
			}
			commands++
			if strings.Contains(cmd, "go run .") {
				for _, f := range flagRE.FindAllString(cmd[strings.Index(cmd, "go run .")+8:], -1) {
					if !regexp.MustCompile(`(?m)^\s+(-\w, )?(` + regexp.QuoteMeta(f) + `|--\[no-\]` + regexp.QuoteMeta(f[2:]) + `)[= \n]`).MatchString(help.String() + "\n") {
						t.Errorf("README command %q: the exporter has no flag %s", cmd, f)
					}
				}
			}
			for field := range strings.FieldsSeq(cmd) {
				_, v, ok := strings.Cut(field, "=")
				if !ok {
					v = field
				}
				if strings.HasPrefix(v, "./") || strings.HasPrefix(v, "charts/") || strings.HasPrefix(v, "examples/") || strings.HasPrefix(v, "rules/") || strings.HasPrefix(v, "dashboards/") {
					p := strings.TrimSuffix(strings.TrimSuffix(v, "..."), "/")
					if _, err := os.Stat(repoPath(p)); err != nil && p != "." {
						t.Errorf("README command %q names %s: %v", cmd, v, err)
					}
				}
			}
		}
	}
	if commands < 5 || yamls < 1 {
		t.Fatalf("found %d commands and %d config blocks in the README", commands, yamls)
	}

	// The minimal config, as the README gives it, with its secret file.
	m := regexp.MustCompile("(?s)## A minimal config\n.*?```yaml\n(.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("README has no minimal config")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "migration_exporter.yml")
	if err := os.WriteFile(path, []byte(m[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hwc_sk"), []byte("sk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HWC_AK", "AK")
	if _, err := config.Load(path); err != nil {
		t.Errorf("the README's minimal config does not load: %v", err)
	}
}

// The README is what a newcomer needs first; the reference is in docs/.
func TestReadmeStaysShort(t *testing.T) {
	if n := strings.Count(readRepo(t, "README.md"), "\n"); n > 250 {
		t.Errorf("README.md has %d lines: move reference material into docs/", n)
	}
}
