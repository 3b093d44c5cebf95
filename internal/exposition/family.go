package exposition

import (
	"fmt"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// Family describes a family of task series. Labels are its label names in
// name order; the first must be Group, the label that groups tasks, and ID
// (another one) tells a group's tasks apart: the writer gets each group's
// tasks together and by id, so that most families are in order as they
// come. A state set (States not nil) has exactly three labels: Group, ID
// and the state label at States.Pos.
type Family struct {
	Name, Help string
	Labels     []string
	Group, ID  string
	States     *StateSet
}

// family is a Family as the writer keeps it.
type family struct {
	name, help string
	typ        dto.MetricType
	idPos      int
	typeLine   string // its TYPE line in the text formats
	states     *StateSet
}

// newFamilies checks the label layout of each of fams and returns them in
// name order, one per name. A family that breaks the layout is a
// programming error: it panics.
func newFamilies(fams []Family) []family {
	out := make([]family, 0, len(fams))
	for _, f := range fams {
		if err := f.check(); err != nil {
			panic(fmt.Sprintf("exposition: family %s: %v", f.Name, err))
		}
		out = append(out, family{name: f.Name, help: f.Help, typ: dto.MetricType_GAUGE, idPos: slices.Index(f.Labels, f.ID),
			typeLine: "# TYPE " + f.Name + " gauge\n", states: f.States})
	}
	slices.SortFunc(out, func(a, b family) int { return strings.Compare(a.name, b.name) })
	return slices.CompactFunc(out, func(a, b family) bool { return a.name == b.name })
}

// check reports how f breaks the label layout the writer relies on.
func (f *Family) check() error {
	switch {
	case !slices.IsSorted(f.Labels) || len(slices.Compact(slices.Clone(f.Labels))) != len(f.Labels):
		return fmt.Errorf("labels %q are not in name order without repeats", f.Labels)
	case len(f.Labels) < 2 || f.Labels[0] != f.Group:
		return fmt.Errorf("labels %q do not start with the group label %q", f.Labels, f.Group)
	case !slices.Contains(f.Labels[1:], f.ID):
		return fmt.Errorf("labels %q lack the id label %q", f.Labels, f.ID)
	case f.States == nil:
		return nil
	case len(f.Labels) != 3 || f.States.Pos < 1 || f.States.Pos > 2 || f.Labels[f.States.Pos] == f.ID:
		return fmt.Errorf("a state set's labels %q are not %q, %q and a state label at %d", f.Labels, f.Group, f.ID, f.States.Pos)
	}
	for i := 1; i < len(f.States.Known); i++ {
		if *f.States.Known[i-1].Value >= *f.States.Known[i].Value {
			return fmt.Errorf("the known states are not in value order without repeats")
		}
	}
	return nil
}
