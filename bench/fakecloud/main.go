// Command fakecloud serves the simulated DCS, SMS and CDM APIs on a
// loopback address for bench/run.sh, and writes an exporter config that
// polls every task it serves. It prints its URL on stdout and runs until
// killed.
//
//	fakecloud -sms 1000 -latency 50ms -config /tmp/bench.yml
//	fakecloud -cdm 1000 -config /tmp/bench.yml   # CDM jobs in one cluster
//	fakecloud -sms 2000 -dcs 500 -rps 20 -config /tmp/fleet.yml  # a rate-limited fleet
//	fakecloud -sms 500 -dcs 500 -terminal 0.9 -config /tmp/t.yml # 90 % of them finished
//
// The tasks answer fixed values (no movement), so that the fake cloud spends
// little CPU per request; every task still exports its full set of series.
// GET /_fakecloud/reads lists, for every task, how many times its own
// answer (SMS ShowTask, DCS ShowMigrationTaskStats) was asked for: "id n"
// lines, for the fleet scenarios of bench/run.sh.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/migration-exporter/migration_exporter/simulator"
)

const (
	accessKey = "bench-access-key"
	secretKey = "bench-secret-key"
	projectID = simulator.DemoProjectID
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on")
	nDCS := flag.Int("dcs", 0, "DCS tasks to serve")
	nSMS := flag.Int("sms", 0, "SMS tasks to serve")
	nCDM := flag.Int("cdm", 0, "CDM jobs to serve (in one cluster, each migrating incrementally)")
	latency := flag.Duration("latency", 50*time.Millisecond, "latency added to every answer")
	configFile := flag.String("config", "", "write an exporter config for the served tasks here")
	freePort := flag.Bool("free-port", false, "print a free loopback port and exit")
	rps := flag.Float64("rps", 1000000, "requests_per_second of the account in the config written")
	terminal := flag.Float64("terminal", 0, "share (0 to 1) of each service's tasks, the first by id, in a terminal state (SMS MIGRATE_SUCCESS, DCS SUCCESS)")
	flag.Parse()
	if err := run(*listen, fleet{dcs: *nDCS, sms: *nSMS, cdm: *nCDM, rps: *rps, terminal: *terminal}, *latency, *configFile, *freePort); err != nil {
		fmt.Fprintln(os.Stderr, "fakecloud:", err)
		os.Exit(1)
	}
}

// fleet is what fakecloud serves: how many tasks of each service, the
// share of them finished, and the rate its config asks for.
type fleet struct {
	dcs, sms, cdm int
	rps, terminal float64
}

// finished reports whether the i-th of n tasks is in a terminal state.
func (f fleet) finished(i, n int) bool { return float64(i) < f.terminal*float64(n) }

func run(listen string, f fleet, latency time.Duration, configFile string, freePort bool) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %s: only loopback addresses are allowed", listen)
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	if freePort {
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
		return l.Close()
	}
	sim := simulator.New(simulator.Options{AccessKey: accessKey, SecretKey: secretKey, ProjectID: projectID, Latency: latency})
	dcsIDs, smsIDs := ids("dcs", f.dcs), ids("sms", f.sms)
	stats := &simulator.DCSStats{FullMigrationProgress: 50, Offset: 960002, SourceDBSize: 1015000, TargetDBSize: 507501,
		TargetInputKbps: 835, TargetOps: 1670, IsMigrating: true}
	for i, id := range dcsIDs {
		status := "MIGRATING"
		if f.finished(i, len(dcsIDs)) {
			status = "SUCCESS"
		}
		sim.AddDCSTask(simulator.DCSTask{ID: id, Name: "redis-" + id, Stats: stats, Status: status,
			Source: simulator.Instance{ID: "src-" + id, Addrs: "10.0.0.5:6379"},
			Target: simulator.Instance{ID: "dst-" + id, Name: "dcs-" + id, Addrs: "10.0.1.7:6379"}})
	}
	progress := simulator.SMSSnapshot(time.Now())
	done := *progress
	done.State = "MIGRATE_SUCCESS"
	for i, id := range smsIDs {
		p := progress
		if f.finished(i, len(smsIDs)) {
			p = &done
		}
		sim.AddSMSTask(simulator.SMSTask{ID: id, Name: "server-" + id, SourceServer: "src-" + id, TargetServer: "dst-" + id, Progress: p})
	}
	cdmIDs := addCDM(sim, f.cdm)
	url := "http://" + l.Addr().String()
	if configFile != "" {
		if err := os.WriteFile(configFile, []byte(exporterConfig(url, f.rps, dcsIDs, smsIDs, cdmIDs)), 0o600); err != nil {
			return err
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/", sim)
	mux.HandleFunc("GET /_fakecloud/reads", func(w http.ResponseWriter, _ *http.Request) {
		var b strings.Builder
		for _, s := range []struct {
			op  string
			ids []string
		}{{"ShowMigrationTaskStats", dcsIDs}, {"ShowTask", smsIDs}} {
			for _, id := range s.ids {
				fmt.Fprintf(&b, "%s %d\n", id, sim.Requests(s.op, id))
			}
		}
		_, _ = io.WriteString(w, b.String())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	fmt.Println(url)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	select {
	case err := <-errc:
		return err
	case <-sig:
		err := srv.Close()
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	}
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%05d", prefix, i)
	}
	return out
}

// addCDM serves n CDM jobs of one normal cluster, each a table migration
// running incrementally with fixed counters (files not applicable), and
// returns their task ids.
func addCDM(sim *simulator.Simulator, n int) []string {
	if n == 0 {
		return nil
	}
	sim.AddCDMCluster(simulator.CDMCluster{ID: simulator.DemoCDMCluster, Name: "cdm-bench"})
	out := make([]string, n)
	for i, name := range ids("orders_incr", n) {
		sim.AddCDMJob(simulator.CDMJob{Cluster: simulator.DemoCDMCluster, Name: name, FromLink: "mysql-orders", ToLink: "dws-dw",
			Run: &simulator.CDMRun{Status: "RUNNING", Progress: 100, Incremental: true, CreationMs: 1796000000000, UpdateMs: 1796003600000,
				RowsRead: 2_500_000, RowsWritten: 2_500_000, BytesRead: 500_000_000, BytesWritten: 500_000_000,
				FilesRead: -1, FilesWritten: -1, FilesSkipped: -1, TotalBytes: -1, TotalFiles: -1}})
		out[i] = simulator.DemoCDMCluster + "/" + name
	}
	return out
}

// exporterConfig is one account polling the given tasks at url, at rps
// requests a second (by default far above what the benchmark sends).
func exporterConfig(url string, rps float64, dcs, sms, cdm []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "accounts:\n  - name: bench\n    region: cn-north-4\n    project_id: %s\n", projectID)
	fmt.Fprintf(&b, "    requests_per_second: %s\n", strconv.FormatFloat(rps, 'f', -1, 64))
	fmt.Fprintf(&b, "    credentials:\n      access_key: %s\n      secret_key: %s\n", accessKey, secretKey)
	fmt.Fprintf(&b, "    endpoints:\n      dcs: %s\n      sms: %s\n      cdm: %s\n", url, url, url)
	for _, s := range []struct {
		name, key string
		ids       []string
	}{{"dcs", "task_ids", dcs}, {"sms", "task_ids", sms}, {"cdm", "job_ids", cdm}} {
		if len(s.ids) == 0 {
			continue
		}
		fmt.Fprintf(&b, "    %s:\n      %s:\n", s.name, s.key)
		for _, id := range s.ids {
			fmt.Fprintf(&b, "        - %s\n", id)
		}
	}
	return b.String()
}
