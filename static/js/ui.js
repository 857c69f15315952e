// Small DOM helpers and the Vietnamese labels every page shares.
// No framework: pages build their elements once and then change text only.

/** The four levels, highest first (II.B.2.3): the order of ballots and tables. */
export const LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"];

export const LEVEL_NAMES = {
  HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
  HTTNV: "Hoàn thành tốt nhiệm vụ",
  HTNV: "Hoàn thành nhiệm vụ",
  KHTNV: "Không hoàn thành nhiệm vụ",
};

export const MEMBERSHIP_NAMES = { chinh_thuc: "Chính thức", du_bi: "Dự bị" };

export const RESULT_STATUS_NAMES = {
  classified: "Đã xếp loại",
  not_classified: "Không xếp loại",
  absent: "Vắng mặt, xếp loại sau",
  undetermined: "Chưa xác định",
  tie: "Bằng phiếu, chi bộ quyết định",
};

export const ROUND_KIND_NAMES = {
  classification: "Xếp loại đảng viên",
  followup: "Bỏ phiếu bổ sung",
  organisation: "Xếp loại chi bộ",
};

export const ROUND_STATUS_NAMES = { draft: "chưa mở", open: "đang mở", closed: "đã kết thúc" };

export const DENOMINATOR_NAMES = {
  entitled: "Đảng viên chính thức có quyền biểu quyết",
  present: "Đảng viên chính thức có mặt",
  ballots: "Số phiếu thu về",
};

export const ORGANISATION_KIND_NAMES = {
  chi_bo_truc_thuoc: "Chi bộ trực thuộc đảng ủy cơ sở",
  chi_bo_co_so: "Chi bộ cơ sở",
};

/**
 * h("p", {class: "x", onclick: f, dataset: {a: 1}}, "text", child, [more]):
 * an element with attributes, listeners and children (null/false skipped).
 */
export function h(tag, props = null, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (key === "class") {
        el.className = value;
      } else if (key === "text") {
        el.textContent = value;
      } else if (key === "dataset") {
        Object.assign(el.dataset, value);
      } else if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2), value);
      } else if (key in el && typeof value !== "string") {
        el[key] = value; // checked, disabled, value...
      } else {
        el.setAttribute(key, value === true ? "" : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else {
      el.append(child instanceof Node ? child : String(child));
    }
  }
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Replace an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Set text only when it changed (no layout work on identical updates). */
export function setText(el, text) {
  const value = String(text);
  if (el.textContent !== value) {
    el.textContent = value;
  }
}

export function show(el, visible) {
  if (el.hidden === visible) {
    el.hidden = !visible;
  }
}

export function levelName(level) {
  return level ? LEVEL_NAMES[level] || level : "—";
}

/** "2026-12-15" -> "15/12/2026". */
export function formatDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso || "";
}

/** 0.1304 -> "13,04%" (Vietnamese decimal comma). */
export function percent(share) {
  const value = Math.round(share * 10000) / 100;
  return `${String(value).replace(".", ",")}%`;
}

/** True when the page was opened on this computer only (phones cannot reach it). */
export function isLoopback(hostname) {
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1"
    || /^127\./.test(hostname);
}

export function loopbackWarning() {
  if (!isLoopback(location.hostname)) {
    return null;
  }
  return h("p", { class: "warn" },
    "Trang đang mở bằng địa chỉ chỉ dùng được trên máy này (", location.host, "). ",
    "Điện thoại không vào được địa chỉ này: hãy mở bằng địa chỉ mạng LAN mà lệnh ",
    h("code", { text: "ballot serve" }), " in ra.");
}
