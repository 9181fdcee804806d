#!/usr/bin/env python3
"""Generates records files of the default model for differential runs (bench/diff_ref.sh):
valid rows mixed with hostile ones: quotes, CRLF and lone CR line breaks, blank lines, NaN,
inf, 1e40, missing cells, wrong field counts, long names, non-UTF-8 bytes, BOMs, and now and
then a NUL byte or an unclosed quote that stops the reading.

    python3 bench/hostile_csv.py SEED ROWS > file.csv
"""
import random
import sys

IDS = [
    "talent_exchange", "heritage_items", "dissemination_events", "ip_registrations",
    "digital_share", "partner_participation", "regional_value_added", "tourism_visitors",
    "cultural_brands", "local_employment_share", "service_trade_share", "cost_per_visitor",
    "jobs_created", "foreign_investment", "cluster_industries", "domestic_control_share",
    "value_chain_share", "stability_risk",
]
HOSTILE = [b"", b"NaN", b"inf", b"-inf", b"1e40", b"-1e40", b" 3 ", b"\"4.5\"", b"x",
           b"1_000", b"0x10", b"+7", b".5", b"5.", b"\xff\xfe", b"\"a,b\"", b"\"q\"\"q\"",
           b"\"line\nbreak\"", b"1e-45", b"3.4028236e38", b"\"x\"y", b"\t2\t"]
NAMES = [b"Dunhuang archive", b"\"Kashgar, old town\"", b"\xe6\x95\xa6\xe7\x85\x8c", b"",
         b"bad \xff utf8", b"\"say \"\"hi\"\"\"", b" padded ", b"x" * 300]


def main(seed, rows):
    rng = random.Random(seed)
    cols = IDS[:]
    if rng.random() < 0.3:
        cols.remove(rng.choice(cols))
    cols += ["id", "name"] + (["note"] if rng.random() < 0.3 else [])
    rng.shuffle(cols)
    eol = rng.choice([b"\n", b"\n", b"\n", b"\r\n", b"\r"])
    out = bytearray(b"\xef\xbb\xbf" if rng.random() < 0.1 else b"")
    out += ",".join(cols).encode() + eol
    for r in range(rows):
        hostile = rng.random() < 0.1
        cells = []
        for c in cols:
            if c == "id":
                cells.append(rng.choice([str(r).encode()] * 20 + [b"x8", b"4294967296", b" 9 "]))
            elif c == "name":
                cells.append(rng.choice(NAMES))
            elif c == "note":
                cells.append(b"n")
            elif hostile and rng.random() < 0.3:
                cells.append(rng.choice(HOSTILE))
            elif rng.random() < 0.05:
                cells.append(b"")
            else:
                v = rng.random() * 10 ** rng.randint(0, 6) - 1
                cells.append(repr(float(f"{v:.{rng.randint(0, 8)}g}")).encode())
        if hostile and rng.random() < 0.2:
            cells = cells[:-1] if rng.random() < 0.5 else cells + [b"extra"]
        out += b",".join(cells) + eol
        if hostile and rng.random() < 0.2:
            out += eol
    end = rng.random()
    if end < 0.05:
        out += b"9,\"never closed"
    elif end < 0.1:
        out += b"9,1\0,2" + eol
    elif end < 0.15:
        out = out[:-len(eol)]
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
