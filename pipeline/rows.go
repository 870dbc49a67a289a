package pipeline

import (
	"github.com/marktstem/marktstem/pipeline/aggregate"
	"github.com/marktstem/marktstem/pipeline/arrowout"
	"github.com/marktstem/marktstem/pipeline/ingest"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// Rows is what one scored article contributes to a run's output: its
// articles row, its mentions rows and the observations the company-day
// panel is built from.
type Rows struct {
	Article  arrowout.Article
	Mentions []arrowout.Mention
	Obs      []aggregate.Obs
}

// Rows runs the per-article stages on a and returns the rows Run's sink
// would write for it. It exists for engines that distribute the work
// themselves (the Beam pipeline in beam/), so that they share this
// package's conversion from analysis to rows instead of copying it. buf is
// reused for the tokens and must not be shared between goroutines.
func (an *Analyzer) Rows(a *ingest.Article, buf *tokenize.Result) Rows {
	out := process(&item{art: a}, an, buf)
	return Rows{Article: out.article, Mentions: out.mentions, Obs: out.obs}
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
