package arrowout

// This file is the one schema definition of marktstem's output: every column
// of every table is declared here exactly once, with its Arrow type,
// nullability, unit, range and meaning, and with the function that gets a
// row's value. The arrow.Schema of each table, the writers and
// docs/schema.md are all derived from these declarations.

import (
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/marktstem/marktstem/lexicons"
)

// SchemaVersion is the value of the "marktstem.schema_version" metadata key.
// It changes whenever a column is added, removed, renamed or retyped.
const SchemaVersion = "2"

// Table names, the values of the "marktstem.table" metadata key.
const (
	TableArticles     = "articles"
	TableMentions     = "mentions"
	TableCompanyDaily = "company_daily"
)

// Schema metadata keys written into every output file.
const (
	MetaVersion       = "marktstem.version"
	MetaRunTime       = "marktstem.run_time"
	MetaLexicons      = "marktstem.lexicons"
	MetaInputs        = "marktstem.inputs"
	MetaTable         = "marktstem.table"
	MetaSchemaVersion = "marktstem.schema_version"
	MetaPanel         = "marktstem.panel"
)

// metaKeyDocs documents the metadata keys, in the order docs/schema.md lists
// them.
var metaKeyDocs = []struct{ key, doc string }{
	{MetaVersion, "marktstem version that wrote the file (`marktstem version`)."},
	{MetaRunTime, "Run time in RFC 3339, UTC (e.g. `2024-03-14T09:30:00Z`); set it with `--run-time` or `SOURCE_DATE_EPOCH` for reproducible files."},
	{MetaLexicons, "JSON array of the lexicon files that produced the scores: `[{\"name\":…,\"version\":…,\"sha256\":…}]`."},
	{MetaInputs, "JSON array of the input paths as given on the command line (`[\"seeds/\"]`)."},
	{MetaTable, "Table name: `articles`, `mentions` or `company_daily`."},
	{MetaSchemaVersion, "Version of this schema, currently `" + SchemaVersion + "`."},
	{MetaPanel, "`company_daily` only: JSON of the settings behind its derived columns, `{\"smoothing\":\"exp:7\",\"window_days\":30,\"zscore_min_companies\":5,\"buzz_window_days\":30}`."},
}

// Units and ranges shared by several columns.
const (
	rngSentiment = "−1..1"
	rngRisk      = "0..1"
	unitScore    = "score"
	unitCount    = "count"
	rngShare     = "0..1"
)

