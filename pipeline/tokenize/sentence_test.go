package tokenize

import (
	"strings"
	"testing"
)

// TestSentenceHardCases covers what breaks naive splitters on Dutch news:
// abbreviations, decimals, initials, quotes, dashes, lists and headlines.
// "|" separates the expected sentences.
func TestSentenceHardCases(t *testing.T) {
	tk := New([]string{"o.a", "mln", "mrd", "bv", "bijv", "nv", "dhr", "mevr", "ca", "m.b.t", "i.v.m", "t.o.v", "enz", "etc", "jl", "prof", "dr", "mr", "ir", "drs", "nr", "art", "blz", "incl", "resp", "e.d", "zgn", "vs", "jan", "sept", "ong"})
	tests := []struct{ name, text, want string }{
		{"plain", "ASML groeit. Philips krimpt.", "ASML groeit.|Philips krimpt."},
		{"o.a. before name", "Beleggers kochten o.a. ASML en Shell.", "Beleggers kochten o.a. ASML en Shell."},
		{"bv. before name", "Grote bedrijven, bv. Philips, klagen.", "Grote bedrijven, bv. Philips, klagen."},
		{"bijv. before name", "Chipmakers, bijv. ASML, profiteren.", "Chipmakers, bijv. ASML, profiteren."},
		{"mln. mid-sentence", "Een verlies van 3 mln. euro werd geboekt.", "Een verlies van 3 mln. euro werd geboekt."},
		{"mln. at end", "De winst bedroeg 3 mln. Philips deed het beter.", "De winst bedroeg 3 mln.|Philips deed het beter."},
		{"mrd. at end", "De omzet steeg naar 2,1 mrd. Dat is een record.", "De omzet steeg naar 2,1 mrd.|Dat is een record."},
		{"enz. at end", "Banken, verzekeraars enz. De sector lijdt.", "Banken, verzekeraars enz.|De sector lijdt."},
		{"etc. mid", "Chips, auto's etc. zijn duurder.", "Chips, auto's etc. zijn duurder."},
		{"dhr.", "Volgens dhr. Jansen is het voorbij.", "Volgens dhr. Jansen is het voorbij."},
		{"mevr.", "Mevr. De Vries leidt het fonds.", "Mevr. De Vries leidt het fonds."},
		{"prof. dr.", "Prof. dr. A. Boot waarschuwt.", "Prof. dr. A. Boot waarschuwt."},
		{"ca.", "Het gaat om ca. 500 banen. Die verdwijnen.", "Het gaat om ca. 500 banen.|Die verdwijnen."},
		{"m.b.t.", "Regels m.b.t. ESG worden strenger.", "Regels m.b.t. ESG worden strenger."},
		{"t.o.v.", "Een stijging t.o.v. Q2 van 4 procent.", "Een stijging t.o.v. Q2 van 4 procent."},
		{"i.v.m.", "De beurs sloot i.v.m. Koningsdag.", "De beurs sloot i.v.m. Koningsdag."},
		{"art.", "Dat staat in art. 6 van de wet.", "Dat staat in art. 6 van de wet."},
		{"nr.", "ASML is nr. 1 in Europa.", "ASML is nr. 1 in Europa."},
		{"decimal comma", "De koers steeg 3,2 procent. Meer nieuws volgt.", "De koers steeg 3,2 procent.|Meer nieuws volgt."},
		{"thousands", "Er gingen 1.250 banen weg. Dat meldt de bond.", "Er gingen 1.250 banen weg.|Dat meldt de bond."},
		{"decimal point", "De rente is 3.5 procent.", "De rente is 3.5 procent."},
		{"time", "Om 9.30 uur opende de beurs. Daarna daalde ze.", "Om 9.30 uur opende de beurs.|Daarna daalde ze."},
		{"date", "Op 14.03.2024 kwam het bericht.", "Op 14.03.2024 kwam het bericht."},
		{"year at end", "De winst daalde in 2023. Dit jaar wordt beter.", "De winst daalde in 2023.|Dit jaar wordt beter."},
		{"number starts sentence", "Dat was het. 2021 wordt beter.", "Dat was het.|2021 wordt beter."},
		{"initial", "Topman J. Smit vertrekt. Hij blijft adviseur.", "Topman J. Smit vertrekt.|Hij blijft adviseur."},
		{"two initials", "Topman J.P. Smit vertrekt.", "Topman J.P. Smit vertrekt."},
		{"J.P. Morgan", "Analisten van J.P. Morgan zijn positief.", "Analisten van J.P. Morgan zijn positief."},
		{"initial De", "Minister K. De Gucht reageert.", "Minister K. De Gucht reageert."},
		{"acronym ends", "Het gaat om ING. De bank zwijgt.", "Het gaat om ING.|De bank zwijgt."},
		{"dotted acronym ends", "Het gaat om de V.S. De markt daalt.", "Het gaat om de V.S.|De markt daalt."},
		{"quote inside", "„We groeien”, zei de topman.", "„We groeien”, zei de topman."},
		{"quote end", "„We groeien.” Dat zei de topman.", "„We groeien.”|Dat zei de topman."},
		{"quote opens next", "Hij was duidelijk. „We groeien.”", "Hij was duidelijk.|„We groeien.”"},
		{"ascii quote opens next", "Hij was duidelijk. \"We groeien.\" Daarna ging hij.", "Hij was duidelijk.|\"We groeien.\"|Daarna ging hij."},
		{"question in quote", "„Waarom?” vroeg hij.", "„Waarom?” vroeg hij."},
		{"exclamation", "Wat een val! De koers halveerde.", "Wat een val!|De koers halveerde."},
		{"question", "Wacht beleggers een hinderlaag? Niemand weet het.", "Wacht beleggers een hinderlaag?|Niemand weet het."},
		{"?! run", "Een winstwaarschuwing?! Ja.", "Een winstwaarschuwing?!|Ja."},
		{"ellipsis mid", "De koers ... daalde toch.", "De koers ... daalde toch."},
		{"ellipsis end", "Het wachten is op ... Het kabinet.", "Het wachten is op ...|Het kabinet."},
		{"unicode ellipsis", "En toen… De beurs crashte.", "En toen…|De beurs crashte."},
		{"parenthesis after", "De winst steeg (zie grafiek.) Beleggers juichten.", "De winst steeg (zie grafiek.)|Beleggers juichten."},
		{"parenthesis opens next", "De winst steeg. (Beleggers juichten.)", "De winst steeg.|(Beleggers juichten.)"},
		{"lowercase after period", "Het kost 5 euro p. st. en meer.", "Het kost 5 euro p. st. en meer."},
		{"url", "Zie www.asml.com. Daar staat het.", "Zie www.asml.com.|Daar staat het."},
		{"domain", "Bol.com groeit. Takeaway.com niet.", "Bol.com groeit.|Takeaway.com niet."},
		{"email", "Mail pers@asml.com. Zij antwoorden.", "Mail pers@asml.com.|Zij antwoorden."},
		{"paragraph without period", "Kop zonder punt\n\nDe tekst begint hier.", "Kop zonder punt|De tekst begint hier."},
		{"all caps headline", "ASML BOEKT RECORDWINST\n\nDe chipmachinemaker verraste.", "ASML BOEKT RECORDWINST|De chipmachinemaker verraste."},
		{"bullets", "De punten:\n- omzet steeg\n- winst daalde", "De punten:|- omzet steeg|- winst daalde"},
		{"dash list", "Resultaten:\n• omzet 3 mld.\n• winst 1 mrd.", "Resultaten:|• omzet 3 mld.|• winst 1 mrd."},
		{"em dash", "De winst — hoe kan het — daalde.", "De winst — hoe kan het — daalde."},
		{"elision", "Dat gebeurde 's avonds. 's Morgens was alles anders.", "Dat gebeurde 's avonds.|'s Morgens was alles anders."},
		{"city elision", "Hij woont in 's-Hertogenbosch. Daar werkt hij.", "Hij woont in 's-Hertogenbosch.|Daar werkt hij."},
		{"ticker", "AEX: ASML daalde. Shell steeg.", "AEX: ASML daalde.|Shell steeg."},
		{"percent end", "De index steeg 1,2%. Beleggers kochten.", "De index steeg 1,2%.|Beleggers kochten."},
		{"euro", "Dat kost €5,- per stuk. Duur.", "Dat kost €5,- per stuk.|Duur."},
		{"year elision", "In de zomer van '21 begon het. Daarna niet meer.", "In de zomer van '21 begon het.|Daarna niet meer."},
		{"month abbreviation", "Sinds 1 jan. geldt de regel.", "Sinds 1 jan. geldt de regel."},
		{"no space after period", "De koers daalde.Beleggers vluchtten.", "De koers daalde.Beleggers vluchtten."},
		{"several blank lines", "Een.\n\n\n\nTwee.", "Een.|Twee."},
		{"leading blank lines", "\n\nEen. Twee.", "Een.|Twee."},
		{"IJ", "Het IJsselmeer stijgt. IJmuiden ook.", "Het IJsselmeer stijgt.|IJmuiden ook."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res Result
			tk.Tokenize(tt.text, &res)
			var got []string
			for _, s := range res.Sentences {
				got = append(got, tt.text[s.Start:s.End])
			}
			if g := strings.Join(got, "|"); g != tt.want {
				t.Errorf("got  %q\nwant %q", g, tt.want)
			}
		})
	}
	if len(tests) < 50 {
		t.Errorf("got %d hard cases, want ≥ 50", len(tests))
	}
}
