package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// maxSecretFileSize bounds what is read from a *_file secret.
const maxSecretFileSize = 64 << 10

// Load reads, expands and validates the configuration file at path.
//
// ${VAR} references in values are replaced from the environment, *_file
// secrets are read (relative paths are relative to the directory of path),
// defaults are filled in with ApplyDefaults and the result is checked with
// Validate. On failure the error lists every problem found, one per line, as
// "path:line: field: message", e.g.
//
//	migration_exporter.yml:7: accounts[0].regoin: unknown field (did you mean "region"?)
//
// Each problem is a *FieldError (see errors.As). No error message contains a
// secret.
//
// Load cannot hang: the file and its *_file secrets must be regular files
// (a FIFO, a device or a directory is refused at once) and must all be read
// within FileReadTimeout (a stalled network mount gives an error, not a
// hang); see readfile.go.
func Load(path string) (*Config, error) {
	deadline := time.Now().Add(FileReadTimeout)
	data, err := readFileBefore(deadline, path, -1)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	l := loader{name: path, baseDir: filepath.Dir(path), lookupEnv: os.LookupEnv, deadline: deadline}
	return l.parse(data)
}

// Parse is Load on data already read; name is used in error messages.
// Relative *_file paths are relative to the working directory. The secret
// files must be read within FileReadTimeout, as with Load.
func Parse(name string, data []byte) (*Config, error) {
	l := loader{name: name, lookupEnv: os.LookupEnv, deadline: time.Now().Add(FileReadTimeout)}
	return l.parse(data)
}

// loader holds what Load and Parse need besides the file's content.
type loader struct {
	name      string                      // file name for messages
	baseDir   string                      // directory of relative *_file paths
	lookupEnv func(string) (string, bool) // environment for ${VAR}
	deadline  time.Time                   // for reading the *_file secrets
}

// parse runs all the steps and gathers the problems of each.
func (l loader) parse(data []byte) (*Config, error) {
	doc, synErr := parseDocument(data)
	if synErr != nil {
		return nil, l.fail([]*FieldError{synErr})
	}
	d := newDecoder(l.lookupEnv)
	cfg := &Config{}
	d.decodeDocument(doc, cfg)
	l.readSecrets(cfg, d)
	cfg.ApplyDefaults()
	errs := d.errs
	for _, e := range cfg.validate() {
		if d.isBad(e.Path) {
			continue
		}
		d.lines.annotate(e)
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return nil, l.fail(errs)
	}
	return cfg, nil
}

// fail names the file in each error and joins them in line order.
func (l loader) fail(errs []*FieldError) error {
	for _, e := range errs {
		e.file = l.name
	}
	sortByLine(errs)
	return joinFieldErrors(errs)
}

// parseDocument parses data into a document node; nil means an empty file.
// Only one document is allowed (a trailing empty one is ignored).
func parseDocument(data []byte) (*yaml.Node, *FieldError) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(data, err)
	case len(extra.Content) > 0 && !isNull(extra.Content[0]):
		return nil, &FieldError{Line: extra.Line, Msg: "multiple YAML documents are not supported"}
	}
	return &doc, nil
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// syntaxError turns a yaml.v3 parse error of data into a FieldError on the
// line where the document stops parsing. yaml.v3 names the line where the
// construct the problem is in began (for a block mapping or list that is
// wrongly indented, the line of its first entry, or of its key), not the
// line of the problem: the problem's line is the first line n such that
// the first n lines alone fail with the same message. Parsing a prefix
// costs one parse of a config that is already broken, a line at a time.
func syntaxError(data []byte, err error) *FieldError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return &FieldError{Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	if at := firstFailingLine(data, m[2]); at > 0 {
		line = at
	}
	return &FieldError{Line: line, Msg: m[2]}
}

// firstFailingLine is the first n such that the first n lines of data fail
// to parse with msg (without its line), or 0 when none does.
func firstFailingLine(data []byte, msg string) int {
	n := 0
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i + 1
		}
		i, n = end, n+1
		dec := yaml.NewDecoder(bytes.NewReader(data[:end]))
		var doc yaml.Node
		err := dec.Decode(&doc)
		for err == nil {
			err = dec.Decode(&doc)
		}
		if errors.Is(err, io.EOF) {
			continue
		}
		if m := yamlLineRE.FindStringSubmatch(strings.TrimPrefix(err.Error(), "yaml: ")); m != nil && m[2] == msg {
			return n
		}
	}
	return 0
}

// secretField is one secret of Credentials with its _file counterpart.
type secretField struct {
	name  string
	value *Secret
	file  string
}

func secretFields(c *Credentials) []secretField {
	return []secretField{
		{"access_key", &c.AccessKey, c.AccessKeyFile},
		{"secret_key", &c.SecretKey, c.SecretKeyFile},
		{"security_token", &c.SecurityToken, c.SecurityTokenFile},
	}
}

// readSecrets reads every *_file secret into its value, reporting problems
// through d so that they carry lines and suppress their consequences.
func (l loader) readSecrets(cfg *Config, d *decoder) {
	for i := range cfg.Accounts {
		c := cfg.Accounts[i].Credentials
		if c == nil {
			continue
		}
		for _, s := range secretFields(c) {
			p := fmt.Sprintf("accounts[%d].credentials.%s", i, s.name)
			if d.isBad(p + "_file") {
				d.bad = append(d.bad, p) // an empty value is a consequence
				continue
			}
			if s.file == "" {
				continue
			}
			if err := l.readSecret(s); err != nil {
				d.invalid(p+"_file", d.lines.lineOf(p+"_file"), "%v", err)
				d.bad = append(d.bad, p) // an empty value is a consequence
			}
		}
	}
}

// readSecret fills s.value from s.file unless the value is given inline too.
func (l loader) readSecret(s secretField) error {
	if *s.value != "" {
		return fmt.Errorf("cannot be combined with %s; give one of them", s.name)
	}
	v, err := readSecretFile(l.deadline, l.resolve(s.file))
	if err != nil {
		return err
	}
	*s.value = v
	return nil
}

// resolve makes a relative path relative to the loader's base directory.
func (l loader) resolve(path string) string {
	if filepath.IsAbs(path) || l.baseDir == "" {
		return path
	}
	return filepath.Join(l.baseDir, path)
}

// readSecretFile reads a secret, trimming trailing whitespace, by deadline.
// The file must be a regular file (see readFileBefore). Its errors name the
// file but never quote its content.
func readSecretFile(deadline time.Time, path string) (Secret, error) {
	data, err := readFileBefore(deadline, path, maxSecretFileSize+1)
	switch {
	case err != nil:
		return "", fileError(path, err)
	case len(data) > maxSecretFileSize:
		return "", fmt.Errorf("file %q is larger than %d bytes", path, maxSecretFileSize)
	}
	s := strings.TrimRight(string(data), " \t\r\n")
	if s == "" {
		return "", fmt.Errorf("file %q is empty", path)
	}
	return Secret(s), nil
}

// fileError describes a failure to read path without repeating the path
// twice (as *fs.PathError would).
func fileError(path string, err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		err = pe.Err
	}
	return fmt.Errorf("cannot read file %q: %v", path, err)
}