// articlesTable declares the articles table: one row per scored article.
var articlesTable = &table[Article]{
	name: TableArticles,
	file: "articles",
	row:  "scored article, in input order",
	cols: append([]column[Article]{
		utf8Col("article_id", "", "", "Article id: the file name without extension (.txt) or the `id` field (JSONL). Unique within a run.",
			func(r *Article) string { return r.ArticleID }),
		dateCol("published", "", "", "Publication date (civil date, no time zone). For month precision, the first day of the month.",
			func(r *Article) time.Time { return r.Published }),
		utf8Col("published_precision", "", "month | day | time", "How precise the source's date was: `month` (YYYY-MM), `day` (YYYY-MM-DD) or `time` (an RFC 3339 time).",
			func(r *Article) string { return r.PublishedPrecision }),
		nullUTF8Col("source", "", "", "Publisher or wire (e.g. `FD`, `ANP`), null when the input does not say.",
			func(r *Article) string { return r.Source }),
		nullUTF8Col("url", "", "", "URL of the article, null when the input does not say.",
			func(r *Article) string { return r.URL }),
		utf8Col("title", "", "", "Headline (may be empty).",
			func(r *Article) string { return r.Title }),
		utf8Col("file", "", "", "Input file the article was read from (`-` for stdin).",
			func(r *Article) string { return r.File }),
		int32Col("n_tokens", unitCount, "≥ 0", "Number of tokens in headline and text.",
			func(r *Article) int32 { return r.NTokens }),
		int32Col("n_sentences", unitCount, "≥ 0", "Number of sentences in headline and text.",
			func(r *Article) int32 { return r.NSentences }),
		int32Col("n_companies", unitCount, "≥ 0", "Number of distinct companies mentioned (rows in `mentions` for this article).",
			func(r *Article) int32 { return r.NCompanies }),
		float64Col("sentiment", unitScore, rngSentiment, "Article sentiment: x/√(x²+1) with x = (Σ w − o·n)/√max(1, n) over the n shifted, weighted lexicon hits w, o the learned offset per hit; 0 when nothing hit.",
			func(r *Article) float64 { return r.Sentiment }),
		utf8Col("sentiment_label", "", "positive | neutral | negative", "`positive` at or above the positive threshold, `negative` at or below the negative one, else `neutral`. The thresholds (and o) are in the learned lexicon's header (embedded: −0.217 and +0.321), ±0.1 without one; `marktstem explain` prints them.",
			func(r *Article) string { return r.SentimentLabel }),
		int32Col("sentiment_hits", unitCount, "≥ 0", "Number of sentiment lexicon hits.",
			func(r *Article) int32 { return r.SentimentHits }),
		float64Col("regulatory_risk", unitScore, rngRisk, "Regulatory risk: 1 − exp(−max(0, A − ½R)/1.5) of adverse (A) and relief (R) taxonomy weights.",
			func(r *Article) float64 { return r.RegulatoryRisk }),
		boolCol("regulatory_risk_flag", "", "", "True when regulatory_risk ≥ 0.5.",
			func(r *Article) bool { return r.RegulatoryRiskFlag }),
		int32Col("risk_hits", unitCount, "≥ 0", "Number of regulatory-risk taxonomy hits.",
			func(r *Article) int32 { return r.RiskHits }),
		listCol("top_terms", "", "≤ 8 items", "Strongest terms by total absolute weight, formatted `term(+0.62)`, strongest first; empty list when nothing hit.",
			func(r *Article) []string { return r.TopTerms }),
		nullUTF8Col("duplicate_of", "", "", "Id of the earlier article (published within 24 hours, read before this one) that this one copies: estimated Jaccard similarity ≥ 0.8 of three-word shingles (one-permutation MinHash, 64 bins). Null for an original. Duplicates stay in `articles` and `mentions` but are left out of `company_daily`.",
			func(r *Article) string { return r.DuplicateOf }),
	}, categoryCols("Regulatory risk of the article from the %s terms alone (same formula as `regulatory_risk`).",
		func(r *Article) []float64 { return r.RiskCategories })...),
	part: func(r *Article) time.Time { return r.Published },
}

