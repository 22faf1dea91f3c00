"""Compile the .po translation catalogues to .mo with polib (no GNU gettext needed)."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "corridor" / "locale"


def main() -> None:
    """Compile every django.po under the locale folder when it is newer than its .mo."""
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        print(f"compiled {mo_path.relative_to(LOCALE.parent.parent.parent)}")


if __name__ == "__main__":
    main()
