package ingest

import (
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// Precision says how much of Article.Published the input actually stated,
// so that downstream code does not mistake a month for its first day.
type Precision string

// The precisions an input date can have.
const (
	// PrecisionMonth: the input gave YYYY-MM; Published is the first of the month.
	PrecisionMonth Precision = "month"
	// PrecisionDay: the input gave YYYY-MM-DD; Published is midnight UTC.
	PrecisionDay Precision = "day"
	// PrecisionTime: the input gave an RFC 3339 time; Published is that instant in UTC.
	PrecisionTime Precision = "time"
)

// Origin locates an article or reject in the input.
type Origin struct {
	// File is the input path ("stdin" for "-", label/path for WalkFS).
	File string
	// Line is the 1-based line on which the article starts (0 when the
	// problem concerns the file as a whole, e.g. it cannot be opened).
	Line int
	// Offset is the byte offset of the article's start in the decompressed stream.
	Offset int64
}

// String formats the origin as "file:line", or just "file" when Line is 0.
func (o Origin) String() string {
	if o.Line <= 0 {
		return o.File
	}
	return o.File + ":" + strconv.Itoa(o.Line)
}

// Article is one accepted input article.
type Article struct {
	ID        string
	Published time.Time // always UTC
	Precision Precision
	Title     string
	Body      string
	Source    string
	URL       string
	Origin    Origin
	// Repaired lists, comma-separated, what was done to make the input
	// clean text (RepairCP1252, RepairMojibake, …); "" when nothing was.
	Repaired string

	// text, when set, is Title + "\n\n" + Body, built by the reader in the
	// same allocation as Title and Body, so that Text need not copy the
	// whole article again. Text checks that it still matches, since a
	// caller may change Title or Body.
	text string
}

// Text returns the text to analyse: Title, a blank line, then Body. Title is
// always a prefix of Text, because the scorer treats the first len(Title)
// bytes as the headline.
func (a *Article) Text() string {
	switch {
	case a.Title == "":
		return a.Body
	case a.Body == "":
		return a.Title
	case a.joins(a.text):
		return a.text
	}
	return a.Title + "\n\n" + a.Body
}

// joins reports whether text is Title + "\n\n" + Body. When Title and Body
// are substrings of text, as the reader leaves them, this costs no more
// than comparing lengths and pointers: string comparison returns at once
// for operands that share their bytes.
func (a *Article) joins(text string) bool {
	n := len(a.Title)
	return len(text) == n+2+len(a.Body) && text[:n] == a.Title && text[n:n+2] == "\n\n" && text[n+2:] == a.Body
}

// Date returns the civil date of Published at midnight UTC; it is the day
// the article counts for in daily aggregates.
func (a *Article) Date() time.Time {
	y, m, d := a.Published.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Reason classifies why an input was rejected. Its values are stable: they
// appear in rejects.jsonl and as metric label values.
type Reason string

// The reasons an input can be rejected.
const (
	ReasonInvalidUTF8 Reason = "invalid_utf8" // text is not valid UTF-8; detail names the byte offset
	ReasonNUL         Reason = "nul_bytes"    // text contains a NUL byte (usually a binary file)
	ReasonEmpty       Reason = "empty"        // file has no content at all
	ReasonBadJSON     Reason = "bad_json"     // JSONL line is not valid JSON or not an object
	ReasonMissingDate Reason = "missing_date" // no date header / no "published"
	ReasonBadDate     Reason = "bad_date"     // date present but malformed or impossible
	ReasonMissingID   Reason = "missing_id"   // JSONL object without "id"
	ReasonDuplicateID Reason = "duplicate_id" // id already seen earlier in the walk
	ReasonTooLarge    Reason = "too_large"    // article larger than Options.MaxArticleBytes
	ReasonReadError   Reason = "read_error"   // file could not be read
	ReasonBadGzip     Reason = "bad_gzip"     // gzip stream truncated or corrupt
	ReasonNoText      Reason = "no_text"      // title and body both empty
	ReasonOutsideDate Reason = "outside_date" // a --date run: published on another day
)

// Reasons returns every Reason, sorted, so that callers can pre-create
// metric label values and report zero counts.
func Reasons() []Reason {
	rs := []Reason{
		ReasonInvalidUTF8, ReasonNUL, ReasonEmpty, ReasonBadJSON, ReasonMissingDate,
		ReasonBadDate, ReasonMissingID, ReasonDuplicateID, ReasonTooLarge,
		ReasonReadError, ReasonBadGzip, ReasonNoText, ReasonOutsideDate,
	}
	slices.Sort(rs)
	return rs
}

// Reject is an input that did not become an Article. It implements error so
// that it can be printed or returned as-is.
type Reject struct {
	Origin Origin
	ID     string // the article id when it was known, else ""
	Reason Reason
	Detail string
}

// Error formats the reject as "file:line: reason: detail".
func (r *Reject) Error() string {
	if r.Detail == "" {
		return fmt.Sprintf("%s: %s", r.Origin, r.Reason)
	}
	return fmt.Sprintf("%s: %s: %s", r.Origin, r.Reason, r.Detail)
}

// Record is what Walk hands to its callback: exactly one of Article and
// Reject is non-nil.
type Record struct {
	Article *Article
	Reject  *Reject
	// Bytes is the number of (decompressed) input bytes consumed for this
	// record, including blank lines skipped before it.
	Bytes int64
}

// DefaultMaxArticleBytes is the article size limit used when
// Options.MaxArticleBytes is 0.
const DefaultMaxArticleBytes = 16 << 20

// LimitArticleBytes is the largest Options.MaxArticleBytes: tokens hold
// byte offsets as int32 (tokenize.MaxText), which keeps a token to half a
// cache line. Larger settings are lowered to it.
const LimitArticleBytes = tokenize.MaxText

// Options configures a Reader.
type Options struct {
	// MaxArticleBytes bounds one article (a .txt file or a JSONL line);
	// 0 means DefaultMaxArticleBytes, and more than LimitArticleBytes
	// means LimitArticleBytes.
	MaxArticleBytes int
	// Logger receives notes about skipped files and directories; nil discards them.
	Logger *slog.Logger
	// MaxIDs is the number of article ids kept in memory for the duplicate
	// check before they are spilled to SpillDir; 0 means DefaultMaxIDs.
	MaxIDs int
	// SpillDir holds the spilled ids and input names ("" means
	// os.TempDir()). The files are unlinked on creation where the system
	// allows it.
	SpillDir string
	// OnInput, when set, receives every input as it is finished, with its
	// size and hash (the run manifest lists them); the Reader keeps no
	// list, so an archive of millions of files costs no memory per file.
	// An error stops the walk.
	OnInput func(InputFile) error
}