// mentionsTable declares the mentions table: one row per (article, company).
var mentionsTable = &table[Mention]{
	name: TableMentions,
	file: "mentions",
	row:  "(article, company), in input order, then by company id",
	cols: append([]column[Mention]{
		utf8Col("article_id", "", "", "Article id; joins `articles.article_id`.",
			func(r *Mention) string { return r.ArticleID }),
		dateCol("published", "", "", "Publication date of the article (as `articles.published`).",
			func(r *Mention) time.Time { return r.Published }),
		utf8Col("company_id", "", "", "Company id from the registry (`seeds/companies.csv`); brands and subsidiaries roll up to the parent.",
			func(r *Mention) string { return r.CompanyID }),
		utf8Col("company_name", "", "", "Company name from the registry.",
			func(r *Mention) string { return r.CompanyName }),
		int32Col("n_mentions", unitCount, "≥ 1", "Number of mentions, brands and subsidiaries included.",
			func(r *Mention) int32 { return r.NMentions }),
		listCol("matched", "", "≥ 1 item", "Distinct surface forms matched in the text, in order of appearance.",
			func(r *Mention) []string { return r.Matched }),
		int32Col("first_offset", "bytes", "≥ 0", "Byte offset of the first mention in the scored text (the headline followed by the body, UTF-8), as `marktstem explain` shows it.",
			func(r *Mention) int32 { return r.FirstOffset }),
		float64Col("relevance", "points", "0..100", "How much the article is about the company: 30 headline (else 15 lead) + 35 × mention share + 20 most-mentioned.",
			func(r *Mention) float64 { return r.Relevance }),
		float64Col("sentiment", unitScore, rngSentiment, "Sentiment of the sentences (clauses) attributed to the company.",
			func(r *Mention) float64 { return r.Sentiment }),
		float64Col("regulatory_risk", unitScore, rngRisk, "Regulatory risk of the sentences (clauses) attributed to the company.",
			func(r *Mention) float64 { return r.RegulatoryRisk }),
		float64Col("novelty", "points", "0..100", "How new the story is for this company: 100 · Π(1 − sᵢ·(1 − Δtᵢ/24 h)) over earlier articles i about the same company within 24 hours with estimated similarity sᵢ ≥ 0.25. 100 for a first story, near 0 for a wire copy.",
			func(r *Mention) float64 { return r.Novelty }),
		nullUTF8Col("duplicate_of", "", "", "As `articles.duplicate_of`: the article this one copies, or null.",
			func(r *Mention) string { return r.DuplicateOf }),
	}, categoryCols("Regulatory risk of the company's sentences from the %s terms alone.",
		func(r *Mention) []float64 { return r.RiskCategories })...),
	part: func(r *Mention) time.Time { return r.Published },
}

// companyDailyTable declares the company_daily table: one row per (company,
// day).
var companyDailyTable = &table[CompanyDay]{
	name: TableCompanyDaily,
	file: "company_daily",
	row:  "(company, day) with at least one mention, sorted by company id, then date. Days without news have no row; the derived columns (buzz, indices, z-scores) use the history the run sees, so give a run the trailing 30 days of input for full windows",
	cols: append([]column[CompanyDay]{
		utf8Col("company_id", "", "", "Company id from the registry.",
			func(r *CompanyDay) string { return r.CompanyID }),
		utf8Col("company_name", "", "", "Company name from the registry.",
			func(r *CompanyDay) string { return r.CompanyName }),
		dateCol("date", "", "", "Publication date of the articles.",
			func(r *CompanyDay) time.Time { return r.Date }),
		int32Col("n_articles", unitCount, "≥ 1", "Number of articles mentioning the company that day.",
			func(r *CompanyDay) int32 { return r.NArticles }),
		int32Col("n_mentions", unitCount, "≥ 1", "Total mentions over those articles.",
			func(r *CompanyDay) int32 { return r.NMentions }),
		float64Col("sentiment_mean", unitScore, rngSentiment, "Mean of `mentions.sentiment` over the day's articles.",
			func(r *CompanyDay) float64 { return r.SentimentMean }),
		float64Col("sentiment_weighted", unitScore, rngSentiment, "Relevance-weighted mean of `mentions.sentiment`; the plain mean when all relevances are 0.",
			func(r *CompanyDay) float64 { return r.SentimentWeighted }),
		float64Col("regulatory_risk_mean", unitScore, rngRisk, "Mean of `mentions.regulatory_risk` over the day's articles.",
			func(r *CompanyDay) float64 { return r.RegulatoryRiskMean }),
		float64Col("regulatory_risk_max", unitScore, rngRisk, "Maximum of `mentions.regulatory_risk` over the day's articles.",
			func(r *CompanyDay) float64 { return r.RegulatoryRiskMax }),
		float64Col("regulatory_risk_weighted", unitScore, rngRisk, "Relevance-weighted mean of `mentions.regulatory_risk`; the plain mean when all relevances are 0.",
			func(r *CompanyDay) float64 { return r.RegulatoryRiskWeighted }),
		nullFloat64Col("sentiment_std", unitScore, "≥ 0", "Dispersion: sample standard deviation (n − 1) of `mentions.sentiment` over the day's articles; null for one article.",
			func(r *CompanyDay) float64 { return r.SentimentStd }),
		nullFloat64Col("regulatory_risk_std", unitScore, "≥ 0", "Sample standard deviation of `mentions.regulatory_risk` over the day's articles; null for one article.",
			func(r *CompanyDay) float64 { return r.RegulatoryRiskStd }),
		float64Col("negative_share", "share", rngShare, "Share of the day's articles whose `mentions.sentiment` ≤ −0.1 (the `negative` label).",
			func(r *CompanyDay) float64 { return r.NegativeShare }),
		nullFloat64Col("buzz", "ratio", "≥ 0", "n_mentions / (mentions over the 30 calendar days before / days of them the run covers): 1 is a usual day, 3 three times the usual attention. Days without news count as 0; null when the run saw no earlier mention within 30 days.",
			func(r *CompanyDay) float64 { return r.Buzz }),
		nullFloat64Col("sentiment_index", unitScore, rngSentiment, "Time-smoothed sentiment: Σ w(ℓ)·sentiment_weighted(d−ℓ) / Σ w(ℓ) over the days ℓ = 0…W−1 back that had news (others contribute nothing). w from `--smoothing` (default exp:7, W = 30): equal 1; linear W−ℓ; exp:h 2^(−ℓ/h); almon:b,B (1−(1−i/W)^b)(1−i/W)^(B−b), i = ℓ+1 (sentometrics). Null only when the weights of those days sum to 0.",
			func(r *CompanyDay) float64 { return r.SentimentIndex }),
		nullFloat64Col("regulatory_risk_index", unitScore, rngRisk, "Time-smoothed regulatory risk: as `sentiment_index`, of `regulatory_risk_weighted`.",
			func(r *CompanyDay) float64 { return r.RegulatoryRiskIndex }),
		nullFloat64Col("sentiment_z", "sd", "", "Cross-sectional z-score of `sentiment_weighted` among the companies with a row that day: (x − mean)/sd, sd the sample standard deviation; null when fewer than 5 companies (`--zscore-min`) had news or sd = 0.",
			func(r *CompanyDay) float64 { return r.SentimentZ }),
		nullFloat64Col("regulatory_risk_z", "sd", "", "Cross-sectional z-score of `regulatory_risk_weighted`, as `sentiment_z`.",
			func(r *CompanyDay) float64 { return r.RegulatoryRiskZ }),
	}, categoryCols("Mean over the day's articles of `mentions.risk_%s`.",
		func(r *CompanyDay) []float64 { return r.RiskCategories })...),
	part: func(r *CompanyDay) time.Time { return r.Date },
}

