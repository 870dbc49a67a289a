// Package tokenize splits Dutch news text into tokens and sentences.
//
// Every token carries its byte offsets into the article text, so any score
// can be traced back to the words that produced it. The scanner is written
// for Dutch newspaper text: apostrophe forms (salvo's, zo'n, 's-Hertogenbosch),
// hyphenated words (taxi-app, Q3-cijfers), Dutch numbers (1.250,5; 3,2%),
// abbreviations that do not end a sentence (o.a., mln., dhr.), URLs, e-mail
// addresses and tickers.
package tokenize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Kind classifies a token.
type Kind uint8

// Token kinds.
const (
	Word Kind = iota + 1
	Number
	Punct
	Symbol
	URL
	Email
)

var kindNames = [...]string{"", "word", "number", "punct", "symbol", "url", "email"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Token is one token of an article.
type Token struct {
	Start, End int    // byte offsets: text[Start:End] is the surface form
	Pos        int    // 1-based position in the article
	Sentence   int    // 0-based sentence index
	Kind       Kind   // word, number, punctuation…
	Norm       string // lower-case NFC form used for lexicon lookup
	Upper      bool   // all letters upper-case (acronyms, shouted headlines)
	Abbrev     bool   // a known abbreviation or initial that kept its period
}

// Sentence is a span of tokens.
type Sentence struct {
	Start, End int // byte offsets of the sentence in the text
	First      int // index of the first token
	Last       int // index one past the last token
	Paragraph  int // 0-based paragraph index (paragraphs are separated by blank lines)
}

// Tokenizer splits text into tokens and sentences. It is safe for
// concurrent use once built.
type Tokenizer struct {
	abbrev map[string]bool
}

// New returns a Tokenizer that treats the given abbreviations (lower-case,
// without the final period, e.g. "o.a", "mln") as non-terminal.
func New(abbreviations []string) *Tokenizer {
	t := &Tokenizer{abbrev: make(map[string]bool, len(abbreviations))}
	for _, a := range abbreviations {
		t.abbrev[strings.ToLower(strings.TrimSuffix(a, "."))] = true
	}
	return t
}

// Result holds the tokens and sentences of one text. Reusing a Result
// across calls avoids allocations.
type Result struct {
	Tokens    []Token
	Sentences []Sentence
}

// Tokenize splits text into tokens and sentences, reusing the slices in res.
func (t *Tokenizer) Tokenize(text string, res *Result) {
	res.Tokens = res.Tokens[:0]
	res.Sentences = res.Sentences[:0]
	s := scanner{t: t, text: text, res: res}
	s.run()
}

type scanner struct {
	t         *Tokenizer
	text      string
	res       *Result
	sentence  int
	paragraph int
	sentFirst int  // token index where the current sentence started
	endNext   bool // the previous token ended a sentence; close it before the next word
}

func (s *scanner) run() {
	text := s.text
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			// A blank line ends the paragraph and the sentence.
			if r == '\n' {
				j := i + size
				for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
					j++
				}
				if j < len(text) && text[j] == '\n' {
					s.closeSentence()
					s.paragraph++
					s.endNext = false
				}
			}
			i += size
			continue
		}
		start := i
		var kind Kind
		var abbrev bool
		switch {
		case hasURLPrefix(text[i:]):
			i = scanURL(text, i)
			kind = URL
		case isLetter(r):
			i, kind, abbrev = s.scanWord(i)
		case r >= '0' && r <= '9':
			i, kind = scanNumber(text, i)
		case isApostrophe(r) && startsElision(text, i+size):
			// 's-Hertogenbosch, 's avonds, 't
			i = scanElision(text, i+size)
			kind = Word
		case unicode.IsPunct(r):
			i += size
			kind = Punct
		default:
			i += size
			kind = Symbol
		}
		if s.endNext && (kind == Word || kind == Number || kind == URL || kind == Email) {
			if !(kind == Word && startsLower(text[start:i])) {
				s.closeSentence()
			}
			s.endNext = false
		}
		s.emit(start, i, kind, abbrev)
		if kind == Punct && isTerminal(text[start:i]) {
			s.endNext = true
		}
	}
	s.closeSentence()
}

func (s *scanner) emit(start, end int, kind Kind, abbrev bool) {
	surface := s.text[start:end]
	s.res.Tokens = append(s.res.Tokens, Token{
		Start: start, End: end, Pos: len(s.res.Tokens) + 1, Sentence: s.sentence,
		Kind: kind, Norm: normalize(surface), Upper: isUpper(surface), Abbrev: abbrev,
	})
}

func (s *scanner) closeSentence() {
	toks := s.res.Tokens
	if s.sentFirst >= len(toks) {
		return
	}
	s.res.Sentences = append(s.res.Sentences, Sentence{
		Start: toks[s.sentFirst].Start, End: toks[len(toks)-1].End,
		First: s.sentFirst, Last: len(toks), Paragraph: s.paragraph,
	})
	s.sentence++
	s.sentFirst = len(toks)
}

