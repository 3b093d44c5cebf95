package config

import "testing"

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"region", "region", 0},
		{"regoin", "region", 1}, // transposition
		{"regin", "region", 1},
		{"regionn", "region", 1},
		{"rigion", "region", 1},
		{"kitten", "sitting", 3},
		{"dcs", "sms", 2},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	account := []string{"name", "region", "project_id", "credentials", "endpoints", "dcs", "sms"}
	service := []string{"task_ids", "discover", "discovery_interval"}
	tests := []struct {
		key   string
		known []string
		want  string
	}{
		{"regoin", account, "region"},
		{"Region", account, "region"},
		{"projectId", account, "project_id"},
		{"project-id", account, "project_id"},
		{"nmae", account, "name"},
		{"credential", account, "credentials"},
		{"endpoint", account, "endpoints"},
		{"dsc", account, "dcs"},
		{"smss", account, "sms"},
		{"foo", account, ""},
		{"ecs", account, "dcs"},
		{"task_id", service, "task_ids"},
		{"taskIDs", service, "task_ids"},
		{"discovery", service, "discover"},
		{"interval", service, ""},
	}
	for _, tt := range tests {
		if got := closest(tt.key, tt.known); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}
