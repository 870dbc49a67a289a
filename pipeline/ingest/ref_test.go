package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// This file keeps the plain versions of the reader's fast paths, as they
// were before those were added, so that tests and fuzz targets can hold
// the fast paths to them byte for byte.

// parseJSONLineRef is parseJSONLine done by encoding/json alone: no
// scanArticle, no repairBytes skipped, no joined text, ids and dates
// decoded by json.Unmarshal.
func parseJSONLineRef(data []byte, o Origin) Record {
	reject := func(id string, reason Reason, detail string) Record {
		return Record{Reject: &Reject{Origin: o, ID: id, Reason: reason, Detail: detail}}
	}
	if at := bytes.IndexByte(data, 0); at >= 0 {
		return reject("", ReasonNUL, fmt.Sprintf("NUL byte at byte offset %d", o.Offset+int64(at)))
	}
	data, repairs, bad, ok := repairBytes(data)
	if !ok {
		return reject("", ReasonInvalidUTF8, fmt.Sprintf("invalid UTF-8 at byte offset %d, and not Windows-1252 text either", o.Offset+int64(bad)))
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return reject("", ReasonBadJSON, "line holds no JSON, only a byte-order mark")
	}
	if trimmed[0] != '{' {
		if json.Valid(trimmed) {
			return reject("", ReasonBadJSON, "line is "+jsonKind(trimmed[0])+", not a JSON object")
		}
	}
	var ja jsonArticle
	if err := json.Unmarshal(data, &ja); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return reject("", ReasonBadJSON, fmt.Sprintf("%v (at byte %d of the line)", err, se.Offset))
		}
		return reject("", ReasonBadJSON, err.Error())
	}
	id, r, detail := jsonIDRef(ja.ID)
	if r != "" {
		return reject("", r, detail)
	}
	pub, r, detail := jsonStringRef(ja.Published, "published")
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
	for _, f := range [...]struct{ name, v string }{{"title", ja.Title}, {"body", ja.Body}, {"source", ja.Source}, {"url", ja.URL}} {
		if strings.IndexByte(f.v, 0) >= 0 {
			return reject(id, ReasonNUL, fmt.Sprintf("%s contains an escaped NUL (\\u0000)", f.name))
		}
	}
	title, more := repairTextRef(ja.Title)
	repairs = append(repairs, more...)
	body, more := repairTextRef(ja.Body)
	for _, m := range more {
		if !slices.Contains(repairs, m) {
			repairs = append(repairs, m)
		}
	}
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	if title == "" && body == "" {
		return reject(id, ReasonNoText, "empty title and body")
	}
	return Record{Article: &Article{
		ID: id, Published: t, Precision: prec, Title: title, Body: body,
		Source: strings.TrimSpace(ja.Source), URL: strings.TrimSpace(ja.URL), Origin: o,
		Repaired: strings.Join(repairs, ","),
	}}
}

func jsonIDRef(raw json.RawMessage) (string, Reason, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", ReasonMissingID, "no \"id\" field"
	}
	var id string
	switch c := raw[0]; {
	case c == '"':
		if err := json.Unmarshal(raw, &id); err != nil {
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

func jsonStringRef(raw json.RawMessage, name string) (string, Reason, string) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", ""
	}
	if raw[0] != '"' {
		return "", ReasonBadJSON, fmt.Sprintf("%s is %s, want a string", name, jsonKind(raw[0]))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", ReasonBadJSON, fmt.Sprintf("%s: %v", name, err)
	}
	return s, "", ""
}

// repairTextRef is repairText with unescapeEntitiesRef.
func repairTextRef(s string) (string, []string) {
	var repairs []string
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
		repairs = append(repairs, RepairNewlines)
	}
	if t, ok := fixMojibake(s); ok {
		s, repairs = t, append(repairs, RepairMojibake)
	}
	if t, ok := unescapeEntitiesRef(s); ok {
		s, repairs = t, append(repairs, RepairEntities)
	}
	return s, repairs
}

