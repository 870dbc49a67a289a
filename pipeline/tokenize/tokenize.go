// Package tokenize splits Dutch news text into tokens and sentences.
//
// Every token carries its byte offsets into the article text, so any score
// can be traced back to the words that produced it. The scanner is written
// for Dutch newspaper text: apostrophe forms (salvo's, zo'n, 's-Hertogenbosch),
// hyphenated words (taxi-app, Q3-cijfers, midden- en kleinbedrijf), Dutch
// numbers (1.250,5; 3,2%; '21), abbreviations that do not end a sentence
// (o.a., mln., dhr.), initials (J.P. Morgan), URLs, e-mail addresses,
// tickers and typographic quotes.
//
// The scanner has ASCII fast paths and writes the normalised forms of all
// tokens of a text into one buffer; a reused Result remembers the forms it
// made, so that tokenising text like the texts before allocates nothing.
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

// String returns the kind's lower-case name.
func (k Kind) String() string {
	switch k {
	case Word:
		return "word"
	case Number:
		return "number"
	case Punct:
		return "punct"
	case Symbol:
		return "symbol"
	case URL:
		return "url"
	case Email:
		return "email"
	}
	return "unknown"
}

// Token is one token of an article; its index in Result.Tokens is its
// position. A Token is 32 bytes, two to a cache line, as every stage walks
// the tokens several times: hence int32 offsets (MaxText).
type Token struct {
	Norm       string // lower-case NFC form used for lexicon lookup
	Start, End int32  // byte offsets: text[Start:End] is the surface form
	Sentence   int32  // 0-based sentence index
	Kind       Kind   // word, number, punctuation…
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
	// sigs is a Bloom filter of the abbreviations: the two abbrevSig bits
	// of every one are set. Most words before a period miss one, and skip
	// the map.
	sigs [1 << sigBits / 64]uint64
}

// sigBits is the size of Tokenizer.sigs, 4 KB. With two bits per word, one
// in a few hundred of the words that end sentences gets past it; one bit,
// made of the length and first and last letters only, let a third through
// (procent, miljard, eerder…), each to a map lookup.
const sigBits = 15

// abbrevSig hashes a non-empty word's length and its first two and last two
// bytes, ASCII letters lower-cased (c|0x20 maps c and its lower case alike),
// into two sigBits-bit indexes of Tokenizer.sigs.
func abbrevSig(w string) (uint, uint) {
	n := len(w)
	x := uint64(n) | uint64(w[0]|0x20)<<8 | uint64(w[min(1, n-1)]|0x20)<<16 |
		uint64(w[max(n-2, 0)]|0x20)<<24 | uint64(w[n-1]|0x20)<<32
	h := uint(x * 0x9e3779b97f4a7c15 >> (64 - 2*sigBits))
	return h >> sigBits, h & (1<<sigBits - 1)
}

// maybeAbbrevKey reports whether word may be an abbreviation: false only if
// its lower-case form is surely none.
func (t *Tokenizer) maybeAbbrevKey(word string) bool {
	a, b := abbrevSig(word)
	return t.sigs[a/64]&(1<<(a%64)) != 0 && t.sigs[b/64]&(1<<(b%64)) != 0
}

// New returns a Tokenizer that treats the given abbreviations (lower-case,
// without the final period, e.g. "o.a", "mln") as non-terminal.
func New(abbreviations []string) *Tokenizer {
	t := &Tokenizer{abbrev: make(map[string]bool, len(abbreviations))}
	for _, a := range abbreviations {
		key := normalize(strings.TrimSuffix(a, "."))
		t.abbrev[key] = true
		if key != "" {
			a, b := abbrevSig(key)
			t.sigs[a/64] |= 1 << (a % 64)
			t.sigs[b/64] |= 1 << (b % 64)
		}
	}
	return t
}

// Result holds the tokens and sentences of one text. Reusing a Result
// across calls avoids allocations.
type Result struct {
	Tokens    []Token
	Sentences []Sentence

	norms  []byte               // normalised forms that differ from the surface, back to back
	fix    []fixup              // which token gets which part of norms
	seen   map[string]normEntry // surface → normalised form, made for earlier texts
	recent *normCache           // in front of seen; nil until seen has minCachedNorms forms
	tmp    [64]byte             // scratch for lower-casing abbreviation candidates
}

// normEntry pairs a surface form (never a substring of a text, which it
// would keep alive) with its normalised form, "" when that is the surface
// itself (a word never normalises to "").
type normEntry struct{ surface, norm string }

// of returns the normalised form of surface, e's surface.
func (e *normEntry) of(surface string) string {
	if e.norm == "" {
		return surface
	}
	return e.norm
}

// normCache is a direct-mapped cache of normalised forms: a slot costs
// less to find and compare than the map's hash of the whole word, and
// news repeats its capitalised words. 4096 slots hold those of most news
// in 128 KB, which stay in the CPU's cache.
type normCache [1 << 12]normEntry

// slot picks w's slot (ShortHash); a collision only costs a map lookup.
func (c *normCache) slot(w string) *normEntry {
	return &c[ShortHash(w)>>(32-12)]
}

