#!/usr/bin/env python3
"""Build lexicons/nl/compound_parts.tsv, the decompounder's vocabulary.

Source: the OpenTaal Dutch word list as packaged by Debian (hunspell-nl,
/usr/share/hunspell/nl.dic; BSD or CC-BY 3.0, at the user's choice; we use
BSD). OpenTaal flags the words that may take part in a closed compound and
deliberately leaves "dangerous" ones unflagged, which is exactly the
precision-first vocabulary a decompounder needs:

  Ca, CA, Cb, CB, Ce  -> modifier   (may be a left or middle part)
  Cc                  -> head       (may be the rightmost part)
  Cd                  -> head, modifier-s (word+s is a part: houders-)
  Ch                  -> modifier-s (only word+s is a part: lavings-)

Only lower-case, purely alphabetic words of at least 3 letters are kept.
The curated lists below add what the word list lacks for economic news
and the stop lists that keep precision up; each added row says why.

Run from the repository root (needs: apt-get install hunspell-nl):

  python3 scripts/lexicons/convert_compound_parts.py
"""
import re
import sys
import unicodedata

DIC = "/usr/share/hunspell/nl.dic"
OUT = "lexicons/nl/compound_parts.tsv"

# Heads that must never be split off: the compound is lexicalised and the
# head alone means something else (beursgang is an IPO, not a corridor).
STOP_HEADS = {
    "gang": "beursgang, toegang, ondergang: not a corridor or gang",
    "ring": "lexicalised: kring, vordering are not rings",
    "kant": "voorkant, tegenkant: not lace or a side in the lexicon sense",
    "ham": "boterham",
    "ster": "suffix -ster (medewerkster)",
    "ling": "suffix (leerling, vreemdeling)",
    "tand": "verstand, bestand",
    "lag": "verslag, neerslag",
    "stal": "kapitaal-stal misparses",
    "vers": "verslaving, verslag: vers- is usually ver+s-",
    "ding": "suffix -ding (vergoeding, verbinding)",
    "ging": "suffix -ging (beweging, regering)",
    "ning": "suffix -ning (opening, tekening)",
    "king": "suffix -king (werking, uitbreiding)",
    "ting": "suffix -ting (belasting, verwachting)",
    "heid": "suffix",
    "baar": "suffix -baar (betaalbaar)",
    "loos": "suffix -loos (werkloos)",
    "lijk": "suffix -lijk",
    "zaam": "suffix -zaam",
    "schap": "suffix -schap",
    "dom": "suffix -dom",
    "aard": "suffix -aard (lafaard)",
    "erij": "suffix",
    "tie": "suffix -tie",
    "tje": "diminutive",
    "pje": "diminutive",
    "kje": "diminutive",
    "jes": "diminutive plural",
}

# Whole words that look like compounds of known parts but must not be split.
NO_SPLIT = {
    "beursgang": "IPO; gang is a stop head anyway",
    "boterham": "sandwich, lexicalised",
    "aandeel": "share: aan+deel is not a compound of nouns",
    "bestand": "file: be- derivation",
    "verstand": "be/ver- derivation",
    "verslag": "ver- derivation",
    "vennootschap": "-schap derivation",
    "onderneming": "onder- particle derivation",
    "overheid": "-heid derivation",
    "voorzitter": "particle derivation",
    "bedrijf": "be- derivation",
    "gemeente": "ge- derivation",
    "regering": "-ing derivation",
    "werkelijkheid": "derivation",
    "handelaar": "derivation",
    "dividend": "loan word",
    "ooievaar": "simplex",
    "landschap": "-schap derivation",
    "boekhouding": "lexicalised: accounting",
    "schoorsteen": "simplex",
    "rentestand": "rente+stand is right but stand is no head",
    "vakbond": "vak+bond is right, but keep vakbond whole",
    "kapitaal": "simplex",
    "papegaai": "simplex",
    "winkel": "simplex",
    "kalender": "simplex",
    "hoofdstad": "lexicalised: capital city",
    "handschoen": "lexicalised: glove",
    "zeepbel": "lexicalised: bubble (also financial)",
    "tuinbouw": "lexicalised: horticulture",
    "landbouw": "lexicalised: agriculture",
    "bankroet": "simplex (banca rotta)",
    "boerderij": "derivation",
    "spoorweg": "lexicalised",
    "werkgever": "lexicalised: employer",
    "werknemer": "lexicalised: employee",
    "huisarts": "lexicalised",
    "toezicht": "toe+zicht: particle",
    "voorraad": "voor+raad: particle",
    "uitgave": "particle derivation",
    "ambtenaar": "derivation",
}

