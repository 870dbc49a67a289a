#!/usr/bin/env python3
"""Convert Pattern's Dutch subjectivity lexicon into lexicons/nl/sentiment_general.tsv.

Source: ``nl-sentiment.tsv`` from the Pattern project (CLiPS, University of
Antwerp; https://github.com/clips/pattern, ``pattern/text/nl/nl-sentiment.xml``),
copied read-only to ``../shared/lexicon-sources/pattern/``. Its LICENSE.txt is
BSD-3-Clause; the XML itself declares ``license="PDDL"``. We record the
stricter of the two (BSD-3-Clause) and keep the copyright notice.

Conversion (deterministic; same input gives a byte-identical file):

1. Read every row (columns form, pos, polarity, subjectivity, intensity,
   confidence, sense, ...). A few rows have an empty pos column and carry the
   tag in the sense column instead; those are repaired.
2. Normalise the form: NFC, lower case, whitespace collapsed.
3. Map Penn tags to marktstem's set: NN/NNS -> NN, JJ -> JJ, RB -> RB,
   VB/VBG/VBN -> VB, anything else (UH, FW, empty) -> empty.
4. Group by (form, pos) and average the polarity over all senses; round to
   three decimals.
5. Drop valence shifters (terms of shifters.tsv, which must exist first) and
   descriptive words that are neutral in news (NEUTRAL_IN_NEWS) and adjectives
   whose stem collides with common nouns (STEM_COLLISIONS).
6. Apply FIXES (entries whose reading in economic news is wrong or
   context-dependent); every changed entry says so in its note column.
7. Drop entries with |weight| < 0.05 (near-neutral words add only noise).
8. Write rows sorted by (form, pos). The sense glosses are not copied.

Usage (from the repository root)::

    python3 scripts/lexicons/convert_pattern.py \\
        [--src ../shared/lexicon-sources/pattern/nl-sentiment.tsv] \\
        [--out lexicons/nl/sentiment_general.tsv] [--shifters lexicons/nl/shifters.tsv]

Dropped entries are listed as '# dropped:' comment lines in the output.
"""

import argparse
import csv
import os
import sys
import unicodedata
from collections import OrderedDict

VERSION = "2026.11.0"
MIN_ABS_WEIGHT = 0.05

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SRC = os.path.join(REPO, "..", "shared", "lexicon-sources", "pattern", "nl-sentiment.tsv")
DEFAULT_OUT = os.path.join(REPO, "lexicons", "nl", "sentiment_general.tsv")
DEFAULT_SHIFTERS = os.path.join(REPO, "lexicons", "nl", "shifters.tsv")

POS_MAP = {
    "NN": "NN", "NNS": "NN",
    "JJ": "JJ",
    "RB": "RB",
    "VB": "VB", "VBG": "VB", "VBN": "VB",
}
KNOWN_TAGS = set(POS_MAP) | {"UH", "FW"}

