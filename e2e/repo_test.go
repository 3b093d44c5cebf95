package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// binaryMagic are the first bytes of executables and objects that a stray
// `go build` or `go test -c` leaves behind.
var binaryMagic = [][]byte{
	[]byte("\x7fELF"),        // Linux
	{0xcf, 0xfa, 0xed, 0xfe}, // Mach-O 64-bit
	{0xce, 0xfa, 0xed, 0xfe}, // Mach-O 32-bit
	{0xca, 0xfe, 0xba, 0xbe}, // Mach-O universal
	[]byte("MZ"),             // Windows PE
	[]byte("\x00asm"),        // WebAssembly
	[]byte("!<arch>\n"),      // Go archives (.a)
	[]byte("go object "),     // Go object files
}

// TestNoBuiltFilesAreTracked fails when git tracks an executable binary, or
// an executable file that is not a script: nothing built is committed.
func TestNoBuiltFilesAreTracked(t *testing.T) {
	t.Parallel()
	ls := exec.Command("git", "ls-files", "-s", "-z")
	ls.Dir = root
	out, err := ls.Output()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("git ls-files: %v (CI runs on a clone, where git must work)", err)
		}
		t.Skipf("not a git checkout: %v", err)
	}
	for entry := range strings.SplitSeq(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		// "<mode> <object> <stage>\t<path>"
		meta, path, ok := strings.Cut(entry, "\t")
		if !ok {
			continue
		}
		if problem := builtFileProblem(repoPath(path), strings.HasPrefix(meta, "100755")); problem != "" {
			t.Errorf("%s is tracked but %s; remove it (git rm --cached) and ignore it", path, problem)
		}
	}
}

// builtFileProblem says why the tracked file at path looks built, or "".
func builtFileProblem(path string, executable bool) string {
	f, err := os.Open(path)
	if err != nil {
		return "" // deleted in the work tree: git status shows it
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := f.Read(head)
	head = head[:n]
	for _, magic := range binaryMagic {
		if bytes.HasPrefix(head, magic) {
			return "is a binary (starts with " + strings.TrimSpace(strings.ToValidUTF8(string(magic), "?")) + ")"
		}
	}
	if executable && !bytes.HasPrefix(head, []byte("#!")) {
		return "is executable and not a script"
	}
	return ""
}

func TestBuiltFileProblemRecognisesBinaries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	self, err := os.Executable() // the test binary itself: an ELF or Mach-O file
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path       string
		executable bool
		bad        bool
	}{
		{write("fakecloud", bin[:64]), true, true},
		{write("fakecloud.copy", bin[:64]), false, true},
		{write("run.sh", []byte("#!/usr/bin/env bash\necho hi\n")), true, false},
		{write("main.go", []byte("package main\n")), false, false},
		{write("tool", []byte("package main\n")), true, true},
		{write("empty", nil), false, false},
	} {
		if got := builtFileProblem(c.path, c.executable); (got != "") != c.bad {
			t.Errorf("%s (executable %v): %q, want bad=%v", c.path, c.executable, got, c.bad)
		}
	}
}
