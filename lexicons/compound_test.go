package lexicons

import (
	"errors"
	"testing"
	"testing/fstest"
)

func TestCompoundParts(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    int
		wantErr bool
	}{
		{"ok", "winst\thead,modifier\t\ngang\tstop-head\tbeursgang\n", 2, false},
		{"bad role", "winst\thead,kop\t\n", 0, true},
		{"empty role", "winst\t\t\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := minimal()
			fsys["nl/compound_parts.tsv"] = &fstest.MapFile{Data: []byte(meta("compound-parts") + "term\troles\tnote\n" + tt.data)}
			set, err := Load(fsys, nil)
			var pe *ParseError
			if got := err != nil; got != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.As(err, &pe) || pe.Line == 0 {
					t.Errorf("got %v, want a ParseError with a line", err)
				}
				return
			}
			if got := len(set.CompoundParts); got != tt.want {
				t.Errorf("got %d parts, want %d", got, tt.want)
			}
		})
	}
}

func TestEmbeddedCompoundParts(t *testing.T) {
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string][]string{}
	for _, p := range set.CompoundParts {
		roles[p.Term] = p.Roles
	}
	if got := len(roles); got < 10000 {
		t.Errorf("got %d compound parts, want ≥ 10000", got)
	}
	for w, want := range map[string]string{"winst": "head", "gang": "stop-head", "beursgang": "no-split"} {
		found := false
		for _, r := range roles[w] {
			found = found || r == want
		}
		if !found {
			t.Errorf("%s: got roles %v, want %s among them", w, roles[w], want)
		}
	}
}
