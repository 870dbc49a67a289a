package tokenize

import (
	"strings"
	"unicode/utf8"
)

// Role is the set of roles a word may play in a Dutch closed compound.
type Role uint8

// Roles of compound parts. A word may have several.
const (
	Head       Role = 1 << iota // may be the rightmost part (kwartaal|winst)
	Modifier                    // may be a left part as it is (winst|waarschuwing)
	ModifierS                   // may be a left part with a linking s (toezichthouder|s|rol)
	StopHead                    // never split off as a head: beurs|gang is not about a gang
	NoSplit                     // never split: boterham, aandeel
	NoModifier                  // never a left part: particles and prefixes (over|name, ver|slag)
)

// ParseRole parses a role name as used in lexicons/nl/compound_parts.tsv.
func ParseRole(s string) (Role, bool) {
	switch s {
	case "head":
		return Head, true
	case "modifier":
		return Modifier, true
	case "modifier-s":
		return ModifierS, true
	case "stop-head":
		return StopHead, true
	case "no-split":
		return NoSplit, true
	case "no-modifier":
		return NoModifier, true
	}
	return 0, false
}

// Part is one part of a compound.
type Part struct {
	Start, End int    // byte offsets of the part in the word, without the linking morpheme
	Link       string // linking morpheme after the part: "s", "e", "en" or "" (or "-")
	Lemma      string // the part's dictionary form (the head loses its plural: verslavingen → verslaving)
}

// Decompounder splits Dutch closed compounds into known parts. Dutch
// compounds are head-final, so the rightmost part carries the meaning:
// kwartaalwinst is a kind of winst. It prefers precision to recall: every
// part must be a known word in its role, and heads on the stop list are
// never split off. It is safe for concurrent use once built.
type Decompounder struct {
	parts map[string]Role
	extra map[string]Role // heads added by WithHeads, consulted after parts
}

// minModifier is the shortest left part in runes: shorter ones are mostly
// prefixes (be-, ge-) that make derivations, not compounds.
const minModifier = 3

// maxParts bounds the recursion; real compounds in news rarely have more
// than four parts (kwartaal|winst|waarschuwing).
const maxParts = 5

// NewDecompounder returns an empty Decompounder; Add fills its vocabulary.
func NewDecompounder() *Decompounder {
	return &Decompounder{parts: map[string]Role{}}
}

// Add gives word (normalised, see Normalize) the roles r, in addition to
// any it has.
func (d *Decompounder) Add(word string, r Role) {
	d.parts[normalize(word)] |= r
}

// WithHeads returns a Decompounder that also accepts words as heads (for
// example the terms of a lexicon), sharing d's vocabulary. Stop heads and
// no-split words of d keep their roles.
func (d *Decompounder) WithHeads(words []string) *Decompounder {
	nd := &Decompounder{parts: d.parts, extra: make(map[string]Role, len(words))}
	for _, w := range words {
		w = normalize(w)
		if strings.ContainsAny(w, " -") || utf8.RuneCountInString(w) < 4 {
			continue
		}
		nd.extra[w] |= Head
	}
	return nd
}

// Len returns the number of words in the vocabulary.
func (d *Decompounder) Len() int { return len(d.parts) + len(d.extra) }

// Role returns the roles of a normalised word in the vocabulary.
func (d *Decompounder) Role(w string) Role { return d.role(w) }

func (d *Decompounder) role(w string) Role {
	r := d.parts[w]
	if d.extra != nil {
		if x, ok := d.extra[w]; ok && r&(StopHead|NoSplit) == 0 {
			r |= x
		}
	}
	return r
}

// Split splits a normalised word into its parts, or returns nil when it is
// not a compound of known parts. Hyphenated words split at their hyphens
// when the last segment is a known head or compound (ING-topman,
// taxi-app); their left segments may be names.
func (d *Decompounder) Split(w string) []Part {
	if i := strings.LastIndexByte(w, '-'); i >= 0 {
		return d.splitHyphen(w, i)
	}
	if d.role(w)&NoSplit != 0 {
		return nil
	}
	return d.closed(w, 0)
}

// Head returns the head lemma of a compound, or "" when w is not one.
func (d *Decompounder) Head(w string) string {
	parts := d.Split(w)
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-1].Lemma
}

func (d *Decompounder) splitHyphen(w string, last int) []Part {
	head := w[last+1:]
	if utf8.RuneCountInString(head) < 2 {
		return nil
	}
	var tail []Part
	if lemma, ok := d.headLemma(head); ok {
		tail = []Part{{Start: last + 1, End: len(w), Lemma: lemma}}
	} else if sub := d.closed(head, last+1); sub != nil {
		tail = sub
	} else {
		return nil
	}
	var out []Part
	start := 0
	for start <= last {
		end := start + strings.IndexByte(w[start:], '-')
		if end-start < 1 {
			return nil // "--" or a leading hyphen
		}
		seg := w[start:end]
		if utf8.RuneCountInString(seg) < 2 {
			return nil // e-commerce, e-mail: a prefix, not a modifier
		}
		out = append(out, Part{Start: start, End: end, Link: "-", Lemma: seg})
		start = end + 1
	}
	return append(out, tail...)
}