# Manual corrections for economic news. Key: form (any pos of that form);
# value: (new weight, reason). A new weight of 0 drops the entry.
# Reasons end up in the note column as "fixed: was +0.5; <reason>".
FIXES = {
    # Plainly wrong in the source.
    "verliezer": (-0.5, "loser is negative"),
    "winstgevend": (0.5, "profitable is positive"),
    "hongerig": (0, "hungry: not positive; neutral in news"),
    "zwak": (-0.45, "weak (results, demand, currency) is negative"),
    "sterk": (0.45, "strong (results, demand) is positive; also an amplifier"),
    "goedkoop": (0, "cheap: valuation-dependent (goedkoop aandeel vs. goedkoop product)"),
    "duur": (0, "expensive: valuation-dependent"),
    "dik": (0, "thick/fat: context-dependent (dikke winst vs. dikke vinger)"),
    "mager": (-0.45, "meagre (results, growth) is negative"),
    "krap": (0, "tight (labour market, supply): context-dependent"),
    "ruim": (0, "ample: context-dependent (ruime verliezen)"),
    "koel": (0, "cool: mostly literal (weather, storage) in news"),
    "koud": (0, "cold: mostly literal in news"),
    "warm": (0, "warm: mostly literal in news"),
    "heet": (0, "hot: literal in news"),
    "droog": (0, "dry: literal (weather, harvest) in news"),
    "nat": (0, "wet: literal in news"),
    "vet": (0, "fat: context-dependent"),
    "dun": (0, "thin: context-dependent (dunne handel)"),
    "licht": (0, "light: a downtoner in news (licht hoger); see shifters.tsv"),
    "zwaar": (0, "heavy: an amplifier in news (zwaar verlies); see shifters.tsv"),
    "scherp": (0, "sharp: an amplifier in news (scherp gedaald); see shifters.tsv"),
    "hard": (0, "hard: an amplifier in news (hard geraakt)"),
    "snel": (0, "fast: neutral/amplifying in news (snel gestegen, snel gedaald)"),
    "vol": (0, "full: context-dependent"),
    "leeg": (0, "empty: mostly literal in news"),
    "los": (0, "loose: mostly a particle in news"),
    "open": (0, "open: neutral in news"),
    "strak": (0, "tight: context-dependent"),
    "stil": (0, "quiet: context-dependent"),
    "zacht": (0, "soft: context-dependent (zachte landing is good, zachte vraag bad)"),
    "hoog": (0, "high: direction depends on the quantity (see direction.tsv)"),
    "laag": (0, "low: direction depends on the quantity (see direction.tsv)"),
    "groot": (0, "large: context-dependent (grote winst vs. groot verlies)"),
    "klein": (0, "small: context-dependent"),
    "gewoon": (0, "ordinary: mostly an adverb ('gewoon') in news"),
    "positief": (0.5, "positive (outlook, result)"),
    "negatief": (-0.5, "negative (outlook, result)"),
    "rijk": (0, "rich: mostly descriptive in news"),
    "arm": (0, "poor: also the noun 'arm'; ambiguous"),
    "agressief": (0, "aggressive: positive in growth/pricing strategy, negative otherwise"),
    "conservatief": (0, "conservative: neutral in accounting and guidance"),
    "voorzichtig": (0, "cautious: hedge in outlooks; handled as downtoner context"),
    "vast": (0, "fixed: neutral in news (vaste rente)"),
    "zeker": (0, "certain: mostly an adverb/hedge in news"),
    "top": (0, "top: also a noun (de top, topman)"),
    "mega": (0, "mega: prefix-like intensifier, not sentiment"),
    "oude": (0, "old: neutral in news"),
    "kopen": (0, "to buy: neutral in news (kopen, verkopen)"),
    "failliet": (-0.85, "bankrupt"),
    "insolvent": (-0.8, "insolvent"),
    "lucratief": (0.5, "lucrative is positive"),
    "kostbaar": (-0.3, "costly (a costly mistake) in economic news"),
    "sober": (-0.2, "austere (sober budget, sobere vooruitzichten)"),
    "bescheiden": (-0.2, "modest (bescheiden winst): mildly disappointing"),
    "kwetsbaar": (-0.35, "vulnerable"),
    "bezorgd": (-0.4, "worried"),
    "concurrerend": (0, "competing (concurrerende bedrijven): neutral"),
    "laat": (0, "also the verb 'laat' (laten): too frequent"),
    "vrij": (0, "mostly the adverb 'vrij' (fairly) or 'vrij van'"),
    "buitengewoon": (0, "buitengewone algemene vergadering; otherwise an amplifier"),
    "bijzonder": (0, "bijzondere waardevermindering (impairment); otherwise an amplifier"),
    "uitzonderlijk": (0, "uitzonderlijke kosten/posten (one-off items): direction depends"),
    "ongekend": (0, "unprecedented: amplifies either way"),
    "massaal": (0, "massive: amplifies either way (massale ontslagen)"),
    "gigantisch": (0, "gigantic: amplifies either way"),
    "substantieel": (0, "substantial: amplifies either way"),
    "aanzienlijk": (0, "considerable: amplifies either way"),
    "extreem": (0, "extreme: amplifies either way"),
    "enorm": (0, "enormous: amplifies either way"),
    "stevig": (0, "firm: amplifies either way (stevig verlies)"),
    "opvallend": (0, "notable: neutral"),
    "zonnig": (0, "sunny: literal in news"),
    "duister": (0, "dark: mostly literal"),
    "last": (-0.2, "burden"),
    "problemen": (-0.35, "problems"),
    "blokkade": (-0.3, "blockade"),
    "blokkades": (-0.3, "blockades"),
    "boycot": (-0.35, "boycott hurts the target"),
    "protest": (-0.2, "protest"),
    "mislukking": (-0.5, "failure"),
    "verslechtert": (-0.4, "deteriorates"),
    "tegenvaller": (-0.6, "disappointment (results)"),
    "tegenvallen": (-0.5, "to disappoint (results)"),
    "dieptepunt": (-0.5, "low point"),
    "verloren": (-0.35, "lost"),
    "escaleren": (-0.35, "escalate"),
    "ramp": (-0.6, "disaster"),
    "flop": (-0.55, "flop"),
    "fiasco": (-0.6, "fiasco"),
    "langzaam": (0, "slow: neutral in news (langzaam herstel is still herstel)"),
}

