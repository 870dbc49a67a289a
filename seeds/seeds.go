// Package seeds embeds marktstem's sample corpus and company registry, the
// default input of `marktstem score` when no input is named.
package seeds

import (
	"embed"
	"io/fs"
)

//go:embed companies.csv articles
var files embed.FS

// FS returns the embedded seeds: companies.csv and articles/.
func FS() fs.FS { return files }

// CompaniesFile is the registry's name inside FS.
const CompaniesFile = "companies.csv"

// ArticlesDir is the corpus directory inside FS.
const ArticlesDir = "articles"
