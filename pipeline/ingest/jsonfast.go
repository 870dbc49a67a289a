package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// strValue is a JSON string as scanArticle found it: the bytes between its
// quotes, aliasing the line, not yet decoded.
type strValue struct {
	raw     []byte
	escaped bool // raw holds backslash escapes
	set     bool // false: the field was absent or null
}

// String returns the decoded string (one allocation).
func (v strValue) String() string {
	if !v.escaped {
		return string(v.raw)
	}
	var b strings.Builder
	b.Grow(len(v.raw))
	v.writeTo(&b)
	return b.String()
}

// writeTo appends the decoded string to b.
func (v strValue) writeTo(b *strings.Builder) {
	if !v.escaped {
		b.Write(v.raw)
		return
	}
	writeUnescaped(b, v.raw)
}

// lineArticle is jsonArticle as scanArticle leaves it: the string fields
// are still undecoded, so that the caller chooses where they go.
type lineArticle struct {
	ID, Published            json.RawMessage // nil when absent; alias the line
	Title, Body, Source, URL strValue
}

// scanArticle is a fast path for json.Unmarshal(data, &jsonArticle{}):
// encoding/json (its validity scan plus reflection) was about a tenth of a
// whole score run, and nearly every line has the same plain shape. It
// takes that shape only: one object with nothing but JSON white space
// around it, whose keys are exactly id, published, title, body, source or
// url (no escapes); title, body, source and url hold a string or null; id
// and published hold a string, a number, null, true or false. Strings may
// use every JSON escape, \uXXXX included, and raw non-ASCII bytes when
// they are valid UTF-8.
//
// For anything else (another key or a key in other case, an object or
// array value, invalid JSON, invalid UTF-8, ...) it returns false, and
// the caller must run json.Unmarshal; la may have been partly written.
// When it returns true, la records the fields as json.Unmarshal would
// have set them, with a nil error: later duplicate keys win, null leaves a
// string field unset and stores the four bytes "null" in a RawMessage, an
// absent field is left untouched. The string fields are not decoded yet,
// so that the caller can put them where it wants them (title and body into
// one allocation). FuzzDecodeArticle checks all this against encoding/json.
//
// A line it accepts is valid UTF-8 (every string is checked, and nothing
// but ASCII may stand outside strings) and starts with neither a UTF-8 nor
// a UTF-16 byte-order mark (its first byte other than white space is '{'):
// parseJSONLine relies on that to skip repairBytes.
func scanArticle(data []byte, la *lineArticle) bool {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return skipWS(data, i+1) == len(data)
	}
	for {
		// The key: lower-case ASCII letters only, so no escapes and no
		// case folding to think about.
		if i >= len(data) || data[i] != '"' {
			return false
		}
		k := i + 1
		for k < len(data) && data[k] >= 'a' && data[k] <= 'z' {
			k++
		}
		if k >= len(data) || data[k] != '"' {
			return false
		}
		key := data[i+1 : k]
		i = skipWS(data, k+1)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipWS(data, i+1)
		if i >= len(data) {
			return false
		}
		switch string(key) { // no allocation: the compiler compares in place
		case "id":
			i = rawValue(data, i, &la.ID)
		case "published":
			i = rawValue(data, i, &la.Published)
		case "title":
			i = stringValue(data, i, &la.Title)
		case "body":
			i = stringValue(data, i, &la.Body)
		case "source":
			i = stringValue(data, i, &la.Source)
		case "url":
			i = stringValue(data, i, &la.URL)
		default:
			return false
		}
		if i < 0 {
			return false
		}
		i = skipWS(data, i)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return skipWS(data, i+1) == len(data)
		default:
			return false
		}
	}
}

// skipWS returns the index of the first byte at or after i that is not
// JSON white space.
func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// hasLiteral reports whether data[i:] starts with lit.
func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

// rawValue stores the string, number, null, true or false starting at
// data[i] in *dst (aliasing data) and returns the index just after it,
// or -1 if it is none of those or not valid JSON.
func rawValue(data []byte, i int, dst *json.RawMessage) int {
	end := -1
	switch c := data[i]; {
	case c == '"':
		end, _ = scanString(data, i)
	case c == 'n':
		if hasLiteral(data, i, "null") {
			end = i + 4
		}
	case c == 't':
		if hasLiteral(data, i, "true") {
			end = i + 4
		}
	case c == 'f':
		if hasLiteral(data, i, "false") {
			end = i + 5
		}
	case c == '-' || (c >= '0' && c <= '9'):
		end = scanNumber(data, i)
	}
	if end < 0 {
		return -1
	}
	*dst = data[i:end:end]
	return end
}

