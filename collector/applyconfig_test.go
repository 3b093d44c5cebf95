package collector

import (
	"strings"
	"testing"

	"github.com/migration-exporter/migration_exporter/config"
)

// A reload that leaves an account's settings as they were keeps that
// account, with its client, rate limiter, probe share, discovery lists and
// caches; an account whose settings changed is built anew.
func TestApplyConfigKeepsUnchangedAccounts(t *testing.T) {
	const base = `accounts:
  - name: a
    region: cn-north-4
    project_id: p1
    credentials: {access_key: AK1, secret_key: SK1}
    dcs: {task_ids: [t1], discover: true}
  - name: b
    region: cn-north-4
    project_id: p2
    credentials: {access_key: AK2, secret_key: SK2}
    sms: {discover: true}
`
	parse := func(text string) *config.Config {
		t.Helper()
		cfg, err := config.Parse("test.yml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	e := New(Options{Transport: cannedTransport{}})
	if err := e.ApplyConfig(parse(base)); err != nil {
		t.Fatal(err)
	}
	before := map[string]*account{}
	for _, a := range *e.accounts.Load() {
		before[a.name] = a
	}

	// The same file, loaded again: every account is the same one.
	if err := e.ApplyConfig(parse(base)); err != nil {
		t.Fatal(err)
	}
	for _, a := range *e.accounts.Load() {
		if a != before[a.name] {
			t.Errorf("account %s was rebuilt by a reload that changed nothing", a.name)
		}
	}

	// b's rate changes, c is new: a is kept, b and c are built.
	changed := strings.Replace(base, "project_id: p2\n", "project_id: p2\n    requests_per_second: 5\n", 1) + `  - name: c
    region: cn-north-4
    project_id: p3
    credentials: {access_key: AK3, secret_key: SK3}
`
	if err := e.ApplyConfig(parse(changed)); err != nil {
		t.Fatal(err)
	}
	got := *e.accounts.Load()
	if len(got) != 3 {
		t.Fatalf("%d accounts, want 3", len(got))
	}
	if got[0] != before["a"] {
		t.Error("account a was rebuilt although only b changed")
	}
	if got[1] == before["b"] || got[1].client == before["b"].client {
		t.Error("account b kept its client although its requests_per_second changed")
	}
	if got[1].config.RequestsPerSecond != 5 {
		t.Errorf("account b built from %+v", got[1].config)
	}

	// A changed secret is a changed account too.
	if err := e.ApplyConfig(parse(strings.Replace(changed, "SK1", "SK1-rotated", 1))); err != nil {
		t.Fatal(err)
	}
	if now := *e.accounts.Load(); now[0] == got[0] || now[1] != got[1] || now[2] != got[2] {
		t.Error("a rotated secret key did not rebuild exactly its account")
	}
}
