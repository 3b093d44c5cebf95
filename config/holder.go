package config

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Holder holds the current configuration and replaces it on Reload. It is
// safe for concurrent use. The *Config returned by Current is shared and
// must be treated as read-only.
type Holder struct {
	load  func() (*Config, error)
	apply func(*Config) error
	now   func() time.Time

	reloadMu sync.Mutex // serializes Reload, including the call to apply

	mu      sync.RWMutex // guards the fields below
	current *Config
	ok      bool
	at      time.Time
}

// NewHolder loads the file at path once and calls apply (if not nil) with
// the result. It fails if either fails. Reload loads path again.
func NewHolder(path string, apply func(*Config) error) (*Holder, error) {
	return newHolder(func() (*Config, error) { return Load(path) }, apply)
}

// NewStaticHolder wraps a configuration built in code (e.g. for --simulate).
// It fills in cfg's defaults with ApplyDefaults (modifying cfg), validates it
// once and calls apply (if not nil) with it; Reload calls apply with cfg
// again.
func NewStaticHolder(cfg *Config, apply func(*Config) error) (*Holder, error) {
	if cfg == nil {
		return nil, errors.New("config: NewStaticHolder needs a configuration")
	}
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return newHolder(func() (*Config, error) { return cfg, nil }, apply)
}

func newHolder(load func() (*Config, error), apply func(*Config) error) (*Holder, error) {
	h := &Holder{load: load, apply: apply, now: time.Now}
	if err := h.Reload(); err != nil {
		return nil, err
	}
	return h, nil
}

// Current returns the configuration of the last successful (re)load.
func (h *Holder) Current() *Config {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.current
}

// Reload loads the configuration again and calls apply with it. If loading
// or apply fails, the previous configuration stays current, the failure is
// recorded for LastReload and the error is returned. Concurrent calls are
// serialized.
//
// Loading a file returns within FileReadTimeout, even when the path is a
// FIFO or on a stalled mount (see Load), so a blocked file cannot keep
// reloadMu and hang the reloads that follow.
func (h *Holder) Reload() error {
	h.reloadMu.Lock()
	defer h.reloadMu.Unlock()
	cfg, err := h.loadAndApply()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ok = err == nil
	if err != nil {
		return err
	}
	h.current, h.at = cfg, h.now()
	return nil
}

func (h *Holder) loadAndApply() (*Config, error) {
	cfg, err := h.load()
	if err != nil {
		return nil, err
	}
	if h.apply != nil {
		if err := h.apply(cfg); err != nil {
			return nil, fmt.Errorf("applying configuration: %w", err)
		}
	}
	return cfg, nil
}

// LastReload reports whether the last (re)load succeeded, and when the last
// successful one happened.
func (h *Holder) LastReload() (successful bool, at time.Time) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.ok, h.at
}