// ShortHash is a cheap 32-bit hash of a word: its length and its first,
// middle and last bytes, mixed by one multiplication. It is meant for the
// direct-mapped caches and signature sets of the hot loops over tokens,
// where a collision only costs a slower lookup; a full hash of the word
// would cost more than it saves. The top bits are the best mixed: take
// ShortHash(w) >> (32 - bits). It is 0 for "".
func ShortHash(w string) uint32 {
	n := len(w)
	if n == 0 {
		return 0
	}
	h := uint32(n) | uint32(w[0])<<8 | uint32(w[n/2])<<16 | uint32(w[n-1])<<24
	return h * 0x9e3779b1
}

// remember adds e to the Result's memory of normalised forms.
func (res *Result) remember(e normEntry) {
	res.seen[e.surface] = e
	if res.recent != nil {
		*res.recent.slot(e.surface) = e
	}
}

// fixup assigns norms[off:end] to Tokens[tok].Norm once the text is done.
type fixup struct{ tok, off, end int32 }

// MaxText is the length of the longest text Tokenize splits whole: token
// offsets are int32. The pipeline's article limit stays below it
// (ingest.LimitArticleBytes).
const MaxText = 1<<31 - 1

// Tokenize splits text into tokens and sentences, reusing the slices in res.
// Any byte sequence is accepted: invalid UTF-8 becomes one-byte symbols.
// Only the first MaxText bytes of a longer text are split.
func (t *Tokenizer) Tokenize(text string, res *Result) {
	if len(text) > MaxText {
		text = text[:MaxText]
	}
	res.Tokens = res.Tokens[:0]
	res.Sentences = res.Sentences[:0]
	res.norms = res.norms[:0]
	res.fix = res.fix[:0]
	if res.seen == nil || len(res.seen) > maxSeenNorms {
		res.seen = make(map[string]normEntry)
	}
	s := scanner{t: t, text: text, res: res, openFrom: -1}
	s.run()
	if len(res.fix) > 0 {
		// The normalised forms new to this Result: one string for all
		// of them, remembered by surface for the texts to come.
		all := string(res.norms)
		for _, f := range res.fix {
			tok := &res.Tokens[f.tok]
			tok.Norm = all[f.off:f.end]
			// The key is copied: a substring would keep the whole text alive.
			res.remember(normEntry{strings.Clone(text[tok.Start:tok.End]), tok.Norm})
		}
	}
	if res.recent == nil && len(res.seen) >= minCachedNorms {
		res.recent = new(normCache)
	}
}

// maxSeenNorms bounds Result's memory of normalised forms (a few MB); past
// it the memory starts afresh.
const maxSeenNorms = 1 << 16

// minCachedNorms is the size of its memory of normalised forms from which
// a Result gets a normCache. Only Results that tokenise much text, those
// of pipeline workers, need one; a Result used for a headline on its own
// does not pay for it.
const minCachedNorms = 256

// abbrevClass says when a word with a kept final period may still end a
// sentence.
type abbrevClass uint8

const (
	notAbbrev   abbrevClass = iota
	endsNever               // titles, prepositional abbreviations, single initials: dhr. Jansen, o.a. ASML
	endsStarter             // ends before a typical sentence opener: … Holding bv. De winst …
	endsCapital             // ends before any capitalised word: … 3 mln. Philips …
)

type scanner struct {
	t         *Tokenizer
	text      string
	res       *Result
	sentence  int
	paragraph int
	paraFirst int         // token index where the current paragraph started
	sentFirst int         // token index where the current sentence started
	endNext   bool        // a terminal was seen; close the sentence before the next capitalised word
	soft      abbrevClass // the previous word was an abbreviation of this class
	openFrom  int         // first of the opening quotes/brackets seen since the terminal, or -1
	lineStart bool        // only blanks since the last newline
}

func (s *scanner) run() {
	text := s.text
	i := 0
	s.lineStart = true
	knownNotPlain := -1 // where plainWords found a word it cannot take: no need to ask it again
	for i < len(text) {
		c := text[i]
		if asciiWord[c]&(classLower|classUpper) != 0 && i != knownNotPlain {
			if j, notPlain := s.plainWords(i); j > i {
				i = j
				if notPlain {
					knownNotPlain = j
				}
				continue
			}
		}
		if c == ' ' {
			// All token does with a space (after punctuation, numbers,
			// quotes…), without the call.
			i++
			continue
		}
		i = s.token(i)
	}
	s.closeAt(len(s.res.Tokens))
}

