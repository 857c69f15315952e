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


# --- encrypted ballots and the counting committee (docs/encrypted-ballots.md) ---


class InvalidElement(CryptoError):
    code = "bad_element"
    default_message = "Phần tử nhóm ristretto255 không hợp lệ."


class InvalidScalar(CryptoError):
    code = "bad_scalar"
    default_message = "Số vô hướng không hợp lệ (phải nhỏ hơn bậc của nhóm, viết một cách duy nhất)."


class InvalidProof(CryptoError):
    code = "bad_proof"
    default_message = "Bằng chứng mật mã không đúng."


class InvalidEncryptedBallot(CryptoError):
    code = "bad_encrypted_ballot"
    default_message = "Phiếu mã hóa không hợp lệ."


class CommitteeError(CryptoError):
    code = "bad_committee"
    default_message = "Hồ sơ tạo khóa của ban kiểm phiếu không hợp lệ."


class CeremonyFailed(CommitteeError):
    """A valid complaint (or a false one) settles who is at fault: `culprit`."""

    code = "ceremony_failed"
    default_message = "Lễ tạo khóa thất bại; cần chọn lại ban kiểm phiếu và tạo khóa lại."

    def __init__(self, detail: str = "", *, culprit: int, message: str | None = None) -> None:
        self.culprit = culprit
        super().__init__(detail, message=message)


class InvalidShare(CryptoError):
    code = "bad_share"
    default_message = "Phần giải mã của thành viên ban kiểm phiếu không đúng."


class NotEnoughShares(CryptoError):
    code = "not_enough_shares"
    default_message = "Chưa đủ số thành viên ban kiểm phiếu gửi phần giải mã hợp lệ."

    def __init__(self, detail: str = "", *, missing: list[int], message: str | None = None) -> None:
        self.missing = missing
        super().__init__(detail, message=message)


class CountOutOfRange(CryptoError):
    code = "count_out_of_range"
    default_message = "Kết quả giải mã nằm ngoài số phiếu: tổng mã hóa hoặc phần giải mã bị sai."


class InvalidBackup(CryptoError):
    code = "bad_backup"
    default_message = "Mã sao lưu không đúng (gõ nhầm một ký tự, hoặc không thuộc ban kiểm phiếu này)."


class WrongPin(CryptoError):
    code = "bad_pin"
    default_message = "Mã PIN của bản sao lưu không đúng."
