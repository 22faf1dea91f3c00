"""USCC validation on known-valid public codes and corrupted ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.engine.uscc import CHARSET, check_character, check_uscc, make_uscc

KNOWN_VALID = ["914403001922038216", "91330100799655058B", "91440300708461136T"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_public_codes_pass(code: str) -> None:
    assert check_uscc(code).ok


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_every_single_character_corruption_is_caught(code: str) -> None:
    for i in range(18):
        for ch in CHARSET:
            if ch == code[i]:
                continue
            result = check_uscc(code[:i] + ch + code[i + 1 :])
            assert result.warning or result.error, (i, ch)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("9144030019220382", "18 characters, found 16"),
        ("9144030019220382160", "found 19"),
        ("91440300I922038216", "not allowed in a USCC: I"),
        ("9144030019220382O6", "O"),
        ("", "found 0"),
    ],
)
def test_wrong_length_or_character_is_an_error(raw: str, message: str) -> None:
    result = check_uscc(raw)
    assert result.error and message in result.error


def test_normalisation_of_full_width_spaces_and_lower_case() -> None:
    assert check_uscc(" ９１３３ 0100-7996 5505 8b ").code == "91330100799655058B"
    assert check_uscc("91330100799655058b").ok


def test_checksum_failure_is_a_warning_not_an_error() -> None:
    result = check_uscc("91330100799655058C")
    assert result.error is None and "expected B" in (result.warning or "")


@given(st.text(alphabet=CHARSET, min_size=17, max_size=17))
def test_made_codes_always_validate(first17: str) -> None:
    assert check_uscc(first17 + check_character(first17)).ok


def test_make_uscc_builds_the_organisation_check_character() -> None:
    code = make_uscc("9", "1", "330702", "12345678")
    assert code.startswith("913307021234567") and check_uscc(code).ok