// token scans and emits the token at text[i], or skips the white space
// there, and returns where it ended. It takes any token, plain words too:
// run only leaves it the rest, and tests compare run with it.
func (s *scanner) token(i int) int {
	text := s.text
	c := text[i]
	start := i
	var kind Kind
	var flags wordFlags
	class := notAbbrev
	if c < utf8.RuneSelf {
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			return i + 1
		case c == '\n':
			return s.newline(i)
		case isASCIILetter(c):
			if (c == 'h' || c == 'w' || c == 'H' || c == 'W' || c == 'f') && maybeURL(text, i) && hasURLPrefix(text[i:]) {
				i, kind = scanURL(text, i), URL
			} else {
				i, kind, flags, class = s.scanWord(i)
			}
		case c >= '0' && c <= '9':
			i, kind, flags = s.scanNumber(i)
		case c == '\'' && startsElision(text, i+1):
			i, kind = scanElision(text, i+1), Word
			flags = flagsOf(text[start:i])
		case c == '\'' && startsYear(text, i+1):
			i, kind = i+3, Number // '21
		case (c == '-' || c == '+') && signedNumber(text, i):
			i, kind, flags = s.scanNumber(i + 1)
		case c == '.' || c == '!' || c == '?':
			for i < len(text) && (text[i] == '.' || text[i] == '!' || text[i] == '?') {
				i++
			}
			kind = Punct
		case isASCIIPunct(c):
			i++
			kind = Punct
		default:
			i++
			kind = Symbol
		}
	} else {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsSpace(r) || isInvisible(r):
			return i + size
		case unicode.IsLetter(r):
			i, kind, flags, class = s.scanWord(i)
		case isApostrophe(r) && startsElision(text, i+size):
			i, kind = scanElision(text, i+size), Word
			flags = flagsOf(text[start:i])
		case isApostrophe(r) && startsYear(text, i+size):
			i, kind, flags = i+size+2, Number, wordFlags{nonASCII: true}
		case r == '−' && signedNumber(text, i):
			i, kind, flags = s.scanNumber(i + size)
			flags.nonASCII = true
		case unicode.IsDigit(r):
			i, kind, flags, class = s.scanWord(i) // other scripts' digits
		case unicode.IsPunct(r):
			i += size
			kind = Punct
		default:
			i += size
			kind = Symbol
		}
	}
	if kind == Punct || kind == Symbol || s.endNext || s.soft != notAbbrev {
		s.boundary(start, i, kind)
	} else {
		s.openFrom = -1 // all boundary does for a word with nothing pending
	}
	s.emit(start, i, kind, flags, class != notAbbrev)
	s.lineStart = false
	switch {
	case kind == Punct && isTerminal(text[start:i]):
		s.endNext, s.soft = true, notAbbrev
	case class != notAbbrev:
		s.soft = class
	case kind != Punct:
		s.soft = notAbbrev
	}
	return i
}

// newline handles a run of white space that starts with a newline: a blank
// line ends the paragraph and the sentence; a line that starts with a
// bullet starts a new sentence.
func (s *scanner) newline(i int) int {
	text := s.text
	lines := 0
	for i < len(text) {
		switch text[i] {
		case '\n':
			lines++
		case ' ', '\t', '\r', '\f', '\v':
		default:
			goto done
		}
		i++
	}
done:
	s.lineStart = true
	if lines >= 2 {
		s.closeAt(len(s.res.Tokens))
		if len(s.res.Tokens) > s.paraFirst {
			// Several blank lines are one break; leading ones are none.
			s.paragraph++
			s.paraFirst = len(s.res.Tokens)
		}
		s.endNext, s.soft, s.openFrom = false, notAbbrev, -1
	}
	return i
}

// boundary decides, before token [start,end) of kind is emitted, whether
// the current sentence ends in front of it.
func (s *scanner) boundary(start, end int, kind Kind) {
	surface := s.text[start:end]
	if kind == Punct || kind == Symbol {
		if s.lineStart && isBullet(surface) && end < len(s.text) && (s.text[end] == ' ' || s.text[end] == '\t') {
			// A list item on a new line: "- ASML steeg" starts a sentence.
			s.closeAt(len(s.res.Tokens))
			s.endNext, s.soft, s.openFrom = false, notAbbrev, -1
			return
		}
		if (s.endNext || s.soft != notAbbrev) && s.openFrom < 0 && s.isOpener(start, end) {
			s.openFrom = len(s.res.Tokens)
		}
		return
	}
	ends := false
	switch {
	case s.endNext:
		// A lower-case word after a period continues the sentence
		// ("p. st. en meer", "„Waarom?” vroeg hij").
		ends = !(kind == Word && startsLower(surface))
	case s.soft == endsCapital:
		ends = kind == Word && startsUpper(surface)
	case s.soft == endsStarter:
		ends = kind == Word && startsUpper(surface) && isStarter(surface, s.res.tmp[:0])
	}
	if ends {
		at := len(s.res.Tokens)
		if s.openFrom >= 0 {
			at = s.openFrom
		}
		s.closeAt(at)
	}
	s.endNext, s.soft, s.openFrom = false, notAbbrev, -1
}

// isOpener reports opening quotes and brackets, which belong to the
// sentence they open rather than to the one before.
func (s *scanner) isOpener(start, end int) bool {
	switch s.text[start:end] {
	case "„", "“", "‘", "«", "‹", "(", "[", "{", "‚":
		return true
	case "\"", "'":
		// ASCII quotes open when preceded by space and followed by text.
		before := start == 0 || s.text[start-1] == ' ' || s.text[start-1] == '\n' || s.text[start-1] == '\t'
		after := end < len(s.text) && s.text[end] != ' ' && s.text[end] != '\n'
		return before && after
	}
	return false
}

