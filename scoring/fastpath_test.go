package scoring

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/cespare/xxhash/v2"
	"github.com/marktstem/marktstem/pipeline/tokenize"
)

// The tests in this file hold the fast paths of lookups and summaries to
// plain reference versions of them.

// refLookup is index.lookup from the index's own maps, without resolved
// words: the longest phrase at i that ends by end, else the word's exact
// entry, else (for a word token) its fuzzy route.
func refLookup(ix *index, toks []tokenize.Token, i, end int) (entry, n int, via Via) {
	w := toks[i].Norm
	for _, e := range ix.phrases[w] { // longest first
		words := ix.words[e]
		if i+len(words) > end {
			continue
		}
		ok := true
		for k, pw := range words {
			if toks[i+k].Norm != pw {
				ok = false
				break
			}
		}
		if ok {
			return int(e), len(words), Exact
		}
	}
	if e, ok := ix.single[w]; ok {
		return int(e), 1, Exact
	}
	if ix.fuzzy && toks[i].Kind == tokenize.Word {
		if e, via := ix.fuzzyLookup(w); e >= 0 {
			return e, 1, via
		}
	}
	return -1, 0, 0
}

// lookupText is random text made of the words of every entry of s's
// indexes, their phrases whole or broken off, inflected and compounded
// forms, other words and punctuation.
func lookupText(rng *rand.Rand, s *Scorer, n int) string {
	var vocab []string
	var phrases [][]string
	for _, ix := range s.voc.indexes {
		for _, words := range ix.words {
			vocab = append(vocab, words...)
			if len(words) > 1 {
				phrases = append(phrases, words)
			}
		}
	}
	other := []string{"de", "het", "een", "en", "winsten", "kwartaalwinst", "verliezen", "financiele", "ASML", "AFM-topman",
		"ap-document", "AP-onderzoek", "12", ",", ".", "?", "\"", "(", ")", "maar", "terwijl", "xyz", "Boetes", "onderzoeken",
		"€", "www.fd.nl", "pers@fd.nl"}
	var b strings.Builder
	for k := 0; k < n; k++ {
		switch rng.IntN(4) {
		case 0:
			b.WriteString(other[rng.IntN(len(other))])
		case 1: // a phrase, whole or broken off
			p := phrases[rng.IntN(len(phrases))]
			if rng.IntN(2) == 0 {
				p = p[:1+rng.IntN(len(p))]
			}
			b.WriteString(strings.Join(p, " "))
		default:
			b.WriteString(vocab[rng.IntN(len(vocab))])
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// TestLookupReference checks index.lookup and tokens.next, whose
// one-word case is inline, whose phrases are ruled out by signatures and
// which finds candidates 8 tokens at a time, against refLookup on random
// text with the shipped lexicons, for every index, start and end, with
// and without used tokens.
func TestLookupReference(t *testing.T) {
	set := defaultSet(t)
	s := New(set)
	tz := tokenize.New(set.Abbreviations)
	rng := rand.New(rand.NewPCG(3, 4))
	var tk tokens
	var tok tokenize.Result
	matches, phrases := 0, 0
	for round := 0; round < 60; round++ {
		tz.Tokenize(lookupText(rng, s, 400), &tok)
		toks := tok.Tokens
		for i := range toks {
			if rng.IntN(10) == 0 { // fuzzy routes apply to words only
				toks[i].Kind = tokenize.Symbol
			}
		}
		s.voc.resolve(&tk, toks, nil)
		used := make([]bool, len(toks))
		for i := range used {
			used[i] = rng.IntN(5) == 0
		}
		for _, ix := range s.voc.indexes {
			for i := range toks {
				end := min(len(toks), i+1+rng.IntN(6))
				if rng.IntN(2) == 0 {
					end = len(toks)
				}
				e, n, v := ix.lookup(&tk, i, end)
				we, wn, wv := refLookup(ix, toks, i, end)
				if e != we || n != wn || v != wv {
					t.Fatalf("lookup at %d (%q) to %d: got %d,%d,%v, want %d,%d,%v", i, toks[i].Norm, end, e, n, v, we, wn, wv)
				}
				if e >= 0 {
					matches++
				}
				if n > 1 {
					phrases++
				}
			}
			// next: the first match from some token on, in spans
			// taken in order as sentences are.
			for i := 0; i < len(toks); {
				last := min(len(toks), i+1+rng.IntN(30))
				var u []bool
				if rng.IntN(2) == 0 {
					u = used
				}
				for from := i; from < last; {
					at, e, n, v := tk.next(ix, from, last, u)
					wat, we, wn, wv := last, -1, 0, Via(0)
					for k := from; k < last; k++ {
						if u != nil && u[k] {
							continue
						}
						if we, wn, wv = refLookup(ix, toks, k, last); we >= 0 {
							wat = k
							break
						}
					}
					if at != wat || e != we || n != wn || v != wv {
						t.Fatalf("%d: next from %d to %d: got %d: %d,%d,%v, want %d: %d,%d,%v", ix.slot, from, last, at, e, n, v, wat, we, wn, wv)
					}
					if at == last {
						break
					}
					from = at + n
				}
				i = last
				if rng.IntN(4) == 0 {
					i += rng.IntN(3) // tokens outside any span
				}
			}
		}
	}
	if matches < 1000 || phrases < 100 {
		t.Errorf("only %d matches, %d of phrases: the text no longer exercises the lexicons", matches, phrases)
	}
	t.Logf("%d matches, %d of phrases", matches, phrases)
}

// TestWordLayout checks what the order of word's fields is for: a word
// fills two cache lines, and a one-word lookup of the hot indexes and
// resolve read only the first.
func TestWordLayout(t *testing.T) {
	var w word
	if got := unsafe.Sizeof(w); got != 128 {
		t.Errorf("word is %d bytes, want 128 (a size class whose objects are 64-byte aligned)", got)
	}
	if end := unsafe.Offsetof(w.direct) + unsafe.Sizeof(w.direct[0])*(slotVerb+1); end > 64 {
		t.Errorf("direct[slotVerb] ends at byte %d of word, past its first cache line", end)
	}
}

// TestHitLayout checks the sizes the hot loops count on: a Hit with next to
// no padding, and what a hit copies of an entry in one cache line.
func TestHitLayout(t *testing.T) {
	if got, want := unsafe.Sizeof(Hit{}), uintptr(136); got != want {
		t.Errorf("got a Hit of %d bytes, want %d", got, want)
	}
	if got, want := unsafe.Sizeof(entryHit{}), uintptr(64); got != want {
		t.Errorf("got an entryHit of %d bytes, want %d", got, want)
	}
}

func TestShortLabel(t *testing.T) {
	for _, tc := range []struct {
		in   int32
		want int16
	}{{0, 0}, {1, 1}, {40, 40}, {math.MaxInt16, math.MaxInt16}, {math.MaxInt16 + 1, 0}, {1 << 20, 0}} {
		if got := shortLabel(tc.in); got != tc.want {
			t.Errorf("shortLabel(%d): got %d, want %d", tc.in, got, tc.want)
		}
	}
}

// refSummarize is Summarize's loop without the skipping of zero weights.
func refSummarize(s *Scorer, hits []Hit, weights []float64, cats []float64) (sentiment, risk float64) {
	var sum, n, adverse, relief float64
	catAdv, catRel := make([]float64, len(s.categories)), make([]float64, len(s.categories))
	for i := range hits {
		f := weights[i]
		if f == 0 {
			continue
		}
		h := &hits[i]
		w := h.Weight * f
		if h.Kind == Regulatory {
			ci := s.catIndex[h.Category]
			if w > 0 {
				adverse += w
				catAdv[ci] += w
			} else {
				relief -= w
				catRel[ci] -= w
			}
			continue
		}
		sum += w
		n += f
	}
	x := (sum - s.cal.Offset*n) / math.Sqrt(math.Max(1, n))
	for i := range cats {
		cats[i] = refRisk(catAdv[i], catRel[i])
	}
	return x / math.Sqrt(x*x+1), refRisk(adverse, relief)
}

// refRisk is the risk formula of the package comment.
func refRisk(adverse, relief float64) float64 {
	v := math.Max(0, adverse-reliefShare*relief)
	if v == 0 {
		return 0
	}
	return 1 - math.Exp(-v/riskScale)
}

// TestRiskOfReference checks riskOf, which returns early where there is
// no adverse weight, bit for bit against refRisk, on signed zeros, ties,
// infinities and NaN.
func TestRiskOfReference(t *testing.T) {
	values := []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 0.25, -0.25, 0.5, 1, 2, -3, math.Inf(1), math.Inf(-1), math.NaN()}
	for _, a := range values {
		for _, r := range values {
			if got, want := riskOf(a, r), refRisk(a, r); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("riskOf(%v, %v) = %v, want %v", a, r, got, want)
			}
		}
	}
}

// TestSummarizeReference checks Summarize, which skips runs of zero
// weights, bit for bit against refSummarize, on weights that are mostly
// zero (as for a company) or not, with −0 among them.
func TestSummarizeReference(t *testing.T) {
	s := New(testSet(t))
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := []Kind{Sentiment, Direction, Regulatory}
	for round := 0; round < 3000; round++ {
		hits := make([]Hit, rng.IntN(40))
		weights := make([]float64, len(hits))
		zeros := rng.Float64()
		for i := range hits {
			cat := rng.IntN(len(s.categories))
			hits[i] = Hit{Kind: kinds[rng.IntN(3)], Weight: rng.NormFloat64(), Category: s.categories[cat]}
			if rng.IntN(2) == 0 {
				hits[i].cat = int32(cat + 1)
			}
			switch {
			case rng.Float64() < zeros:
				if rng.IntN(4) == 0 {
					weights[i] = math.Copysign(0, -1)
				}
			case rng.IntN(3) == 0:
				weights[i] = 1
			default:
				weights[i] = rng.Float64()
			}
		}
		for _, withCats := range []bool{false, true} {
			var cats, wantCats []float64
			if withCats {
				cats, wantCats = make([]float64, len(s.categories)), make([]float64, len(s.categories))
			}
			sent, risk := s.Summarize(hits, weights, cats)
			wantSent, wantRisk := refSummarize(s, hits, weights, wantCats)
			if math.Float64bits(sent) != math.Float64bits(wantSent) || math.Float64bits(risk) != math.Float64bits(wantRisk) {
				t.Fatalf("round %d: got %v, %v, want %v, %v (weights %v)", round, sent, risk, wantSent, wantRisk, weights)
			}
			for i := range cats {
				if math.Float64bits(cats[i]) != math.Float64bits(wantCats[i]) {
					t.Fatalf("round %d: category %d: got %v, want %v", round, i, cats[i], wantCats[i])
				}
			}
		}
	}
}

// refMarkClauses is markClauses on the whole tokens, without the cut
// slices.
func refMarkClauses(tk *tokens, first, last int, clauseOf []int, clause int) (next int, may, flags uint8) {
	fresh := true
	for i := first; i < last; i++ {
		fl := tk.flags[i]
		may |= tk.mayBits[i]
		flags |= fl
		if !fresh && fl&flagStartsClause != 0 {
			clause++
		}
		clauseOf[i] = clause
		fresh = false
		if fl&flagEndsClause != 0 && tk.toks[i].Kind == tokenize.Punct && i+1 < last {
			clause++
			fresh = true
		}
	}
	return clause + 1, may, flags
}

// TestMarkClausesReference checks markClauses against refMarkClauses on
// sentences of random tokens, with flags rare or common.
func TestMarkClausesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	allFlags := []uint8{flagStartsClause, flagEndsClause, flagQuoteToggle, flagQuoteOpen, flagQuoteClose}
	for round := 0; round < 2000; round++ {
		n := rng.IntN(60)
		tk := tokens{toks: make([]tokenize.Token, n), mayBits: make([]uint8, n), flags: make([]uint8, n)}
		rare := 2 + rng.IntN(30)
		for i := range n {
			a, b := rng.IntN(256), rng.IntN(256)
			tk.mayBits[i] = uint8(a & b) // sparse bits
			if rng.IntN(rare) == 0 {
				tk.flags[i] = allFlags[rng.IntN(len(allFlags))]
			}
			tk.toks[i].Kind = tokenize.Word
			if rng.IntN(2) == 0 {
				tk.toks[i].Kind = tokenize.Punct
			}
		}
		got, want := make([]int, n), make([]int, n)
		clause, wantClause := 0, 0
		for first := 0; first < n; {
			last := min(n, first+rng.IntN(30))
			var may, flags, wantMay, wantFlags uint8
			clause, may, flags = markClauses(&tk, first, last, got, clause)
			wantClause, wantMay, wantFlags = refMarkClauses(&tk, first, last, want, wantClause)
			if clause != wantClause || may != wantMay || flags != wantFlags {
				t.Fatalf("round %d, sentence %d:%d: got %d, %#x, %#x, want %d, %#x, %#x", round, first, last, clause, may, flags, wantClause, wantMay, wantFlags)
			}
			first = last + rng.IntN(2) // empty sentences too
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: clauses %v, want %v", round, got, want)
		}
	}
}

