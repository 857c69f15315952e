// Errors raised by the phone's crypto modules.
//
// They mirror ballot/crypto/errors.py: each carries the same stable snake_case
// `code` (for program logic and tests) and a Vietnamese `message` (for people);
// `detail` is an English note for the console and never holds secret material.

export class CryptoError extends Error {
  constructor(detail = "", message = undefined) {
    const code = new.target.code;
    super(`${code}: ${detail || message || new.target.defaultMessage}`);
    this.name = new.target.name;
    this.code = code;
    this.detail = detail;
    this.userMessage = message || new.target.defaultMessage;
  }
}
CryptoError.code = "crypto_error";
CryptoError.defaultMessage = "Lỗi mật mã.";

function defineError(name, code, defaultMessage) {
  const cls = { [name]: class extends CryptoError {} }[name];
  cls.code = code;
  cls.defaultMessage = defaultMessage;
  return cls;
}

export const Base64Error = defineError(
  "Base64Error", "bad_base64", "Dữ liệu base64url không hợp lệ.");
export const InvalidLength = defineError(
  "InvalidLength", "bad_length", "Dữ liệu có độ dài không đúng.");
export const InvalidSignature = defineError(
  "InvalidSignature", "bad_signature", "Chữ ký không hợp lệ.");
export const MessageOutOfRange = defineError(
  "MessageOutOfRange", "blinded_out_of_range",
  "Thông điệp đã làm mù nằm ngoài phạm vi cho phép của khóa.");
export const BlindingError = defineError(
  "BlindingError", "blinding_failed", "Không làm mù được thông điệp; hãy thử lại.");
export const NonCanonical = defineError(
  "NonCanonical", "non_canonical", "Phiếu không ở dạng JSON chuẩn tắc.");
export const InvalidKey = defineError(
  "InvalidKey", "bad_key", "Khóa không hợp lệ hoặc không được hỗ trợ.");
export const EncodingError = defineError(
  "EncodingError", "bad_encoding", "Dữ liệu không mã hóa được.");

// Encrypted ballots and the counting committee (docs/encrypted-ballots.md).
export const InvalidElement = defineError(
  "InvalidElement", "bad_element", "Phần tử nhóm ristretto255 không hợp lệ.");
export const InvalidScalar = defineError(
  "InvalidScalar", "bad_scalar",
  "Số vô hướng không hợp lệ (phải nhỏ hơn bậc của nhóm, viết một cách duy nhất).");
export const InvalidProof = defineError(
  "InvalidProof", "bad_proof", "Bằng chứng mật mã không đúng.");
export const InvalidEncryptedBallot = defineError(
  "InvalidEncryptedBallot", "bad_encrypted_ballot", "Phiếu mã hóa không hợp lệ.");
export const CommitteeError = defineError(
  "CommitteeError", "bad_committee", "Hồ sơ tạo khóa của ban kiểm phiếu không hợp lệ.");
export const CeremonyFailed = defineError(
  "CeremonyFailed", "ceremony_failed",
  "Lễ tạo khóa thất bại; cần chọn lại ban kiểm phiếu và tạo khóa lại.");
export const InvalidShare = defineError(
  "InvalidShare", "bad_share", "Phần giải mã của thành viên ban kiểm phiếu không đúng.");
export const NotEnoughShares = defineError(
  "NotEnoughShares", "not_enough_shares",
  "Chưa đủ số thành viên ban kiểm phiếu gửi phần giải mã hợp lệ.");
export const CountOutOfRange = defineError(
  "CountOutOfRange", "count_out_of_range",
  "Kết quả giải mã nằm ngoài số phiếu: tổng mã hóa hoặc phần giải mã bị sai.");
export const InvalidBackup = defineError(
  "InvalidBackup", "bad_backup",
  "Mã sao lưu không đúng (gõ nhầm một ký tự, hoặc không thuộc ban kiểm phiếu này).");
export const WrongPin = defineError(
  "WrongPin", "bad_pin", "Mã PIN của bản sao lưu không đúng.");
