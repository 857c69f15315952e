// JSON calls to the server. Every refusal arrives as
// {"error": {"code", "message"}} with a Vietnamese message; a network failure
// becomes an ApiError with code "network" and a Vietnamese message too.

export class ApiError extends Error {
  constructor(status, code, message, details = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details; // the message's items one by one, where the server lists them
  }
}

export const NETWORK_MESSAGE =
  "Không kết nối được máy chủ. Kiểm tra Wi-Fi của cuộc họp rồi thử lại.";

/**
 * request("POST", "/api/join", {body}) -> parsed JSON, or throws ApiError.
 * Options: body (JSON), form (FormData), csrf (host token), credentials, cache
 * ("no-store" unless said: "no-cache" revalidates what the browser kept, by its ETag).
 */
export async function request(method, path, options = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (options.form) {
    body = options.form;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (options.csrf) {
    headers["X-CSRF-Token"] = options.csrf;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body,
      credentials: options.credentials || "same-origin",
      cache: options.cache || "no-store",
    });
  } catch {
    throw new ApiError(0, "network", NETWORK_MESSAGE);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error;
    throw new ApiError(
      response.status,
      (error && error.code) || `http_${response.status}`,
      (error && error.message) || `Máy chủ trả lỗi ${response.status}.`,
      (error && error.details) || null,
    );
  }
  return data;
}

/** Vietnamese text for any error a page may catch. */
export function errorText(error) {
  if (error instanceof ApiError) {
    return error.message;
  }
  if (error && error.userMessage) {
    return error.userMessage; // CryptoError from the phone's crypto modules
  }
  return `Đã có lỗi: ${(error && error.message) || error}`;
}

/** Fetch a file the host may download (it needs the CSRF header, so no plain link). */
export async function downloadFile(path, filename, csrf) {
  let response;
  try {
    response = await fetch(path, { headers: { "X-CSRF-Token": csrf }, cache: "no-store" });
  } catch {
    throw new ApiError(0, "network", NETWORK_MESSAGE);
  }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    const error = data && data.error;
    throw new ApiError(response.status, (error && error.code) || `http_${response.status}`,
      (error && error.message) || `Máy chủ trả lỗi ${response.status}.`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
