package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// lineReader yields lines from a stream while holding at most about
// max bytes of any one line in memory: a longer line is consumed and
// discarded piecewise and reported as too long, so one runaway line (or a
// binary file named .jsonl) cannot exhaust memory.
type lineReader struct {
	br  *bufio.Reader
	max int
	acc []byte // reused to assemble lines longer than br's buffer
}

// line is one line of input, without its line ending.
type line struct {
	data    []byte // valid until the next call to next
	n       int64  // bytes consumed, including the line ending
	tooLong bool   // data is nil: the line exceeded max
}

// next returns the next line. At the end of the stream it returns io.EOF;
// a read error mid-line is returned with the partial line discarded (its
// byte count is still in l.n).
func (lr *lineReader) next() (l line, err error) {
	lr.acc = lr.acc[:0]
	assembling := false
	for {
		frag, err := lr.br.ReadSlice('\n')
		l.n += int64(len(frag))
		if !l.tooLong {
			// +2 leaves room for "\r\n", which does not count toward the limit.
			if len(lr.acc)+len(frag) > lr.max+2 {
				l.tooLong, lr.acc = true, lr.acc[:0]
			} else if err == bufio.ErrBufferFull || assembling {
				// frag is only valid until the next ReadSlice: copy it.
				lr.acc = append(lr.acc, frag...)
				assembling = true
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || l.n == 0) {
			return line{n: l.n}, err
		}
		if !l.tooLong {
			if assembling {
				frag = lr.acc
			}
			frag = bytes.TrimSuffix(frag, []byte("\n"))
			frag = bytes.TrimSuffix(frag, []byte("\r"))
			if len(frag) > lr.max {
				l.tooLong = true
			} else {
				l.data = frag
			}
		}
		return l, nil
	}
}

// jsonArticle is the wire form of a JSONL article. id and published are
// raw so that their type can be checked and reported precisely.
type jsonArticle struct {
	ID        json.RawMessage `json:"id"`
	Published json.RawMessage `json:"published"`
	Title     string          `json:"title"`
	Body      string          `json:"body"`
	Source    string          `json:"source"`
	URL       string          `json:"url"`
}

// jsonKind names the JSON type starting with c, for error messages.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// parseJSONLine turns one non-blank JSONL line into an Article or a Reject
// (Record.Bytes is left to the caller).
func parseJSONLine(data []byte, o Origin) Record {
	reject := func(id string, reason Reason, detail string) Record {
		return Record{Reject: &Reject{Origin: o, ID: id, Reason: reason, Detail: detail}}
	}
	if at := bytes.IndexByte(data, 0); at >= 0 {
		return reject("", ReasonNUL, fmt.Sprintf("NUL byte at byte offset %d", o.Offset+int64(at)))
	}
	var (
		la      lineArticle
		ja      jsonArticle
		repairs []string
	)
	// A line in the plain shape is valid UTF-8 without a byte-order mark
	// (see scanArticle), which repairBytes would return unchanged: trying
	// the shape first saves a pass over the line. Other lines are repaired
	// first and then decoded as before.
	fast := scanArticle(data, &la)
	if !fast {
		var bad int
		var ok bool
		data, repairs, bad, ok = repairBytes(data)
		if !ok {
			return reject("", ReasonInvalidUTF8, fmt.Sprintf("invalid UTF-8 at byte offset %d, and not Windows-1252 text either", o.Offset+int64(bad)))
		}
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		if len(trimmed) == 0 {
			// Only a byte-order mark, which the repair removed.
			return reject("", ReasonBadJSON, "line holds no JSON, only a byte-order mark")
		}
		if trimmed[0] != '{' {
			// Unmarshal into a struct would accept null silently and give a
			// vague message for the rest, so say plainly what was found.
			if json.Valid(trimmed) {
				return reject("", ReasonBadJSON, "line is "+jsonKind(trimmed[0])+", not a JSON object")
			}
		}
		// The line as read was scanned already, in vain: scan again only
		// what the repair changed.
		if len(repairs) > 0 {
			la = lineArticle{}
			fast = scanArticle(data, &la)
		}
	}
	if !fast {
		// Not the plain shape: let encoding/json decide, and word the error.
		if err := json.Unmarshal(data, &ja); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return reject("", ReasonBadJSON, fmt.Sprintf("%v (at byte %d of the line)", err, se.Offset))
			}
			return reject("", ReasonBadJSON, err.Error())
		}
		la.ID, la.Published = ja.ID, ja.Published
	}
	id, r, detail := jsonID(la.ID)
	if r != "" {
		return reject("", r, detail)
	}
	pub, r, detail := jsonString(la.Published, "published")
	if r == ReasonBadJSON {
		r = ReasonBadDate
	}
	if r == "" && strings.TrimSpace(pub) == "" {
		r, detail = ReasonMissingDate, "no \"published\" field"
	}
	if r != "" {
		return reject(id, r, detail)
	}
	t, prec, derr := parseDate(strings.TrimSpace(pub))
	if derr != nil {
		return reject(id, derr.reason, derr.detail)
	}
	// text is "title\n\nbody" decoded into one allocation, which Text
	// returns when repairs and trimming leave title and body as they are.
	var text string
	if fast {
		text, ja.Title, ja.Body = joinText(la.Title, la.Body)
		ja.Source, ja.URL = la.Source.String(), la.URL.String()
	}
	for _, f := range [...]struct{ name, v string }{{"title", ja.Title}, {"body", ja.Body}, {"source", ja.Source}, {"url", ja.URL}} {
		// JSON can smuggle NULs in as \u0000; they must not reach the text.
		if strings.IndexByte(f.v, 0) >= 0 {
			return reject(id, ReasonNUL, fmt.Sprintf("%s contains an escaped NUL (\\u0000)", f.name))
		}
	}
	title, more := repairText(ja.Title)
	repairs = append(repairs, more...)
	body, more := repairText(ja.Body)
	for _, m := range more {
		if !slices.Contains(repairs, m) {
			repairs = append(repairs, m)
		}
	}
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	if title == "" && body == "" {
		return reject(id, ReasonNoText, "empty title and body")
	}
	a := &Article{
		ID: id, Published: t, Precision: prec, Title: title, Body: body,
		Source: strings.TrimSpace(ja.Source), URL: strings.TrimSpace(ja.URL), Origin: o,
		Repaired: strings.Join(repairs, ","),
	}
	if a.joins(text) {
		a.text = text
	}
	return Record{Article: a}
}