// plainWords emits the commonest tokens, plain words: ASCII letters and
// digits that start with a letter and end at a space, comma or the like.
// They cannot be URLs, e-mail addresses, abbreviations or hyphenated, so
// token would make the same of them, at more cost. plainWords goes on for
// as long as plain words follow each other with one space between them,
// or a comma and a space, or a full stop (fullStop) and a space, and
// returns where it stopped: i if text[i:] does not start with a plain
// word. notPlain reports that a word at the returned position was found
// not to be plain.
//
// Between plain words, the sentence state is what token leaves after a
// word or a comma (nothing pending) or after a full stop (endNext);
// boundary, as token calls it, closes the sentence before the word that
// follows a full stop.
func (s *scanner) plainWords(i int) (end int, notPlain bool) {
	text := s.text
	j, seen := plainRun(text, i)
	stop := j < len(text) && !plainEnd[text[j]]
	if stop && !s.fullStop(i, j, seen) {
		return i, false
	}
	if s.endNext || s.soft != notAbbrev {
		s.boundary(i, j, Word)
	}
	// What boundary and token leave after a word; plain words and commas
	// after this one change nothing of it.
	s.endNext, s.soft, s.openFrom, s.lineStart = false, notAbbrev, -1, false
	res := s.res
	for {
		n := len(res.Tokens)
		tok := s.push(i, j, Word)
		tok.Upper = seen&(classLower|classUpper) == classUpper
		if seen&classUpper != 0 {
			tok.Norm = s.normOf(n, tok.Norm, false)
		}
		switch {
		case stop:
			// A full stop ("winst. De"); what follows it other than a
			// space and a word (a line break, a quote…) is left to token.
			s.push(j, j+1, Punct)
			s.endNext = true
			j++
		case j < len(text) && text[j] == ',':
			// A comma, which changes nothing of the sentence state.
			s.push(j, j+1, Punct)
			j++
		}
		// The next word, if a single space separates it from this one.
		if j+1 >= len(text) || text[j] != ' ' || asciiWord[text[j+1]]&(classLower|classUpper) == 0 {
			return j, false
		}
		i = j + 1
		j, seen = plainRun(text, i)
		stop = j < len(text) && !plainEnd[text[j]]
		if stop && !s.fullStop(i, j, seen) {
			return i, true
		}
		if s.endNext {
			s.boundary(i, j, Word)
		}
	}
}

// fullStop reports whether the period at text[j], after the word text[i:j]
// of ASCII letters and digits (seen: their classes), is a one-period Punct
// token of its own and the word a plain word: no URL or abbreviation
// (bol.com, www., o.a.), no ellipsis or "?!" run, no initial (J.), no known
// abbreviation (mln., dhr.); acronyms in capitals end sentences (ING.).
// It answers as token would, through scanWord and maybeAbbrev, but false
// when it would have to look the word up.
func (s *scanner) fullStop(i, j int, seen byte) bool {
	text := s.text
	if text[j] != '.' || j+1 < len(text) && !afterFullStop[text[j+1]] {
		return false
	}
	if j-i == 3 && hasURLPrefix(text[i:]) {
		return false // "www." is a URL to token, even with nothing after it
	}
	if seen&classLower == 0 {
		return j-i > 1 // a single capital is an initial
	}
	return !s.t.maybeAbbrevKey(text[i:j])
}

// push appends token [start,end) of kind, its Norm the surface, Upper and
// Abbrev false, and returns it. It fills the token in place: copying a
// whole Token (it holds a pointer) through append costs a typed memmove
// per token.
func (s *scanner) push(start, end int, kind Kind) *Token {
	res := s.res
	n := len(res.Tokens)
	if n < cap(res.Tokens) {
		res.Tokens = res.Tokens[:n+1]
	} else {
		res.Tokens = append(res.Tokens, Token{})
	}
	tok := &res.Tokens[n]
	tok.Start, tok.End, tok.Sentence = int32(start), int32(end), int32(s.sentence)
	tok.Kind, tok.Norm, tok.Upper, tok.Abbrev = kind, s.text[start:end], false, false
	return tok
}

// emit appends token [start,end) of kind, with the flags token found.
func (s *scanner) emit(start, end int, kind Kind, f wordFlags, abbrev bool) {
	n := len(s.res.Tokens)
	tok := s.push(start, end, kind)
	tok.Upper, tok.Abbrev = f.upper && !f.lower, abbrev
	if (kind == Word || kind == Email) && (f.upper || f.nonASCII) {
		tok.Norm = s.normOf(n, tok.Norm, f.nonASCII)
	}
}

