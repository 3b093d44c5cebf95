package huaweicloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// answerCase is one answer type under test: its name, and a function that
// decodes a body into a new value with the single-pass decoder and with
// json.Unmarshal (the reference), returning both results.
type answerCase struct {
	name string
	run  func(data []byte) (got, want any, gotErr, wantErr error)
}

// answerCaseOf builds the answerCase of the answer type T.
func answerCaseOf[T any, P interface {
	*T
	answer
}](name string) answerCase {
	return answerCase{name: name, run: func(data []byte) (any, any, error, error) {
		var got, want T
		gotErr := decodeJSON(data, P(&got))
		wantErr := json.Unmarshal(data, &want)
		return got, want, gotErr, wantErr
	}}
}

// answerCases are every answer type the client decodes.
var answerCases = []answerCase{
	answerCaseOf[DCSStats]("DCSStats"),
	answerCaseOf[DCSTask]("DCSTask"),
	answerCaseOf[DCSTaskPage]("DCSTaskPage"),
	answerCaseOf[SMSTask]("SMSTask"),
	answerCaseOf[SMSTaskPage]("SMSTaskPage"),
	answerCaseOf[drsStatusPage]("drsStatusPage"),
	answerCaseOf[drsProgressPage]("drsProgressPage"),
	answerCaseOf[drsJobPage]("drsJobPage"),
	answerCaseOf[OMSTask]("OMSTask"),
	answerCaseOf[OMSTaskGroup]("OMSTaskGroup"),
	answerCaseOf[OMSTaskPage]("OMSTaskPage"),
	answerCaseOf[OMSTaskGroupPage]("OMSTaskGroupPage"),
}

// checkSameDecoding fails t when the single-pass decoder and json.Unmarshal
// disagree on data for any answer type: on whether it is an error, or on
// the value (compared even after an error, since postBatch keeps what a 4xx
// body decoded to).
func checkSameDecoding(t *testing.T, data []byte) {
	t.Helper()
	for _, c := range answerCases {
		got, want, gotErr, wantErr := c.run(data)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%s: %q: single-pass error %v, encoding/json error %v", c.name, data, gotErr, wantErr)
		}
		if why := differ(reflect.ValueOf(got), reflect.ValueOf(want), c.name); why != "" {
			t.Fatalf("%q (error %v): %s", data, wantErr, why)
		}
	}
}

var (
	numberType = reflect.TypeFor[Number]()
	boolType   = reflect.TypeFor[Bool]()
)

// differ describes the first difference between a and b (values of the
// same type), "" when they are equal: as reflect.DeepEqual, but with the
// per-field errors of Number and Bool compared by their text.
func differ(a, b reflect.Value, path string) string {
	switch a.Type() {
	case numberType:
		x, y := a.Interface().(Number), b.Interface().(Number)
		return differField(x.field, y.field, path)
	case boolType:
		x, y := a.Interface().(Bool), b.Interface().(Bool)
		return differField(x.field, y.field, path)
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if why := differ(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); why != "" {
				return why
			}
		}
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d elements (nil %v), want %d (nil %v)", path, a.Len(), a.IsNil(), b.Len(), b.IsNil())
		}
		for i := range a.Len() {
			if why := differ(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); why != "" {
				return why
			}
		}
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d entries (nil %v), want %d (nil %v)", path, a.Len(), a.IsNil(), b.Len(), b.IsNil())
		}
		for _, k := range b.MapKeys() {
			av := a.MapIndex(k)
			if !av.IsValid() {
				return fmt.Sprintf("%s: no key %q", path, k)
			}
			if why := differ(av, b.MapIndex(k), fmt.Sprintf("%s[%q]", path, k)); why != "" {
				return why
			}
		}
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s = %q, want %q", path, a.String(), b.String())
		}
	default:
		panic("differ: unexpected kind " + a.Kind().String())
	}
	return ""
}

// differField compares two tolerant fields, their errors by text.
func differField[T comparable](x, y field[T], path string) string {
	xe, ye := "", ""
	if x.err != nil {
		xe = x.err.Error()
	}
	if y.err != nil {
		ye = y.err.Error()
	}
	if x.value != y.value || x.set != y.set || xe != ye || (x.err == nil) != (y.err == nil) {
		return fmt.Sprintf("%s = {%v %v %q}, want {%v %v %q}", path, x.value, x.set, xe, y.value, y.set, ye)
	}
	return ""
}