// joinText decodes title and body into one string, text = title + "\n\n"
// + body, and returns it with title and body as its substrings.
func joinText(title, body strValue) (text, t, b string) {
	var sb strings.Builder
	sb.Grow(len(title.raw) + 2 + len(body.raw))
	title.writeTo(&sb)
	n := sb.Len()
	sb.WriteString("\n\n")
	body.writeTo(&sb)
	text = sb.String()
	return text, text[:n], text[n+2:]
}

// jsonID accepts a string or a number (kept as written, e.g. 42 → "42").
func jsonID(raw json.RawMessage) (string, Reason, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", ReasonMissingID, "no \"id\" field"
	}
	var id string
	switch c := raw[0]; {
	case c == '"':
		var err error
		if id, err = unquote(raw); err != nil {
			return "", ReasonBadJSON, fmt.Sprintf("id: %v", err)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		id = string(raw)
	default:
		return "", ReasonBadJSON, "id is " + jsonKind(c) + ", want a string or number"
	}
	id = strings.TrimSpace(id)
	if id == "" {
		return "", ReasonMissingID, "empty \"id\""
	}
	return id, "", ""
}

// jsonString decodes an optional string field; absent and null give "".
func jsonString(raw json.RawMessage, name string) (string, Reason, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", ""
	}
	if raw[0] != '"' {
		return "", ReasonBadJSON, fmt.Sprintf("%s is %s, want a string", name, jsonKind(raw[0]))
	}
	s, err := unquote(raw)
	if err != nil {
		return "", ReasonBadJSON, fmt.Sprintf("%s: %v", name, err)
	}
	return s, "", ""
}