// normOf returns the normalised form of surface, token n, which has a
// capital or a non-ASCII byte. A form made for this text is still to come:
// normOf returns the surface and notes a fixup for Tokenize.
func (s *scanner) normOf(n int, surface string, nonASCII bool) string {
	// News vocabulary repeats itself: most such words were normalised
	// for an earlier text, and the steady state allocates nothing.
	res := s.res
	var slot *normEntry
	if res.recent != nil {
		if slot = res.recent.slot(surface); slot.surface == surface {
			return slot.of(surface)
		}
	}
	e, ok := res.seen[surface]
	if !ok {
		return s.newNorm(n, surface, nonASCII)
	}
	if slot != nil {
		*slot = e
	}
	return e.of(surface)
}

// newNorm normalises token n, surface, a word Result has not seen.
func (s *scanner) newNorm(n int, surface string, nonASCII bool) string {
	res := s.res
	off := len(res.norms)
	if !nonASCII {
		// ASCII with a capital: lower-casing always changes it.
		res.norms = append(res.norms, surface...)
		lowerInPlace(res.norms[off:])
		res.fix = append(res.fix, fixup{int32(n), int32(off), int32(len(res.norms))})
		return surface
	}
	res.norms = appendNorm(res.norms, surface)
	if string(res.norms[off:]) != surface {
		res.fix = append(res.fix, fixup{int32(n), int32(off), int32(len(res.norms))})
		return surface
	}
	// Its own normal form (financiële, één): remembered too, which spares
	// the next ones appendNorm.
	res.norms = res.norms[:off]
	res.remember(normEntry{surface: strings.Clone(surface)})
	return surface
}

// closeAt ends the current sentence before token k; tokens from k on move
// to the next sentence.
func (s *scanner) closeAt(k int) {
	toks := s.res.Tokens
	if s.sentFirst >= k {
		return
	}
	s.res.Sentences = append(s.res.Sentences, Sentence{
		Start: int(toks[s.sentFirst].Start), End: int(toks[k-1].End),
		First: s.sentFirst, Last: k, Paragraph: s.paragraph,
	})
	s.sentence++
	for j := k; j < len(toks); j++ {
		toks[j].Sentence = int32(s.sentence)
	}
	s.sentFirst = k
}

// wordFlags summarise the letters of a token for normalisation.
type wordFlags struct {
	letters  bool // has a letter
	upper    bool // has an upper-case letter
	lower    bool // has a lower-case letter
	nonASCII bool // has a non-ASCII byte (case and NFC need the slow path)
}

// flagsOf computes the flags of a token scanned without them.
func flagsOf(w string) wordFlags {
	var f wordFlags
	for _, r := range w {
		switch {
		case r >= utf8.RuneSelf:
			f.nonASCII = true
			if unicode.IsLetter(r) {
				f.letters = true
				f.lower = f.lower || unicode.IsLower(r)
				f.upper = f.upper || unicode.IsUpper(r)
			}
		case r >= 'a' && r <= 'z':
			f.letters, f.lower = true, true
		case r >= 'A' && r <= 'Z':
			f.letters, f.upper = true, true
		}
	}
	return f
}

// scanWord scans letters, digits and marks, joined by internal apostrophes
// (salvo's, zo'n), hyphens (taxi-app), periods between letters (o.a.,
// bol.com), soft hyphens and an @ (e-mail). A final period stays with the
// word when the word is a known abbreviation or an initial; the class
// returned says whether it may still end a sentence.
func (s *scanner) scanWord(i int) (int, Kind, wordFlags, abbrevClass) {
	text := s.text
	start := i
	kind := Word
	var f wordFlags
	for i < len(text) {
		// Tight loop over the common case: a run of lower-case ASCII.
		j := i
		for j < len(text) && text[j] >= 'a' && text[j] <= 'z' {
			j++
		}
		if j > i {
			f.letters, f.lower = true, true
			i = j
			if i >= len(text) {
				break
			}
		}
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'A' && c <= 'Z':
				f.letters, f.upper = true, true
				i++
				continue
			case c >= '0' && c <= '9':
				i++
				continue
			}
			if i+1 >= len(text) || (c != '\'' && c != '-' && c != '.' && c != '&' && c != '@') {
				break // the common case: a space or punctuation ends the word
			}
			next, _ := utf8.DecodeRuneInString(text[i+1:])
			switch {
			case c == '\'' && unicode.IsLetter(next):
			case c == '-' && (unicode.IsLetter(next) || unicode.IsDigit(next)):
			case c == '-' && suspendedHyphen(text, i+1):
				// midden- en kleinbedrijf: the hyphen stands for the head.
				return i + 1, kind, f, notAbbrev
			case c == '.' && unicode.IsLetter(next):
			case c == '&' && unicode.IsUpper(next) && f.upper && !f.lower:
				// AT&T, P&O
			case c == '@' && (unicode.IsLetter(next) || unicode.IsDigit(next)) && kind == Word:
				kind = Email
			default:
				if c != '.' {
					return i, kind, f, notAbbrev // maybeAbbrev's first test, inline
				}
				return s.maybeAbbrev(start, i, kind, f)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsLetter(r):
			f.letters, f.nonASCII = true, true
			if unicode.IsLower(r) {
				f.lower = true
			} else if unicode.IsUpper(r) {
				f.upper = true
			}
		case unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			f.nonASCII = true
		case (r == '’' || r == 'ʼ' || r == '‐' || r == '‑' || isInvisible(r)) && i+size < len(text):
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if !unicode.IsLetter(next) && !(r != '’' && r != 'ʼ' && unicode.IsDigit(next)) {
				return s.maybeAbbrev(start, i, kind, f)
			}
			f.nonASCII = true
		default:
			return s.maybeAbbrev(start, i, kind, f)
		}
		i += size
	}
	if i >= len(text) || text[i] != '.' {
		return i, kind, f, notAbbrev // maybeAbbrev's first test, inline: most words end so
	}
	return s.maybeAbbrev(start, i, kind, f)
}

