#!/usr/bin/env python3
"""Regenerate assets/i18n/en.json from the strings the screens translate.

The screens pass English text to Fyne's lang.L, so en.json maps each
string to itself; it is the list translators work from (km.json and others
use the same keys). Event button labels in ui/hearing.go are translated too.
ui's TestTranslationKeys fails when a string is missing.

Run from the repository root:  python3 tools/i18n/en.py
"""

import glob
import json
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    keys = set()
    for path in glob.glob(os.path.join(ROOT, "ui", "*.go")):
        if path.endswith("_test.go"):
            continue
        src = open(path, encoding="utf-8").read()
        # Go string escapes (\n, \") read as JSON's, so the keys are the
        # strings the program passes at run time.
        keys |= {json.loads('"' + k + '"') for k in re.findall(r'lang\.L\("((?:[^"\\]|\\.)*)"', src)}
        if path.endswith("hearing.go"):
            keys |= set(re.findall(r'\{"[a-z_]+", "([^"]*)"\}', src))
    out = os.path.join(ROOT, "assets", "i18n", "en.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({k: k for k in sorted(keys)}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print("wrote", os.path.normpath(out), len(keys), "strings")


if __name__ == "__main__":
    main()
