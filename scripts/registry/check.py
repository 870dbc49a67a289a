#!/usr/bin/env python3
"""Sanity checks for seeds/companies.csv beyond what ParseRegistry enforces.

Usage: python3 scripts/registry/check.py [seeds/companies.csv]

Checks: exact header, field count, id syntax and uniqueness, parents exist,
no parent cycles, ISIN check digits, ISO country codes (shape), GICS sector
names, and aliases of one or two letters that are not all capitals.
Exits non-zero on any error; prints a summary otherwise.
"""
import collections
import csv
import re
import sys

HEADER = ["id", "name", "aliases", "parent_id", "ticker", "isin", "country", "sector"]
SECTORS = {
    "Communication Services", "Consumer Discretionary", "Consumer Staples",
    "Energy", "Financials", "Health Care", "Industrials",
    "Information Technology", "Materials", "Real Estate", "Utilities",
}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ISIN_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")


def isin_ok(isin):
    if not ISIN_RE.match(isin):
        return False
    digits = "".join(str(int(c, 36)) for c in isin[:-1])
    total = 0
    # Luhn over the digit string, doubling from the rightmost digit.
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return (10 - total % 10) % 10 == int(isin[-1])


def main(path):
    errors = []
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if rows[0] != HEADER:
        errors.append(f"header {rows[0]!r}")
    byid = {}
    for n, r in enumerate(rows[1:], start=2):
        if len(r) != len(HEADER):
            errors.append(f"line {n}: {len(r)} fields")
            continue
        r = [x.strip() for x in r]
        rid, name, aliases, parent, ticker, isin, country, sector = r
        if not ID_RE.match(rid):
            errors.append(f"line {n}: bad id {rid!r}")
        if rid in byid:
            errors.append(f"line {n}: duplicate id {rid!r}")
        byid[rid] = r
        if not name:
            errors.append(f"line {n}: no name")
        for a in [name] + [a.strip() for a in aliases.split("|") if a.strip()]:
            letters = [c for c in a if c.isalpha()]
            if len(letters) <= 2 and not all(c.isupper() for c in letters):
                errors.append(f"line {n}: short alias {a!r} is not all capitals")
        if isin and not isin_ok(isin):
            errors.append(f"line {n}: ISIN {isin} fails its check digit")
        if not re.match(r"^[A-Z]{2}$", country):
            errors.append(f"line {n}: country {country!r}")
        if sector not in SECTORS:
            errors.append(f"line {n}: sector {sector!r}")
    for rid, r in byid.items():
        seen, cur = set(), rid
        while byid.get(cur, [None] * 4)[3]:
            if cur in seen:
                errors.append(f"cycle through {rid}")
                break
            seen.add(cur)
            parent = byid[cur][3]
            if parent not in byid:
                errors.append(f"{cur}: parent {parent!r} missing")
                break
            cur = parent
    for e in errors:
        print("ERROR", e)
    if errors:
        sys.exit(1)
    countries = collections.Counter(r[6] for r in byid.values())
    print(f"{len(byid)} companies, {sum(1 for r in byid.values() if r[3])} with a parent, "
          f"{sum(1 for r in byid.values() if r[5])} with an ISIN, {sum(1 for r in byid.values() if r[4])} with a ticker")
    print("countries:", ", ".join(f"{c} {n}" for c, n in countries.most_common()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "seeds/companies.csv")