// plainRun returns the end of the run of ASCII letters and digits that
// starts at text[i], and the classes of its bytes. (Eight bytes at a time,
// with bit tricks, is no faster: most words are shorter.)
func plainRun(text string, i int) (int, byte) {
	var seen byte
	for i < len(text) && asciiWord[text[i]] != 0 {
		seen |= asciiWord[text[i]]
		i++
	}
	return i, seen
}

// Classes of the ASCII bytes a plain word is made of.
const (
	classLower = 1 << iota
	classUpper
	classDigit
)

// asciiWord classifies ASCII letters and digits; plainEnd marks the bytes
// that end a plain word without raising a question for scanWord (not a
// period, hyphen, apostrophe, colon, slash, &, @ or a non-ASCII byte).
var (
	asciiWord = func() (t [256]byte) {
		for c := 'a'; c <= 'z'; c++ {
			t[c] = classLower
		}
		for c := 'A'; c <= 'Z'; c++ {
			t[c] = classUpper
		}
		for c := '0'; c <= '9'; c++ {
			t[c] = classDigit
		}
		return t
	}()
	plainEnd = func() (t [256]bool) {
		for _, c := range []byte(" \t\n\r,;)\"!?") {
			t[c] = true
		}
		return t
	}()
	// afterFullStop marks the bytes after which a period neither joins
	// the word before it to more letters nor starts a run of periods,
	// question or exclamation marks.
	afterFullStop = func() (t [256]bool) {
		for _, c := range []byte(" \t\n\r,;)\"'") {
			t[c] = true
		}
		return t
	}()
)

// maybeAbbrev decides whether the period after word text[start:end] belongs
// to it.
func (s *scanner) maybeAbbrev(start, end int, kind Kind, f wordFlags) (int, Kind, wordFlags, abbrevClass) {
	if kind != Word || end >= len(s.text) || s.text[end] != '.' || !f.letters {
		return end, kind, f, notAbbrev
	}
	// Not when the period starts an ellipsis: "tja..."
	if end+1 < len(s.text) && s.text[end+1] == '.' {
		return end, kind, f, notAbbrev
	}
	word := s.text[start:end]
	if isInitials(word) {
		if len(word) == 1 || (len(word) == 2 && !f.nonASCII) {
			return end + 1, kind, f, endsNever // J. Smit
		}
		return end + 1, kind, f, endsStarter // J.P. Morgan, but … in de V.S. De …
	}
	// Acronyms in capitals (ING., KBC.) end sentences; abbreviations are
	// lower-case or capitalised.
	if f.upper && !f.lower {
		return end, kind, f, notAbbrev
	}
	if !s.t.maybeAbbrevKey(word) {
		return end, kind, f, notAbbrev
	}
	key := lowerASCII(s.res.tmp[:0], word)
	if key == nil || !s.t.abbrev[string(key)] {
		return end, kind, f, notAbbrev
	}
	return end + 1, kind, f, classOf(string(key))
}

// classOf says when a known abbreviation may end a sentence. Titles and
// abbreviations that introduce something never do; closing ones (enz.,
// mln.) do before a capital; the rest only before a typical opener.
func classOf(a string) abbrevClass {
	switch a {
	case "dhr", "mevr", "mw", "mr", "dr", "drs", "ir", "ing", "prof", "ds", "st", "sr", "jr", "fam", "gebr", "hr",
		"o.a", "bv", "bijv", "m.b.t", "i.v.m", "t.o.v", "t.a.v", "i.p.v", "m.u.v", "n.a.v", "v.w.b", "ca", "zgn", "resp",
		"vs", "incl", "excl", "art", "nr", "blz", "pag", "p", "vgl", "z.g.a", "ong", "max", "min", "gem", "evt", "plm":
		return endsNever
	case "enz", "etc", "e.d", "e.a", "o.i.d", "e.v", "mln", "mrd", "mld", "jl", "dgl", "e.e.a", "u.s.w", "m.m":
		return endsCapital
	}
	return endsStarter
}

