package huaweicloud

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/migration-exporter/migration_exporter/internal/runes"
)

// Timestamp is a time API field. The APIs write times two ways: ISO 8601
// in UTC ("2020-09-01T18:50:20Z") in one, milliseconds since the epoch (a
// JSON string or number) in another, so either form is accepted in either
// place. A time with no zone is UTC (the documentation says the times are
// UTC). Its Number is seconds since the epoch; "", null, a missing field,
// and 0 or a negative number of ms ("not yet") are no value. Anything else
// is a per-field error, as for Number: it never fails the document.
type Timestamp struct{ Number }

// timestampLayouts are the ISO forms read, with and without a zone.
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}

// UnmarshalJSONFrom implements json.UnmarshalerFrom. It fails only on a
// syntax error.
func (t *Timestamp) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*t = Timestamp{}
	var s []byte
	switch k := v.Kind(); k {
	case 'n':
		return nil
	case '"':
		s = bytes.TrimSpace(stringValue(v))
	case '0':
		s = v
	default:
		t.err = fmt.Errorf("expected a time, got %s", kindOf(k))
		return nil
	}
	t.value, t.set, t.err = parseTimestamp(s)
	return nil
}

// UnmarshalJSON implements encoding/json's Unmarshaler (see decodeJSON).
func (t *Timestamp) UnmarshalJSON(b []byte) error { return decodeJSON(b, t) }

// parseTimestamp reads s, an ISO time or a number of ms since the epoch,
// as seconds since the epoch.
func parseTimestamp(s []byte) (seconds float64, ok bool, err error) {
	if ms, ok, err := parseNumberBytes(s); err == nil {
		if !ok || ms <= 0 {
			return 0, false, nil
		}
		return ms / 1000, true, nil
	}
	for _, layout := range timestampLayouts {
		if at, err := time.ParseInLocation(layout, string(s), time.UTC); err == nil {
			return float64(at.Unix()) + float64(at.Nanosecond())/1e9, true, nil
		}
	}
	return 0, false, fmt.Errorf("not a time: %q", runes.Truncate(string(s), maxReported))
}
