#!/usr/bin/env python3
"""Make the Khmer font Courtwatch draws its screens with.

Fyne crops every text line to the ascent and descent its font declares.
Noto Sans Khmer declares 1069/-293, so a vowel below a subscript consonant
(the u in kampuchea, the ii sign under a coeng ro) is cut off. This script
copies Noto Sans Khmer with its ascent/descent raised to 1160/-700 in the
hhea table and the OS/2 typo and win metrics, and renames it "Courtwatch
Khmer", as the SIL Open Font License asks of a modified version.

Run from the repository root with a Python that has fontTools (Debian:
apt-get install python3-fonttools, then /usr/bin/python3):

    python3 tools/khmerfont/raise.py

It writes assets/fonts/CourtwatchKhmer-Regular.ttf and -Bold.ttf, which are
committed; rerun it only when the source fonts change.
"""

import os
import sys

from fontTools.ttLib import TTFont

ASCENT = 1160
DESCENT = -700
FAMILY = "Courtwatch Khmer"
PS_FAMILY = "CourtwatchKhmer"
FONTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "assets", "fonts")


def raise_font(src, dst, style):
    font = TTFont(src, recalcTimestamp=False)  # same input, same bytes

    hhea = font["hhea"]
    hhea.ascent, hhea.descent, hhea.lineGap = ASCENT, DESCENT, 0

    os2 = font["OS/2"]
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ASCENT, DESCENT, 0
    os2.usWinAscent, os2.usWinDescent = ASCENT, -DESCENT
    os2.fsSelection |= 1 << 7  # USE_TYPO_METRICS: typo and hhea now agree

    names = font["name"]
    version = names.getDebugName(5) or ""
    renamed = {
        1: FAMILY,
        2: style,
        3: "%s;COURTWATCH;%s-%s" % (version.split(";")[0], PS_FAMILY, style),
        4: "%s %s" % (FAMILY, style),
        6: "%s-%s" % (PS_FAMILY, style),
        16: FAMILY,
        17: style,
    }
    for rec in list(names.names):
        if rec.nameID in (7, 16, 17, 21, 22):  # trademark and typographic names of the original
            names.removeNames(nameID=rec.nameID)
    for name_id, text in renamed.items():
        if name_id in (16, 17):
            continue
        names.setName(text, name_id, 3, 1, 0x409)
        names.setName(text, name_id, 1, 0, 0)
    desc = names.getDebugName(10) or ""
    names.setName(
        (desc + " " if desc else "")
        + "Modified for Courtwatch: ascent/descent raised to %d/%d and renamed, "
        "from Noto Sans Khmer." % (ASCENT, DESCENT),
        10, 3, 1, 0x409,
    )

    font.save(dst)


def main():
    for style in ("Regular", "Bold"):
        src = os.path.join(FONTS, "NotoSansKhmer-%s.ttf" % style)
        dst = os.path.join(FONTS, "%s-%s.ttf" % (PS_FAMILY, style))
        raise_font(src, dst, style)
        print("wrote", os.path.normpath(dst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