// The tolerant types as they were before they were made cheaper: the
// reference the faster versions must match on every input.

func refNumber(b []byte) Number {
	var n Number
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, string(b) == "null":
	case b[0] == '"':
		s, err := refUnquote(b)
		if err != nil {
			n.err = err
			return n
		}
		n.value, n.set, n.err = refParseNumber(s)
	case b[0] == '{' || b[0] == '[' || b[0] == 't' || b[0] == 'f':
		n.err = fmt.Errorf("expected a number, got %s", kindOf(b[0]))
	default:
		n.value, n.set, n.err = refParseNumber(string(b))
	}
	return n
}

func refParseNumber(s string) (v float64, ok bool, err error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	if t == "" || t == "-" || strings.EqualFold(t, "n/a") || strings.EqualFold(t, "null") {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || !refPlainDecimal(t) {
		return 0, false, fmt.Errorf("not a number: %q", runes.Truncate(s, maxReported))
	}
	return v, true, nil
}

func refPlainDecimal(t string) bool {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if (c < '0' || c > '9') && c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E' {
			return false
		}
	}
	return true
}

func refBool(data []byte) Bool {
	var b Bool
	s := strings.TrimSpace(string(data))
	if strings.HasPrefix(s, `"`) {
		str, err := refUnquote([]byte(s))
		if err != nil {
			b.err = err
			return b
		}
		s = strings.TrimSpace(str)
	}
	switch strings.ToLower(s) {
	case "", "null", "-", "n/a":
	case "true", "1":
		b.value, b.set = true, true
	case "false", "0":
		b.set = true
	default:
		b.err = fmt.Errorf("not a boolean: %q", runes.Truncate(s, maxReported))
	}
	return b
}

func refText(b []byte) Text {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0, string(b) == "null", b[0] == '{', b[0] == '[':
	case b[0] == '"':
		if s, err := refUnquote(b); err == nil {
			return Text(strings.TrimSpace(s))
		}
	default:
		return Text(b)
	}
	return ""
}

