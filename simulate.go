package main

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// simulatedProject is the project id of the simulated account.
const simulatedProject = "0504a1b2c3d4e5f60718293a4b5c6d7e"

// loadConfig loads the config file, or with --simulate starts the simulator
// and builds a config that points at it. apply receives every config that
// is loaded, first and reloaded.
func loadConfig(f *flags, logger log.Logger, apply func(*config.Config) error) (*config.Holder, *simulator.Server, error) {
	if !f.simulate {
		h, err := config.NewHolder(f.configFile, apply)
		if err != nil {
			return nil, nil, err
		}
		level.Info(logger).Log("msg", "loaded config", "file", f.configFile, "accounts", len(h.Current().Accounts))
		return h, nil, nil
	}
	// Fresh keys each run: the simulator checks signatures like the API
	// gateway does, and no key here means anything outside this process.
	ak, sk := randomKey(10), randomKey(20)
	sim := simulator.New(simulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: simulatedProject})
	sim.AddDemoTasks()
	srv, err := simulator.Start(sim)
	if err != nil {
		return nil, nil, err
	}
	h, err := config.NewStaticHolder(simulatedConfig(srv.URL, ak, sk), apply)
	if err != nil {
		_ = srv.Close()
		return nil, nil, err
	}
	level.Info(logger).Log("msg", "simulating the cloud: polling an embedded fake API, not Huawei Cloud", "endpoint", srv.URL)
	return h, srv, nil
}

func simulatedConfig(endpoint, ak, sk string) *config.Config {
	return &config.Config{Accounts: []config.Account{{
		Name:        "simulated",
		Region:      "cn-north-4",
		ProjectID:   simulatedProject,
		Credentials: &config.Credentials{AccessKey: config.Secret(ak), SecretKey: config.Secret(sk)},
		Endpoints:   config.Endpoints{DCS: endpoint, SMS: endpoint},
		DCS:         config.Service{TaskIDs: simulator.DemoDCSTaskIDs()},
		SMS:         config.Service{Discover: true},
	}}}
}

func randomKey(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
