package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeArticle is a fast path for json.Unmarshal(data, ja): encoding/json
// (its validity scan plus reflection) was about a tenth of a whole score
// run, and nearly every line has the same plain shape. It decodes that
// shape only: one object with nothing but JSON white space around it,
// whose keys are exactly id, published, title, body, source or url (no
// escapes); title, body, source and url hold a string or null; id and
// published hold a string, a number, null, true or false. Strings may
// use every JSON escape, \uXXXX included, and raw non-ASCII bytes when
// they are valid UTF-8.
//
// For anything else (another key or a key in other case, an object or
// array value, invalid JSON, invalid UTF-8, ...) it returns false, and
// the caller must run json.Unmarshal on a fresh jsonArticle: ja may have
// been partly written. When it returns true, ja holds exactly what
// json.Unmarshal(data, ja) would have left there, with a nil error: later
// duplicate keys win, null leaves a string field as it was and stores the
// four bytes "null" in a RawMessage, an absent field is left untouched.
// FuzzDecodeArticle checks this against encoding/json.
//
// Unlike json.Unmarshal, ja.ID and ja.Published alias data (no copy), so
// they are valid only as long as data is; each string field costs one
// allocation.
func decodeArticle(data []byte, ja *jsonArticle) bool {
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
			i = rawValue(data, i, &ja.ID)
		case "published":
			i = rawValue(data, i, &ja.Published)
		case "title":
			i = stringValue(data, i, &ja.Title)
		case "body":
			i = stringValue(data, i, &ja.Body)
		case "source":
			i = stringValue(data, i, &ja.Source)
		case "url":
			i = stringValue(data, i, &ja.URL)
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

// stringValue decodes the string starting at data[i] into *dst, or leaves
// *dst alone for null, and returns the index just after the value, or -1
// for any other value or an invalid string.
func stringValue(data []byte, i int, dst *string) int {
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
		if !escaped {
			*dst = string(data[i+1 : end-1])
			return end
		}
		s, ok := unescape(data[i+1 : end-1])
		if !ok {
			return -1
		}
		*dst = s
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
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// scanString validates the JSON string starting at data[i] (which is '"')
// and returns the index just after its closing quote and whether it holds
// escapes; end is -1 if the string is invalid JSON, holds invalid UTF-8
// (which json.Unmarshal would replace by U+FFFD) or is unterminated.
func scanString(data []byte, i int) (end int, escaped bool) {
	start := i + 1
	nonASCII := false
	for i = start; i < len(data); i++ {
		c := data[i]
		if strPlain[c] {
			continue
		}
		switch {
		case c == '"':
			if nonASCII && !utf8.Valid(data[start:i]) {
				return -1, false
			}
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
			nonASCII = true
		default: // a control byte
			return -1, false
		}
	}
	return -1, false
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

// unescape decodes the contents s of a JSON string that scanString has
// accepted, the way encoding/json does: a \uXXXX high surrogate followed
// by a \uXXXX low surrogate is one rune, any other surrogate becomes
// U+FFFD. The result is never longer than s, so one allocation suffices.
func unescape(s []byte) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for {
		k := bytes.IndexByte(s, '\\')
		if k < 0 {
			b.Write(s)
			return b.String(), true
		}
		b.Write(s[:k])
		if k+1 >= len(s) {
			return "", false
		}
		c := s[k+1]
		s = s[k+2:]
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
			r := hex4(s, 0)
			if r < 0 {
				return "", false
			}
			s = s[4:]
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
					r2 = hex4(s, 2)
				}
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					r = dec
					s = s[6:]
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			return "", false
		}
	}
}