# Words a modifier must never be: particles and prefixes that make
# lexicalised derivations (overname, uitgave, onderzoek, vooruitgang).
NO_MODIFIER = {
    "aan", "achter", "bij", "door", "mee", "neer", "onder", "over", "samen", "tegen", "terug", "toe", "uit",
    "voor", "vooruit", "weg", "her", "ont", "ver", "mis", "wan", "tussen", "rond", "binnen", "buiten", "boven",
    "om", "op", "af", "in", "na", "per", "pro", "con", "non", "sub", "super", "anti", "pre", "post",
}

# Parts the word list lacks or does not flag for compounding, common in
# economic news. role: comma-separated roles.
EXTRA = {
    "wet": ("head,modifier-s", "mededingingswet; OpenTaal flags only wets-"),
    "bod": ("head", "overnamebod"),
    "lid": ("head", "bestuurslid"),
    "eis": ("head", "looneis"),
    "fee": ("head", "beheerfee"),
    "tax": ("head", "digitaxe"),
    "bank": ("head,modifier", "bankgeheim, zakenbank"),
    "bonus": ("head,modifier", "bonusregeling"),
    "game": ("head,modifier", "gameverslaving"),
    "fintech": ("head,modifier", "fintechreus"),
    "tech": ("head,modifier", "techbedrijf"),
    "chip": ("head,modifier", "chipfabrikant"),
    "crypto": ("head,modifier", "cryptobeurs"),
    "privacy": ("head,modifier", "privacyregelgeving"),
    "data": ("head,modifier", "datalek"),
    "reus": ("head", "techreus"),
    "lek": ("head", "datalek"),
    "boete": ("head,modifier", "mededingingsboete"),
    "winst": ("head,modifier", "kwartaalwinst, winstwaarschuwing"),
    "verlies": ("head,modifier", "kwartaalverlies"),
    "omzet": ("head,modifier", "jaaromzet"),
    "rente": ("head,modifier", "beleidsrente"),
    "kwartaal": ("head,modifier", "kwartaalcijfers"),
    "cijfers": ("head", "kwartaalcijfers (plurale tantum in news)"),
    "topman": ("head,modifier", "ING-topman"),
    "app": ("head,modifier", "taxi-app"),
    "taxi": ("head,modifier", "taxibedrijf"),
    "aandeelhouder": ("head,modifier-s", "aandeelhoudersvergadering"),
    "toezicht": ("head,modifier", "toezichthouder; lexicalised, kept whole"),
    "toezichthouder": ("head,modifier-s", "toezichthoudersrol"),
    "regelgeving": ("head,modifier", "privacyregelgeving"),
    "onderzoek": ("head,modifier-s", "fraudeonderzoek"),
    "fraude": ("head,modifier", "fraudezaak"),
    "overname": ("head,modifier", "overnamebod"),
    "sanctie": ("head,modifier", "sanctiepakket"),
    "schandaal": ("head,modifier", "boekhoudschandaal"),
    "waarschuwing": ("head,modifier", "winstwaarschuwing"),
    "dividend": ("head,modifier", "interimdividend"),
    "belasting": ("head,modifier", "winstbelasting"),
    "faillissement": ("head,modifier", "faillissementsaanvraag"),
    "beurs": ("head,modifier", "cryptobeurs"),
    "koers": ("head,modifier", "aandelenkoers"),
    "energie": ("head,modifier", "energieprijzen"),
    "prijs": ("head,modifier", "olieprijs"),
    "prijzen": ("head", "energieprijzen"),
    "schuld": ("head,modifier", "staatsschuld"),
    "inflatie": ("head,modifier", "kerninflatie"),
}

