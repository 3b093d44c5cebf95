package config

import (
	"strings"
	"testing"
)

func TestDRSBlock(t *testing.T) {
	const head = `accounts:
  - name: a
    region: cn-north-4
    project_id: p
`
	cfg, err := Parse("ok.yml", []byte(head+`    drs:
      job_ids: [edae91cb-5892-49b6-a529-4921fb26jb21]
      discover: true
`))
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Accounts[0].DRS
	if d.BatchSize != DefaultDRSBatchSize || d.DiscoveryInterval != DefaultDiscoveryInterval || !d.Discover || len(d.JobIDs) != 1 {
		t.Errorf("%+v", d)
	}
	_, err = Parse("bad.yml", []byte(head+`    drs:
      job_ids: [ok-1, "../x", ok-1]
      batch_size: 101
      batchsize: 3
`))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`bad.yml:6: accounts[0].drs.job_ids[1]: "../x" is not a valid task ID`,
		`bad.yml:6: accounts[0].drs.job_ids[2]: "ok-1" is already listed as job_ids[0]`,
		`bad.yml:7: accounts[0].drs.batch_size: must be from 1 to 100, got 101`,
		`bad.yml:8: accounts[0].drs.batchsize: unknown field (did you mean "batch_size"?)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}
