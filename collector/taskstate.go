package collector

import "time"

// taskStateTTL is how long what the status board knows of a task that is
// no longer polled is kept. Tasks leave the task set (finished, deleted,
// removed from the config, no longer probed): their entries go after this,
// so the map cannot grow without bound. It is well above any sensible
// scrape or probe interval; a task polled again after it is observed
// afresh (a down task is then logged once more).
const taskStateTTL = time.Hour
