//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mkfifo makes a FIFO at dir/name, with no writer, and returns its path.
func mkfifo(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A FIFO with no writer blocks open(2) and read(2) for ever; as the config
// file or a secret file it must give an error at once, not hang the load.
func TestLoadRefusesAFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := mkfifo(t, dir, "cfg.yml")
	err := returnsWithin(t, hangBound, func() error { _, err := Load(fifo); return err })
	want := "reading configuration: open " + fifo + ": is not a regular file (it is a named pipe (FIFO))"
	if err == nil || err.Error() != want || !errors.Is(err, errNotRegular) {
		t.Errorf("Load(FIFO) = %v, want %q", err, want)
	}

	mkfifo(t, dir, "sk.fifo")
	path := writeFile(t, dir, "ok.yml", yml(
		"accounts:",
		"  - name: a",
		"    region: cn-north-4",
		"    project_id: p",
		"    credentials:",
		"      access_key: ak",
		"      secret_key_file: sk.fifo",
		"      security_token_file: /dev/null",
	))
	err = returnsWithin(t, hangBound, func() error { _, err := Load(path); return err })
	if err == nil {
		t.Fatal("Load with a FIFO secret file succeeded")
	}
	got := errorLines(err, dir)
	wantLines := []string{
		`ok.yml:7: accounts[0].credentials.secret_key_file: cannot read file "sk.fifo": is not a regular file (it is a named pipe (FIFO))`,
		`ok.yml:8: accounts[0].credentials.security_token_file: cannot read file "/dev/null": is not a regular file (it is a device)`,
	}
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
}

// A Holder whose file becomes a FIFO keeps its config, answers every
// reload at once, and takes a good file again when it is back.
func TestHolderSurvivesAFIFO(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "cfg.yml", accountYAML("first"))
	h, err := NewHolder(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := h.Current()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, dir, "cfg.yml")
	for i := range 3 { // the later ones would queue behind a hung first one
		err := returnsWithin(t, hangBound, h.Reload)
		if !errors.Is(err, errNotRegular) {
			t.Errorf("reload %d onto a FIFO: %v, want not a regular file", i, err)
		}
		if ok, _ := h.LastReload(); ok || h.Current() != first {
			t.Errorf("reload %d onto a FIFO: LastReload ok=%v, config replaced: %v", i, ok, h.Current() != first)
		}
	}

	// A secret file that is a FIFO is refused the same way.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	mkfifo(t, dir, "sk")
	writeFile(t, dir, "cfg.yml", accountYAML("second")+"    credentials: {access_key: ak, secret_key_file: sk}\n")
	if err := returnsWithin(t, hangBound, h.Reload); err == nil ||
		!strings.Contains(err.Error(), `secret_key_file: cannot read file "`+filepath.Join(dir, "sk")+`": is not a regular file`) ||
		h.Current() != first {
		t.Errorf("reload with a FIFO secret: %v, config replaced: %v", err, h.Current() != first)
	}

	writeFile(t, dir, "cfg.yml", accountYAML("third"))
	if err := returnsWithin(t, hangBound, h.Reload); err != nil {
		t.Fatalf("reload of a good file after the FIFO: %v", err)
	}
	if ok, _ := h.LastReload(); !ok || h.Current().Accounts[0].Name != "third" {
		t.Errorf("after the good reload: ok=%v, account %q", ok, h.Current().Accounts[0].Name)
	}
}
