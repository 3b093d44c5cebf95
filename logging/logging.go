// Package logging builds the program's go-kit logger from the --log.level
// and --log.format flags, and the *slog.Logger the exporter-toolkit needs.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	sloggokit "github.com/tjhop/slog-gokit"
)

// Levels and Formats are the accepted flag values.
var (
	Levels  = []string{"debug", "info", "warn", "error"}
	Formats = []string{"logfmt", "json"}
)

// New returns a logger writing to w at the given level ("debug", "info",
// "warn", "error") and format ("logfmt", "json"), with a UTC timestamp and
// the caller on every line, and the same logger as a *slog.Logger for the
// libraries that take one (exporter-toolkit).
func New(w io.Writer, lvl, format string) (log.Logger, *slog.Logger, error) {
	var logger log.Logger
	switch format {
	case "logfmt":
		logger = log.NewLogfmtLogger(log.NewSyncWriter(w))
	case "json":
		logger = log.NewJSONLogger(log.NewSyncWriter(w))
	default:
		return nil, nil, fmt.Errorf("unknown log format %q (want logfmt or json)", format)
	}
	opt, err := levelOption(lvl)
	if err != nil {
		return nil, nil, err
	}
	logger = level.NewFilter(logger, opt)
	// The slog bridge adds the caller and the time itself.
	bridged := slog.New(sloggokit.NewGoKitHandler(slogKeys{logger}, slog.LevelDebug))
	return log.With(logger, "ts", log.DefaultTimestampUTC, "caller", log.DefaultCaller), bridged, nil
}

// slogKeys writes the bridge's "time" as "ts" in UTC, like the go-kit lines.
type slogKeys struct{ next log.Logger }

func (l slogKeys) Log(kv ...any) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "time" {
			kv[i] = "ts"
			if t, ok := kv[i+1].(time.Time); ok {
				kv[i+1] = t.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return l.next.Log(kv...)
}

func levelOption(lvl string) (level.Option, error) {
	switch lvl {
	case "debug":
		return level.AllowDebug(), nil
	case "info":
		return level.AllowInfo(), nil
	case "warn":
		return level.AllowWarn(), nil
	case "error":
		return level.AllowError(), nil
	}
	return nil, fmt.Errorf("unknown log level %q (want debug, info, warn or error)", lvl)
}
