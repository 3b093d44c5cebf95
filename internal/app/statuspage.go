package app

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/migration-exporter/migration_exporter/collector"
)

// statusMarker is where the task table goes in the toolkit's landing page:
// its ExtraHTML is static, so the page is rendered once with this marker
// and the table (html/template, escaped) is put in its place per request.
const statusMarker = "<!--migration-exporter-task-status-->"

// statusCSS styles the task table in the landing page's look.
const statusCSS = `
#tasks table { border-collapse: collapse; font-size: 0.85em; margin-top: 0.5em; }
#tasks th, #tasks td { border-bottom: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: middle; }
#tasks td.id, #tasks td.progress, #tasks td.status, #tasks td.eta { white-space: nowrap; }
#tasks th { background: #f3f3f3; }
#tasks td.id { font-family: monospace; font-size: 0.85em; }
#tasks tr.down td, #tasks tr.failed td { background: #fdecea; }
#tasks .up { color: #1a7f37; font-weight: bold; }
#tasks tr.failed .up { color: #555; font-weight: normal; }
#tasks td.state.failed { color: #c62828; font-weight: bold; }
#tasks .down-label { color: #c62828; font-weight: bold; }
#tasks .bar { display: inline-block; width: 6em; height: 0.8em; background: #eee; border: 1px solid #ccc; vertical-align: middle; }
#tasks .bar span { display: block; height: 100%; background: #e6522c; }
#tasks .stale { color: #888; }
#tasks .ready { color: #1a7f37; font-weight: bold; }
#tasks ul.blockers { margin: 0; padding-left: 1.1em; }
#tasks ul.blockers li { color: #8a4b00; }
#tasks p.note { font-size: 0.8em; color: #555; max-width: 60em; }
#tasks .health { display: block; color: #555; }
#tasks .health.bad { color: #c62828; font-weight: bold; }
`

var statusTemplate = template.Must(template.New("status").Funcs(template.FuncMap{
	"service": func(module string) string {
		if module == "oms_group" {
			return "OMS task group"
		}
		return strings.ToUpper(module)
	},
	"pct": func(r float64) string { return fmt.Sprintf("%.1f%%", 100*r) },
	"width": func(r float64) string {
		return fmt.Sprintf("%.1f%%", 100*math.Max(0, math.Min(1, r)))
	},
	"bytesPerSec": humanBytesPerSecond,
	"dur":         collector.DurationWords,
	"ago": func(t time.Time) string {
		return collector.DurationWords(time.Since(t).Round(time.Second).Seconds()) + " ago"
	},
	"stale": func(t time.Time) bool { return time.Since(t) >= collector.StatusFresh },
}).Parse(`<div id="tasks">
<h3>Tasks</h3>
<p>{{len .Tasks}} task(s), as the last scrape of /metrics or /probe read them (the page polls only when no scrape read any task in the last {{.Fresh}}).</p>
<table>
<thead><tr><th>Service</th><th>Account</th><th>Task id</th><th>Name</th><th>Up</th><th>State</th><th>Progress</th><th>Speed</th><th>ETA</th><th>Lag / health</th><th>Readiness*</th><th>Verification</th><th>Last read</th></tr></thead>
<tbody>
{{- range .Tasks}}
<tr class="{{if not .Up}}down{{else if .Failed}}failed{{else}}up-row{{end}}" data-module="{{.Module}}" data-task-id="{{.ID}}">
<td>{{service .Module}}</td><td>{{.Account}}</td><td class="id">{{.ID}}</td><td class="name">{{.Name}}</td>
<td class="status">{{if .Up}}<span class="up">up</span>{{else}}<span class="down-label">down</span>{{if .Reason}}: <span class="reason">{{.Reason}}</span>{{end}}{{end}}</td>
<td class="state{{if .Failed}} failed{{end}}">{{.State}}</td>
<td class="progress">{{if .HasProgress}}<span class="bar"><span style="width: {{width .Progress}}"></span></span> {{pct .Progress}}{{end}}</td>
<td>{{if .HasSpeed}}{{bytesPerSec .Speed}}{{end}}</td>
<td class="eta">{{if and .HasRemain (gt .Remaining 0.0)}}{{dur .Remaining}}{{end}}</td>
<td class="lag">{{.LagWords}}{{range .Health}}<span class="health{{if .Bad}} bad{{end}}">{{.Text}}</span>{{end}}</td>
<td class="readiness">{{if .Judged}}{{if .Blockers}}<ul class="blockers">{{range .Blockers}}<li data-reason="{{.Reason}}">{{.Text}}</li>{{end}}</ul>{{else}}<span class="ready">ready</span>{{end}}{{end}}</td>
<td class="verification">{{.Verification}}</td>
<td{{if stale .Read}} class="stale"{{end}}>{{ago .Read}}</td>
</tr>
{{- else}}
<tr><td colspan="13">No task configured or discovered.</td></tr>
{{- end}}
</tbody>
</table>
<p class="note">* Readiness: why a task cannot be cut over now, by the reasons of the rule file's task:migration_cutover_blocker, judged from the task's last poll alone: this page has no history, so where a rule asks for a condition to hold for its whole window (10m), one poll decides here, and a task ready here may not be ready for the rules yet. Verification (DRS rows comparison, SMS consistency check) is required, as the rule file's require_verification is by default.</p>
<p class="note">ETA: the time to completion the API gives (SMS, OMS, DRS in its full phase). Lag: the DCS incremental offset and the DRS delays by stage (reading the source, applying to the target), as last read. The page keeps no history, so it has no forecast of when a lag reaches zero: Prometheus has it, as task:migration_catchup_eta_seconds (the rule file's catch-up forecast from the lag's trend over 10 minutes).</p>
</div>`))

// humanBytesPerSecond writes a rate in binary units.
func humanBytesPerSecond(v float64) string {
	units := []string{"B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"}
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// statusPage serves the landing page with a table of every task under
// its links.
type statusPage struct {
	head, tail []byte // the landing page around statusMarker
	exporter   *collector.Exporter
}

// newStatusPage renders c's landing page once, with the marker where the
// table goes.
func newStatusPage(c web.LandingConfig, e *collector.Exporter) (*statusPage, error) {
	c.ExtraHTML += statusMarker
	c.ExtraCSS += statusCSS
	landing, err := web.NewLandingPage(c)
	if err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	landing.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	head, tail, ok := bytes.Cut(rec.Body.Bytes(), []byte(statusMarker))
	if rec.Code != http.StatusOK || !ok {
		return nil, fmt.Errorf("the landing page has no place for the task table (status %d)", rec.Code)
	}
	return &statusPage{head: head, tail: tail, exporter: e}, nil
}

func (p *statusPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	var table strings.Builder
	err := statusTemplate.Execute(&table, struct {
		Tasks []collector.TaskStatus
		Fresh time.Duration
	}{p.exporter.TaskStatuses(r.Context()), collector.StatusFresh})
	if err != nil {
		http.Error(w, "rendering the task table: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	_, _ = w.Write(p.head)
	_, _ = w.Write([]byte(table.String()))
	_, _ = w.Write(p.tail)
}
