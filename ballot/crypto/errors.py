"""Errors raised by `ballot.crypto`.

Every error carries a stable snake_case `code` (for JSON answers and tests) and a
Vietnamese `message` (for people). `detail` is an English note for logs; it never
holds secret material.
"""

from __future__ import annotations


class CryptoError(ValueError):
    code = "crypto_error"
    default_message = "Lỗi mật mã."

    def __init__(self, detail: str = "", *, message: str | None = None) -> None:
        self.detail = detail
        self.message = message or self.default_message
        super().__init__(f"{self.code}: {detail or self.message}")


class Base64Error(CryptoError):
    code = "bad_base64"
    default_message = "Dữ liệu base64url không hợp lệ."


class InvalidLength(CryptoError):
    code = "bad_length"
    default_message = "Dữ liệu có độ dài không đúng."


class InvalidSignature(CryptoError):
    code = "bad_signature"
    default_message = "Chữ ký không hợp lệ."


class MessageOutOfRange(CryptoError):
    code = "blinded_out_of_range"
    default_message = "Thông điệp đã làm mù nằm ngoài phạm vi cho phép của khóa."


class BlindingError(CryptoError):
    code = "blinding_failed"
    default_message = "Không làm mù được thông điệp; hãy thử lại."


class SigningFailure(CryptoError):
    code = "signing_failed"
    default_message = "Ký thất bại: chữ ký tạo ra không tự kiểm tra được."


class NonCanonical(CryptoError):
    code = "non_canonical"
    default_message = "Phiếu không ở dạng JSON chuẩn tắc."


class InvalidKey(CryptoError):
    code = "bad_key"
    default_message = "Khóa không hợp lệ hoặc không được hỗ trợ."


class KeyExists(CryptoError):
    code = "key_exists"
    default_message = "Khóa chứng thực đã tồn tại; không ghi đè."


class KeyMissing(CryptoError):
    code = "key_missing"
    default_message = "Chưa có khóa chứng thực."


class WrongPassphrase(CryptoError):
    code = "bad_passphrase"
    default_message = "Mật khẩu của khóa chứng thực không đúng."
