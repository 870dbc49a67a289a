#!/usr/bin/env python3
"""Build lexicons/nl/abbreviations.tsv from pragmatic_segmenter's Dutch list.

Source: ``dutch_abbreviations.txt`` from pragmatic_segmenter (Kevin S. Dias,
MIT, https://github.com/diasks2/pragmatic_segmenter), copied read-only to
``../shared/lexicon-sources/pragmatic_segmenter/``.

The tokenizer (pipeline/tokenize) treats a word followed by a period as a
non-terminal abbreviation when the lower-cased word without the final period
is listed here. A false entry therefore glues two sentences together, so the
conversion errs on the side of precision:

1. lower-case, NFC, strip surrounding whitespace and the final period;
2. drop entries the tokenizer can never see as one token (spaces, '&',
   parentheses and other punctuation besides '.', '-' and apostrophes);
3. drop entries that are common Dutch words or news acronyms usually written
   without a period, which therefore mostly end a sentence when followed by
   one (DROP, each with its reason; they are listed as comments in the output);
4. add abbreviations common in Dutch/Belgian financial news (EXTRA);
5. de-duplicate and sort.

Usage (from the repository root)::

    python3 scripts/lexicons/convert_abbreviations.py \\
        [--src ../shared/lexicon-sources/pragmatic_segmenter/dutch_abbreviations.txt] \\
        [--out lexicons/nl/abbreviations.tsv]
"""

import argparse
import os
import re
import unicodedata

VERSION = "2026.11.0"

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SRC = os.path.join(REPO, "..", "shared", "lexicon-sources", "pragmatic_segmenter", "dutch_abbreviations.txt")
DEFAULT_OUT = os.path.join(REPO, "lexicons", "nl", "abbreviations.tsv")

# One token: letters, digits, inner periods, hyphens, apostrophes.
TOKEN_RE = re.compile(r"^[^\W_](?:[\w.'’-]*[^\W_])?$")

WORD = "common Dutch word that often ends a sentence"
ENGLISH = "English word common in quotes and names"
ACRONYM = "acronym usually written without periods; 'X.' mostly ends a sentence"
DROP = {
    "al": WORD, "dat": WORD, "me": WORD, "u": WORD, "pas": WORD, "best": WORD,
    "top": WORD, "vol": WORD, "ver": WORD, "hand": WORD, "bel": WORD, "pers": WORD,
    "mand": WORD, "get": ENGLISH, "gem": WORD, "not": ENGLISH, "rom": WORD, "tom": WORD,
    "lat": WORD, "pan": WORD, "cap": WORD, "mod": WORD, "mon": WORD, "pat": WORD,
    "sir": ENGLISH, "soc": WORD, "it": ENGLISH, "or": ENGLISH, "red": WORD, "rep": WORD,
    "reg": WORD, "min": WORD, "max": WORD, "stat": WORD, "begins": ENGLISH,
    "bestuurswet": "a full word (law name), not an abbreviation",
    "ing": "the bank ING ('bij ING.' ends a sentence)",
    "vs": "de VS (Verenigde Staten) ends many sentences; 'vs.' (versus) is rare in news",
    "vn": ACRONYM + " (de VN)", "eur": ACRONYM + " (EUR)", "rtl": ACRONYM + " (RTL)",
    "ww": ACRONYM + " (de WW)", "bw": ACRONYM + " (art. 2:403 BW)", "ov": ACRONYM + " (het OV)",
    "pk": "unit written without a period (300 pk)", "kg": "unit written without a period (5 kg)",
    "kbo-nr": "ends with a number, never a period", "sofi-nr": "ends with a number, never a period",
}

