package novelty

import (
	"strings"
	"testing"
)

func TestSignatureBinary(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"text", "ASML meldt recordorders uit China en verhoogt de verwachting"},
		{"too short", "ASML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := Sign(strings.Fields(tt.text))
			b, err := want.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var got Signature
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	var s Signature
	if err := s.UnmarshalBinary([]byte{1, 2}); err == nil {
		t.Errorf("got no error for 2 bytes, want one")
	}
}