// isStarter reports words that typically open a Dutch sentence, used after
// ambiguous abbreviations: "… Holding bv. De winst" ends, "bv. ASML" does not.
func isStarter(w string, buf []byte) bool {
	key := lowerASCII(buf, w)
	if key == nil {
		return false
	}
	switch string(key) {
	case "de", "het", "een", "dat", "die", "dit", "deze", "er", "ook", "in", "op", "maar", "en", "hij", "zij", "ze",
		"we", "wij", "ik", "u", "volgens", "daarnaast", "bovendien", "toch", "wel", "zo", "na", "bij", "met", "als",
		"om", "door", "dan", "daar", "hier", "nu", "al", "alle", "wat", "wie", "waar", "hoe", "toen", "sinds",
		"tijdens", "verder", "vooral", "niet", "geen", "haar", "hun", "ons", "onze", "mijn", "daardoor", "daarom",
		"echter", "intussen", "inmiddels", "ondertussen", "tegelijk", "vorig", "vorige", "volgend", "volgende":
		return true
	}
	return false
}

// isInitials reports X or X.Y.Z: single letters separated by periods.
func isInitials(w string) bool {
	letters := 0
	expectLetter := true
	for _, r := range w {
		if expectLetter {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		} else if r != '.' {
			return false
		}
		expectLetter = !expectLetter
	}
	return letters > 0 && !expectLetter
}

// suspendedHyphen reports " en X", " of X", " tot X" after a word-final
// hyphen: the hyphen elides a shared head (land- en tuinbouw).
func suspendedHyphen(text string, i int) bool {
	if i >= len(text) || text[i] != ' ' {
		return false
	}
	rest := text[i+1:]
	for _, w := range [...]string{"en ", "of ", "tot ", "en/of "} {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// scanNumber scans Dutch numbers (1.250,5; 3,2), dates (2021-09-14),
// times (9.30, 14:30), prices (5,-) and alphanumerics that start with a
// digit (3e, 20ste, 5G, 3D-printer).
func (s *scanner) scanNumber(i int) (int, Kind, wordFlags) {
	text := s.text
	start := i
	plain := true // digits only so far
	for i < len(text) {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			i++
		case (c == '.' || c == ',' || c == '-' || c == '/' || c == ':') && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9':
			i++
			plain = false
		case c == ',' && i+1 < len(text) && (text[i+1] == '-' || text[i+1] == '=') && (i+2 == len(text) || !isWordByte(text[i+2])):
			return i + 2, Number, wordFlags{} // € 5,-
		default:
			r, _ := utf8.DecodeRuneInString(text[i:])
			if plain && unicode.IsLetter(r) && i > start {
				// 3e, 5G, 20ste, 3D-printer: a word that starts with digits.
				if text[start] >= '0' && text[start] <= '9' {
					end, kind, f, _ := s.scanWord(start)
					return end, kind, f
				}
			}
			return i, Number, wordFlags{}
		}
	}
	return i, Number, wordFlags{}
}

func isWordByte(c byte) bool {
	return isASCIILetter(c) || (c >= '0' && c <= '9') || c >= utf8.RuneSelf
}

// signedNumber reports a sign directly before a digit at the start of a
// word: "-3,2%", "+5". In "2020-2021" the hyphen never gets here, because
// the number scanner consumed it.
func signedNumber(text string, i int) bool {
	_, size := utf8.DecodeRuneInString(text[i:])
	if i+size >= len(text) || text[i+size] < '0' || text[i+size] > '9' {
		return false
	}
	if i == 0 {
		return true
	}
	p := text[i-1]
	return p == ' ' || p == '\n' || p == '\t' || p == '(' || p == '/'
}

// maybeURL is a cheap gate before hasURLPrefix: every URL prefix has a t
// or w second (http, https, www, ftp), few Dutch words that start with h,
// w or f do (het, wordt, financiële).
func maybeURL(text string, i int) bool {
	if i+1 >= len(text) {
		return false
	}
	c := text[i+1] | 0x20 // ASCII lower case
	return c == 't' || c == 'w'
}

func hasURLPrefix(s string) bool {
	return hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://") || hasPrefixFold(s, "www.") || strings.HasPrefix(s, "ftp://")
}

func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }

func scanURL(text string, i int) int {
	start := i
	parens := 0
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '"' || c == '<' || c == '>' {
				break
			}
			switch c {
			case '(':
				parens++
			case ')':
				parens--
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) || r == '”' || r == '»' || r == '“' || r == '’' {
			break
		}
		i += size
	}
	// Trailing punctuation belongs to the sentence, not the URL; a closing
	// parenthesis only when the URL did not open one (Wikipedia links do).
	for i > start {
		c := text[i-1]
		if c == ')' && parens < 0 {
			parens++
			i--
			continue
		}
		if !strings.ContainsRune(".,;:!?'", rune(c)) {
			break
		}
		i--
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
	return !unicode.IsLetter(next) && !unicode.IsDigit(next) && !isApostrophe(next)
}

// startsYear reports the two digits of an elided year: zomer '21.
func startsYear(text string, i int) bool {
	if i+2 > len(text) || !isDigit(text[i]) || !isDigit(text[i+1]) {
		return false
	}
	return i+2 == len(text) || !isWordByte(text[i+2])
}

