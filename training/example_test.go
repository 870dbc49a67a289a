package training_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/marktstem/marktstem/lexicons"
	"github.com/marktstem/marktstem/training"
)

func ExampleLearn() {
	set, err := lexicons.Default()
	if err != nil {
		log.Fatal(err)
	}
	base := set.WithoutLearned() // learn from the hand-made lexicons only
	var ex []training.Example
	for i, s := range []string{"bouw", "export", "horeca", "zorg"} {
		ex = append(ex,
			training.Example{ID: fmt.Sprint("p", i), Text: "Opleving in de " + s, Label: 1},
			training.Example{ID: fmt.Sprint("n", i), Text: "Malaise in de " + s, Label: -1},
			training.Example{ID: fmt.Sprint("z", i), Text: "Vergadering over de " + s, Label: 0})
	}
	l, err := training.Learn(context.Background(), base, ex, training.Config{Lambdas: []float64{1}})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range l.Terms {
		if t.Term == "opleving" || t.Term == "malaise" {
			fmt.Printf("%s %s\n", t.Term, map[bool]string{true: "positive", false: "negative"}[t.Weight > 0])
		}
	}
	// The result is a lexicon file: l.Write(os.Stdout, "my headlines", "1").
	_ = os.Stdout
	// Output:
	// malaise negative
	// opleving positive
}