# Descriptive adjectives that are neutral in news copy (algemene vergadering,
# direct, officieel, ...). Dropped with a comment line in the output.
NEUTRAL_IN_NEWS = (
    "actueel algemeen apart bekend beroemd breed commercieel diep direct duidelijk "
    "echt geheel gouden grijs groen heel laatst lang modern mogelijk nieuw normaal "
    "officieel onafhankelijk gemiddeld jong vroeg plat precies publiek puur recht reëel "
    "rood simpel sociaal speciaal steil totaal uniek ver vlak vrijwillig waarschijnlijk "
    "wit zakelijk zeldzaam zwart zuiver zogenaamd tijdelijk voorlopig belangrijk cruciaal "
    "essentieel gratis"
).split()

# Adjectives whose Snowball stem or compound head collides with common news
# nouns (zondag -> zondags, betalingen -> betaalbaar, regels -> regelbaar,
# minderjarigen -> jarig, mate -> mat, fortuin -> fortuinlijk, toekomst ->
# toekomstig). The scorer matches NN/JJ entries by stem and as compound heads,
# so these would fire on neutral nouns. Found with `marktstem explain`.
STEM_COLLISIONS = (
    "zondags betaalbaar regelbaar jarig bezig toekomstig mat fortuinlijk waard bepaald "
    "beschikbaar"
).split()


# Homographs: the adjective sense pattern scores is rare in news, where the
# word is almost always a function word or another word class (naar = "to",
# not "nasty"; waar = "where"; enig = "only"; gemaakt = "made"; raak in
# "raakt"; eens = "once"). Found by reading `marktstem explain` on the seeds.
HOMOGRAPHS = (
    "naar waar enig gemaakt raak juist gelijk eens half nodig rein edel gerust "
    "vlot stil vrij"
).split()


def nfc_lower(s):
    return " ".join(unicodedata.normalize("NFC", s).lower().split())


def fmt(x):
    s = "%.3f" % x
    s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        for row in reader:
            if not row or row[col["form"]] == "form":
                continue
            form = row[col["form"]]
            pos = row[col["pos"]].strip()
            sense = row[col["sense"]].strip() if len(row) > col["sense"] else ""
            if not pos and sense in KNOWN_TAGS:
                pos = sense
            try:
                pol = float(row[col["polarity"]])
            except ValueError:
                continue
            yield form, pos, pol


