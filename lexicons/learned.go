package lexicons

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// learnedBase is the base name of the optional learned lexicon. It is
// loaded after the finance lexicon and overrides it term by term.
const learnedBase = "sentiment_learned"

// LearnedName is the lexicon name that marks learned entries in Term.Lexicon.
const LearnedName = "learned-sentiment"

// Calibration holds the numbers that turn a sentiment sum into labels. A
// learned lexicon may set them in its header:
//
//	# threshold: -0.12 0.15
//	# direction: 0.55
//	# offset: 0.03
//
// because a model learned from labelled data also learns where neutral
// ends; a hand-made lexicon keeps the symmetric defaults.
type Calibration struct {
	Negative  float64 // sentiment at or below this is labelled negative
	Positive  float64 // sentiment at or above this is labelled positive
	Direction float64 // base weight of a direction pair (winst stijgt)
	// Offset is the weight an average sentiment hit carries in neutral
	// text; every hit counts relative to it, so that a long neutral
	// article does not add up to a positive one.
	Offset float64
}

// DefaultCalibration is the calibration without a learned lexicon: labels
// at ±0.1 and direction pairs at 0.5.
func DefaultCalibration() Calibration {
	return Calibration{Negative: -0.1, Positive: 0.1, Direction: 0.5}
}

// Header renders c as the header lines of a learned lexicon.
func (c Calibration) Header() string {
	return fmt.Sprintf("# threshold: %s %s\n# direction: %s\n# offset: %s\n",
		strconv.FormatFloat(c.Negative, 'f', 4, 64), strconv.FormatFloat(c.Positive, 'f', 4, 64),
		strconv.FormatFloat(c.Direction, 'f', 4, 64), strconv.FormatFloat(c.Offset, 'f', 4, 64))
}

// addLearned appends the terms of a learned lexicon and takes its calibration.
func (s *Set) addLearned(f *File) error {
	terms, err := sentimentTerms(f)
	if err != nil {
		return err
	}
	for i := range terms {
		terms[i].Lexicon = LearnedName
	}
	bad := func(key string, err error) error {
		return &ParseError{File: f.Path, Line: 0, Err: fmt.Errorf("header %s: %w", key, err)}
	}
	c := DefaultCalibration()
	if v, ok := f.Meta["threshold"]; ok {
		parts := strings.Fields(v)
		if len(parts) != 2 {
			return bad("threshold", fmt.Errorf("got %q, want two numbers (negative positive)", v))
		}
		neg, err1 := strconv.ParseFloat(parts[0], 64)
		pos, err2 := strconv.ParseFloat(parts[1], 64)
		if err1 != nil || err2 != nil || !(neg < pos) || neg <= -1 || pos >= 1 {
			return bad("threshold", fmt.Errorf("got %q, want -1 < negative < positive < 1", v))
		}
		c.Negative, c.Positive = neg, pos
	}
	if v, ok := f.Meta["direction"]; ok {
		d, err := strconv.ParseFloat(v, 64)
		if err != nil || d < 0 || d > 2 {
			return bad("direction", fmt.Errorf("got %q, want a number in [0, 2]", v))
		}
		c.Direction = d
	}
	if v, ok := f.Meta["offset"]; ok {
		o, err := strconv.ParseFloat(v, 64)
		if err != nil || o < -0.5 || o > 0.5 {
			return bad("offset", fmt.Errorf("got %q, want a number in [-0.5, 0.5]", v))
		}
		c.Offset = o
	}
	s.Sentiment = append(s.Sentiment, terms...)
	s.Calibration = c
	return nil
}

// dedupe keeps the last entry of every term, in the order of those last
// entries. Without it a phrase listed in two files would be matched by its
// first (overridden) entry.
func dedupe(terms []Term) []Term {
	last := make(map[string]int, len(terms))
	for i, t := range terms {
		last[t.Term] = i
	}
	out := terms[:0:0]
	for i, t := range terms {
		if last[t.Term] == i {
			out = append(out, t)
		}
	}
	return out
}

// WithoutLearned returns a copy of s without the learned lexicon: the base
// that `marktstem lexicon learn` starts from, and what cross-validation must
// use so that no fold is scored with weights learned from it.
func (s *Set) WithoutLearned() *Set {
	c := *s
	c.Files = nil
	for _, f := range s.Files {
		if !isLearned(f) {
			c.Files = append(c.Files, f)
		}
	}
	c.Sentiment = nil
	for _, t := range s.Sentiment {
		if t.Lexicon != LearnedName {
			c.Sentiment = append(c.Sentiment, t)
		}
	}
	// Removing a learned entry may uncover the finance entry it replaced,
	// which dedupe dropped; rebuild from the files to get it back.
	if len(c.Sentiment) != len(s.Sentiment) {
		c.Sentiment = nil
		for _, f := range c.Files {
			switch f.Path {
			case "nl/sentiment_general.tsv", "nl/sentiment_finance.tsv":
				terms, _ := sentimentTerms(f) // parsed once already
				c.Sentiment = append(c.Sentiment, terms...)
			}
		}
		c.Sentiment = dedupe(c.Sentiment)
	}
	c.Calibration = DefaultCalibration()
	return &c
}

// WithLearned returns a copy of s with data, a learned lexicon file, in
// place of any learned lexicon s has.
func (s *Set) WithLearned(data []byte) (*Set, error) {
	f, err := Parse("nl/"+learnedBase+".tsv", data)
	if err != nil {
		return nil, err
	}
	c := s.WithoutLearned()
	c.Files = append(append([]*File(nil), c.Files...), f)
	sort.Slice(c.Files, func(a, b int) bool { return c.Files[a].Path < c.Files[b].Path })
	if err := c.addLearned(f); err != nil {
		return nil, err
	}
	c.Sentiment = dedupe(c.Sentiment)
	return c, nil
}

func isLearned(f *File) bool {
	return strings.TrimSuffix(f.Path[strings.LastIndex(f.Path, "/")+1:], ".tsv") == learnedBase
}
