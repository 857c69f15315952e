// Small DOM helpers and the Vietnamese labels every page shares.
// No framework: pages build their elements once and then change text only.

// The project's vocabulary (levels, round kinds and states, their Vietnamese
// names) is generated from ballot/vocabulary.py; pages import it from here.
import {
  BODY_KIND_NAMES,
  DENOMINATOR_NAMES,
  GRADE_NAMES,
  KHTNV_BY_ACCUMULATION_NAMES,
  LEVEL_NAMES,
  LEVELS,
  MEMBERSHIP_NAMES,
  ORGANISATION_KIND_NAMES,
  RESULT_STATUS_NAMES,
  ROUND_KIND_NAMES,
  ROUND_STATUS_NAMES,
} from "./vocabulary.js";

export {
  BODY_KIND_NAMES,
  DENOMINATOR_NAMES,
  GRADE_NAMES,
  KHTNV_BY_ACCUMULATION_NAMES,
  LEVEL_NAMES,
  LEVELS,
  MEMBERSHIP_NAMES,
  ORGANISATION_KIND_NAMES,
  RESULT_STATUS_NAMES,
  ROUND_KIND_NAMES,
  ROUND_STATUS_NAMES,
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

/** A warning when the address phones are sent to (the server's) only works on this computer. */
export function loopbackWarning(publicUrl) {
  const address = new URL(publicUrl);
  if (!isLoopback(address.hostname)) {
    return null;
  }
  return h("p", { class: "warn" },
    "Máy chủ chưa có địa chỉ mạng LAN (", address.host, "): điện thoại không vào được. ",
    "Hãy nối máy tính vào Wi-Fi của phòng họp rồi khởi động lại máy chủ.");
}

/**
 * A page's refresh: `load` once, or once more after the run in progress when called
 * meanwhile (a push and a timer at once fold into one request), then `after` once.
 */
export function coalescing(load, after) {
  let running = null;
  let again = false;
  return async function refresh() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await load();
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
    await after();
  };
}
