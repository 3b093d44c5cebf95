package app

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/migration-exporter/migration_exporter/config"
	"github.com/migration-exporter/migration_exporter/simulator"
)

// startSimulation starts the simulated cloud with the demo tasks on
// 127.0.0.1 and returns it with a config that polls it.
func startSimulation() (*simulator.Server, *config.Config, error) {
	// Fresh keys each run: the simulator checks signatures like the API
	// gateway does, and no key here means anything outside this process.
	ak, sk := randomKey(10), randomKey(20)
	sim := simulator.New(simulator.Options{AccessKey: ak, SecretKey: sk, ProjectID: simulator.DemoProjectID})
	sim.AddDemoTasks()
	srv, err := simulator.Start(sim)
	if err != nil {
		return nil, nil, err
	}
	return srv, simulatedConfig(srv.URL, ak, sk), nil
}

// simulatedConfig is one account that polls the demo tasks at endpoint.
func simulatedConfig(endpoint, ak, sk string) *config.Config {
	return &config.Config{Accounts: []config.Account{{
		Name:        "simulated",
		Region:      "cn-north-4",
		ProjectID:   simulator.DemoProjectID,
		Credentials: &config.Credentials{AccessKey: config.Secret(ak), SecretKey: config.Secret(sk)},
		Endpoints:   config.Endpoints{DCS: endpoint, SMS: endpoint, DRS: endpoint, OMS: endpoint, CDM: endpoint},
		DCS:         config.Service{TaskIDs: simulator.DemoDCSTaskIDs()},
		SMS:         config.Service{Discover: true},
		DRS:         config.DRSService{JobIDs: []string{simulator.DemoDeletedDRSJob}, Discover: true},
		OMS:         config.OMS{Discover: true, DiscoverGroups: true},
		CDM:         config.CDM{JobIDs: []string{simulator.DemoDeletedCDMJob}, Discover: true},
		TaskLabels:  demoWaves(),
	}}}
}

// demoWaves puts the demo tasks into two migration waves, so that the
// cut-over board's wave selector has something to show: wave 1 the
// tasks that become ready (a synced SMS server with a clean check, a DCS
// task converging in its incremental phase, a DRS sync with consistent
// comparisons), wave 2 tasks still copying. The failed tasks are in no
// wave, and block none.
func demoWaves() []config.TaskLabel {
	wave := func(m config.TaskMatch, wave, app string) config.TaskLabel {
		return config.TaskLabel{Match: m, Labels: map[string]string{"wave": wave, "app": app}}
	}
	return []config.TaskLabel{
		wave(config.TaskMatch{API: "sms", Name: "app-04-*"}, "1", "shop"),
		wave(config.TaskMatch{API: "dcs", Name: "sessions-*"}, "1", "shop"),
		wave(config.TaskMatch{API: "drs", Name: "billing-*"}, "1", "billing"),
		wave(config.TaskMatch{API: "sms", NameRegex: "(web-01|db-02)-to-ecs"}, "2", "shop"),
		wave(config.TaskMatch{ID: simulator.DemoDCSTaskIDs()[0]}, "2", "shop"),
		wave(config.TaskMatch{API: "drs", NameRegex: "(orders|payments)-db-to-rds"}, "2", "orders"),
		wave(config.TaskMatch{API: "oms", Name: "photos-*"}, "2", "media"),
	}
}

func randomKey(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