// TestUnshiftedHits checks that a hit no shift applies to has nil Shifts,
// as keepShifts leaves it, whether or not its sentence has shifters: an
// empty slice into the arena's spare room would let an append by a caller
// write over the next hit's shifts.
func TestUnshiftedHits(t *testing.T) {
	s := New(testSet(t))
	tk := tokenize.New(nil)
	text := strings.Repeat("Winst en verlies. Geen winst, maar goed verlies. De AFM legt een boete op. ", 20)
	var tok tokenize.Result
	tk.Tokenize(text, &tok)
	var res Result
	for round := 0; round < 2; round++ {
		s.ScoreInto(&res, text, &tok, 0, nil)
		unshifted := 0
		for i := range res.Hits {
			if h := &res.Hits[i]; len(h.Shifts) == 0 {
				unshifted++
				if h.Shifts != nil {
					t.Fatalf("round %d: hit %d (%s) has no shifts but a slice of capacity %d", round, i, h.Term, cap(h.Shifts))
				}
			}
		}
		if unshifted == 0 || unshifted == len(res.Hits) {
			t.Fatalf("round %d: %d of %d hits unshifted: the text no longer mixes them", round, unshifted, len(res.Hits))
		}
	}
}

// TestResolveReference checks what resolve gives each token, mostly from
// its recent-word cache, against the word built afresh, over texts that
// repeat words and punctuation, with one tokens reused from text to text.
func TestResolveReference(t *testing.T) {
	set := defaultSet(t)
	s := New(set)
	tz := tokenize.New(set.Abbreviations)
	rng := rand.New(rand.NewPCG(9, 10))
	var tk tokens
	var tok tokenize.Result
	dropped := 0
	for round := 0; round < 20; round++ {
		tz.Tokenize(lookupText(rng, s, 300+rng.IntN(300)), &tok)
		s.voc.resolve(&tk, tok.Tokens, nil)
		var hashes []uint64 // of the words and numbers so far
		for i, tt := range tok.Tokens {
			want := s.voc.build(tt.Norm)
			got := tk.words[i]
			if got.norm != tt.Norm || got.may != want.may || got.flags != want.flags || got.direct != want.direct {
				t.Fatalf("round %d, token %d (%q): got word %q may %#x flags %#x, want may %#x flags %#x", round, i, tt.Norm, got.norm, got.may, got.flags, want.may, want.flags)
			}
			// The bits only the word's phrases set go where the next
			// token is none of their second words.
			wantMay, wantID := want.may, uint16(0)
			if only, seconds := refStarter(want); only != 0 {
				wantID = s.voc.words[tt.Norm].starter
				if i+1 == len(tok.Tokens) || seconds&(1<<sig6(tok.Tokens[i+1].Norm)) == 0 {
					wantMay &^= only
					dropped++
				}
			}
			if tk.mayBits[i] != wantMay || tk.flags[i] != want.flags || tk.sig6[i] != uint16(sig6(tt.Norm))|wantID<<6 {
				t.Fatalf("round %d, token %d (%q): got packed may %#x flags %#x sig %#x, want %#x %#x %#x", round, i, tt.Norm, tk.mayBits[i], tk.flags[i], tk.sig6[i], wantMay, want.flags, uint16(sig6(tt.Norm))|wantID<<6)
			}
			if tt.Kind == tokenize.Word || tt.Kind == tokenize.Number {
				if k := len(hashes); k >= len(tk.hashes) || tk.hashes[k] != xxhash.Sum64String(tt.Norm) {
					t.Fatalf("round %d, token %d (%q): hash %d of words and numbers wrong or missing in %#x", round, i, tt.Norm, k, tk.hashes)
				}
				hashes = append(hashes, xxhash.Sum64String(tt.Norm))
			}
		}
		if len(tk.hashes) != len(hashes) {
			t.Fatalf("round %d: got %d hashes, want %d, one per word and number", round, len(tk.hashes), len(hashes))
		}
		if got := tk.mayWide[len(tok.Tokens):]; len(got) != 8 || slices.ContainsFunc(got, func(b uint8) bool { return b != 0 }) {
			t.Fatalf("round %d: mayWide ends in %v, want 8 zero bytes", round, got)
		}
	}
	if dropped < 100 {
		t.Errorf("bits dropped on %d tokens: the text no longer exercises phrase starters", dropped)
	}
}