// unescapeEntitiesRef is unescapeEntities looking at every byte.
func unescapeEntitiesRef(s string) (string, bool) {
	if strings.IndexByte(s, '&') < 0 {
		return s, false
	}
	var b strings.Builder
	changed := false
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '&' {
			continue
		}
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
			continue
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

// checkParseJSONLine asserts that parseJSONLine and parseJSONLineRef make
// the same record of data, Text included.
func checkParseJSONLine(t *testing.T, data []byte) {
	t.Helper()
	o := Origin{File: "f.jsonl", Line: 3, Offset: 100}
	got, want := parseJSONLine(data, o), parseJSONLineRef(data, o)
	switch {
	case (got.Reject == nil) != (want.Reject == nil):
		t.Fatalf("parseJSONLine(%q): got %+v %+v, want %+v %+v", data, got.Article, got.Reject, want.Article, want.Reject)
	case got.Reject != nil:
		if *got.Reject != *want.Reject {
			t.Fatalf("parseJSONLine(%q): got reject %+v, want %+v", data, *got.Reject, *want.Reject)
		}
	default:
		g, w := *got.Article, *want.Article
		if g.Text() != w.Text() {
			t.Fatalf("parseJSONLine(%q): got Text %q, want %q", data, g.Text(), w.Text())
		}
		g.text = ""
		if g != w {
			t.Fatalf("parseJSONLine(%q): got article %+v, want %+v", data, g, w)
		}
	}
}

// jsonLineCases are whole lines for parseJSONLine: plain ones for the fast
// path, and all that must leave it (repairs, bad JSON, bad fields).
var jsonLineCases = []string{
	benchArticleLine,
	`{"id":"a","published":"2024-03-14","title":"T","body":"B","source":" fd ","url":"u "}`,
	`{"id":"a","published":"2024-03-14","title":"T","body":"B","extra":1}`,
	`{"id":" a\u00e9 ","published":" 2024-03-14 ","title":"T"}`,
	`{"id":"a\"b","published":"2024\u002d03","body":"B"}`,
	`{"id":42,"published":"2024-03-14T09:30:00+01:00","title":"T","body":"B"}`,
	`{"id":"a","published":"2024-03-14","title":"  T\n","body":"\t B \r\n"}`,
	`{"id":"a","published":"2024-03-14","title":"","body":"B"}`,
	`{"id":"a","published":"2024-03-14","title":"T","body":""}`,
	`{"id":"a","published":"2024-03-14","title":"T","body":null}`,
	`{"id":"a","published":"2024-03-14","body":"B"}`,
	`{"id":"a","published":"2024-03-14","title":" ","body":" "}`,
	`{"id":"a","published":"2024-03-14","title":"AT&amp;T","body":"R&D &eacute; &#233;; Stop & Shop &bogus;"}`,
	`{"id":"a","published":"2024-03-14","title":"T","body":"crÃ¨ches\r\nmeer"}`,
	`{"id":"a","published":"2024-03-14","title":"T\r","body":"B\rC"}`,
	`{"id":"a","published":"2024-03-14","title":"T","body":"a\u0000b"}`,
	`{"id":"a","published":"2024-03-14","title":"T","url":"\u0000"}`,
	`{"id":"a","published":"2024-03-14","title":"T","body":"\ud83d\ude00 \ud800"}`,
	"{\"id\":\"a\",\"published\":\"2024-03-14\",\"title\":\"Caf\xe9\",\"body\":\"x &amp; y\"}",
	"\ufeff{\"id\":\"a\",\"published\":\"2024-03-14\",\"title\":\"T\"}",
	"\xff\xfe{\x00}\x00",
	"{\"id\":\"a\",\"published\":\"2024-03-14\",\"title\":\"\x01\x02\x03\xff\"}",
	"{\"id\":\"a\",\"published\":\"2024-03-14\",\"title\":\"a\x00b\"}",
	"{\"id\":\"\xff\",\"published\":\"2024-03-14\",\"title\":\"T\"}",
	`{"id":"a","published":"2024-03-14","title":"tab	here"}`,
	`{"id":"a","published":"2024-03-14","title":5}`,
	`{"id":true,"published":"2024-03-14","title":"T"}`,
	`{"id":"a","published":20240314,"title":"T"}`,
	`{"id":"a","published":"2021-13-45","title":"T"}`,
	`{"id":"a","published":"2024-03-14"`,
	`{"id":"a","published":"2024-03-14","title":"T"}x`,
	`{"id":"a","published":"2024-03-14","title":"T","title":"U","body":"B","body":null}`,
	`[1,2]`,
	`null`,
	`"a"`,
	`  `,
	`{}`,
}

func TestParseJSONLineMatchesRef(t *testing.T) {
	for _, line := range jsonLineCases {
		checkParseJSONLine(t, []byte(line))
	}
	for _, tt := range decodeCases {
		checkParseJSONLine(t, []byte(tt.in))
	}
}

// FuzzParseJSONLine holds parseJSONLine to parseJSONLineRef, which decodes
// with encoding/json alone.
func FuzzParseJSONLine(f *testing.F) {
	for _, s := range jsonLineCases {
		f.Add([]byte(s))
	}
	for _, tt := range decodeCases {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParseJSONLine(t, data)
	})
}

// FuzzUnquote holds unquote to json.Unmarshal into a string.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"a"`, `""`, `"a\"b\u00e9\ud83d\ude00"`, `"\ud800"`, "\"\xff\"", `"a`, `"a"b`, `5`, `null`, "\"\t\"", `"\q"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, gerr := unquote(raw)
		var want string
		werr := json.Unmarshal(raw, &want)
		if got != want || (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
			t.Fatalf("unquote(%q): got %q, %v; want %q, %v as json.Unmarshal", raw, got, gerr, want, werr)
		}
	})
}

// FuzzUnescapeEntities holds unescapeEntities to the byte-by-byte loop.
func FuzzUnescapeEntities(f *testing.F) {
	for _, s := range []string{"AT&amp;T", "R&D bij caf&eacute; &#233;&#xE9; &amp c&nbsp;d &bogus; &#0;.", "&&amp;&", "&", "x&;", "&lt;&gt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gok := unescapeEntities(s)
		want, wok := unescapeEntitiesRef(s)
		if got != want || gok != wok {
			t.Fatalf("unescapeEntities(%q): got %q, %v; want %q, %v", s, got, gok, want, wok)
		}
	})
}
