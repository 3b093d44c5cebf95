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

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// answerCase is one answer type under test: its name, and a function that
// decodes a body into a new value as the client does and with
// encoding/json (v1), returning both results.
type answerCase struct {
	name string
	run  func(data []byte) (got, v1 any, gotErr, v1Err error)
}

// answerCaseOf builds the answerCase of the answer type T.
func answerCaseOf[T any](name string) answerCase {
	return answerCase{name: name, run: func(data []byte) (any, any, error, error) {
		var got, v1 T
		gotErr := decodeJSON(data, &got)
		v1Err := json.Unmarshal(data, &v1)
		return got, v1, gotErr, v1Err
	}}
}

// answerCases are every answer type the client decodes.
var answerCases = []answerCase{
	answerCaseOf[DCSStats]("DCSStats"),
	answerCaseOf[DCSTask]("DCSTask"),
	answerCaseOf[DCSTaskPage]("DCSTaskPage"),
	answerCaseOf[SMSTask]("SMSTask"),
	answerCaseOf[SMSTaskPage]("SMSTaskPage"),
	answerCaseOf[SMSConsistency]("SMSConsistency"),
	answerCaseOf[drsStatusPage]("drsStatusPage"),
	answerCaseOf[drsProgressPage]("drsProgressPage"),
	answerCaseOf[drsJobPage]("drsJobPage"),
	answerCaseOf[DRSMonitor]("DRSMonitor"),
	answerCaseOf[drsRecoveryPage]("drsRecoveryPage"),
	answerCaseOf[OMSTask]("OMSTask"),
	answerCaseOf[OMSTaskGroup]("OMSTaskGroup"),
	answerCaseOf[OMSTaskPage]("OMSTaskPage"),
	answerCaseOf[OMSTaskGroupPage]("OMSTaskGroupPage"),
}

