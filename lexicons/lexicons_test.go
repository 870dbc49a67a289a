package lexicons

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

const head = "# name: %s\n# description: test\n# source: test\n# licence: Apache-2.0\n# version: 1\n"

func meta(name string) string { return strings.Replace(head, "%s", name, 1) }

// minimal returns a complete, valid lexicon set as an in-memory FS.
func minimal() fstest.MapFS {
	return fstest.MapFS{
		"nl/sentiment_general.tsv": {Data: []byte(meta("general") + "term\tpos\tweight\tnote\ngoed\tJJ\t0.6\t\nslecht\tJJ\t-0.6\t\n")},
		"nl/sentiment_finance.tsv": {Data: []byte(meta("finance") + "term\tpos\tweight\tnote\nwinst\tNN\t0.4\t\nwinstwaarschuwing\tNN\t-0.85\t\nonder druk\tPHR\t-0.4\t\n")},
		"nl/direction.tsv":         {Data: []byte(meta("direction") + "term\tkind\tpolarity\tnote\nwinst\tobject\t1\t\nstijgt\tverb\t1\t\n")},
		"nl/shifters.tsv":          {Data: []byte(meta("shifters") + "term\tkind\tfactor\tnote\nniet\tnegator\t-0.8\t\nfors\tamplifier\t1.5\t\n")},
		"nl/regulatory.tsv":        {Data: []byte(meta("regulatory") + "term\tcategory\tweight\tnote\nboete\tenforcement\t0.8\t\ngoedkeuring\tlicensing\t-0.5\t\n")},
		"nl/regulatory_actors.tsv": {Data: []byte(meta("actors") + "term\tkind\tjurisdiction\tweight\tnote\nafm\tregulator\tNL\t0.8\t\nap\tregulator\tNL\t0.7\tcase-sensitive\n")},
		"nl/abbreviations.tsv":     {Data: []byte(meta("abbreviations") + "abbreviation\tnote\no.a\t\nmln\t\n")},
	}
}

func TestLoad(t *testing.T) {
	set, err := Load(minimal(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(set.Files), 7; got != want {
		t.Errorf("files: got %d, want %d", got, want)
	}
	if got, want := len(set.Sentiment), 5; got != want {
		t.Errorf("sentiment terms: got %d, want %d", got, want)
	}
	if got, want := set.Regulatory[0].Category, "enforcement"; got != want {
		t.Errorf("category: got %q, want %q", got, want)
	}
	if got, want := set.Actors[1].CaseSensitive, true; got != want {
		t.Errorf("case-sensitive actor: got %v, want %v", got, want)
	}
	for _, f := range set.Files {
		if len(f.SHA256) != 64 {
			t.Errorf("%s: sha256 %q", f.Path, f.SHA256)
		}
	}
}

func TestOverride(t *testing.T) {
	over := fstest.MapFS{"regulatory.tsv": {Data: []byte(meta("mine") + "term\tcategory\tweight\tnote\nverbod\tenforcement\t0.9\t\n")}}
	set, err := Load(minimal(), over)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := set.Regulatory[0].Term, "verbod"; got != want || len(set.Regulatory) != 1 {
		t.Errorf("override: got %q (%d terms), want %q (1)", got, len(set.Regulatory), want)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, file, data, want string
	}{
		{"missing licence", "nl/regulatory.tsv", "# name: x\n# description: d\n# source: s\n# version: 1\nterm\tcategory\tweight\tnote\n", `nl/regulatory.tsv:5: header lacks "licence"`},
		{"field count", "nl/regulatory.tsv", meta("x") + "term\tcategory\tweight\tnote\nboete\tenforcement\t0.8\n", "nl/regulatory.tsv:7: got 3 fields, want 4"},
		{"bad category", "nl/regulatory.tsv", meta("x") + "term\tcategory\tweight\tnote\nboete\tfines\t0.8\t\n", `nl/regulatory.tsv:7: unknown category "fines"`},
		{"weight range", "nl/sentiment_finance.tsv", meta("x") + "term\tpos\tweight\tnote\nwinst\tNN\t1.7\t\n", "nl/sentiment_finance.tsv:7: weight 1.7 out of range"},
		{"not a number", "nl/sentiment_finance.tsv", meta("x") + "term\tpos\tweight\tnote\nwinst\tNN\tveel\t\n", `nl/sentiment_finance.tsv:7: weight "veel" is not a number`},
		{"duplicate", "nl/sentiment_finance.tsv", meta("x") + "term\tpos\tweight\tnote\nwinst\tNN\t0.1\t\nwinst\tNN\t0.2\t\n", "nl/sentiment_finance.tsv:8: duplicate term \"winst\" (first on line 7)"},
		{"stray space", "nl/sentiment_finance.tsv", meta("x") + "term\tpos\tweight\tnote\nwinst \tNN\t0.1\t\n", "nl/sentiment_finance.tsv:7: bad term"},
		{"not NFC", "nl/sentiment_finance.tsv", meta("x") + "term\tpos\tweight\tnote\nfinancie\u0308le\tJJ\t0.1\t\n", "is not NFC"},
		{"shifter kind", "nl/shifters.tsv", meta("x") + "term\tkind\tfactor\tnote\nniet\tflipper\t-0.8\t\n", `nl/shifters.tsv:7: unknown shifter kind "flipper"`},
		{"invalid utf8", "nl/shifters.tsv", meta("x") + "term\tkind\tfactor\tnote\nni\xffet\tnegator\t-0.8\t\n", "not valid UTF-8"},
		{"no header", "nl/shifters.tsv", meta("x"), "no header row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := minimal()
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.data)}
			_, err := Load(fsys, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
	fsys := minimal()
	delete(fsys, "nl/direction.tsv")
	if _, err := Load(fsys, nil); !errors.Is(err, ErrMissing) {
		t.Errorf("missing file: got %v, want ErrMissing", err)
	}
}

func TestEmbedded(t *testing.T) {
	set, err := Default()
	if err != nil {
		t.Fatalf("embedded lexicons do not load: %v", err)
	}
	counts := map[string]int{}
	for _, r := range set.Regulatory {
		counts[r.Category]++
	}
	for _, c := range Categories() {
		if counts[c] == 0 {
			t.Errorf("category %s has no terms", c)
		}
	}
	for _, f := range set.Files {
		for _, k := range requiredMeta {
			if f.Meta[k] == "" {
				t.Errorf("%s: no %s", f.Path, k)
			}
		}
	}
}

// FuzzParse: arbitrary bytes never panic; accepted files are well-formed.
func FuzzParse(f *testing.F) {
	f.Add([]byte(meta("x") + "term\tpos\tweight\tnote\nwinst\tNN\t0.4\t\n"))
	f.Add([]byte("# name: x\nterm\n"))
	f.Add([]byte("\xff\x00\t\t\n#"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.tsv", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		for _, r := range file.Rows {
			if len(r.Fields) != len(file.Columns) {
				t.Fatalf("row on line %d has %d fields, header %d", r.Line, len(r.Fields), len(file.Columns))
			}
		}
	})
}
