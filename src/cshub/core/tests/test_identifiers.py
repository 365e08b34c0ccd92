import pytest
from hypothesis import given
from hypothesis import strategies as st

from cshub.core import identifiers
from cshub.core.identifiers import InvalidIdentifier, normalise
from cshub.core.vocab import IdentifierScheme as S


class TestNhsNumber:
    @pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
    def test_valid(self, value):
        assert normalise(S.NHS_NUMBER, value) == value.replace(" ", "").replace("-", "")

    @pytest.mark.parametrize(
        "value, message",
        [
            ("9434765918", "check digit"),  # wrong check digit
            ("943476591", "10 digits"),  # too short
            ("94347659190", "10 digits"),  # too long
            ("94347659X9", "10 digits"),
            ("", "Enter"),
            ("1000000010", "check digit"),  # remainder 10: never issued
        ],
    )
    def test_invalid(self, value, message):
        with pytest.raises(InvalidIdentifier, match=message):
            normalise(S.NHS_NUMBER, value)

    @given(st.integers(min_value=0, max_value=10**9))
    def test_made_numbers_are_valid_and_in_the_test_range(self, n):
        made = identifiers.make_nhs_number(n)
        assert normalise(S.NHS_NUMBER, made) == made
        assert made.startswith("999")

    @given(
        st.integers(min_value=0, max_value=10**6),
        st.integers(min_value=0, max_value=9),
        st.integers(min_value=1, max_value=9),
    )
    def test_any_single_digit_error_is_caught(self, n, position, delta):
        made = identifiers.make_nhs_number(n)
        wrong = made[:position] + str((int(made[position]) + delta) % 10) + made[position + 1 :]
        assert not identifiers.is_valid(S.NHS_NUMBER, wrong)

    @given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=8))
    def test_adjacent_transpositions_are_caught(self, n, position):
        made = identifiers.make_nhs_number(n)
        a, b = made[position], made[position + 1]
        if a == b:
            return
        swapped = made[:position] + b + a + made[position + 2 :]
        assert not identifiers.is_valid(S.NHS_NUMBER, swapped)


class TestUpn:
    def test_valid_and_normalised(self):
        upn = identifiers.make_upn(la_code=370, establishment=4001, year=2015, serial=7)
        assert normalise(S.UPN, upn.lower()) == upn
        assert normalise(S.UPN, f" {upn[:4]} {upn[4:]} ") == upn

    def test_temporary_upn_ending_in_a_letter(self):
        body = "37040011500A"
        upn = identifiers.upn_check_letter(body) + body
        assert normalise(S.UPN, upn) == upn

    @pytest.mark.parametrize(
        "value, message",
        [
            ("A37040011500", "13 characters"),
            ("I370400115007", "never I, O or S"),
            ("1370400115007", "13 characters"),
            ("Y37040011500", "13 characters"),
        ],
    )
    def test_malformed(self, value, message):
        with pytest.raises(InvalidIdentifier, match=message):
            normalise(S.UPN, value)

    def test_wrong_check_letter(self):
        upn = identifiers.make_upn(la_code=370, establishment=4001, year=2015, serial=7)
        wrong = ("A" if upn[0] != "A" else "B") + upn[1:]
        with pytest.raises(InvalidIdentifier, match="check letter"):
            normalise(S.UPN, wrong)

    @given(
        st.integers(min_value=1000, max_value=9999),
        st.integers(min_value=0, max_value=99),
        st.integers(min_value=0, max_value=999),
        st.integers(min_value=1, max_value=12),
        st.integers(min_value=1, max_value=9),
    )
    def test_made_upns_are_valid_and_single_digit_errors_caught(self, estab, year, serial, pos, d):
        upn = identifiers.make_upn(la_code=370, establishment=estab, year=year, serial=serial)
        assert normalise(S.UPN, upn) == upn
        wrong = upn[:pos] + str((int(upn[pos]) + d) % 10) + upn[pos + 1 :]
        assert not identifiers.is_valid(S.UPN, wrong)


class TestPncId:
    def test_long_and_short_forms_normalise_alike(self):
        pnc = identifiers.make_pnc_id(year=2019, serial=12345)
        assert normalise(S.PNC_ID, pnc) == pnc
        assert normalise(S.PNC_ID, "19/12345" + pnc[-1]) == pnc
        assert normalise(S.PNC_ID, pnc.replace("/", "").lower()) == pnc

    @pytest.mark.parametrize("value", ["2019/12345", "2019/123456789A", "ABCD/1234567A", "/1A"])
    def test_malformed(self, value):
        with pytest.raises(InvalidIdentifier, match="looks like"):
            normalise(S.PNC_ID, value)

    @given(
        st.integers(min_value=1980, max_value=2026),
        st.integers(min_value=0, max_value=9_999_999),
        st.integers(min_value=5, max_value=11),
        st.integers(min_value=1, max_value=9),
    )
    def test_single_digit_errors_in_the_serial_are_caught(self, year, serial, pos, d):
        pnc = identifiers.make_pnc_id(year=year, serial=serial)
        assert identifiers.is_valid(S.PNC_ID, pnc)
        wrong = pnc[:pos] + str((int(pnc[pos]) + d) % 10) + pnc[pos + 1 :]
        assert not identifiers.is_valid(S.PNC_ID, wrong)


class TestLocalIds:
    @pytest.mark.parametrize(
        "scheme, value, expected",
        [
            (S.MOSAIC_ID, "mos123456", "MOS123456"),
            (S.MOSAIC_ID, "123456", "123456"),
            (S.SYNERGY_ID, "0042", "0042"),
            (S.POLICE_NOMINAL_ID, "syp 12345", "SYP12345"),
            (S.YOUTH_JUSTICE_ID, "yj-001", "YJ001"),
        ],
    )
    def test_valid(self, scheme, value, expected):
        assert normalise(scheme, value) == expected

    @pytest.mark.parametrize(
        "scheme, value",
        [
            (S.MOSAIC_ID, "MOSAIC123"),
            (S.MOSAIC_ID, "12345678901"),
            (S.SYNERGY_ID, "AB12"),
            (S.POLICE_NOMINAL_ID, "X1"),
            (S.YOUTH_JUSTICE_ID, "Y!1"),
        ],
    )
    def test_invalid(self, scheme, value):
        assert not identifiers.is_valid(scheme, value)

    def test_unknown_scheme_is_refused(self):
        with pytest.raises(InvalidIdentifier, match="Unknown identifier scheme"):
            normalise("passport", "123456789")

    @given(st.sampled_from(list(S)), st.text(max_size=40))
    def test_normalise_never_crashes_and_is_idempotent(self, scheme, text):
        try:
            value = normalise(scheme, text)
        except InvalidIdentifier:
            return
        assert normalise(scheme, value) == value