// closed splits a word without hyphens; off is its offset in the full word.
// The longest known head wins, then the split of the rest into the fewest
// modifiers.
func (d *Decompounder) closed(w string, off int) []Part {
	runes := 0
	for b := range w {
		if runes >= minModifier {
			head := w[b:]
			if utf8.RuneCountInString(head) < 3 {
				break
			}
			lemma, ok := d.headLemma(head)
			if ok && !d.derivation(w, b) {
				if mods := d.modifiers(w[:b], off, 1); mods != nil {
					return append(mods, Part{Start: off + b, End: off + len(w), Lemma: lemma})
				}
			}
		}
		runes++
	}
	return nil
}

// derivation reports a split that is really a prefix derivation:
// ver|slaving would otherwise become vers|laving.
func (d *Decompounder) derivation(w string, b int) bool {
	for _, p := range [...]string{"ver", "be", "ge", "ont", "her", "er"} {
		if strings.HasPrefix(w, p) && b <= len(p)+2 {
			if _, ok := d.headLemma(w[len(p):]); ok || d.role(w[len(p):]) != 0 {
				return true
			}
		}
	}
	return false
}

// modifiers splits m into the fewest modifier parts (with linking
// morphemes), or returns nil.
func (d *Decompounder) modifiers(m string, off, depth int) []Part {
	if p, ok := d.modifier(m, off); ok {
		return []Part{p}
	}
	if depth >= maxParts-1 {
		return nil
	}
	runes := 0
	for b := range m {
		if runes >= minModifier && utf8.RuneCountInString(m[b:]) >= minModifier {
			if p, ok := d.modifier(m[b:], off+b); ok {
				if left := d.modifiers(m[:b], off, depth+1); left != nil {
					return append(left, p)
				}
			}
		}
		runes++
	}
	return nil
}

// modifier recognises one left part, with an optional linking s, en or e.
func (d *Decompounder) modifier(m string, off int) (Part, bool) {
	if utf8.RuneCountInString(m) < minModifier {
		return Part{}, false
	}
	ok := func(w string, r Role) bool {
		if utf8.RuneCountInString(w) < minModifier {
			return false
		}
		role := d.role(w)
		return role&NoModifier == 0 && role&r != 0
	}
	if ok(m, Modifier) {
		return Part{Start: off, End: off + len(m), Lemma: m}, true
	}
	n := len(m)
	if strings.HasSuffix(m, "s") && (ok(m[:n-1], ModifierS) || ok(m[:n-1], Modifier) && sTakes(m[:n-1])) {
		return Part{Start: off, End: off + n - 1, Link: "s", Lemma: m[:n-1]}, true
	}
	if strings.HasSuffix(m, "en") {
		// boek|en|kast, but also aandel|en|koers (aandeel) and ban|en|verlies (baan).
		var buf [4]string
		for _, c := range pluralLemmas(m, buf[:0])[1:] {
			if ok(c, Modifier|Head) {
				return Part{Start: off, End: off + n - 2, Link: "en", Lemma: c}, true
			}
		}
	}
	if strings.HasSuffix(m, "e") && ok(m[:n-1], Modifier) {
		return Part{Start: off, End: off + n - 1, Link: "e", Lemma: m[:n-1]}, true
	}
	return Part{}, false
}

// sTakes reports suffixes after which Dutch always links with s
// (regering|s|crisis, gezondheid|s|zorg).
func sTakes(w string) bool {
	for _, suf := range [...]string{"ing", "heid", "schap", "teit", "nis", "dom", "sel", "tie", "aar", "ier"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// headLemma finds the dictionary form of a head candidate: the word itself
// or the word without its plural ending. A stop head anywhere on the way
// vetoes the split.
func (d *Decompounder) headLemma(h string) (string, bool) {
	var buf [4]string
	cands := pluralLemmas(h, buf[:0])
	if d.role(h)&StopHead != 0 {
		return "", false
	}
	// The singular wins when it is a head too: the word list flags some
	// plurals (prijzen) as heads, but the lemma is what lexicons list.
	for i := len(cands) - 1; i >= 0; i-- {
		r := d.role(cands[i])
		if r&StopHead != 0 {
			return "", false
		}
		if r&Head != 0 {
			return cands[i], true
		}
	}
	return "", false
}

// pluralLemmas returns h and the singulars it may be a plural of:
// winsten → winst, lessen → les, straten → straat, brieven → brief,
// houders → houder, auto's → auto.
func pluralLemmas(h string, out []string) []string {
	out = append(out, h)
	n := len(h)
	switch {
	case strings.HasSuffix(h, "'s") && n > 4:
		out = append(out, h[:n-2])
	case strings.HasSuffix(h, "s") && n > 4 && !strings.HasSuffix(h, "ss"):
		out = append(out, h[:n-1])
	case strings.HasSuffix(h, "en") && n > 5:
		stem := h[:n-2]
		out = append(out, stem)
		if k := len(stem); k >= 2 && stem[k-1] == stem[k-2] && !isVowelByte(stem[k-1]) {
			out = append(out, stem[:k-1]) // lessen → les
		} else if k >= 3 && !isVowelByte(stem[k-1]) && isVowelByte(stem[k-2]) && !isVowelByte(stem[k-3]) && stem[k-2] != 'i' {
			// straten → straat: an open syllable had a long vowel.
			last := stem[k-1]
			switch last {
			case 'v':
				last = 'f'
			case 'z':
				last = 's'
			}
			out = append(out, stem[:k-1]+string(stem[k-2])+string(last))
		} else if k >= 1 && (stem[k-1] == 'v' || stem[k-1] == 'z') {
			last := byte('f')
			if stem[k-1] == 'z' {
				last = 's'
			}
			out = append(out, stem[:k-1]+string(last)) // brieven → brief
		}
	}
	return out
}

func isVowelByte(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'
}