func scanElision(text string, i int) int {
	i++ // the s or t
	if i+1 < len(text) && text[i] == '-' {
		r, _ := utf8.DecodeRuneInString(text[i+1:])
		if unicode.IsLetter(r) {
			for i < len(text) {
				r, size := utf8.DecodeRuneInString(text[i:])
				if !(unicode.IsLetter(r) || (r == '-' && i+1 < len(text) && isWordByte(text[i+1]))) {
					break
				}
				i += size
			}
		}
	}
	return i
}

func isTerminal(p string) bool {
	if p == "…" {
		return true
	}
	for i := 0; i < len(p); i++ {
		if p[i] != '.' && p[i] != '!' && p[i] != '?' {
			return false
		}
	}
	return p != ""
}

func isBullet(p string) bool {
	return p == "-" || p == "–" || p == "—" || p == "•" || p == "*" || p == "·" || p == "▪"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// isASCIIPunct matches unicode.IsPunct for ASCII.
func isASCIIPunct(c byte) bool { return asciiPunct[c] }

// asciiPunct marks the ASCII punctuation bytes, by table: isASCIIPunct
// runs for every comma and quote.
var asciiPunct = func() (t [256]bool) {
	for _, c := range []byte(`!"#%&'()*,-./:;?@[\]_{}`) {
		t[c] = true
	}
	return t
}()

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// isInvisible reports characters that web text hides inside words: soft
// hyphen, zero-width space/joiners, word joiner, BOM.
func isInvisible(r rune) bool {
	return r == '\u00ad' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff'
}

func startsLower(s string) bool {
	if s != "" && s[0] < utf8.RuneSelf {
		return s[0] >= 'a' && s[0] <= 'z'
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

func startsUpper(s string) bool {
	if s != "" && s[0] < utf8.RuneSelf {
		return s[0] >= 'A' && s[0] <= 'Z'
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// lowerASCII appends the lower-case form of an ASCII word to buf, or
// returns nil when w is not ASCII or too long for a stack buffer.
func lowerASCII(buf []byte, w string) []byte {
	if len(w) > cap(buf) {
		return nil
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return nil
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// lowerInPlace lower-cases ASCII letters in b.
func lowerInPlace(b []byte) {
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// appendNorm appends the lookup form of s: lower-case, NFC, typographic
// apostrophes and hyphens as ASCII, the ĳ ligature as ij, invisible
// characters dropped.
func appendNorm(buf []byte, s string) []byte {
	off := len(buf)
	ascii := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			continue
		}
		ascii = false
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '’' || r == 'ʼ' || r == '‘':
			buf = append(buf, '\'')
		case r == '‐' || r == '‑':
			buf = append(buf, '-')
		case r == 'ĳ' || r == 'Ĳ':
			buf = append(buf, 'i', 'j')
		case isInvisible(r):
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[i-1]) // keep invalid bytes as they are
		default:
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
	}
	if !ascii && !norm.NFC.IsNormal(buf[off:]) {
		nfc := norm.NFC.Append(nil, buf[off:]...)
		buf = append(buf[:off], nfc...)
	}
	return buf
}

// normalize returns the lookup form of s.
func normalize(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			return string(appendNorm(make([]byte, 0, len(s)+4), s))
		}
	}
	return s
}

// Normalize returns the lookup form of a word or phrase as tokens get it, so
// that lexicon and registry entries match token norms.
func Normalize(s string) string { return normalize(s) }

// Fold removes diacritics from a normalised form (financiële → financiele).
// It is a lookup fallback only: één and een are different words.
func Fold(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	// Fast path: Latin-1 letters with diacritics, which is all Dutch news
	// has; anything else goes through Unicode decomposition.
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r >= 0xC0 && r <= 0xFF && latin1Fold[r-0xC0] != 0:
			b.WriteByte(latin1Fold[r-0xC0])
		case r >= 0x80 && r <= 0xFF || unicode.Is(unicode.Han, r) || !unicode.IsLetter(r):
			b.WriteRune(r) // no diacritic to remove (°, €, ß, CJK …)
		default:
			return foldSlow(s)
		}
	}
	return b.String()
}

// latin1Fold maps U+00C0..U+00FF to the letter without its diacritic; 0
// where Unicode has no decomposition (×, ÷, ß, Æ, æ, Ð, ð, Ø, ø, Þ, þ).
var latin1Fold = [64]byte{
	'A', 'A', 'A', 'A', 'A', 'A', 0, 'C', 'E', 'E', 'E', 'E', 'I', 'I', 'I', 'I',
	0, 'N', 'O', 'O', 'O', 'O', 'O', 0, 0, 'U', 'U', 'U', 'U', 'Y', 0, 0,
	'a', 'a', 'a', 'a', 'a', 'a', 0, 'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i',
	0, 'n', 'o', 'o', 'o', 'o', 'o', 0, 0, 'u', 'u', 'u', 'u', 'y', 0, 'y',
}

// foldSlow removes combining marks after canonical decomposition.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}