// refStarter is what a vocabulary's starter says of word r, from r alone:
// the bits of its may that only its phrases set, and the signatures of
// their second words.
func refStarter(r *word) (only uint8, seconds uint64) {
	for k := range numSlots {
		if r.phrases&(1<<k) == 0 || r.direct[k].entry >= 0 || k == slotActor && r.actor >= 0 {
			continue
		}
		only |= 1 << k
		for _, p := range r.exact.phrases[k] {
			seconds |= 1 << sig6(p.second)
		}
	}
	return only, seconds
}

// TestStarters checks that every word of the shipped lexicons whose may
// has bits only its phrases set has a starter with those bits and their
// second words, and no other word has one.
func TestStarters(t *testing.T) {
	s := New(defaultSet(t))
	n := 0
	for w, info := range s.voc.words {
		only, seconds := refStarter(s.voc.build(w))
		if only == 0 {
			if info.starter != 0 {
				t.Errorf("%q: got starter %d, want none", w, info.starter)
			}
			continue
		}
		n++
		if info.starter == 0 {
			t.Fatalf("%q: no starter, want bits %#x", w, only)
		}
		if got := s.voc.starters[info.starter]; got.only != only || got.seconds != seconds {
			t.Errorf("%q: got starter %#x %#x, want %#x %#x", w, got.only, got.seconds, only, seconds)
		}
	}
	if n < 100 || n >= maxStarters {
		t.Errorf("%d starters: want 100 to %d for the shipped lexicons", n, maxStarters-1)
	}
	if got := s.voc.starters[0]; got != (starter{}) {
		t.Errorf("starters[0] = %+v, want none", got)
	}
}

