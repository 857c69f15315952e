"""Cryptography for Phiếu kín (docs/protocol.md). Pure: no Flask, no database.

- `blind_rsa`: RFC 9474 RSABSSA-SHA384-PSS-Randomized blind signatures;
- `canonical`: canonical ballot bytes (RFC 8785, strings and integers only);
- `tracking`: tracking codes for the bulletin board;
- `certify`: the chi bộ's Ed25519 certification key and document signatures;
- `encoding`, `errors`: strict base64url and the error types (stable codes).

Encrypted ballots and the counting committee (docs/encrypted-ballots.md), imported
from their modules (they load libsodium through rbcl):
`ristretto` (group, hash-to-scalar), `elgamal`, `zkp` (proofs), `encrypted_ballot`
(ballot, tally), `committee` (key generation), `threshold` (decryption), `backup`.
"""

from ballot.crypto.blind_rsa import (
    blind,
    blind_sign,
    finalize,
    generate_private_key,
    key_fingerprint,
    modulus_len,
    prepare,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_json,
    public_key_to_json,
    verify,
)
from ballot.crypto.canonical import canonical_json, parse_canonical
from ballot.crypto.certify import (
    KeyStore,
    document_digest,
    fingerprint,
    public_key_b64url,
    public_key_from_b64url,
    sign_document,
    verify_document,
)
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import (
    Base64Error,
    BlindingError,
    CryptoError,
    InvalidKey,
    InvalidLength,
    InvalidSignature,
    KeyExists,
    KeyMissing,
    MessageOutOfRange,
    NonCanonical,
    SigningFailure,
    WrongPassphrase,
)
from ballot.crypto.tracking import ballot_digest, format_tracking_code, tracking_code

__all__ = [
    "Base64Error",
    "BlindingError",
    "CryptoError",
    "InvalidKey",
    "InvalidLength",
    "InvalidSignature",
    "KeyExists",
    "KeyMissing",
    "KeyStore",
    "MessageOutOfRange",
    "NonCanonical",
    "SigningFailure",
    "WrongPassphrase",
    "b64url_decode",
    "b64url_encode",
    "ballot_digest",
    "blind",
    "blind_sign",
    "canonical_json",
    "document_digest",
    "finalize",
    "fingerprint",
    "format_tracking_code",
    "generate_private_key",
    "key_fingerprint",
    "modulus_len",
    "parse_canonical",
    "prepare",
    "private_key_from_pem",
    "private_key_to_pem",
    "public_key_b64url",
    "public_key_from_b64url",
    "public_key_from_json",
    "public_key_to_json",
    "sign_document",
    "tracking_code",
    "verify",
    "verify_document",
]
