package dashboard

import (
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/idgate/idgate"
)

// chartRange is one of the overview's time ranges.
type chartRange struct {
	Key     string
	Label   string
	Bucket  time.Duration
	Buckets int
}

var chartRanges = []chartRange{
	{"24h", "24 hours", time.Hour, 24},
	{"14d", "14 days", 24 * time.Hour, 14},
	{"90d", "90 days", 24 * time.Hour, 90},
}

func findRange(key string) chartRange {
	for _, r := range chartRanges {
		if r.Key == key {
			return r
		}
	}
	return chartRanges[1]
}

type outcomeTotal struct {
	outcomeStyle
	Count int64
}

type queueView struct {
	Known         bool
	ByState       []stateCount
	Waiting       int64
	OldestWaiting time.Duration
}

type stateCount struct {
	State string
	Count int64
}

type overviewView struct {
	Range      chartRange
	Ranges     []chartRange
	Chart      template.HTML
	Total      int64
	Outcomes   []outcomeTotal
	Registries []idgate.RegistryHealth
	Queue      queueView
	Tenants    int
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	ctx := r.Context()
	rg := findRange(r.URL.Query().Get("range"))
	end := s.now().Truncate(rg.Bucket).Add(rg.Bucket)
	from := end.Add(-time.Duration(rg.Buckets) * rg.Bucket)
	points, err := s.store.VerificationVolume(ctx, "", from, end, rg.Bucket)
	if err != nil {
		return err
	}
	v := overviewView{Range: rg, Ranges: chartRanges, Chart: volumeChart(points, rg.Bucket)}
	for _, st := range outcomeStyles {
		var n int64
		for _, p := range points {
			n += p.ByOutcome[st.Outcome]
		}
		v.Total += n
		v.Outcomes = append(v.Outcomes, outcomeTotal{st, n})
	}
	if s.cfg.Registries != nil {
		v.Registries = s.cfg.Registries.Health(ctx)
		sort.Slice(v.Registries, func(i, j int) bool { return v.Registries[i].Country < v.Registries[j].Country })
	}
	byState, oldest, ok, err := s.store.QueueDepth(ctx)
	if err != nil {
		return err
	}
	v.Queue = queueView{Known: ok, OldestWaiting: oldest.Round(time.Second)}
	for state, n := range byState {
		v.Queue.ByState = append(v.Queue.ByState, stateCount{state, n})
		if state == "available" || state == "retryable" || state == "scheduled" {
			v.Queue.Waiting += n
		}
	}
	sort.Slice(v.Queue.ByState, func(i, j int) bool { return v.Queue.ByState[i].State < v.Queue.ByState[j].State })
	tenants, err := s.store.Tenants(ctx)
	if err != nil {
		return err
	}
	v.Tenants = len(tenants)
	return s.render(w, http.StatusOK, "overview", pageFor(c, "overview", "Overview", v))
}
