// Generated from ballot/vocabulary.py by `python -m ballot.vocabulary`; do not edit.
// A test (tests/test_vocabulary.py) fails when the two differ.

export const LEVELS = Object.freeze([
  "HTXSNV",
  "HTTNV",
  "HTNV",
  "KHTNV"
]);

export const LEVEL_NAMES = Object.freeze({
  "HTXSNV": "Hoàn thành xuất sắc nhiệm vụ",
  "HTTNV": "Hoàn thành tốt nhiệm vụ",
  "HTNV": "Hoàn thành nhiệm vụ",
  "KHTNV": "Không hoàn thành nhiệm vụ"
});

export const MEMBERSHIP_NAMES = Object.freeze({
  "chinh_thuc": "Chính thức",
  "du_bi": "Dự bị"
});

export const RESULT_STATUS_NAMES = Object.freeze({
  "classified": "Đã xếp loại",
  "not_classified": "Không xếp loại",
  "absent": "Vắng mặt, xếp loại sau",
  "undetermined": "Chưa xác định",
  "tie": "Bằng phiếu, chi bộ quyết định",
  "deferred": "Xếp loại sau khi có kết quả xếp loại công chức, viên chức"
});

export const ROUND_KINDS = Object.freeze({
  "CLASSIFICATION": "classification",
  "FOLLOWUP": "followup",
  "ORGANISATION": "organisation"
});

export const ROUND_KIND_NAMES = Object.freeze({
  "classification": "Xếp loại đảng viên",
  "followup": "Bỏ phiếu bổ sung",
  "organisation": "Xếp loại chi bộ"
});

export const ROUND_STATUSES = Object.freeze({
  "DRAFT": "draft",
  "OPEN": "open",
  "COUNTING": "counting",
  "CLOSED": "closed",
  "VOID": "void"
});

export const ROUND_STATUS_NAMES = Object.freeze({
  "draft": "chưa mở",
  "open": "đang mở",
  "counting": "đang kiểm phiếu",
  "closed": "đã kết thúc",
  "void": "đã hủy"
});

export const MEETING_STATES = Object.freeze({
  "OPEN": "open",
  "CERTIFIED": "certified"
});

export const CHECK_IN_STATES = Object.freeze({
  "PENDING": "pending",
  "APPROVED": "approved",
  "REFUSED": "refused",
  "REPLACED": "replaced"
});

export const DENOMINATOR_NAMES = Object.freeze({
  "entitled": "Đảng viên chính thức có quyền biểu quyết",
  "present": "Đảng viên chính thức có mặt",
  "ballots": "Số phiếu thu về"
});

export const ORGANISATION_KIND_NAMES = Object.freeze({
  "chi_bo_truc_thuoc": "Chi bộ trực thuộc đảng ủy cơ sở",
  "chi_bo_co_so": "Chi bộ cơ sở"
});

export const GRADE_NAMES = Object.freeze({
  "XUAT_SAC": "Xuất sắc",
  "TOT": "Tốt",
  "TRUNG_BINH": "Trung bình",
  "KEM": "Kém"
});

export const BODY_KIND_NAMES = Object.freeze({
  "chinh_quyen": "chính quyền",
  "mat_tran": "Mặt trận Tổ quốc",
  "doan_the": "đoàn thể chính trị - xã hội"
});

export const KHTNV_BY_ACCUMULATION_NAMES = Object.freeze({
  "khtnv": "Giữ mức “Không hoàn thành nhiệm vụ”, ghi rõ “chỉ đạt do cộng dồn”",
  "undetermined": "Coi là chưa xác định, bỏ phiếu bổ sung"
});
