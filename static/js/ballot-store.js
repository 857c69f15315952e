// The phone's memory of its signed ballots (docs/protocol.md, “Keeping the signed ballot”).
//
// A signed ballot is written here BEFORE it is cast and removed only once the
// server has acknowledged it, so a reload, a dropped Wi-Fi or a closed tab
// loses nothing: the page resends it on its next load. Once acknowledged, only
// the tracking code stays (the "receipt"); the ballot's contents do not.
// Where localStorage is unavailable (some private modes), a Map keeps the page
// working for as long as it stays open.

const DRAFT = "phieukin:draft:";
const SIGNING = "phieukin:signing:";
const PENDING = "phieukin:pending:";
const RECEIPT = "phieukin:receipt:";
const memory = new Map();

function storage() {
  try {
    const s = globalThis.localStorage;
    const probe = "phieukin:probe";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

function put(key, value) {
  const text = JSON.stringify(value);
  memory.set(key, text);
  const s = storage();
  if (!s) {
    return false;
  }
  try {
    s.setItem(key, text);
    return s.getItem(key) === text;
  } catch {
    return false;
  }
}

function get(key) {
  const s = storage();
  const text = (s && s.getItem(key)) || memory.get(key);
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function drop(key) {
  memory.delete(key);
  const s = storage();
  if (s) {
    s.removeItem(key);
  }
}

function keysWith(prefix) {
  const keys = new Set([...memory.keys()].filter((k) => k.startsWith(prefix)));
  const s = storage();
  if (s) {
    for (let i = 0; i < s.length; i++) {
      const key = s.key(i);
      if (key && key.startsWith(prefix)) {
        keys.add(key);
      }
    }
  }
  return [...keys];
}

/**
 * The ticks of the open round's ballot, kept on this phone only (never sent until
 * cast) so that a reload or a discarded tab loses none; one round at a time.
 */
export function saveDraft(roundId, choices) {
  for (const key of keysWith(DRAFT)) {
    if (key !== DRAFT + roundId) {
      drop(key);
    }
  }
  put(DRAFT + roundId, choices);
}

export function draftFor(roundId) {
  const draft = get(DRAFT + roundId);
  return draft && typeof draft === "object" && !Array.isArray(draft) ? draft : null;
}

export function removeDraft(roundId) {
  drop(DRAFT + roundId);
}

/**
 * Keep a blinded ballot {round, ballot, prefix, blinded, inv} while its signature is
 * asked for: if the answer is lost, the same blinded message is asked again and the
 * server answers it with the same signature (docs/protocol.md, idempotent signing).
 */
export function saveSigning(entry) {
  return put(SIGNING + entry.round, entry);
}

export function signingFor(roundId) {
  return get(SIGNING + roundId);
}

export function removeSigning(roundId) {
  drop(SIGNING + roundId);
}

/** Keep a signed ballot {round, ballot, prefix, signature}; true if it reached localStorage. */
export function savePending(entry) {
  return put(PENDING + entry.round, entry);
}

export function pendingFor(roundId) {
  return get(PENDING + roundId);
}

export function pendingEntries() {
  return keysWith(PENDING).map(get).filter((e) => e && e.round && e.ballot);
}

export function removePending(roundId) {
  drop(PENDING + roundId);
}

/** After the server acknowledged: {tracking_code, verified}. */
export function saveReceipt(roundId, receipt) {
  put(RECEIPT + roundId, receipt);
}

export function receiptFor(roundId) {
  return get(RECEIPT + roundId);
}