// checkAnswers fails t unless every answer type decodes data as documented
// (decodeOptions): its objects, lists, keys, nulls and errors as
// encoding/json (v1) decodes them, compared on whether it is an error and
// on the value (even after an error, since postBatch keeps what a 4xx body
// decoded to), and to its zero value when data is not valid JSON. (The
// tolerant fields decode themselves the same way under both, so this checks
// the structure around them; checkTolerant checks the fields.)
func checkAnswers(t *testing.T, data []byte) {
	t.Helper()
	valid := jsontext.Value(data).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	for _, c := range answerCases {
		got, v1, gotErr, v1Err := c.run(data)
		if (gotErr == nil) != (v1Err == nil) {
			t.Fatalf("%s: %q: error %v, encoding/json error %v", c.name, data, gotErr, v1Err)
		}
		if why := differ(reflect.ValueOf(got), reflect.ValueOf(v1), c.name); why != "" {
			t.Fatalf("%q (error %v): %s", data, v1Err, why)
		}
		if !valid && (gotErr == nil || !reflect.ValueOf(got).IsZero()) {
			t.Fatalf("%s: %q is not valid JSON: error %v, value %+v", c.name, data, gotErr, got)
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

// tolerant holds one field of each type that decodes itself.
type tolerant struct {
	N Number         `json:"n"`
	B Bool           `json:"b"`
	T Text           `json:"t"`
	E OMSErrorReason `json:"e"`
	S SMSSubtaskInfo `json:"s"`
}

// plainReason and plainInfo are OMSErrorReason and SMSSubtaskInfo without
// their methods: an object's fields.
type (
	plainReason struct {
		Code    Text `json:"error_code"`
		Message Text `json:"error_msg"`
	}
	plainInfo struct {
		Name          Text   `json:"subtask_name"`
		Progress      Number `json:"progress"`
		ReplicateSize Number `json:"replicatesize"`
		TotalSize     Number `json:"totalsize"`
		MigrateSpeed  Number `json:"migrate_speed"`
	}
)

// checkTolerant fails t unless each tolerant type decodes data, when it is
// one JSON value, and the values inside it (the first levels), as its
// documentation says: without failing the document it is in, and to the
// value the table of its type gives.
func checkTolerant(t *testing.T, data []byte) {
	t.Helper()
	v := jsontext.Value(bytes.Trim(data, " \t\r\n"))
	if !v.IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
		return
	}
	checkTolerantValues(t, v, 3)
}

// checkTolerantValues checks v with checkTolerantValue, and the values
// inside it down to depth more levels.
func checkTolerantValues(t *testing.T, v jsontext.Value, depth int) {
	t.Helper()
	checkTolerantValue(t, v)
	if depth == 0 {
		return
	}
	opts := jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var inside []jsontext.Value
	switch v.Kind() {
	case '[':
		_ = jsonv2.Unmarshal(v, &inside, opts)
	case '{':
		var members map[string]jsontext.Value
		_ = jsonv2.Unmarshal(v, &members, opts)
		for _, m := range members {
			inside = append(inside, m)
		}
	}
	for _, in := range inside {
		checkTolerantValues(t, in, depth-1)
	}
}

// checkTolerantValue checks each tolerant type on the valid JSON value v.
func checkTolerantValue(t *testing.T, v jsontext.Value) {
	t.Helper()
	data := v
	var got tolerant
	for _, f := range []any{&got.N, &got.B, &got.T, &got.E, &got.S} {
		if err := decodeJSON(v, f); err != nil {
			t.Fatalf("%.80q: %T failed the document: %v", data, f, err)
		}
	}
	// The text the value stands for: a string's value (as encoding/json
	// reads it), else the literal.
	text := string(v)
	if v.Kind() == '"' {
		if err := json.Unmarshal(v, &text); err != nil {
			t.Fatal(err)
		}
	}
	trimmed := strings.TrimSpace(text)
	checkNumberQuirks(t, data, v.Kind(), trimmed, got.N)
	checkBoolQuirks(t, data, v.Kind(), trimmed, got.B)

	var want tolerant
	switch v.Kind() {
	case '"':
		want.T, want.E.Message = Text(trimmed), Text(trimmed)
		var p plainInfo
		if json.Unmarshal([]byte(trimmed), &p) == nil {
			want.S = SMSSubtaskInfo(p)
		}
	case '0', 't', 'f':
		want.T = Text(v)
	case '{':
		var r plainReason
		var p plainInfo
		if json.Unmarshal(v, &r) != nil || json.Unmarshal(v, &p) != nil {
			t.Fatalf("%q: encoding/json failed on an object", data)
		}
		want.E, want.S = OMSErrorReason(r), SMSSubtaskInfo(p)
	}
	want.N, want.B = got.N, got.B
	if why := differ(reflect.ValueOf(got), reflect.ValueOf(want), "tolerant"); why != "" {
		t.Fatalf("%q: %s", data, why)
	}
}

// checkNumberQuirks checks a Number decoded from a value of kind k whose text,
// trimmed, is s.
func checkNumberQuirks(t *testing.T, data []byte, k jsontext.Kind, s string, n Number) {
	t.Helper()
	v, ok := n.Value()
	if n.Err() != nil && len(n.Err().Error()) > 100 {
		t.Fatalf("%q: an unbounded error: %v", data, n.Err())
	}
	switch k {
	case 'n':
		if ok || n.Err() != nil {
			t.Fatalf("%q: null gave %v, %v, %v", data, v, ok, n.Err())
		}
		return
	case '{', '[', 't', 'f':
		if ok || n.Err() == nil {
			t.Fatalf("%q: no error for %v", data, k)
		}
		return
	}
	num := strings.TrimSpace(strings.TrimSuffix(s, "%"))
	want, err := strconv.ParseFloat(num, 64)
	switch l := strings.ToLower(num); {
	case l == "" || l == "-" || l == "n/a" || l == "null":
		if ok || n.Err() != nil {
			t.Fatalf("%q: %v, %v, %v; want no value", data, v, ok, n.Err())
		}
	case err == nil && !math.IsInf(want, 0) && !math.IsNaN(want) && strings.Trim(num, "0123456789.+-eE") == "":
		if !ok || v != want || n.Err() != nil {
			t.Fatalf("%q: %v, %v, %v; want %v", data, v, ok, n.Err(), want)
		}
	default:
		if ok || n.Err() == nil {
			t.Fatalf("%q: %v, %v; want an error", data, v, ok)
		}
	}
}

// checkBoolQuirks checks a Bool decoded from a value of kind k whose text,
// trimmed, is s.
func checkBoolQuirks(t *testing.T, data []byte, k jsontext.Kind, s string, b Bool) {
	t.Helper()
	v, ok := b.Value()
	var want, wantOK, wantErr bool
	switch l := strings.ToLower(s); {
	case k == '{' || k == '[':
		wantErr = true
	case l == "" || l == "null" || l == "-" || l == "n/a":
	case l == "true" || l == "1":
		want, wantOK = true, true
	case l == "false" || l == "0":
		wantOK = true
	default:
		wantErr = true
	}
	if v != want || ok != wantOK || (b.Err() != nil) != wantErr {
		t.Fatalf("%q: Bool %v, %v, %v; want %v, %v, error %v", data, v, ok, b.Err(), want, wantOK, wantErr)
	}
}

// edgeCases are crafted bodies where a decoder is most likely to differ
// from encoding/json or to go wrong.
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

func TestDecodeOnEdgeCases(t *testing.T) {
	cases := append([]string{deep(10000), deep(10001), `{"x":` + strings.Repeat(`{"a":`, 9999) + `1` + strings.Repeat(`}`, 9999) + `}`,
		`{"x":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat(`}`, 10000) + `}`,
		`{"subtask_info":"` + strings.Repeat("[", 10001) + `"}`}, edgeCases...)
	for _, c := range cases {
		checkAnswers(t, []byte(c))
		checkTolerant(t, []byte(c))
	}
	for _, s := range seedValues() {
		checkAnswers(t, s)
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

// FuzzDecodeAnswers checks every answer type and every tolerant type
// against their documented quirks (checkAnswers, checkTolerant). Its
// corpus is in testdata/fuzz/FuzzDecodeAnswers.
func FuzzDecodeAnswers(f *testing.F) {
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
		checkAnswers(t, data)
		checkTolerant(t, data)
	})
}

// TestDecodeOptions checks each choice decodeOptions and
// failedDecodeOptions make, with the values they give.
func TestDecodeOptions(t *testing.T) {
	for _, c := range []struct {
		name, body string
		ok         bool
		want       SMSTask
	}{
		{"keys fold case", `{"STATE":"a","Name":"n","ſtate":"b"}`, true, SMSTask{State: "b", Name: "n"}},
		{"keys keep their delimiters", `{"OS_TYPE":"z","ostype":"x","os-type":"y"}`, true, SMSTask{OSType: "z"}},
		{"the last duplicate wins", `{"state":"a","state":"b"}`, true, SMSTask{State: "b"}},
		{"invalid UTF-8 becomes U+FFFD", "{\"name\":\"a\xffb\"}", true, SMSTask{Name: "a\uFFFDb"}},
		{"null leaves a struct field as it is", `{"source_server":{"id":"s"},"source_server":null}`, true,
			func() (t SMSTask) { t.SourceServer.ID = "s"; return t }()},
		{"a list decodes into the elements there", `{"sub_tasks":[{"name":"a"}],"sub_tasks":[{"progress":"-"}]}`, true,
			SMSTask{SubTasks: []SMSSubTask{{Name: "a"}}}},
		{"a wrong kind fails the document, not the rest", `{"state":"a","sub_tasks":"x","name":"n"}`, false, SMSTask{State: "a", Name: "n"}},
		{"a syntax error leaves the answer zero", `{"state":"a","name":}`, false, SMSTask{}},
		{"10,000 levels", deep(10000), true, SMSTask{}},
		{"10,001 levels", deep(10001), false, SMSTask{}},
	} {
		var got SMSTask
		err := decodeJSON([]byte(c.body), &got)
		if (err == nil) != c.ok {
			t.Errorf("%s: error %v, want ok=%v", c.name, err, c.ok)
		}
		if why := differ(reflect.ValueOf(got), reflect.ValueOf(c.want), c.name); why != "" {
			t.Error(why)
		}
	}
}
