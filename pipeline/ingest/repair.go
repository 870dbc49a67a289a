package ingest

import (
	"bytes"
	"html"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Repairs name what repairText changed; they are stable values for
// Article.Repaired, logs and metric labels.
const (
	RepairBOM      = "bom"      // UTF-8 byte order mark removed
	RepairUTF16    = "utf16"    // UTF-16 (with BOM) decoded
	RepairCP1252   = "cp1252"   // Windows-1252 / Latin-1 bytes decoded
	RepairMojibake = "mojibake" // UTF-8 read as Windows-1252 and encoded again (crÃ¨ches) undone
	RepairEntities = "entities" // HTML character references (&amp; &eacute; &#233;) decoded
	RepairNewlines = "newlines" // CRLF or lone CR line ends made LF
)

// repairBytes turns raw input into UTF-8. It returns ok=false, with the
// offset of the first offending byte, when the input is neither UTF-8 nor
// plausible Windows-1252 text (binary data): guessing there would turn
// garbage into "text" that then gets scored.
func repairBytes(data []byte) (out []byte, repairs []string, bad int, ok bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		// UTF-16 archives (Windows "Unicode" exports) are full of NULs.
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		if u, err := dec.Bytes(data); err == nil && utf8.Valid(u) && bytes.IndexByte(u, 0) < 0 {
			return u, []string{RepairUTF16}, -1, true
		}
	case bytes.HasPrefix(data, []byte(bom)):
		data, repairs = data[len(bom):], append(repairs, RepairBOM)
	}
	at := invalidUTF8At(data)
	if at < 0 {
		return data, repairs, -1, true
	}
	if i := implausibleCP1252(data); i >= 0 {
		return nil, nil, at, false
	}
	u, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return nil, nil, at, false
	}
	return u, append(repairs, RepairCP1252), -1, true
}

// implausibleCP1252 returns the offset of the first byte that rules out
// Windows-1252 text: a C0 control other than tab, newline, form feed and
// carriage return, or a byte that is undefined or all but unused in
// Western European text (see rareCP1252).
// It also rejects text in which most bytes are high (binary, or another
// encoding such as UTF-16 without BOM). It returns -1 when plausible.
func implausibleCP1252(b []byte) int {
	high := 0
	for i, c := range b {
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f':
			return i
		case rareCP1252(c):
			return i
		case c >= 0x80:
			high++
		}
	}
	if high*4 > len(b) {
		return 0
	}
	return -1
}

// repairText fixes what archives do to text that is already valid UTF-8:
// CRLF and lone CR line ends, double-encoded UTF-8 (mojibake) and HTML
// character references. Only complete, unambiguous patterns are changed.
func repairText(s string) (string, []string) {
	var repairs []string
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
		repairs = append(repairs, RepairNewlines)
	}
	if t, ok := fixMojibake(s); ok {
		s, repairs = t, append(repairs, RepairMojibake)
	}
	if t, ok := unescapeEntities(s); ok {
		s, repairs = t, append(repairs, RepairEntities)
	}
	return s, repairs
}

// fixMojibake undoes UTF-8 that was decoded as Windows-1252 and encoded
// again: "crÃ¨ches" → "crèches", "â€™" → "’". It works run by run, so a
// text that mixes good and broken characters is repaired where broken and
// left alone elsewhere.
func fixMojibake(s string) (string, bool) {
	if !mojibakeLead(s) {
		return s, false
	}
	enc := charmap.Windows1252
	var b strings.Builder
	changed := false
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != 'Ã' && r != 'Â' && r != 'â' && r != 'Å' && r != 'Ä' {
			i += size
			continue
		}
		// Collect the run of characters that are single Windows-1252
		// bytes ≥ 0x80: the bytes of the original UTF-8 sequence.
		var raw [16]byte
		n := 0
		j := i
		for j < len(s) && n < len(raw) {
			r2, sz := utf8.DecodeRuneInString(s[j:])
			c, ok := enc.EncodeRune(r2)
			if !ok || c < 0x80 {
				break
			}
			raw[n] = c
			n++
			j += sz
		}
		// Decode complete UTF-8 sequences from the start of the run.
		k := 0
		for k < n {
			rr, sz := utf8.DecodeRune(raw[k:n])
			if rr == utf8.RuneError || sz < 2 {
				break
			}
			k += sz
		}
		if k == 0 {
			i += size
			continue
		}
		// Map k raw bytes back to the k characters they came from.
		end := i
		for c := 0; c < k; c++ {
			_, sz := utf8.DecodeRuneInString(s[end:])
			end += sz
		}
		b.WriteString(s[last:i])
		b.Write(raw[:k])
		last, i, changed = end, end, true
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// unescapeEntities decodes HTML character references that end in a
// semicolon (&amp; &eacute; &#233; &#xE9;). References without one are
// left alone: in "AT&T" or "R&D" the ampersand is text.
func unescapeEntities(s string) (string, bool) {
	if strings.IndexByte(s, '&') < 0 {
		return s, false
	}
	var b strings.Builder
	changed := false
	last := 0
	for i := 0; i < len(s); i++ {
		// Jump to the next ampersand: a byte search (vectorised by the
		// runtime) instead of a look at every byte of a long body.
		k := strings.IndexByte(s[i:], '&')
		if k < 0 {
			break
		}
		i += k
		j := i + 1
		for j < len(s) && j-i <= 33 && isEntityByte(s[j]) {
			j++
		}
		if j >= len(s) || s[j] != ';' || j == i+1 {
			continue
		}
		ref := s[i : j+1]
		dec := html.UnescapeString(ref)
		if dec == ref || strings.IndexByte(dec, 0) >= 0 || strings.ContainsRune(dec, utf8.RuneError) {
			continue // unknown name, or &#0; which must not smuggle a NUL in
		}
		b.WriteString(s[last:i])
		b.WriteString(dec)
		last, changed = j+1, true
		i = j
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

func isEntityByte(c byte) bool {
	return c == '#' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// rareCP1252 reports bytes that Windows-1252 leaves undefined (81 8D 8F 90
// 9D) or that decode to characters Dutch, French, German or English text
// practically never contains (þ ÿ ð ¤ ¦ ¨ ¬ ¯ ¸ ˆ ‰ ‹ ˜ › Ÿ †  ‡), plus Ã and
// Â: in a file that is not valid UTF-8 they are the lead bytes of broken
// UTF-8 (a truncated é is "Ã"), not Latin-1 letters. "\xff\xfe" — a UTF-16
// BOM — is thus binary, while "Caf\xe9" is Latin-1.
func rareCP1252(c byte) bool {
	switch c {
	case 0x81, 0x8d, 0x8f, 0x90, 0x9d, // undefined
		0x86, 0x87, 0x88, 0x89, 0x8b, 0x98, 0x9b, 0x9f,
		0xa4, 0xa6, 0xa8, 0xac, 0xaf, 0xb8, 0xc2, 0xc3, 0xd0, 0xde, 0xf0, 0xfe, 0xff:
		return true
	}
	return false
}

// mojibakeLead reports whether s contains Ã, Â, â, Å or Ä, the characters
// that start double-encoded UTF-8. All five are encoded as 0xC3 followed by
// one of five bytes, so a byte search (vectorised by the runtime) finds
// them far faster than decoding every rune.
func mojibakeLead(s string) bool {
	for {
		i := strings.IndexByte(s, 0xC3)
		if i < 0 || i+1 >= len(s) {
			return false
		}
		switch s[i+1] {
		case 0x83, 0x82, 0xA2, 0x85, 0x84:
			return true
		}
		s = s[i+1:]
	}
}
