package metrics

import (
	"fmt"
	"strings"
	"time"
)

// MaxWatched bounds the watch-list. Each watched company adds four series;
// fifty keeps the per-company series of one instance in the low hundreds,
// which Prometheus and a Grafana legend both handle comfortably.
const MaxWatched = 50

// ParseWatchList splits a watch-list into company ids. Ids are separated by
// commas or white space; "#" starts a comment that runs to the end of the
// line, so the same syntax serves --watch and a --watch-file with one id
// per line. Ids are lower-cased (registry ids are) and duplicates dropped,
// keeping the first occurrence.
func ParseWatchList(text string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			id := strings.ToLower(f)
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// Watch sets the companies that get per-company series. Call it once,
// before the first run: the set is read without locking afterwards. It
// fails when there are more than MaxWatched ids, so that a long list cannot
// silently grow the number of series. Callers check the ids against the
// company registry; Watch only needs them to be non-empty.
func (m *Metrics) Watch(ids []string) error {
	if len(ids) > MaxWatched {
		return fmt.Errorf("watch-list has %d companies: at most %d", len(ids), MaxWatched)
	}
	w := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" {
			return fmt.Errorf("watch-list: empty company id")
		}
		w[id] = true
		// A watched company that the run does not mention still reports
		// a zero article count; its sentiment and risk stay absent, since
		// zero would read as "neutral" and "no risk".
		m.CompanyArticles.WithLabelValues(id)
	}
	m.watched = w
	return nil
}

// Watched reports whether company id is on the watch-list.
func (m *Metrics) Watched(id string) bool { return m.watched[id] }

// CompanyDayValue is one company-day of the panel, as far as the
// per-company metrics need it.
type CompanyDayValue struct {
	CompanyID string
	Date      time.Time
	Articles  int
	Sentiment float64 // relevance-weighted mean sentiment
	Risk      float64 // mean regulatory risk
}

// SetCompanyDays sets the per-company series of the watched companies from
// a run's company-day panel: sentiment and risk of each company's latest
// day, and its article count over all days. Companies not on the
// watch-list are ignored. Gauges of watched companies the run did not
// mention are removed, so that a re-run (marktstem serve) does not keep
// reporting a previous run's values.
//
// The gauges report the latest day's raw values. A time-smoothed index
// would suit alerting better; the panel is growing one, and these gauges
// should switch to it when it lands.
func (m *Metrics) SetCompanyDays(days []CompanyDayValue) {
	latest := map[string]CompanyDayValue{}
	for _, d := range days {
		if !m.watched[d.CompanyID] {
			continue
		}
		m.CompanyArticles.WithLabelValues(d.CompanyID).Add(float64(d.Articles))
		if cur, ok := latest[d.CompanyID]; !ok || d.Date.After(cur.Date) {
			latest[d.CompanyID] = d
		}
	}
	for id := range m.watched {
		d, ok := latest[id]
		if !ok {
			m.CompanySentiment.DeleteLabelValues(id)
			m.CompanyRisk.DeleteLabelValues(id)
			m.CompanyDay.DeleteLabelValues(id)
			continue
		}
		m.CompanySentiment.WithLabelValues(id).Set(d.Sentiment)
		m.CompanyRisk.WithLabelValues(id).Set(d.Risk)
		m.CompanyDay.WithLabelValues(id).Set(float64(d.Date.Unix()))
	}
}