// colSpec is the documentation-relevant part of a column declaration.
type colSpec struct {
	name     string
	typ      arrow.DataType
	nullable bool
	unit     string
	rng      string
	doc      string
}

// column declares one column of a table with row type T.
type column[T any] struct {
	colSpec
	// get returns the column's value of a row: a func(*T) V, V the Go type
	// of typ (string, int32, float64, bool, time.Time, []string), or a
	// catValue. It is typed by the writer once, when it opens (see
	// newRowAppender), so that appending a row makes no type switch.
	get any
}

// catValue gets element i of a row's vector of category values; a
// missing element (short or nil vector) is 0. The columns of one vector
// are declared together, i = 0, 1, …, so the writer gets the vector once
// per row.
type catValue[T any] struct {
	vec func(*T) []float64
	i   int
}

// table declares one output table with row type T.
type table[T any] struct {
	name string // value of marktstem.table
	file string // file name the pipeline writes, without extension
	row  string // what one row is
	cols []column[T]
	part func(*T) time.Time // the date a hive-partitioned layout files the row under
}

// specs returns the column declarations without their append functions.
func (t *table[T]) specs() []colSpec {
	out := make([]colSpec, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.colSpec
	}
	return out
}

// fields returns the Arrow fields of the table, in column order.
func (t *table[T]) fields() []arrow.Field {
	out := make([]arrow.Field, len(t.cols))
	for i, c := range t.cols {
		out[i] = arrow.Field{Name: c.name, Type: c.typ, Nullable: c.nullable}
	}
	return out
}

