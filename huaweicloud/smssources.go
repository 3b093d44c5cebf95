package huaweicloud

import (
	"context"
	"fmt"
)

// OpListServers is the SDK's name of GET /v3/sources, the value of the
// `operation` label.
const OpListServers = "ListServers"

// smsSourcePageSize is the page size asked of GET /v3/sources: its
// largest (0 would mean the default, also 200).
const smsSourcePageSize = 200

// MaxSMSSourcePages bounds the pages of one source server list (20,000
// servers): a list that goes on past them is an error, not a partial
// list, so that a server that pages for ever costs a bounded number of
// calls.
const MaxSMSSourcePages = 100

// SMSSourceServer is one entry of GET /v3/sources (ListServers): a source
// server the migration agent registered, with the agent's connection and
// the migration's lifecycle phase. Its id is the key of SMSSources.
type SMSSourceServer struct {
	// Connected is whether the agent is connected to SMS now. (The list's
	// last_visit_time is when this last changed, not a heartbeat: it is
	// not read.)
	Connected Bool `json:"connected"`
	// MigrationCycle is the lifecycle phase: checking, setting,
	// replicating, syncing, cutovering, cutovered (others as they come).
	MigrationCycle Text `json:"migration_cycle"`
	// StageActionTime is when MigrationCycle last changed; its unit is
	// undocumented (the collector decides it).
	StageActionTime Number `json:"stage_action_time"`
}

// smsSourceEntry is a list entry with its id.
type smsSourceEntry struct {
	ID              Text `json:"id"`
	SMSSourceServer `json:",inline"`
}

// smsSourcePage is one page of GET /v3/sources; count is the total.
type smsSourcePage struct {
	Count   Number               `json:"count"`
	Servers List[smsSourceEntry] `json:"source_servers"`
}

// SMSSources are an account's source servers by id.
type SMSSources map[string]SMSSourceServer

// SMSSources lists every source server of the account, 200 a call, at
// most MaxSMSSourcePages pages. A server listed twice (the list moved
// while it was paged) is kept as last read; an entry without an id is
// dropped. A page all of whose servers were listed already (a server that
// ignores offset, or pages in a circle) is an error, as is a list that
// does not end within the bound: the caller keeps its last good list.
func (c *Client) SMSSources(ctx context.Context) (SMSSources, error) {
	var all SMSSources
	_, complete, err := listUpTo(ctx, MaxSMSSourcePages, func(ctx context.Context, offset int) ([]string, int, error) {
		p, err := getAs[smsSourcePage](ctx, c, call{api: APISMS, operation: OpListServers,
			path: "/v3/sources", query: pageQuery(offset, smsSourcePageSize)})
		if err != nil {
			return nil, 0, err
		}
		if all == nil {
			// Sized once from the first page's count (bounded by the pages
			// read at most), not regrown page after page: the map stays in
			// the cache.
			all = make(SMSSources, min(max(totalOf(p.Count), len(p.Servers)), MaxSMSSourcePages*smsSourcePageSize))
		}
		ids := make([]string, len(p.Servers))
		named, fresh := 0, 0
		for i, s := range p.Servers {
			id := string(s.ID)
			ids[i] = id
			if id == "" {
				continue
			}
			named++
			if _, seen := all[id]; !seen {
				fresh++
			}
			all[id] = s.SMSSourceServer
		}
		if named > 0 && fresh == 0 {
			return nil, 0, &DecodeError{Err: fmt.Errorf("the source server page at offset %d repeats servers listed before", offset)}
		}
		return ids, totalOf(p.Count), nil
	})
	if err != nil {
		return nil, err
	}
	if !complete {
		return nil, &DecodeError{Err: fmt.Errorf("the source server list did not end after %d pages", MaxSMSSourcePages)}
	}
	return all, nil
}
