package lexicons

import (
	"errors"
	"testing"
	"testing/fstest"
)

const learned = "# name: learned-sentiment\n# description: test\n# source: test\n# licence: Apache-2.0\n# version: 1\n# threshold: -0.2 0.3\n# direction: 0.6\n# offset: 0.05\nterm\tpos\tweight\tnote\nwinst\tNN\t0.7\t\nonder druk\tPHR\t-0.9\t\nrecord\tX\t0.2\t\n"

func TestLearned(t *testing.T) {
	fsys := minimal()
	fsys["nl/sentiment_learned.tsv"] = &fstest.MapFile{Data: []byte(learned)}
	set, err := Load(fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	weight := func(s *Set, term string) (float64, string) {
		for _, x := range s.Sentiment {
			if x.Term == term {
				return x.Weight, x.Lexicon
			}
		}
		return 0, ""
	}
	tests := []struct {
		term    string
		learned bool
		want    float64
		lexicon string
	}{
		{"winst", true, 0.7, LearnedName},
		{"onder druk", true, -0.9, LearnedName},
		{"record", true, 0.2, LearnedName},
		{"goed", true, 0.6, "general"},
		{"winst", false, 0.4, "finance"},
		{"onder druk", false, -0.4, "finance"},
		{"record", false, 0, ""},
	}
	base := set.WithoutLearned()
	for _, tt := range tests {
		s := set
		if !tt.learned {
			s = base
		}
		if got, lex := weight(s, tt.term); got != tt.want || lex != tt.lexicon {
			t.Errorf("%s (learned %v): got %v from %q, want %v from %q", tt.term, tt.learned, got, lex, tt.want, tt.lexicon)
		}
	}
	if got, want := set.Calibration, (Calibration{Negative: -0.2, Positive: 0.3, Direction: 0.6, Offset: 0.05}); got != want {
		t.Errorf("calibration: got %+v, want %+v", got, want)
	}
	if got, want := base.Calibration, DefaultCalibration(); got != want {
		t.Errorf("base calibration: got %+v, want %+v", got, want)
	}
	if got, want := len(base.Files), len(set.Files)-1; got != want {
		t.Errorf("base files: got %d, want %d", got, want)
	}
	// Only one entry per term survives: the override.
	n := 0
	for _, x := range set.Sentiment {
		if x.Term == "winst" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("entries for winst: got %d, want 1", n)
	}
	again, err := base.WithLearned([]byte(learned))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := weight(again, "winst"); got != 0.7 {
		t.Errorf("WithLearned winst: got %v, want 0.7", got)
	}
}

func TestLearnedHeaderErrors(t *testing.T) {
	tests := []struct {
		name, header string
	}{
		{"one threshold", "# threshold: 0.1\n"},
		{"unordered", "# threshold: 0.3 -0.2\n"},
		{"not a number", "# threshold: a b\n"},
		{"direction out of range", "# direction: 5\n"},
		{"offset not a number", "# offset: x\n"},
		{"offset out of range", "# offset: 0.7\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := meta("learned-sentiment") + tt.header + "term\tpos\tweight\tnote\nwinst\tNN\t0.7\t\n"
			_, err := (&Set{}).WithLearned([]byte(data))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("got %v, want a ParseError", err)
			}
		})
	}
}