func refUnquote(b []byte) (string, error) {
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' {
		inner := b[1 : n-1]
		plain := utf8.Valid(inner)
		for i := 0; plain && i < len(inner); i++ {
			plain = inner[i] >= 0x20 && inner[i] != '\\' && inner[i] != '"'
		}
		if plain {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

// checkSameTolerant fails t when a tolerant type's UnmarshalJSON, parseNumber
// or unquote disagree with their reference versions on data.
func checkSameTolerant(t *testing.T, data []byte) {
	t.Helper()
	var n Number
	_ = n.UnmarshalJSON(data)
	if why := differField(n.field, refNumber(data).field, "Number"); why != "" {
		t.Fatalf("%q: %s", data, why)
	}
	v, ok, err := parseNumber(string(data))
	rv, rok, rerr := refParseNumber(string(data))
	if why := differField(field[float64]{v, ok, err}, field[float64]{rv, rok, rerr}, "parseNumber"); why != "" {
		t.Fatalf("%q: %s", data, why)
	}
	var b Bool
	_ = b.UnmarshalJSON(data)
	if why := differField(b.field, refBool(data).field, "Bool"); why != "" {
		t.Fatalf("%q: %s", data, why)
	}
	var tx Text
	_ = tx.UnmarshalJSON(data)
	if want := refText(data); tx != want {
		t.Fatalf("%q: Text %q, want %q", data, tx, want)
	}
	s, err := unquote(data)
	rs, rerr := refUnquote(data)
	if s != rs || (err == nil) != (rerr == nil) {
		t.Fatalf("%q: unquote = %q, %v; want %q, %v", data, s, err, rs, rerr)
	}
	if lit := bytes.Trim(data, " \t\r\n"); json.Valid(lit) && lit[0] == '"' {
		if got := string(appendUnquoted(nil, lit)); got != rs {
			t.Fatalf("%q: appendUnquoted = %q, want %q", data, got, rs)
		}
	}
}

// edgeCases are crafted bodies where a decoder is most likely to differ
// from encoding/json.
var edgeCases = []string{
	``, ` `, `null`, ` null `, `nul`, `{}`, `[]`, `"x"`, `5`, `true`, `{"a":1}x`, `{"a":1} {}`, "\xef\xbb\xbf{}",
	`{"a":1,}`, `{"a" 1}`, `{,}`, `{"a":}`, `[1,]`, `{"a":[1 2]}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`,
	`{"a":1e+5,"b":-0.5E-3}`, `{"a":"\x01"}`, `{"a":"\q"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, "{\"a\":1}\x00",
	"{\"a\":1}\v", "{\"a\":1}\f", "\t\r\n{\"a\":1}\t\r\n", "{\"a\"\t:\n1\r}", `{"a":tru}`, `{"a":nulll}`,
	// Escapes and folding in keys.
	`{"st\u0061tus":"RUNNING","task_\u0069d":"t1"}`, `{"STATUS":"x","Status":"y"}`, `{"status":"a","STATUS":"b"}`,
	`{"TASK_ID":"a","task_id":"b"}`, `{"ſtate":"x","ſtatuſ":"y"}`, `{"\u017ftate":"x"}`,
	"{\"id\":1,\"\u212aey\":2,\"tas\u212a_mode\":\"k\",\"tasK_MODE\":\"K\"}", `{"i\u0064":"x","\u0049D":"y"}`,
	"{\"id\xff\":1,\"\xffid\":2,\"id\":\"\xff\"}", `{"id\ud800":1,"\ud83d\ude00":2,"x\udc00\ud800y":3}`,
	`{"id":"\ud83d\ude00","name":"\ud800","ip":"\ud800\u0041","state":"\\u0041"}`,
	// Duplicates.
	`{"source_server":{"id":"a","name":"n"},"source_server":{"id":"b"}}`,
	`{"source_instance":{"id":"a","name":"n"},"source_instance":{"ip":"b"},"source_instance":null}`,
	`{"sub_tasks":[{"name":"a","progress":1},{"name":"b"},{"name":"c"}],"sub_tasks":[{"progress":2}],"sub_tasks":[{},{"progress":3}]}`,
	`{"sub_tasks":[{"name":"a"},{"name":"b"}],"sub_tasks":[],"sub_tasks":[{"progress":2}]}`,
	`{"sub_tasks":[{"name":"a"}],"sub_tasks":null,"sub_tasks":[{"progress":2}]}`,
	`{"results":[{"job_id":"a","progress_map":{"struct":{"completed":"1%"},"data":{"completed":"2%"}}}],"results":[{"progress_map":{"data":{},"index":{"completed":3}}}]}`,
	`{"results":[{"job_id":"a","progress_map":{"x":{"completed":1}},"progress_map":{"y":{}},"progress_map":{"x":null}}]}`,
	`{"results":[{"progress_map":{"st\u0072uct":{"completed":1},"\ud800":{"completed":2},"x\u0000":{}}}]}`,
	`{"results":[{"progress_map":{}}]}`, `{"results":[{"progress_map":null}]}`, `{"results":[{"progress_map":{"a":{"completed":1}},"progress_map":null}]}`,
	`{"status":1,"status":"x","status":null}`, `{"subtask_info":{"progress":5},"subtask_info":"{\"subtask_name\":\"x\"}"}`,
	`{"error_reason":{"error_code":"E","error_msg":"m"},"error_reason":{"error_code":"F"}}`,
	`{"src_node":{"bucket":"a","region":"r"},"src_node":{"bucket":"b"},"src_node":null}`,
	// null everywhere.
	`{"id":null,"name":null,"status":null,"sub_tasks":null,"source_server":null,"subtask_info":null,"error_reason":null,"results":null,"jobs":null,"tasks":null,"taskgroups":null,"migration_tasks":null,"src_node":null,"is_query_over":null,"is_migrating":null,"count":null}`,
	`{"sub_tasks":[null,{"name":"x"},null],"results":[null],"tasks":[null],"taskgroups":[null],"jobs":[null],"migration_tasks":[null]}`,
	// Wrong kinds.
	`{"sub_tasks":"x"}`, `{"sub_tasks":{}}`, `{"sub_tasks":5}`, `{"sub_tasks":true}`, `{"sub_tasks":[1,"a",[],true,{"name":"ok"}]}`,
	`{"source_server":5}`, `{"source_server":"x"}`, `{"source_server":[]}`, `{"source_server":false}`,
	`{"progress_map":[]}`, `{"results":[{"job_id":"a","progress_map":[]},{"job_id":"b"}]}`,
	`{"results":[{"job_id":"a","progress_map":{"x":5,"y":{"completed":1},"z":"s"}}]}`,
	`{"results":{"a":1}}`, `{"results":[5,{"id":"j","error_code":"DRS.M00289"}]}`, `{"results":"x","count":2}`,
	`{"jobs":{},"total_record":"3"}`, `{"tasks":"x","count":1}`, `{"taskgroups":7}`, `{"migration_tasks":{}}`,
	`{"src_node":"x","dst_node":[1],"error_reason":[1,2]}`, `{"source_instance":1,"target_instance":"x"}`,
	`{"id":{},"name":[],"status":{"a":1},"progress":[1],"is_query_over":{},"is_migrating":[]}`,
	// Tolerant values.
	`{"full_migration_progress":"94%","offset":" 7 ","source_dbsize":"1e3","target_dbsize":"N/A","target_input_kbps":"-","target_ops":"0x10","is_migrating":"TRUE"}`,
	`{"full_migration_progress":"1_000","offset":"Inf","source_dbsize":"NaN","target_dbsize":1e999,"target_input_kbps":"\u0039\u0034%","target_ops":"null","is_migrating":"\u0031"}`,
	`{"progress":"  95 % ","status":" 1 ","is_query_over":"yes","id":220621019041293,"name":true,"error_reason":"  oops  "}`,
	`{"is_query_over":"İ","is_migrating":"FALſE","progress":"nULL","status":"N/a"}`, `{"is_migrating":"\u212a"}`,
	`{"is_query_over":1,"is_migrating":0}`, `{"is_query_over":"0","is_migrating":"1"}`, `{"is_query_over":2}`,
	`{"name":"  padded  ","id":"\u00a0nbsp\u00a0","type":"\u2028x\u2029"}`, `{"name":"a\"b\\c\/d\b\f\n\r\t"}`,
	`{"subtask_info":"{\"subtask_name\":\"MIGRATE\",\"progress\":50,\"replicatesize\":\"10\",\"totalsize\":20}"}`,
	`{"subtask_info":" {\"progress\":1} "}`, `{"subtask_info":"\u00a0{\"progress\":1}\u0085"}`, `{"subtask_info":"null"}`,
	`{"subtask_info":""}`, `{"subtask_info":"5"}`, `{"subtask_info":"[1]"}`, `{"subtask_info":"{bad"}`, `{"subtask_info":"\"{}\""}`,
	`{"subtask_info":"{\"progress\":1}x"}`, `{"subtask_info":"\t{\"progress\":2}\v"}`, `{"subtask_info":5}`, `{"subtask_info":[]}`,
	`{"subtask_info":"{\"progress\":\"\\u0039\"}"}`, `{"subtask_info":"{\"sub\\u0074ask_name\":\"\\ud800\"}"}`,
	`{"subtask_info":{"subtask_name":"x","subtask_name":"y","progress":{}}}`,
	`{"error_reason":""}`, `{"error_reason":"  "}`, `{"error_reason":5}`, `{"error_reason":true}`, `{"error_reason":[]}`,
	`{"error_reason":{"error_code":1,"error_msg":null}}`, `{"error_reason":"\u00e9rr\ud800"}`,
}

// deep is a document nested n levels deep inside an unknown key.
func deep(n int) string {
	return `{"x":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
}

func TestDecodeMatchesEncodingJSONOnEdgeCases(t *testing.T) {
	cases := append([]string{deep(10000), deep(10001), `{"x":` + strings.Repeat(`{"a":`, 9999) + `1` + strings.Repeat(`}`, 9999) + `}`,
		`{"x":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat(`}`, 10000) + `}`,
		`{"subtask_info":"` + strings.Repeat("[", 10001) + `"}`}, edgeCases...)
	for _, c := range cases {
		checkSameDecoding(t, []byte(c))
		checkSameTolerant(t, []byte(c))
	}
	for _, s := range seedValues() {
		checkSameDecoding(t, s)
	}
}

// TestDecodeErrorsAreTheAnswersErrors checks a few outcomes directly, not
// only as agreement with encoding/json.
func TestDecodeErrorsAreTheAnswersErrors(t *testing.T) {
	for _, c := range []struct {
		body string
		ok   bool
	}{
		{`null`, true}, {`{}`, true}, {`{"sub_tasks":[]}`, true}, {`{"x":[{"y":null}]}`, true},
		{``, false}, {`[]`, false}, {`"x"`, false}, {`{"sub_tasks":"x"}`, false}, {`{"source_server":5}`, false},
		{"\xef\xbb\xbf{}", false}, {`{} x`, false}, {deep(10001), false},
	} {
		var task SMSTask
		if err := decodeJSON([]byte(c.body), &task); (err == nil) != c.ok {
			t.Errorf("%.40q: error %v, want ok=%v", c.body, err, c.ok)
		}
	}
	var page drsProgressPage
	if err := decodeJSON([]byte(`{"results":[{"job_id":"a","progress_map":[]},{"job_id":"b"}]}`), &page); err == nil ||
		len(page.Results) != 2 || page.Results[1].JobID != "b" {
		t.Errorf("a wrong kind keeps the rest of the document: %+v, %v", page, err)
	}
}

// TestFieldTablesMatchTags checks each field table against its struct's
// json tags, in field order.
func TestFieldTablesMatchTags(t *testing.T) {
	var task SMSTask
	for _, c := range []struct {
		table *fieldTable
		typ   reflect.Type
	}{
		{&dcsStatsFields, reflect.TypeFor[DCSStats]()}, {&dcsTaskFields, reflect.TypeFor[DCSTask]()},
		{&dcsInstanceFields, reflect.TypeFor[DCSInstance]()}, {&dcsTaskSummaryFields, reflect.TypeFor[DCSTaskSummary]()},
		{&dcsTaskPageFields, reflect.TypeFor[DCSTaskPage]()}, {&smsTaskFields, reflect.TypeFor[SMSTask]()},
		{&smsServerFields, reflect.TypeOf(task.SourceServer)}, {&smsServerFields, reflect.TypeOf(task.TargetServer)},
		{&smsSubTaskFields, reflect.TypeFor[SMSSubTask]()}, {&smsSubtaskInfoFields, reflect.TypeFor[SMSSubtaskInfo]()},
		{&smsTaskSummaryFields, reflect.TypeFor[SMSTaskSummary]()}, {&smsTaskPageFields, reflect.TypeFor[SMSTaskPage]()},
		{&drsResultsFields, reflect.TypeFor[drsStatusPage]()}, {&drsResultsFields, reflect.TypeFor[drsProgressPage]()},
		{&drsJobStatusFields, reflect.TypeFor[DRSJobStatus]()}, {&drsPhaseFields, reflect.TypeFor[DRSPhase]()},
		{&drsJobProgressFields, reflect.TypeFor[DRSJobProgress]()}, {&drsJobFields, reflect.TypeFor[DRSJob]()},
		{&drsJobPageFields, reflect.TypeFor[drsJobPage]()}, {&omsErrorReasonFields, reflect.TypeFor[OMSErrorReason]()},
		{&omsNodeFields, reflect.TypeFor[OMSNode]()}, {&omsTaskFields, reflect.TypeFor[OMSTask]()},
		{&omsTaskGroupFields, reflect.TypeFor[OMSTaskGroup]()}, {&omsTaskSummaryFields, reflect.TypeFor[OMSTaskSummary]()},
		{&omsTaskPageFields, reflect.TypeFor[OMSTaskPage]()}, {&omsTaskGroupSummaryFields, reflect.TypeFor[OMSTaskGroupSummary]()},
		{&omsTaskGroupPageFields, reflect.TypeFor[OMSTaskGroupPage]()},
	} {
		if len(c.table.exact) != c.typ.NumField() {
			t.Errorf("%v: %d names in its table, %d fields", c.typ, len(c.table.exact), c.typ.NumField())
		}
		for f := range c.typ.Fields() {
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if _, ok := c.table.exact[tag]; !ok {
				t.Errorf("%v: no %q in its table", c.typ, tag)
			}
		}
	}
}

// seedValues are the bodies the package's tests and testdata hold: every
// file in testdata, and every string literal in the _test.go files that
// looks like a JSON document.
func seedValues() [][]byte {
	var out [][]byte
	files, _ := filepath.Glob("testdata/*.json")
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil {
			out = append(out, b)
		}
	}
	tests, _ := filepath.Glob("*_test.go")
	fset := token.NewFileSet()
	for _, f := range tests {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.ContainsAny(s, "{[") {
					out = append(out, []byte(s))
				}
			}
			return true
		})
	}
	return out
}

func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, s := range seedValues() {
		f.Add(s)
	}
	for _, s := range edgeCases {
		f.Add([]byte(s))
	}
	f.Add([]byte(smsShowTaskBody))
	f.Add([]byte(dcsStatsBody))
	f.Add([]byte(dcsTaskBody))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameDecoding(t, data)
		checkSameTolerant(t, data)
	})
}
