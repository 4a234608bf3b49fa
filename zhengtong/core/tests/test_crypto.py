"""Tests of SM4 field encryption and the SM3 blind index (docs/conformance.md SEC-11)."""

import base64

import pytest
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.db import connection
from django.db.migrations.writer import MigrationWriter

from zhengtong.core.crypto import (
    PURPOSE_CITIZEN_ID,
    PURPOSE_MOBILE,
    TOKEN_PREFIX,
    EncryptedTextField,
    FieldDecryptionError,
    blind_index,
    blind_index_matches,
    citizen_id_index,
    decrypt_text,
    encrypt_text,
    encryption_key,
    hash_key,
    mobile_index,
)

TEST_KEY = "00112233445566778899aabbccddeeff"  # zhengtong.settings_test
OTHER_KEY = "ffeeddccbbaa99887766554433221100"
CHINESE = "张三丰，住址：江苏省南京市玄武区某路1号"


def field():
    f = EncryptedTextField(blank=True, null=True)
    f.set_attributes_from_name("secret")
    return f


def store_and_load(value):
    f = field()
    stored = f.get_db_prep_save(value, connection)
    return stored, f.from_db_value(stored, None, connection)


def sm3(data):
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def hmac_sm3(key, data):
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def reencode(token, transform):
    raw = bytearray(base64.b64decode(token[len(TOKEN_PREFIX) :]))
    return TOKEN_PREFIX + base64.b64encode(bytes(transform(raw))).decode()


def flip(index):
    def transform(raw):
        raw[index] ^= 0x01
        return raw

    return transform


# --- Encryption round trip -----------------------------------------------------------------


def test_the_field_stores_a_token_and_loads_back_the_original_text():
    stored, loaded = store_and_load(CHINESE)
    assert stored.startswith(TOKEN_PREFIX)
    assert CHINESE not in stored
    assert loaded == CHINESE


def test_an_empty_string_round_trips_and_none_stays_null():
    stored, loaded = store_and_load("")
    assert stored.startswith(TOKEN_PREFIX) and loaded == ""
    assert store_and_load(None) == (None, None)


def test_non_string_values_are_stored_as_their_text():
    assert store_and_load(12345)[1] == "12345"


def test_two_encryptions_of_the_same_value_differ():
    f = field()
    first, second = f.get_prep_value(CHINESE), f.get_prep_value(CHINESE)
    assert first != second
    assert decrypt_text(first) == decrypt_text(second) == CHINESE


