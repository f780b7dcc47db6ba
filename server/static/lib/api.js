// The JSON API as every page calls it. Every error the server sends is
// `{"error": {"code", "message"}}` with the message in Bahasa Indonesia; the promise rejects with an
// ApiError carrying that message, or our own words when the server could not be reached.

const NETWORK_ERROR = "Tidak dapat menghubungi server. Periksa jaringan, lalu coba lagi.";
const SESSION_ENDED = "Sesi Anda telah berakhir. Silakan masuk kembali.";

export class ApiError extends Error {
  /**
   * @param {number} status - the HTTP status, 0 when the server was not reached
   * @param {string} code - the server's error code (`network_error`, `http_<status>` without one)
   * @param {string} message - what to show, in Bahasa Indonesia
   * @param {boolean} fromServer - whether `message` is the server's own
   */
  constructor(status, code, message, fromServer = false) {
    super(message);
    this.status = status;
    this.code = code;
    this.fromServer = fromServer;
  }
}

/**
 * Call the JSON API; resolves with the parsed body (null when there is none).
 *
 * `body`: an object is sent as JSON; a FormData or Blob as it is (with `options.contentType`).
 * `options.timeoutMs` gives up after that long; `options.cache` is passed to fetch.
 */
export async function api(method, url, body, options = {}) {
  const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (options.cache) init.cache = options.cache;
  if (options.timeoutMs && AbortSignal.timeout) init.signal = AbortSignal.timeout(options.timeoutMs);
  if (body instanceof FormData || body instanceof Blob) {
    init.body = body;
    if (options.contentType) init.headers["Content-Type"] = options.contentType;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, "network_error", NETWORK_ERROR);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    if (response.status === 401 && error.code === "unauthenticated") {
      throw new ApiError(401, error.code, SESSION_ENDED, true);
    }
    const message = error.message || `Permintaan gagal (${response.status}).`;
    throw new ApiError(response.status, error.code || `http_${response.status}`, message, Boolean(error.message));
  }
  return data;
}

/** api() for the admin's pages: a session that has ended shows the sign-in page again. */
export async function staffApi(method, url, body, options) {
  try {
    return await api(method, url, body, options);
  } catch (error) {
    if (error.status === 401) window.location.reload();
    throw error;
  }
}
