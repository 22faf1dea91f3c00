"""Unified Social Credit Code (GB 32100-2015) validation."""

from __future__ import annotations

from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {ch: i for i, ch in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FULLWIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x41 + i) for i in range(26)}
)


@dataclass(frozen=True)
class UsccCheck:
    """Outcome of checking a code: normalised text, a hard error, or a checksum warning."""

    code: str
    error: str | None = None
    warning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.warning is None


def normalise_uscc(raw: str) -> str:
    """Upper-case, half-width, without spaces or dashes."""
    text = raw.translate(FULLWIDTH).upper()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-—_")


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the charset)."""
    total = sum(VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(org8: str) -> str:
    """The GB 11714 check character for the 8 body characters of an organisation code."""
    total = sum(ORG_CHARSET.index(ch) * w for ch, w in zip(org8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def check_uscc(raw: str) -> UsccCheck:
    """Wrong length or character is an error; a failed checksum is a warning to confirm."""
    code = normalise_uscc(raw)
    if len(code) != 18:
        return UsccCheck(code, error=f"must be 18 characters, found {len(code)}")
    bad = sorted({ch for ch in code if ch not in VALUE})
    if bad:
        return UsccCheck(code, error=f"contains characters not allowed in a USCC: {' '.join(bad)}")
    expected = check_character(code[:17])
    if expected != code[17]:
        return UsccCheck(code, warning=f"check character is {code[17]}, expected {expected}")
    return UsccCheck(code)


def make_uscc(authority: str, entity_type: str, division: str, org8: str) -> str:
    """Build a valid code from its parts (used for synthetic demo data and tests)."""
    org = org8 + org_code_check(org8)
    first17 = authority + entity_type + division + org
    return first17 + check_character(first17)
