package lexicons_test

import (
	"fmt"
	"log"

	"github.com/marktstem/marktstem/lexicons"
)

func ExampleDefault() {
	set, err := lexicons.Default()
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range set.Files[:1] {
		fmt.Println(f.Path, len(f.SHA256), "hex digits of sha256")
	}
	// Output: nl/abbreviations.tsv 64 hex digits of sha256
}
