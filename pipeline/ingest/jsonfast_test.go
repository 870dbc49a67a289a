package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// decodeArticle is json.Unmarshal(data, ja) by scanArticle and strValue,
// the way parseJSONLine decodes a line, so that tests can hold that to
// encoding/json: when it returns true, ja must hold exactly what
// json.Unmarshal(data, ja) would have left there, with a nil error, also
// when ja already held values (null and absent fields leave them alone).
// ja.ID and ja.Published alias data; each string field costs one
// allocation.
func decodeArticle(data []byte, ja *jsonArticle) bool {
	var la lineArticle
	if !scanArticle(data, &la) {
		return false
	}
	if la.ID != nil {
		ja.ID = la.ID
	}
	if la.Published != nil {
		ja.Published = la.Published
	}
	for _, f := range [...]struct {
		v   strValue
		dst *string
	}{{la.Title, &ja.Title}, {la.Body, &ja.Body}, {la.Source, &ja.Source}, {la.URL, &ja.URL}} {
		if f.v.set {
			*f.dst = f.v.String()
		}
	}
	return true
}

// decodeCases are lines for decodeArticle; fast says whether the fast
// path must take the line (true) or leave it to encoding/json (false).
// FuzzDecodeArticle is seeded with them.
var decodeCases = []struct {
	name string
	in   string
	fast bool
}{
	{"plain", `{"id":"a1","published":"2024-03-14","title":"ASML wint","body":"De koers steeg.","source":"fd.nl","url":"https://fd.nl/a1"}`, true},
	{"empty object", `{}`, true},
	{"empty strings", `{"id":"","published":"","title":"","body":"","source":"","url":""}`, true},
	{"only some fields", `{"id":"a","body":"x"}`, true},
	{"keys in any order", `{"url":"u","source":"s","body":"b","title":"t","published":"2024-03","id":"z"}`, true},
	{"escapes", `{"id":"a\"b","published":"2024-03-14","title":"\"Zwak\" kwartaal","body":"Regel 1\nRegel 2\r\n\tslash \/ backslash \\ \b\f"}`, true},
	{"escaped id kept raw", `{"id":"a\/b\u00e9","published":"2024\u002d03"}`, true},
	{"unicode escapes", `{"id":"a","title":"caf\u00e9 \u20ac5 \u00C9"}`, true},
	{"surrogate pair", `{"id":"a","title":"\ud83d\ude00 lacht"}`, true},
	{"lone high surrogate", `{"id":"a","title":"x\ud800y"}`, true},
	{"lone low surrogate", `{"id":"a","title":"x\udc00y"}`, true},
	{"high surrogate then non-surrogate escape", `{"id":"a","title":"\ud800\u0041"}`, true},
	{"high surrogate twice then low", `{"id":"a","title":"\ud800\ud800\udc00"}`, true},
	{"low then high surrogate", `{"id":"a","title":"\udc00\ud800"}`, true},
	{"surrogate at end", `{"id":"a","title":"\ud83d"}`, true},
	{"escaped nul", `{"id":"a","body":"a\u0000b"}`, true},
	{"raw utf8", `{"id":"é","title":"Één € voor café","body":"Ω 😀"}`, true},
	{"null strings", `{"id":"a","title":null,"body":null,"source":null,"url":null}`, true},
	{"null id and published", `{"id":null,"published":null}`, true},
	{"bool id and published", `{"id":true,"published":false}`, true},
	{"numbers", `{"id":42,"published":-0.5e+10}`, true},
	{"number zero", `{"id":0,"published":-0}`, true},
	{"number forms", `{"id":1.25E-3,"published":10e5}`, true},
	{"duplicate string keys", `{"id":"a","title":"eerste","title":"tweede"}`, true},
	{"duplicate key then null", `{"id":"a","title":"eerste","title":null}`, true},
	{"duplicate id then null", `{"id":"a","id":null}`, true},
	{"duplicate id number", `{"id":12345,"id":7}`, true},
	{"white space everywhere", " \t\r\n{ \"id\" :\t\"a\" ,\n\"title\"\r: \"T\" , \"published\": 20240314 } \t\r\n", true},
	{"white space in empty object", "{ \n }", true},

	{"unknown key", `{"id":"a","extra":1}`, false},
	{"key in other case", `{"ID":"a"}`, false},
	{"escaped key", `{"\u0069d":"a"}`, false},
	{"empty key", `{"":"a"}`, false},
	{"nested object", `{"id":{"x":1}}`, false},
	{"nested array", `{"id":[1,2]}`, false},
	{"number title", `{"title":5}`, false},
	{"bool title", `{"title":true}`, false},
	{"trailing garbage", `{"id":"a"}x`, false},
	{"two objects", `{"id":"a"}{"id":"b"}`, false},
	{"trailing comma", `{"id":"a",}`, false},
	{"missing comma", `{"id":"a" "title":"t"}`, false},
	{"missing colon", `{"id" "a"}`, false},
	{"truncated", `{"id":"a","title":"Hal`, false},
	{"truncated after value", `{"id":"a"`, false},
	{"truncated escape", `{"id":"a","title":"x\`, false},
	{"truncated unicode escape", `{"id":"a","title":"x\u00e"}`, false},
	{"bad unicode escape", `{"id":"a","title":"x\u00zz"}`, false},
	{"bad escape", `{"id":"a","title":"x\q"}`, false},
	{"single quote escape", `{"id":"a","title":"x\'"}`, false},
	{"control byte", "{\"id\":\"a\",\"title\":\"tab\there\"}", false},
	{"raw newline in string", "{\"id\":\"a\",\"body\":\"a\nb\"}", false},
	{"raw nul", "{\"id\":\"a\",\"body\":\"a\x00b\"}", false},
	{"invalid utf8", "{\"id\":\"a\",\"title\":\"caf\xe9\"}", false},
	{"invalid utf8 in id", "{\"id\":\"\xff\"}", false},
	{"truncated utf8", "{\"id\":\"a\",\"title\":\"\xe2\x82\"}", false},
	{"invalid utf8 in a long run", "{\"id\":\"a\",\"body\":\"De koers \xff steeg fors, zegt de analist\"}", false},
	{"utf8 in a long run", "{\"id\":\"a\",\"body\":\"De koers van Nestl\xc3\xa9 steeg in \xe2\x82\xac fors\"}", true},
	{"nul in a long run", "{\"id\":\"a\",\"body\":\"De koers steeg\x00 fors, zegt de analist\"}", false},
	{"escape in a long run", "{\"id\":\"a\",\"body\":\"De koers steeg \\\"fors\\\", zegt de analist\"}", true},
	{"leading zero", `{"id":01}`, false},
	{"bare minus", `{"id":-}`, false},
	{"empty fraction", `{"id":1.}`, false},
	{"empty exponent", `{"id":1e}`, false},
	{"plus sign", `{"id":+1}`, false},
	{"double dot", `{"id":1.2.3}`, false},
	{"misspelled null", `{"id":nul}`, false},
	{"literal run on", `{"id":truex}`, false},
	{"top-level array", `[{"id":"a"}]`, false},
	{"top-level null", `null`, false},
	{"top-level string", `"a"`, false},
	{"empty line", ``, false},
	{"only space", "  ", false},
	{"byte-order mark", "\ufeff{\"id\":\"a\"}", false},
	{"non-JSON white space", "{\"id\":\"a\"}\v", false},
}

// checkDecode asserts the contract of decodeArticle on data: when it
// returns true, json.Unmarshal returns nil and gives the same fields, both
// into a fresh jsonArticle and into one already holding values (which is
// what shows that null and absent fields leave a field alone). It returns
// what decodeArticle returned.
func checkDecode(t *testing.T, data []byte) bool {
	t.Helper()
	var got jsonArticle
	fast := decodeArticle(data, &got)
	if !fast {
		return false
	}
	var want jsonArticle
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("decodeArticle(%q): got true, want false: json.Unmarshal fails with %v", data, err)
	}
	equalArticles(t, data, got, want)

	prefilled := func() jsonArticle {
		return jsonArticle{ID: json.RawMessage(`"vooraf"`), Published: json.RawMessage(`1`), Title: "t0", Body: "b0", Source: "s0", URL: "u0"}
	}
	got, want = prefilled(), prefilled()
	if !decodeArticle(data, &got) {
		t.Fatalf("decodeArticle(%q) into a filled struct: got false, want true as into an empty one", data)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("json.Unmarshal(%q) into a filled struct: got %v, want nil", data, err)
	}
	equalArticles(t, data, got, want)
	return true
}

func equalArticles(t *testing.T, data []byte, got, want jsonArticle) {
	t.Helper()
	for _, f := range [...]struct {
		name      string
		got, want json.RawMessage
	}{{"ID", got.ID, want.ID}, {"Published", got.Published, want.Published}} {
		if !bytes.Equal(f.got, f.want) || (f.got == nil) != (f.want == nil) {
			t.Errorf("decodeArticle(%q): got %s %q (nil %v), want %q (nil %v) as json.Unmarshal", data, f.name, f.got, f.got == nil, f.want, f.want == nil)
		}
	}
	for _, f := range [...]struct{ name, got, want string }{
		{"Title", got.Title, want.Title}, {"Body", got.Body, want.Body},
		{"Source", got.Source, want.Source}, {"URL", got.URL, want.URL},
	} {
		if f.got != f.want {
			t.Errorf("decodeArticle(%q): got %s %q, want %q as json.Unmarshal", data, f.name, f.got, f.want)
		}
	}
}

func TestDecodeArticle(t *testing.T) {
	for _, tt := range decodeCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkDecode(t, []byte(tt.in)); got != tt.fast {
				t.Errorf("decodeArticle(%q): got %v, want %v", tt.in, got, tt.fast)
			}
		})
	}
}

// TestDecodeArticleNoAlias checks that string fields do not share memory
// with the line, which the line reader reuses.
func TestDecodeArticleNoAlias(t *testing.T) {
	data := []byte(`{"id":"a","title":"Titel","body":"met \"citaat\""}`)
	var ja jsonArticle
	if !decodeArticle(data, &ja) {
		t.Fatalf("decodeArticle(%q): got false, want true", data)
	}
	for i := range data {
		data[i] = 'x'
	}
	if ja.Title != "Titel" || ja.Body != `met "citaat"` {
		t.Errorf("after overwriting the line: got title %q body %q, want %q and %q", ja.Title, ja.Body, "Titel", `met "citaat"`)
	}
}

func TestDecodeArticleAllocs(t *testing.T) {
	data := []byte(benchArticleLine)
	allocs := testing.AllocsPerRun(100, func() {
		var ja jsonArticle
		if !decodeArticle(data, &ja) {
			t.Fatal("decodeArticle: got false, want true")
		}
	})
	// title, body, source and url: one string each; id and published
	// alias the line.
	if allocs != 4 {
		t.Errorf("got %v allocations per line, want 4", allocs)
	}
}

// TestScanStringPositions puts each kind of special byte at every position
// of strings up to 12 bytes long, so that it falls in every lane of the
// unrolled loop in scanString and in its tail.
func TestScanStringPositions(t *testing.T) {
	specials := []struct {
		s    string
		fast bool // decodeArticle must take the line
	}{
		{`\"`, true}, {`\n`, true}, {`\u00e9`, true}, {"é", true}, {"€", true}, {"😀", true},
		{"\x01", false}, {"\x7f", true}, {"\xff", false}, {"\xc3", false}, {"\xe2\x82", false}, {"\xed\xa0\x80", false}, {`\`, false},
	}
	for n := 0; n <= 12; n++ {
		for pos := 0; pos <= n; pos++ {
			for _, sp := range specials {
				line := `{"id":"a","published":"2024-03-14","body":"` + strings.Repeat("x", pos) + sp.s + strings.Repeat("y", n-pos) + `"}`
				if got := checkDecode(t, []byte(line)); got != sp.fast {
					t.Errorf("decodeArticle(%q): got %v, want %v", line, got, sp.fast)
				}
				checkParseJSONLine(t, []byte(line))
			}
		}
	}
}