// scanWord scans letters, digits and marks, joined by internal apostrophes
// (salvo's, zo'n), hyphens (taxi-app), periods between letters (o.a.,
// bol.com) and an @ (e-mail). A final period stays with the word when the
// word is a known abbreviation or a single-letter initial.
func (s *scanner) scanWord(i int) (int, Kind, bool) {
	text := s.text
	start := i
	kind := Word
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			i += size
			continue
		}
		next, nsize := utf8.DecodeRuneInString(text[i+size:])
		_ = nsize
		switch {
		case isApostrophe(r) && isLetter(next):
			i += size
		case (r == '-' || r == '‐') && (isLetter(next) || unicode.IsDigit(next)):
			i += size
		case r == '.' && isLetter(next):
			i += size
		case r == '&' && isLetter(next) && isUpper(text[start:i]):
			i += size // AT&T, P&O
		case r == '@' && isLetter(next):
			i += size
			kind = Email
		default:
			return s.maybeAbbrev(start, i, kind)
		}
	}
	return s.maybeAbbrev(start, i, kind)
}

func (s *scanner) maybeAbbrev(start, end int, kind Kind) (int, Kind, bool) {
	if kind != Word || end >= len(s.text) || s.text[end] != '.' {
		return end, kind, false
	}
	word := s.text[start:end]
	if utf8.RuneCountInString(word) == 1 && isUpper(word) {
		return end + 1, kind, true // initial: J. Smit
	}
	// Acronyms in capitals (ING., KBC.) end sentences; abbreviations are lower-case or capitalised.
	if len(word) > 1 && isUpper(word) {
		return end, kind, false
	}
	if s.t.abbrev[strings.ToLower(word)] {
		return end + 1, kind, true
	}
	return end, kind, false
}

// scanNumber scans Dutch numbers (1.250,5; 3,2), dates (2021-09-14) and
// alphanumerics that start with a digit (3e, 20ste, 5G).
func scanNumber(text string, i int) (int, Kind) {
	kind := Number
	for i < len(text) {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			i++
		case (c == '.' || c == ',' || c == '-' || c == '/' || c == ':') && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9':
			i++
		default:
			r, size := utf8.DecodeRuneInString(text[i:])
			if isLetter(r) {
				i += size
				kind = Word
				continue
			}
			return i, kind
		}
	}
	return i, kind
}

func hasURLPrefix(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www.")
}

func scanURL(text string, i int) int {
	start := i
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) || r == '"' || r == '<' || r == '>' || r == '”' || r == '»' {
			break
		}
		i += size
	}
	// Trailing punctuation belongs to the sentence, not the URL.
	for i > start {
		r, size := utf8.DecodeLastRuneInString(text[start:i])
		if !strings.ContainsRune(".,;:!?)'’", r) {
			break
		}
		i -= size
	}
	return i
}

// startsElision reports whether an apostrophe at the current position
// starts 's or 't (the elided article: 's-Hertogenbosch, 's avonds).
func startsElision(text string, i int) bool {
	if i >= len(text) || (text[i] != 's' && text[i] != 't') {
		return false
	}
	if i+1 >= len(text) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(text[i+1:])
	return !isLetter(next)
}

func scanElision(text string, i int) int {
	i++ // the s or t
	if i+1 < len(text) && text[i] == '-' {
		r, _ := utf8.DecodeRuneInString(text[i+1:])
		if isLetter(r) {
			for i < len(text) {
				r, size := utf8.DecodeRuneInString(text[i:])
				if !(isLetter(r) || r == '-') {
					break
				}
				i += size
			}
		}
	}
	return i
}

func isTerminal(p string) bool { return p == "." || p == "!" || p == "?" || p == "…" }

func isLetter(r rune) bool { return unicode.IsLetter(r) }

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// isUpper reports whether s has letters and all of them are upper-case.
func isUpper(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters > 0
}

// normalize returns the lookup form: lower-case, NFC, typographic
// apostrophes folded to ASCII.
func normalize(s string) string {
	ascii := true
	lower := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if c >= 'A' && c <= 'Z' {
			lower = false
		}
	}
	if ascii {
		if lower {
			return s
		}
		return strings.ToLower(s)
	}
	s = strings.ReplaceAll(s, "’", "'")
	return norm.NFC.String(strings.ToLower(s))
}

// Normalize returns the lookup form of a word or phrase as tokens get it, so
// that lexicon and registry entries match token norms.
func Normalize(s string) string { return normalize(s) }

// Fold removes diacritics from a normalised form (financiële → financiele).
// It is a lookup fallback only: één and een are different words.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}