// annotator is a test Annotator: a function of the word and a salt, so
// that two annotators disagree on every word.
type annotator uint32

func (a annotator) Annotate(norm string) uint32 {
	return uint32(a) ^ uint32(xxhash.Sum64String(norm))
}

// TestResolveAnnotates checks Result.Annotations and WordHashes against
// the annotator of every token and the hash of every word and number, with
// one Result reused across texts, mostly answered from its recent-word
// cache, and the annotator changed between rounds (the cache must not keep
// the old one's numbers); and that ScoreResolved scores as ScoreInto does,
// also when res was resolved from other tokens.
func TestResolveAnnotates(t *testing.T) {
	set := defaultSet(t)
	s := New(set)
	tz := tokenize.New(set.Abbreviations)
	rng := rand.New(rand.NewPCG(11, 12))
	var res, want Result
	var tok, other tokenize.Result
	anns := []Annotator{annotator(1), annotator(1), annotator(2), nil, annotator(1)}
	for round := range 30 {
		text := lookupText(rng, s, 200+rng.IntN(200))
		tz.Tokenize(text, &tok)
		a := anns[round%len(anns)]
		s.Resolve(&res, &tok, a)
		got := res.Annotations()
		if len(got) != len(tok.Tokens) {
			t.Fatalf("round %d: got %d annotations, want %d", round, len(got), len(tok.Tokens))
		}
		var hashes []uint64 // of the words and numbers
		for i, tt := range tok.Tokens {
			if tt.Kind == tokenize.Word || tt.Kind == tokenize.Number {
				hashes = append(hashes, xxhash.Sum64String(tt.Norm))
			}
			var w uint32
			if a != nil {
				w = a.Annotate(tt.Norm)
			}
			if got[i] != w {
				t.Fatalf("round %d (annotator %v), token %d (%q): got annotation %#x, want %#x", round, a, i, tt.Norm, got[i], w)
			}
		}
		if got := res.WordHashes(); !slices.Equal(got, hashes) {
			t.Fatalf("round %d: got word hashes %#x, want %#x", round, got, hashes)
		}
		if round%3 == 2 {
			// res holds the words of other tokens: ScoreResolved must
			// resolve tok again.
			tz.Tokenize(lookupText(rng, s, 50), &other)
			s.Resolve(&res, &other, a)
		}
		mask := make([]bool, len(tok.Tokens))
		for i := range mask {
			mask[i] = rng.IntN(7) == 0
		}
		s.ScoreResolved(&res, text, &tok, 0, mask)
		s.ScoreInto(&want, text, &tok, 0, mask)
		if res.Sentiment != want.Sentiment || res.Risk != want.Risk || len(res.Hits) != len(want.Hits) {
			t.Fatalf("round %d: ScoreResolved got sentiment %v risk %v and %d hits, ScoreInto %v, %v and %d", round, res.Sentiment, res.Risk, len(res.Hits), want.Sentiment, want.Risk, len(want.Hits))
		}
	}
}
