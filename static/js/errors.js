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