// schema returns the table's Arrow schema carrying meta.
func (t *table[T]) schema(meta Metadata) (*arrow.Schema, error) {
	md, err := meta.arrow(t.name)
	if err != nil {
		return nil, err
	}
	return arrow.NewSchema(t.fields(), &md), nil
}

// tableDoc is a table declaration without its row type, for rendering docs.
type tableDoc struct {
	name, file, row string
	cols            []colSpec
}

// allTables lists every output table, in the order the docs present them.
func allTables() []tableDoc {
	return []tableDoc{
		{articlesTable.name, articlesTable.file, articlesTable.row, articlesTable.specs()},
		{mentionsTable.name, mentionsTable.file, mentionsTable.row, mentionsTable.specs()},
		{companyDailyTable.name, companyDailyTable.file, companyDailyTable.row, companyDailyTable.specs()},
	}
}

// categoryCols declares one float64 column risk_<category> per regulatory
// category of lexicons.Categories(), in that order; doc has one %s for the
// category. A missing value (short or nil slice) is written as 0.
func categoryCols[T any](doc string, get func(*T) []float64) []column[T] {
	cats := lexicons.Categories()
	out := make([]column[T], len(cats))
	for i, c := range cats {
		out[i] = column[T]{
			colSpec: colSpec{name: "risk_" + c, typ: arrow.PrimitiveTypes.Float64, unit: unitScore, rng: rngRisk, doc: fmt.Sprintf(doc, c)},
			get:     catValue[T]{vec: get, i: i},
		}
	}
	return out
}

// listType is list<utf8> with non-null items, used by every list column.
var listType = arrow.ListOfNonNullable(arrow.BinaryTypes.String)

func utf8Col[T any](name, unit, rng, doc string, get func(*T) string) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: arrow.BinaryTypes.String, unit: unit, rng: rng, doc: doc}, get: get}
}

// nullUTF8Col is a nullable utf8 column; the empty string is written as null.
func nullUTF8Col[T any](name, unit, rng, doc string, get func(*T) string) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: arrow.BinaryTypes.String, nullable: true, unit: unit, rng: rng, doc: doc}, get: get}
}

func int32Col[T any](name, unit, rng, doc string, get func(*T) int32) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: arrow.PrimitiveTypes.Int32, unit: unit, rng: rng, doc: doc}, get: get}
}

func float64Col[T any](name, unit, rng, doc string, get func(*T) float64) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: arrow.PrimitiveTypes.Float64, unit: unit, rng: rng, doc: doc}, get: get}
}

// nullFloat64Col is a nullable float64 column; NaN is written as null, so
// no file holds a NaN a reader would have to special-case.
func nullFloat64Col[T any](name, unit, rng, doc string, get func(*T) float64) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: arrow.PrimitiveTypes.Float64, nullable: true, unit: unit, rng: rng, doc: doc}, get: get}
}

func boolCol[T any](name, unit, rng, doc string, get func(*T) bool) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: arrow.FixedWidthTypes.Boolean, unit: unit, rng: rng, doc: doc}, get: get}
}

// dateCol is a date32 column holding the civil date of the time (in its own
// location; the pipeline passes midnight UTC).
func dateCol[T any](name, unit, rng, doc string, get func(*T) time.Time) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: arrow.FixedWidthTypes.Date32, unit: unit, rng: rng, doc: doc}, get: get}
}

// listCol is a list<utf8> column; a nil slice is written as an empty list.
func listCol[T any](name, unit, rng, doc string, get func(*T) []string) column[T] {
	return column[T]{colSpec: colSpec{name: name, typ: listType, unit: unit, rng: rng, doc: doc}, get: get}
}

// toDate32 returns the civil date of t as days since 1970-01-01.
func toDate32(t time.Time) arrow.Date32 {
	y, m, d := t.Date()
	return arrow.Date32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
