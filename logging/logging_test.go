package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-kit/log/level"
)

func TestLevelsFilter(t *testing.T) {
	var b bytes.Buffer
	logger, slogger, err := New(&b, "warn", "logfmt")
	if err != nil {
		t.Fatal(err)
	}
	level.Info(logger).Log("msg", "hidden")
	level.Warn(logger).Log("msg", "shown")
	slogger.Info("hidden too")
	slogger.Error("shown too")
	out := b.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, "msg=shown") || !strings.Contains(out, `msg="shown too"`) {
		t.Errorf("output:\n%s", out)
	}
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		if strings.Count(line, "caller=") != 1 || strings.Count(line, "ts=") != 1 || strings.Contains(line, "time=") {
			t.Errorf("want one ts and one caller: %s", line)
		}
	}
}

func TestJSONFormat(t *testing.T) {
	var b bytes.Buffer
	logger, _, err := New(&b, "debug", "json")
	if err != nil {
		t.Fatal(err)
	}
	level.Debug(logger).Log("msg", "x", "k", 1)
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil || m["msg"] != "x" || m["level"] != "debug" {
		t.Errorf("%v %s", err, b.String())
	}
}

func TestBadFlags(t *testing.T) {
	if _, _, err := New(&bytes.Buffer{}, "loud", "logfmt"); err == nil {
		t.Error("bad level accepted")
	}
	if _, _, err := New(&bytes.Buffer{}, "info", "xml"); err == nil {
		t.Error("bad format accepted")
	}
}
