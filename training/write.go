package training

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/marktstem/marktstem/lexicons"
)

// Write writes l as a lexicon file (see lexicons): the provenance header
// names the dataset, which is not redistributed; the threshold and direction
// header lines carry the calibration; the note column records each term's
// support by label and the lexicon weight it replaces.
func (l *Learned) Write(w io.Writer, dataset, version string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# name: %s\n", lexicons.LearnedName)
	fmt.Fprintf(&b, "# description: sentiment term weights learned on top of the general and finance lexicons (ordinal logistic regression, penalty %g towards the lexicon weights, %d labelled texts); overrides them term by term\n", l.Lambda, l.Examples)
	fmt.Fprintf(&b, "# source: learned by `marktstem lexicon learn` from %s (not redistributed)\n", oneLine(dataset))
	b.WriteString("# licence: Apache-2.0\n")
	fmt.Fprintf(&b, "# version: %s\n", oneLine(version))
	b.WriteString(l.Calibration.Header())
	b.WriteString("# note: n=texts containing the term by gold label (-/0/+); prior=the lexicon weight it replaces; new=not in a lexicon before; words=the summed lexicon weights of a new phrase's words, its prior\n")
	b.WriteString("term\tpos\tweight\tnote\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write learned lexicon: %w", err)
	}
	for _, t := range l.Terms {
		note := fmt.Sprintf("n=%d/%d/%d", t.Support[0], t.Support[1], t.Support[2])
		if t.New {
			note += " new"
			if t.Prior != 0 {
				note += " words=" + strconv.FormatFloat(t.Prior, 'f', 3, 64)
			}
		} else {
			note += " prior=" + strconv.FormatFloat(t.Prior, 'f', 3, 64)
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", t.Term, t.POS, strconv.FormatFloat(t.Weight, 'f', 4, 64), note); err != nil {
			return fmt.Errorf("write learned lexicon: %w", err)
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