def read_shifters(path):
    """Return the terms of shifters.tsv (empty when it does not exist).

    A word that is a valence shifter (zeer, fors, licht, ...) must not also be
    a sentiment entry, or 'fors gedaald' would score the adverb itself.
    """
    terms = set()
    if not path or not os.path.exists(path):
        return terms
    with open(path, encoding="utf-8") as fh:
        header_seen = False
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            terms.add(line.split("\t", 1)[0])
    return terms


def convert(src, shifter_terms=frozenset()):
    """Return (rows, dropped): rows are (term, pos, weight, note) tuples,
    dropped are (term, old weight, reason) for entries removed on purpose."""
    groups = OrderedDict()
    for form, pos, pol in read_rows(src):
        term = nfc_lower(form)
        if not term:
            continue
        groups.setdefault((term, POS_MAP.get(pos, "")), []).append(pol)
    out, dropped = [], []
    for (term, pos), pols in groups.items():
        weight = round(sum(pols) / len(pols), 3)
        note = ""
        if term in shifter_terms:
            dropped.append((term, weight, "valence shifter (see shifters.tsv)"))
            continue
        if term in HOMOGRAPHS:
            dropped.append((term, weight, "homograph: mostly a function word or another word in news"))
            continue
        if term in NEUTRAL_IN_NEWS:
            if abs(weight) >= MIN_ABS_WEIGHT:
                dropped.append((term, weight, "neutral in news"))
            continue
        if term in STEM_COLLISIONS:
            dropped.append((term, weight, "stem/compound collision with a common noun"))
            continue
        if term in FIXES:
            new, reason = FIXES[term]
            if new == 0:
                dropped.append((term, weight, reason))
                continue
            note = "fixed: was %s%s; %s" % ("+" if weight > 0 else "", fmt(weight), reason)
            weight = new
        if abs(weight) < MIN_ABS_WEIGHT:
            continue
        weight = max(-1.0, min(1.0, weight))
        out.append((term, pos, weight, note))
    out.sort(key=lambda r: (r[0], r[1]))
    dropped = sorted(set(dropped))
    return out, dropped


def write(rows, dropped, out_path):
    header = [
        "# name: general-sentiment",
        "# description: general Dutch sentiment (mainly adjectives) from Pattern, senses averaged, corrected for economic news",
        "# source: Pattern nl-sentiment 1.2 (CLiPS, University of Antwerp, https://github.com/clips/pattern) via scripts/lexicons/convert_pattern.py",
        "# licence: BSD-3-Clause",
        "# version: " + VERSION,
        "# copyright: Copyright (c) 2011-2013 University of Antwerp, Belgium (see lexicons/README.md for the full licence)",
        "# Generated file: edit FIXES in scripts/lexicons/convert_pattern.py and re-run instead of editing by hand.",
        "# Weight = mean polarity over the senses of (form, pos); |weight| < %s dropped." % MIN_ABS_WEIGHT,
    ]
    for term, weight, reason in dropped:
        header.append("# dropped: %s (was %s): %s" % (term, fmt(weight), reason))
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(header) + "\n")
        fh.write("term\tpos\tweight\tnote\n")
        for term, pos, weight, note in rows:
            fh.write("%s\t%s\t%s\t%s\n" % (term, pos, fmt(weight), note))
    os.replace(tmp, out_path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", default=DEFAULT_SRC)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--shifters", default=DEFAULT_SHIFTERS,
                    help="shifters.tsv; its terms are excluded (default: next to --out)")
    args = ap.parse_args(argv)
    rows, dropped = convert(args.src, read_shifters(args.shifters))
    known = {r[0] for r in rows} | {d[0] for d in dropped}
    missing = sorted(set(FIXES) - known)
    if missing:
        print("warning: FIXES not in source: %s" % ", ".join(missing), file=sys.stderr)
    write(rows, dropped, args.out)
    print("%s: %d entries" % (args.out, len(rows)))


if __name__ == "__main__":
    main()
