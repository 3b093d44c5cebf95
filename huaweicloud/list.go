package huaweicloud

import (
	"context"
	"fmt"
)

// listPageSize is the page size asked of the list APIs.
const listPageSize = 100

// maxListPages stops a list that never ends (a server ignoring offset).
const maxListPages = 1000

// DCSMigrationTaskIDs lists every DCS migration task of the project. The
// documentation does not say whether `count` is the total or the page
// size, and a server may cap `limit` below what was asked, so paging stops
// at an empty page or at a page shorter than the longest one seen.
func (c *Client) DCSMigrationTaskIDs(ctx context.Context) ([]string, error) {
	return listAll(ctx, func(ctx context.Context, offset int) ([]string, int, error) {
		p, err := c.DCSMigrationTaskPage(ctx, offset, listPageSize)
		ids := make([]string, 0, len(p.MigrationTasks))
		for _, t := range p.MigrationTasks {
			ids = append(ids, string(t.TaskID))
		}
		return ids, -1, err
	})
}

// SMSTaskIDs lists every SMS task of the account. ListTasks' count is the
// total, so paging stops when that many have been seen (or at an empty or
// short page).
func (c *Client) SMSTaskIDs(ctx context.Context) ([]string, error) {
	return listAll(ctx, func(ctx context.Context, offset int) ([]string, int, error) {
		p, err := c.SMSTaskPage(ctx, offset, listPageSize)
		ids := make([]string, 0, len(p.Tasks))
		for _, t := range p.Tasks {
			ids = append(ids, string(t.ID))
		}
		total, ok := p.Count.Value()
		if !ok {
			total = -1
		}
		return ids, int(total), err
	})
}

// listAll pages through a list. page returns the ids at offset and the
// total number of entries (-1 when unknown).
func listAll(ctx context.Context, page func(ctx context.Context, offset int) ([]string, int, error)) ([]string, error) {
	all, complete, err := listUpTo(ctx, maxListPages, page)
	if err == nil && !complete {
		return nil, &DecodeError{Err: fmt.Errorf("list did not end after %d pages", maxListPages)}
	}
	return all, err
}

// listUpTo pages through a list as listAll does, reading at most maxPages
// pages; complete is false when the list went on past them.
func listUpTo(ctx context.Context, maxPages int, page func(ctx context.Context, offset int) ([]string, int, error)) (all []string, complete bool, err error) {
	longest := 0
	for range maxPages {
		ids, total, err := page(ctx, len(all))
		if err != nil {
			return nil, false, err
		}
		all = append(all, ids...)
		short := len(ids) < longest
		longest = max(longest, len(ids))
		if len(ids) == 0 || short || (total >= 0 && len(all) >= total) {
			return all, true, nil
		}
	}
	return all, false, nil
}