def test_the_token_is_sm4_gcm_with_a_12_byte_nonce_and_16_byte_tag():
    plaintext = "320102199001011234"
    token = encrypt_text(plaintext)
    raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
    assert len(raw) == 12 + len(plaintext.encode()) + 16
    nonce, ciphertext, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(algorithms.SM4(bytes.fromhex(TEST_KEY)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(TOKEN_PREFIX.encode())
    assert (decryptor.update(ciphertext) + decryptor.finalize()).decode() == plaintext


# --- Damaged or foreign values -------------------------------------------------------------


@pytest.mark.parametrize(
    "index", [0, 11, 12, -17, -1], ids=["nonce", "nonce-end", "ciphertext", "ciphertext-end", "tag"]
)
def test_a_tampered_token_raises_a_clear_error(index):
    token = reencode(encrypt_text("13812345678"), flip(index))
    with pytest.raises(FieldDecryptionError, match="failed authentication"):
        field().from_db_value(token, None, connection)


def test_a_truncated_token_raises_a_clear_error():
    token = encrypt_text("13812345678")
    with pytest.raises(FieldDecryptionError, match="failed authentication"):
        decrypt_text(reencode(token, lambda raw: raw[:-1]))
    with pytest.raises(FieldDecryptionError, match="too short"):
        decrypt_text(reencode(token, lambda raw: raw[:20]))


def test_a_token_that_is_not_base64_raises_a_clear_error():
    with pytest.raises(FieldDecryptionError, match="base64"):
        decrypt_text(TOKEN_PREFIX + "not base64!")


def test_plain_text_in_an_encrypted_column_is_refused_not_passed_through():
    with pytest.raises(FieldDecryptionError, match="not an encrypted-field token"):
        field().from_db_value("13812345678", None, connection)


def test_a_value_encrypted_under_another_key_is_refused(settings):
    settings.FIELD_ENCRYPTION_KEY = OTHER_KEY
    token = encrypt_text("secret")
    settings.FIELD_ENCRYPTION_KEY = TEST_KEY
    with pytest.raises(FieldDecryptionError, match="different FIELD_ENCRYPTION_KEY"):
        decrypt_text(token)


# --- Keys ----------------------------------------------------------------------------------


def test_a_missing_encryption_key_is_refused_outside_debug(settings):
    settings.DEBUG = False
    settings.DEV_KEYS = False
    settings.FIELD_ENCRYPTION_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY is not set"):
        field().get_prep_value("x")


@pytest.mark.parametrize(
    "bad_key",
    [TEST_KEY[:-1], TEST_KEY + "0", "g" + TEST_KEY[1:], "secret-passphrase"],
    ids=["31-hex", "33-hex", "non-hex", "passphrase"],
)
def test_a_malformed_encryption_key_is_refused_even_in_debug(settings, bad_key):
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEY = bad_key
    with pytest.raises(ImproperlyConfigured, match="malformed"):
        encrypt_text("x")


def test_debug_derives_the_encryption_key_from_secret_key_with_sm3(settings):
    settings.DEBUG = True
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.SECRET_KEY = "dev-secret"
    expected = sm3(b"zhengtong field encryption key\x00dev-secret")[:16]
    assert encryption_key() == expected
    assert decrypt_text(encrypt_text(CHINESE)) == CHINESE


def test_the_configured_encryption_key_is_used_as_hex():
    assert encryption_key() == bytes.fromhex(TEST_KEY)


def test_a_missing_hash_key_is_refused_outside_debug(settings):
    settings.DEBUG = False
    settings.DEV_KEYS = False
    settings.FIELD_HASH_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="FIELD_HASH_KEY is not set"):
        blind_index("x", "test")


def test_debug_derives_the_hash_key_from_secret_key_with_sm3(settings):
    settings.DEBUG = True
    settings.FIELD_HASH_KEY = ""
    settings.SECRET_KEY = "dev-secret"
    assert hash_key() == sm3(b"zhengtong field hash key\x00dev-secret")
    assert hash_key() != encryption_key()


# --- Blind index ---------------------------------------------------------------------------


def test_blind_index_is_stable_64_hex_characters():
    first = blind_index("13812345678", PURPOSE_MOBILE)
    assert first == blind_index("13812345678", PURPOSE_MOBILE)
    assert len(first) == 64 and int(first, 16) >= 0


def test_blind_index_is_hmac_sm3_with_a_per_purpose_key():
    purpose_key = hmac_sm3(b"test-hash-key", b"zhengtong blind index\x00mobile")
    assert blind_index("13812345678", "mobile") == hmac_sm3(purpose_key, b"13812345678").hex()


def test_blind_index_differs_per_purpose_and_per_value():
    value = "11010519491231002X"
    assert blind_index(value, "citizen_id") != blind_index(value, "applicant_id")
    assert blind_index(value, "citizen_id") != blind_index("34052419800101001X", "citizen_id")


def test_blind_index_depends_on_the_hash_key(settings):
    before = blind_index("13812345678", PURPOSE_MOBILE)
    settings.FIELD_HASH_KEY = "another-hash-key"
    assert blind_index("13812345678", PURPOSE_MOBILE) != before


def test_blind_index_needs_a_purpose_and_a_string():
    with pytest.raises(ValueError):
        blind_index("x", "")
    with pytest.raises(TypeError):
        blind_index(None, "mobile")


def test_blind_index_matches_compares_with_a_stored_hash():
    stored = blind_index("abc", "test")
    assert blind_index_matches("abc", "test", stored)
    assert not blind_index_matches("abd", "test", stored)
    assert not blind_index_matches("abc", "test", None)


def test_citizen_id_index_ignores_case_spaces_and_full_width_digits():
    expected = blind_index("11010519491231002X", PURPOSE_CITIZEN_ID)
    assert citizen_id_index("11010519491231002x") == expected
    assert citizen_id_index(" １１０１０５１９４９１２３１００２Ｘ ") == expected


def test_mobile_index_ignores_country_code_and_separators():
    expected = blind_index("13812345678", PURPOSE_MOBILE)
    assert mobile_index("+86 138-1234-5678") == expected
    assert mobile_index("8613812345678") == expected


def test_indexing_an_invalid_number_raises_a_validation_error():
    with pytest.raises(ValidationError):
        citizen_id_index("340524198001010013")
    with pytest.raises(ValidationError):
        mobile_index("12345")


# --- Field behaviour in queries and migrations ---------------------------------------------


def test_only_isnull_lookups_are_offered_on_an_encrypted_field():
    f = field()
    assert f.get_lookup("isnull") is not None
    for name in ["exact", "iexact", "contains", "startswith", "in", "gt"]:
        assert f.get_lookup(name) is None, name


def test_filtering_on_an_encrypted_value_raises_instead_of_matching_nothing():
    from django.db.models import Value
    from django.db.models.functions import Cast

    from zhengtong.core.models import CalendarYear

    annotated = CalendarYear.objects.annotate(secret=Cast(Value("x"), field()))
    with pytest.raises(FieldError):
        annotated.filter(secret="x")


def test_unique_index_and_primary_key_are_refused_by_the_system_check():
    for option in ["unique", "db_index", "primary_key"]:
        f = EncryptedTextField(**{option: True})
        f.set_attributes_from_name("secret")
        assert any(error.id == "zhengtong.E101" for error in f.check()), option
    assert not [e for e in field().check() if e.id == "zhengtong.E101"]


def test_deconstruct_gives_the_import_path_and_rebuilds_an_equal_field():
    f = EncryptedTextField(blank=True, null=True, help_text="kept encrypted")
    f.set_attributes_from_name("secret")
    name, path, args, kwargs = f.deconstruct()
    assert (name, path) == ("secret", "zhengtong.core.crypto.EncryptedTextField")
    assert kwargs == {"blank": True, "null": True, "help_text": "kept encrypted"}
    rebuilt = EncryptedTextField(*args, **kwargs)
    rebuilt.set_attributes_from_name(name)
    assert rebuilt.deconstruct() == (name, path, args, kwargs)


def test_a_migration_can_serialise_the_field_without_any_key():
    source, imports = MigrationWriter.serialize(EncryptedTextField(null=True))
    assert source == "zhengtong.core.crypto.EncryptedTextField(null=True)"
    assert imports == {"import zhengtong.core.crypto"}
    assert TEST_KEY not in source