ROLE_OF = {"Ca": "modifier", "CA": "modifier", "Cb": "modifier", "CB": "modifier", "Ce": "modifier", "Cc": "head"}

WORD = re.compile(r"[a-zà-öø-ÿĳ]+")


def main():
    roles = {}
    try:
        dic = open(DIC, encoding="utf-8")
    except OSError as e:
        sys.exit(f"{DIC}: {e} (apt-get install hunspell-nl)")
    with dic:
        next(dic)  # entry count
        for line in dic:
            line = line.rstrip("\n")
            word, _, flags = line.partition("/")
            flags = flags.split()[0] if flags else ""
            word = unicodedata.normalize("NFC", word).replace("ĳ", "ij")
            if len(word) < 3 or not WORD.fullmatch(word):
                continue
            fl = {flags[i:i + 2] for i in range(0, len(flags), 2)}
            r = roles.setdefault(word, set())
            for f in fl:
                if f in ROLE_OF:
                    r.add(ROLE_OF[f])
            if "Cd" in fl:
                r.update({"head", "modifier-s"})
            if "Ch" in fl:
                r.add("modifier-s")
    rows = {}
    for w, r in roles.items():
        if w in NO_MODIFIER:
            r = r - {"modifier", "modifier-s"}
        if r:
            rows[w] = (r, "")
    for w, (r, note) in EXTRA.items():
        have = rows.get(w, (set(), ""))[0]
        rows[w] = (have | set(r.split(",")), "added: " + note)
    for w, note in STOP_HEADS.items():
        rows[w] = ({"stop-head"} | (rows.get(w, (set(), ""))[0] - {"head"}), "stop: " + note)
    for w, note in NO_SPLIT.items():
        rows[w] = ({"no-split"} | rows.get(w, (set(), ""))[0], "no-split: " + note)
    for w in NO_MODIFIER:
        if w not in rows:
            rows[w] = ({"no-modifier"}, "particle or prefix")
        else:
            rows[w] = (rows[w][0] | {"no-modifier"}, "particle or prefix")
    order = ["head", "modifier", "modifier-s", "stop-head", "no-split", "no-modifier"]
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# name: compound-parts\n")
        out.write("# description: vocabulary of the Dutch decompounder: which words may be the head (rightmost part) or a modifier of a closed compound, which heads are never split off and which words are never split\n")
        out.write("# source: OpenTaal Dutch word list (hunspell-nl, Debian package, https://github.com/OpenTaal/opentaal-hunspell) compound flags, plus marktstem additions, via scripts/lexicons/convert_compound_parts.py\n")
        out.write("# licence: BSD-3-Clause\n")
        out.write("# version: 2026.11.0\n")
        out.write("# copyright: (c) 1996 Nederlandstalige Tex Gebruikersgroep; (c) 2001-2005 Simon Brouwer e.a.; (c) 2006-2020 OpenTaal (BSD, see lexicons/README.md); additions marked 'added:', 'stop:', 'no-split:' are marktstem's\n")
        out.write("# Generated file: edit the lists in scripts/lexicons/convert_compound_parts.py and re-run.\n")
        out.write("# roles: head = may be the rightmost part; modifier = may be a left part; modifier-s = may be a left part with linking s;\n")
        out.write("#        stop-head = never split off as head; no-split = never split; no-modifier = never a left part\n")
        out.write("term\troles\tnote\n")
        for w in sorted(rows):
            r, note = rows[w]
            out.write(f"{w}\t{','.join(x for x in order if x in r)}\t{note}\n")
    print(f"{OUT}: {len(rows)} rows")


if __name__ == "__main__":
    main()