# Abbreviations common in Dutch/Belgian (financial) news.
EXTRA = {
    "mln": "miljoen", "mrd": "miljard", "bln": "biljoen", "bv": "besloten vennootschap",
    "nv": "naamloze vennootschap", "dhr": "de heer", "mevr": "mevrouw", "mw": "mevrouw",
    "ca": "circa", "o.a": "onder andere", "e.a": "en andere(n)", "m.b.t": "met betrekking tot",
    "i.p.v": "in plaats van", "t.o.v": "ten opzichte van", "z.g": "zogenaamd", "zgn": "zogenaamd",
    "jl": "jongstleden", "nr": "nummer", "blz": "bladzijde", "incl": "inclusief",
    "excl": "exclusief", "resp": "respectievelijk", "prof": "professor", "dr": "doctor",
    "ir": "ingenieur", "mr": "meester in de rechten", "drs": "doctorandus", "bijv": "bijvoorbeeld",
    "bv.b.a": "besloten vennootschap met beperkte aansprakelijkheid (bvba)",
    "b.v": "besloten vennootschap", "n.v": "naamloze vennootschap", "e.d": "en dergelijke",
    "e.v": "en volgende", "i.v.m": "in verband met", "m.i": "mijns inziens",
    "n.a.v": "naar aanleiding van", "o.b.v": "op basis van", "d.w.z": "dat wil zeggen",
    "m.a.w": "met andere woorden", "t.a.v": "ten aanzien van", "t/m": "tot en met",
    "z.s.m": "zo spoedig mogelijk", "p.p": "per persoon", "enz": "enzovoort",
    "aug": "augustus", "sept": "september", "okt": "oktober", "nov": "november",
    "dec": "december", "jan": "januari", "feb": "februari", "febr": "februari",
    "mrt": "maart", "apr": "april", "jun": "juni", "jul": "juli",
    "gem": None, "gen": "generaal", "lt": "luitenant", "plv": "plaatsvervangend",
    "wnd": "waarnemend", "vz": "voorzitter", "st": "sint", "gebr": "gebroeders",
    "corp": "corporation", "inc": "incorporated", "co": "company", "ltd": "limited",
    "mio": "miljoen (Belgisch)", "kw": "kwartaal", "vnl": "voornamelijk", "evt": "eventueel",
    "mld": "miljard", "pct": "procent",
}


def norm(s):
    return unicodedata.normalize("NFC", s.strip()).lower().rstrip(".").strip()


def convert(src):
    kept, dropped = {}, {}
    with open(src, encoding="utf-8") as fh:
        for line in fh:
            a = norm(line)
            if not a:
                continue
            if not TOKEN_RE.match(a) or "'" in a or "’" in a:
                dropped.setdefault(a, "not a single token")
            elif a in DROP:
                dropped[a] = DROP[a]
            else:
                kept[a] = ""
    for a, note in EXTRA.items():
        if note is None or a in DROP:
            continue
        if a in kept:
            kept[a] = note
        else:
            kept[a] = "added: " + note
    return kept, dropped


def write(kept, dropped, out_path):
    header = [
        "# name: abbreviations",
        "# description: Dutch abbreviations whose final period does not end a sentence (lower-case, without the final period)",
        "# source: pragmatic_segmenter dutch_abbreviations.txt (Kevin S. Dias, https://github.com/diasks2/pragmatic_segmenter) plus marktstem additions, via scripts/lexicons/convert_abbreviations.py",
        "# licence: MIT",
        "# version: " + VERSION,
        "# copyright: Copyright (c) 2015 Kevin S. Dias (MIT; see lexicons/README.md); additions marked 'added:' are marktstem's",
        "# Generated file: edit DROP/EXTRA in scripts/lexicons/convert_abbreviations.py and re-run.",
    ]
    dropped_single = sorted(a for a, r in dropped.items() if r != "not a single token")
    header.append("# dropped (not single tokens): %d multi-word or punctuated entries" % sum(1 for r in dropped.values() if r == "not a single token"))
    for a in dropped_single:
        header.append("# dropped: %s: %s" % (a, dropped[a]))
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(header) + "\n")
        fh.write("abbreviation\tnote\n")
        for a in sorted(kept):
            fh.write("%s\t%s\n" % (a, kept[a]))
    os.replace(tmp, out_path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    kept, dropped = convert(args.src)
    write(kept, dropped, args.out)
    print("%s: %d abbreviations (%d dropped)" % (args.out, len(kept), len(dropped)))


if __name__ == "__main__":
    main()
