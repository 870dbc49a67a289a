package pipeline

import (
	"fmt"
	"time"

	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/novelty"
)

// Rows is what one scored article contributes to a run's output: its
// articles row, its mentions rows and the observations the company-day
// panel is built from.
type Rows struct {
	Article  arrowout.Article
	Mentions []arrowout.Mention
	Obs      []aggregate.Obs
	// Published is the publication time, the novelty detector's clock.
	Published time.Time
	// Signature is the article's novelty.Signature, binary-encoded so
	// that Rows can cross machines.
	Signature []byte
}

// Rows runs the per-article stages on a and returns the rows Run's sink
// would write for it. It exists for engines that distribute the work
// themselves (the Beam pipeline in beam/), so that they share this
// package's conversion from analysis to rows instead of copying it. buf is
// reused from article to article and must not be shared between goroutines.
func (an *Analyzer) Rows(a *ingest.Article, buf *Buffer) (Rows, error) {
	out := process(&item{art: a}, an, buf, nil) // the rows leave: no reuse
	sig, err := out.sig.MarshalBinary()
	if err != nil {
		return Rows{}, fmt.Errorf("encode signature of %s: %w", a.ID, err)
	}
	return Rows{Article: out.article, Mentions: out.mentions, Obs: out.obs, Published: out.at, Signature: sig}, nil
}

// Companies returns the ids of the article's companies, in mentions
// order: the order novelty.Detector.Add takes them in.
func (r *Rows) Companies() []string {
	return r.appendCompanies(make([]string, 0, len(r.Mentions)))
}

// appendCompanies appends the ids Companies returns to ids.
func (r *Rows) appendCompanies(ids []string) []string {
	for _, m := range r.Mentions {
		ids = append(ids, m.CompanyID)
	}
	return ids
}

// Novelty applies the detector's verdict as Run's sink does: the article
// and its mentions record it, and a near-duplicate's observations leave
// the panel (the story was already counted).
func (r *Rows) Novelty(res novelty.Result) {
	r.Article.DuplicateOf = res.DuplicateOf
	for i := range r.Mentions {
		r.Mentions[i].Novelty = res.Novelty[i]
		r.Mentions[i].DuplicateOf = res.DuplicateOf
	}
	if res.DuplicateOf != "" {
		r.Obs = nil
	}
}

// DayRow converts one company-day of the panel to its company_daily row.
func DayRow(d aggregate.Day) arrowout.CompanyDay {
	return arrowout.CompanyDay{
		CompanyID: d.CompanyID, CompanyName: d.CompanyName, Date: d.Date,
		NArticles: int32(d.Articles), NMentions: int32(d.Mentions),
		SentimentMean: d.SentimentMean, SentimentWeighted: d.SentimentWeighted,
		RegulatoryRiskMean: d.RiskMean, RegulatoryRiskMax: d.RiskMax, RegulatoryRiskWeighted: d.RiskWeighted,
		SentimentStd: d.SentimentStd, RegulatoryRiskStd: d.RiskStd, NegativeShare: d.NegativeShare, Buzz: d.Buzz,
		SentimentIndex: d.SentimentIndex, RegulatoryRiskIndex: d.RiskIndex, SentimentZ: d.SentimentZ, RegulatoryRiskZ: d.RiskZ,
		RiskCategories: d.Categories,
	}
}

// PanelMetadata is the marktstem.panel metadata Run records for a panel
// with options o (after defaults, see aggregate.Panel.Options).
func PanelMetadata(o aggregate.Options) (string, error) { return panelMeta(o) }
