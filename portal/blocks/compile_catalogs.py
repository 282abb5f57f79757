"""Compile locale/*/LC_MESSAGES/*.po to .mo in pure Python (polib), so that neither a
developer nor a server needs GNU gettext. The compiled files are committed; a test
checks that they match their .po files."""

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def compiled_bytes(po_path):
    catalog = polib.pofile(str(po_path))
    tmp = po_path.with_suffix(".mo.tmp")
    catalog.save_as_mofile(str(tmp))
    data = tmp.read_bytes()
    tmp.unlink()
    return data


def main():
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        po_path.with_suffix(".mo").write_bytes(compiled_bytes(po_path))
        print(f"compiled {po_path.relative_to(LOCALE_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
