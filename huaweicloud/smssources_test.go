package huaweicloud

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// sourcesClient is a client whose SMS endpoint answers GET /v3/sources with
// page(offset, limit) and counts the calls.
func sourcesClient(t *testing.T, page func(offset, limit int) string) (*Client, *atomic.Int64) {
	t.Helper()
	calls := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v3/sources" {
			http.NotFound(w, r)
			return
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, page(offset, limit))
	}))
	t.Cleanup(srv.Close)
	return NewClient(Options{ProjectID: "p", Region: "cn-north-4", Endpoints: map[string]string{APISMS: srv.URL},
		Credentials: &StaticCredentials{AccessKey: "AKAKAKAKAKAKAKAK", SecretKey: "SKSKSKSKSKSKSKSKSKSK"}}), calls
}

// servers renders the entries [from, to) of a list of servers named
// s0000, s0001, …
func servers(from, to int) string {
	var b []string
	for i := from; i < to; i++ {
		b = append(b, fmt.Sprintf(`{"id":"s%04d","connected":true,"migration_cycle":"replicating","stage_action_time":%d}`, i, 1795000000000+i))
	}
	return "[" + strings.Join(b, ",") + "]"
}

// The servers' fields in every form they may come in: connected as a
// boolean, a string or a number; the cycle known, unknown, null or
// missing; the time as a number or a string, or missing, or not a number.
func TestSMSSourcesDecodeOddEntries(t *testing.T) {
	body := `{"count":7,"source_servers":[
		{"id":"a","connected":true,"migration_cycle":"replicating","stage_action_time":1795000000000,"last_visit_time":1},
		{"id":"b","connected":"false","migration_cycle":"cutovered","stage_action_time":"1795000001000"},
		{"id":"c","connected":1,"migration_cycle":"someNewPhase"},
		{"id":"d","connected":null,"migration_cycle":null,"stage_action_time":null},
		{"id":"e"},
		{"id":"f","connected":"maybe","migration_cycle":{"x":1},"stage_action_time":"yesterday"},
		{"connected":true,"migration_cycle":"checking"}]}`
	c, calls := sourcesClient(t, func(int, int) string { return body })
	got, err := c.SMSSources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	render := func(s SMSSourceServer) string {
		conn := "absent"
		if v, ok := s.Connected.Value(); ok {
			conn = strconv.FormatBool(v)
		} else if s.Connected.Err() != nil {
			conn = "error"
		}
		at := fmt.Sprint(value(s.StageActionTime))
		if s.StageActionTime.Err() != nil {
			at = "error"
		}
		return fmt.Sprintf("%s %q %s", conn, s.MigrationCycle, at)
	}
	want := map[string]string{
		"a": `true "replicating" 1.795e+12`,
		"b": `false "cutovered" 1.795000001e+12`,
		"c": `true "someNewPhase" absent`,
		"d": `absent "" absent`,
		"e": `absent "" absent`,
		"f": `error "" error`,
	}
	if len(got) != len(want) {
		t.Errorf("%d servers, want %d (the one without an id dropped): %v", len(got), len(want), got)
	}
	for id, w := range want {
		if s := render(got[id]); s != w {
			t.Errorf("%s: %s, want %s", id, s, w)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d calls for a list whose count is all it has, want 1", n)
	}
}

// The list is read 200 a call until count; a server listed twice (the
// list moved while it was paged) is one server.
func TestSMSSourcesPagesUntilCount(t *testing.T) {
	c, calls := sourcesClient(t, func(offset, limit int) string {
		if limit != 200 {
			return `{"count":0,"source_servers":[]}`
		}
		// The list moved down a place after the first page was read: s0199
		// is listed again at the top of the second.
		from := offset
		if offset >= 200 {
			from--
		}
		return fmt.Sprintf(`{"count":451,"source_servers":%s}`, servers(from, min(from+limit, 450)))
	})
	got, err := c.SMSSources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 3 || len(got) != 450 {
		t.Errorf("%d servers in %d calls, want 450 in 3", len(got), n)
	}
	if v, _ := got["s0449"].StageActionTime.Value(); v != 1795000000449 {
		t.Errorf("s0449's time %v", v)
	}
}

// A server that ignores offset (every page the first one) is stopped at
// the second page, and one that pages for ever at MaxSMSSourcePages; both
// are errors, not partial lists.
func TestSMSSourcesListIsBounded(t *testing.T) {
	for _, c := range []struct {
		name  string
		page  func(offset, limit int) string
		calls int64
		err   string
	}{
		{"repeats a page", func(int, int) string { return `{"count":1000,"source_servers":` + servers(0, 200) + `}` },
			2, "page at offset 200 repeats"},
		{"pages in a circle", func(offset, _ int) string {
			return `{"count":1000,"source_servers":` + servers(offset%400, offset%400+200) + `}`
		}, 3, "page at offset 400 repeats"},
		{"pages for ever", func(offset, _ int) string {
			return `{"count":"999999999","source_servers":` + servers(offset, offset+200) + `}`
		}, MaxSMSSourcePages, "did not end after 100 pages"},
		{"count too big, full pages for ever", func(offset, _ int) string {
			return `{"count":1e300,"source_servers":` + servers(offset, offset+200) + `}`
		}, MaxSMSSourcePages, "did not end after 100 pages"},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, calls := sourcesClient(t, c.page)
			got, err := client.SMSSources(context.Background())
			if err == nil || !strings.Contains(err.Error(), c.err) || Reason(err) != "decode" || got != nil {
				t.Errorf("%d servers, %v (%s), want a decode error containing %q", len(got), err, Reason(err), c.err)
			}
			if n := calls.Load(); n != c.calls {
				t.Errorf("%d calls, want %d", n, c.calls)
			}
		})
	}
}

// A failing page fails the list: no partial list.
func TestSMSSourcesFailingPageFailsTheList(t *testing.T) {
	client, _ := sourcesClient(t, func(offset, _ int) string {
		if offset > 0 {
			return `{"count":`
		}
		return `{"count":450,"source_servers":` + servers(0, 200) + `}`
	})
	if got, err := client.SMSSources(context.Background()); err == nil || got != nil {
		t.Errorf("%d servers, %v: want the error alone", len(got), err)
	}
}