// stringValue records the string starting at data[i] in *dst, or leaves
// *dst alone for null, and returns the index just after the value, or -1
// for any other value or an invalid string.
func stringValue(data []byte, i int, dst *strValue) int {
	switch data[i] {
	case 'n':
		if hasLiteral(data, i, "null") {
			return i + 4
		}
		return -1
	case '"':
		end, escaped := scanString(data, i)
		if end < 0 {
			return -1
		}
		*dst = strValue{raw: data[i+1 : end-1], escaped: escaped, set: true}
		return end
	}
	return -1
}

// scanNumber returns the index just after the JSON number starting at
// data[i], -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, or -1 if there
// is none. What follows the number is the caller's to check.
func scanNumber(data []byte, i int) int {
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return -1
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		i = skipDigits(data, i+1)
	default:
		return -1
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

// strPlain marks the bytes that stand for themselves inside a JSON string
// without further checks: printable ASCII other than '"' and '\\'.
var strPlain = func() (t [256]uint8) {
	for c := 0x20; c < 0x80; c++ {
		if c != '"' && c != '\\' {
			t[c] = 1
		}
	}
	return t
}()

// scanString validates the JSON string starting at data[i] (which is '"')
// and returns the index just after its closing quote and whether it holds
// escapes; end is -1 if the string is invalid JSON, holds invalid UTF-8
// (which json.Unmarshal would replace by U+FFFD) or is unterminated.
func scanString(data []byte, i int) (end int, escaped bool) {
	for i++; ; i++ {
		// The tight loop over plain bytes, where nearly all the time goes;
		// counting from 0 over a subslice lets the compiler drop the
		// bounds check.
		rest := data[i:]
		k := 0
		for len(rest)-k >= 4 && strPlain[rest[k]]&strPlain[rest[k+1]]&strPlain[rest[k+2]]&strPlain[rest[k+3]] != 0 {
			k += 4
		}
		for k < len(rest) && strPlain[rest[k]] != 0 {
			k++
		}
		i += k
		if k == len(rest) {
			return -1, false
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, escaped
		case c == '\\':
			escaped = true
			i++
			if i >= len(data) {
				return -1, false
			}
			switch data[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if hex4(data, i+1) < 0 {
					return -1, false
				}
				i += 4
			default:
				return -1, false
			}
		case c >= utf8.RuneSelf:
			// Validate the sequence here rather than the whole string in a
			// second pass: non-ASCII characters are rare in a news text.
			// (A continuation byte is never '"', so the sequence cannot
			// swallow the closing quote.)
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return -1, false
			}
			i += size - 1
		default: // a control byte
			return -1, false
		}
	}
}

// hex4 returns the value of the four hex digits at data[i:], or -1.
func hex4(data []byte, i int) rune {
	if len(data)-i < 4 {
		return -1
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// writeUnescaped appends to b the contents s of a JSON string that
// scanString has accepted, decoded the way encoding/json does: a \uXXXX
// high surrogate followed by a \uXXXX low surrogate is one rune, any other
// surrogate becomes U+FFFD. The result is never longer than s. (A
// malformed escape, which scanString rules out, is copied as it stands.)
func writeUnescaped(b *strings.Builder, s []byte) {
	for {
		k := bytes.IndexByte(s, '\\')
		if k < 0 || k+1 >= len(s) {
			b.Write(s)
			return
		}
		b.Write(s[:k])
		c := s[k+1]
		rest := s[k+2:]
		switch c {
		case '"', '\\', '/':
			b.WriteByte(c)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r := hex4(rest, 0)
			if r < 0 {
				b.Write(s[k : k+2])
				break
			}
			rest = rest[4:]
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(rest) >= 6 && rest[0] == '\\' && rest[1] == 'u' {
					r2 = hex4(rest, 2)
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					rest = rest[6:]
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			b.Write(s[k : k+2])
		}
		s = rest
	}
}

// unquote decodes the JSON string raw (quotes included), giving what
// json.Unmarshal into a string gives. A string scanString accepts whole
// (nearly every id and date) is decoded here; anything else, such as
// invalid UTF-8, which encoding/json replaces by U+FFFD, is left to
// encoding/json, errors included.
func unquote(raw []byte) (string, error) {
	if len(raw) > 0 && raw[0] == '"' {
		if end, escaped := scanString(raw, 0); end == len(raw) {
			return strValue{raw: raw[1 : end-1], escaped: escaped}.String(), nil
		}
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}
