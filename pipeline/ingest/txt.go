package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// bom is the UTF-8 byte order mark, tolerated at the start of input.
const bom = "\ufeff"

// dateError distinguishes "no date at all" from "a date we cannot accept",
// because they are different reject reasons.
type dateError struct {
	reason Reason
	detail string
}

// minYear is the earliest year accepted. Earlier years are typos in a news
// corpus, and year 1 would even produce the zero time.Time, which
// downstream code reads as "no date".
const minYear = 1000

// parseDate accepts YYYY-MM, YYYY-MM-DD and RFC 3339 times. It is stricter
// than time.Parse on purpose: one- or three-digit fields are rejected rather
// than guessed at.
func parseDate(s string) (time.Time, Precision, *dateError) {
	if s == "" {
		return time.Time{}, "", &dateError{ReasonMissingDate, "empty date"}
	}
	switch len(s) {
	case 7, 10:
		if !isDigits(s[0:4]) || s[4] != '-' || !isDigits(s[5:7]) || (len(s) == 10 && (s[7] != '-' || !isDigits(s[8:10]))) {
			break
		}
		y, m := atoi(s[0:4]), atoi(s[5:7])
		d, prec := 1, PrecisionMonth
		if len(s) == 10 {
			d, prec = atoi(s[8:10]), PrecisionDay
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		// time.Date normalises 2021-13-45 into 2022; a round trip exposes it.
		if m < 1 || m > 12 || d < 1 || t.Day() != d || t.Month() != time.Month(m) {
			return time.Time{}, "", &dateError{ReasonBadDate, fmt.Sprintf("impossible date %q", s)}
		}
		if y < minYear {
			return time.Time{}, "", &dateError{ReasonBadDate, fmt.Sprintf("implausible year in %q", s)}
		}
		return t, prec, nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == 't') {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, "", &dateError{ReasonBadDate, fmt.Sprintf("bad RFC 3339 time %q: %v", clip(s), err)}
		}
		t = t.UTC()
		if y := t.Year(); y < minYear || y > 9999 {
			return time.Time{}, "", &dateError{ReasonBadDate, fmt.Sprintf("implausible year in %q", clip(s))}
		}
		return t, PrecisionTime, nil
	}
	return time.Time{}, "", &dateError{ReasonBadDate, fmt.Sprintf("date %q is not YYYY-MM, YYYY-MM-DD or RFC 3339", clip(s))}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// clip shortens user data quoted in reject details so one bad line cannot
// blow up the rejects file.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// isSpace reports ASCII horizontal whitespace, the only kind the header
// syntax allows between its parts.
func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// parseHeader parses the first line of a .txt article (without its line
// ending): optional blanks, the word "date" (any case), blanks, the date,
// then optionally blanks and the title.
func parseHeader(line string) (time.Time, Precision, string, *dateError) {
	i := 0
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	if len(line)-i < 4 || !strings.EqualFold(line[i:i+4], "date") || (len(line) > i+4 && !isSpace(line[i+4])) {
		return time.Time{}, "", "", &dateError{ReasonMissingDate, fmt.Sprintf("first line %q does not start with \"date YYYY-MM[-DD]\"", clip(line))}
	}
	i += 4
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	j := i
	for j < len(line) && !isSpace(line[j]) {
		j++
	}
	if i == j {
		return time.Time{}, "", "", &dateError{ReasonMissingDate, "\"date\" header without a date"}
	}
	tok := line[i:j]
	if strings.IndexByte(tok, 'T') >= 0 || strings.IndexByte(tok, 't') >= 0 {
		// Only the date forms are allowed in a header; a time here is more
		// likely a typo than intent, and a title could follow anyway.
		return time.Time{}, "", "", &dateError{ReasonBadDate, fmt.Sprintf("header date %q is not YYYY-MM or YYYY-MM-DD", clip(tok))}
	}
	t, prec, derr := parseDate(tok)
	if derr != nil {
		return time.Time{}, "", "", derr
	}
	return t, prec, strings.TrimSpace(line[j:]), nil
}

// invalidUTF8At returns the offset of the first byte that is not valid
// UTF-8, or -1. utf8.Valid is much faster than decoding, so it runs first.
func invalidUTF8At(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// parseTxt turns the full content of one .txt article into an Article or a
// Reject. The title is the rest of the header line; when it is empty the
// title stays empty rather than being guessed from the body, because a
// wrong guess would move the headline weighting onto ordinary text.
func parseTxt(data []byte, file, id string) Record {
	rec := Record{Bytes: int64(len(data))}
	reject := func(line int, off int64, reason Reason, detail string) Record {
		rec.Reject = &Reject{Origin: Origin{File: file, Line: line, Offset: off}, ID: id, Reason: reason, Detail: detail}
		return rec
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte(bom)))) == 0 {
		return reject(1, 0, ReasonEmpty, fmt.Sprintf("file has no content (%d bytes)", len(data)))
	}
	if at := bytes.IndexByte(data, 0); at >= 0 && !bytes.HasPrefix(data, []byte("\xff\xfe")) && !bytes.HasPrefix(data, []byte("\xfe\xff")) {
		return reject(1, 0, ReasonNUL, fmt.Sprintf("NUL byte at byte offset %d", at))
	}
	// Archives hold Windows-1252 and UTF-16 text; decode what is plausibly
	// text, reject what is not (binary data).
	data, repairs, bad, ok := repairBytes(data)
	if !ok {
		return reject(1, 0, ReasonInvalidUTF8, fmt.Sprintf("invalid UTF-8 at byte offset %d, and not Windows-1252 text either", bad))
	}
	if at := bytes.IndexByte(data, 0); at >= 0 {
		return reject(1, 0, ReasonNUL, fmt.Sprintf("NUL byte at character offset %d of the decoded text", at))
	}
	// One conversion; title and body share its memory. One line ending in
	// Text keeps byte offsets of explanations stable.
	s, more := repairText(string(data))
	repairs = append(repairs, more...)
	head, body, _ := strings.Cut(s, "\n")
	head = strings.TrimSuffix(head, "\r")
	t, prec, title, derr := parseHeader(head)
	if derr != nil {
		return reject(1, 0, derr.reason, derr.detail)
	}
	body = strings.TrimSpace(body)
	if title == "" && body == "" {
		return reject(1, 0, ReasonNoText, "header only, no title or body")
	}
	rec.Article = &Article{
		ID: id, Published: t, Precision: prec, Title: title, Body: body,
		Origin: Origin{File: file, Line: 1, Offset: 0}, Repaired: strings.Join(repairs, ","),
	}
	return rec
}
