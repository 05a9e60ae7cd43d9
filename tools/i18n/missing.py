#!/usr/bin/env python3
"""Print the keys of assets/i18n/en.json that a translation lacks.

Each missing key is printed as a JSON line ("key": "key",) ready to paste
into the translation and translate; keys the translation has but en.json
no longer has are listed after, as stale. The exit status is 1 when
anything is missing or stale.

Run from the repository root:  python3 tools/i18n/missing.py [km]
"""

import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def load(code):
    path = os.path.join(ROOT, "assets", "i18n", code + ".json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    code = sys.argv[1] if len(sys.argv) > 1 else "km"
    en, tr = load("en"), load(code)
    missing = sorted(k for k in en if k not in tr)
    stale = sorted(k for k in tr if k not in en)
    for k in missing:
        print("  %s: %s," % (json.dumps(k, ensure_ascii=False), json.dumps(en[k], ensure_ascii=False)))
    if stale:
        print("\nstale (not in en.json):", file=sys.stderr)
        for k in stale:
            print("  " + json.dumps(k, ensure_ascii=False), file=sys.stderr)
    print("%s.json: %d of %d keys missing, %d stale" % (code, len(missing), len(en), len(stale)), file=sys.stderr)
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
