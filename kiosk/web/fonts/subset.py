#!/usr/bin/env python3
"""Regenerates the page's embedded font: a subset of Noto Sans CJK SC (SIL Open Font License
1.1, see OFL.txt) holding exactly the characters the page's own text uses (kiosk/web/i18n.js,
both languages) plus ASCII, Latin-1 and common punctuation, in two weights. The page is then
readable in Chinese on a kiosk without any CJK font, and loads nothing to get there.

Run it after changing i18n.js (the browser test fails until you do):

    apt-get install fonts-noto-cjk && pip install fonttools brotli
    python3 kiosk/web/fonts/subset.py

Writes kiosk-sans-400.woff2, kiosk-sans-700.woff2 and coverage.txt (the characters
included, which the browser test compares with i18n.js).
"""
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = pathlib.Path(__file__).resolve().parent
SOURCES = {
    400: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    700: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
FAMILY = "Noto Sans CJK SC"


def wanted():
    text = (HERE.parent / "i18n.js").read_text(encoding="utf-8")
    chars = set(text)
    chars.update(chr(c) for c in range(0x20, 0x7F))
    chars.update(chr(c) for c in range(0xA0, 0x100))
    chars.update("–—‘’“”…·•−×→⚠　、。，：；（）《》「」【】！？％")
    return sorted(c for c in chars if c.isprintable() or c == "\u3000")


def main():
    chars = wanted()
    for weight, path in SOURCES.items():
        collection = TTCollection(path)
        font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
        options = subset.Options()
        options.flavor = "woff2"
        options.hinting = False
        options.desubroutinize = True
        options.name_IDs = ["*"]
        options.layout_features = ["kern", "liga", "tnum", "palt", "vert"]
        sub = subset.Subsetter(options)
        sub.populate(unicodes=[ord(c) for c in chars])
        sub.subset(font)
        cmap = font.getBestCmap()
        missing = [c for c in chars if ord(c) not in cmap and c not in " \u3000"]
        # Characters the source font lacks (an emoji-like sign, say) fall back to the
        # system's fonts; say which, so that a new string's glyphs are never silently absent.
        if missing:
            print("not in", FAMILY, ":", "".join(missing), file=sys.stderr)
        out = HERE / f"kiosk-sans-{weight}.woff2"
        font.flavor = "woff2"
        font.save(out)
        print(out.name, out.stat().st_size, "bytes")
    covered = "".join(c for c in chars)
    (HERE / "coverage.txt").write_text(covered + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
