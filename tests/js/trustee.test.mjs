// The trustee page's decisions (static/js/trustee-core.js) against a world made by
// the server's side (ballot.crypto, through trustee_fixture.py): the messages it
// sends at each stage of a ceremony and again after a reload, a seed that is not
// the one that spoke, and the checks before a round's tally is decrypted.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

import { Trustee, verifyCommittee } from "../../static/js/committee.js";
import { canonicalJson } from "../../static/js/canonical.js";
import { b64urlDecode } from "../../static/js/encoding.js";
import { combine } from "../../static/js/threshold.js";
import { tallyFromJson } from "../../static/js/encrypted-ballot.js";
import {
  TallyRefused, ceremonyStep, checkTally, checkTallyIsSum, decryptionFor, loadSeed, recheckable, refusalOf, roundStatus,
  saveSeed, seedKey, tallyKey,
} from "../../static/js/trustee-core.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = process.env.PHIEUKIN_PYTHON
  || [`${ROOT}.venv/bin/python`, "python3"].find((p) => p === "python3" || existsSync(p));
const F = JSON.parse(execFileSync(PYTHON, [`${ROOT}tests/js/trustee_fixture.py`], { cwd: ROOT, encoding: "utf8" }));
const seeds = F.seeds.map(b64urlDecode);
const trustees = seeds.map((seed, i) => new Trustee(seed, F.context, i + 1));
const committee = verifyCommittee(F.transcript);

class MemoryStorage {
  constructor() { this.map = new Map(); }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

const empty = () => ({ context: F.context, announcements: [], dealings: [], complaints: [], confirmations: [] });

/** The server's side of the relay: file each envelope under its type. */
function post(transcript, envelope) {
  const list = { announce: "announcements", dealing: "dealings", confirmation: "confirmations",
    complaint: "complaints" }[envelope.message.type];
  transcript[list].push(envelope);
}

describe("the ceremony, step by step", () => {
  it("announces first, then waits for the others' announces", () => {
    const t = empty();
    const step = ceremonyStep(trustees[0], t);
    assert.equal(step.stage, "announce");
    assert.equal(step.send.length, 1);
    assert.equal(step.send[0].message.type, "announce");
    post(t, step.send[0]);
    const again = ceremonyStep(trustees[0], t);
    assert.deepEqual([again.send.length, again.stage, again.waitingFor], [0, "announce", [2, 3]]);
  });

  it("three pages polling a relay write exactly the server's own ceremony, byte for byte", () => {
    const t = empty();
    for (let pass = 0; pass < 5; pass++) {
      for (const trustee of trustees) {
        for (const envelope of ceremonyStep(trustee, t).send) {
          post(t, envelope);
        }
      }
    }
    assert.equal(canonicalJson(t), canonicalJson(F.transcript));
    for (const trustee of trustees) {
      assert.deepEqual(ceremonyStep(trustee, t), { send: [], stage: "done", waitingFor: [], conflict: null, complaints: [] });
    }
    assert.equal(verifyCommittee(t).shortFingerprint, F.short_fingerprint);
  });

  it("after a reload mid-ceremony sends only what the server lacks", () => {
    const t = empty();
    trustees.forEach((tr) => post(t, tr.announce()));
    post(t, trustees[1].deal(t.announcements));
    const step = ceremonyStep(new Trustee(seeds[1], F.context, 2), t); // page 2 reloaded
    assert.deepEqual([step.stage, step.send.length, step.waitingFor], ["deal", 0, [1, 3]]);
    const first = ceremonyStep(trustees[0], t);
    assert.equal(first.send[0].message.type, "dealing");
    assert.equal(canonicalJson(first.send[0]), canonicalJson(F.transcript.dealings[0]));
  });

  it("does not speak with a seed other than the one that announced", () => {
    const t = empty();
    post(t, trustees[0].announce());
    const stranger = new Trustee(new Uint8Array(32).fill(9), F.context, 1);
    assert.deepEqual(ceremonyStep(stranger, t), { send: [], stage: "announce", waitingFor: [], conflict: "announce",
      complaints: [] });
    const full = JSON.parse(JSON.stringify(F.transcript));
    full.confirmations = full.confirmations.slice(1);
    const late = ceremonyStep(stranger, { ...full, announcements: full.announcements });
    assert.equal(late.conflict, "announce");
  });

  it("keeps the seed in storage under the ceremony and the index", () => {
    const storage = new MemoryStorage();
    assert.equal(loadSeed(storage, "C-fixture", 2), null);
    assert.ok(saveSeed(storage, "C-fixture", 2, seeds[1]));
    assert.deepEqual(loadSeed(storage, "C-fixture", 2), seeds[1]);
    assert.equal(loadSeed(storage, "C-other", 2), null);
    assert.ok(seedKey("C-fixture", 2).includes("C-fixture") && seedKey("C-fixture", 2).endsWith(":2"));
    const refusing = { setItem() { throw new Error("quota"); }, getItem: () => null };
    assert.equal(saveSeed(refusing, "C", 1, seeds[0]), false);
  });
});

describe("counting a round", () => {
  const published = { round: "R1", public_key: F.public_key, ballots: F.ballots };
  const round = { id: "R1", number: 1, kind: "classification", status: "counting", ballots: 3, tally: F.tally,
    shares: [], refused: [] };

  it("checks the tally, that it is the ballots' sum, and decrypts it with trustees 1 and 3", () => {
    const storage = new MemoryStorage();
    assert.ok(recheckable(tallyFromJson(F.tally)));
    const envelopes = [0, 2].map((i) => {
      const checked = checkTally(round, committee, storage, "C-fixture", i + 1);
      assert.equal(checked.digest, F.tally_digest);
      checkTallyIsSum(checked.tally, published);
      return decryptionFor(trustees[i], trustees[i].secretShare(F.transcript), committee, checked, storage,
        "C-fixture", "R1");
    });
    assert.equal(storage.getItem(tallyKey("C-fixture", 1, "R1")), F.tally_digest);
    const { counts, used } = combine(committee, tallyFromJson(F.tally), envelopes);
    assert.deepEqual(used, [1, 3]);
    assert.deepEqual(counts.m01, { HTXSNV: 2, HTTNV: 0, HTNV: 0, KHTNV: 0 });
    assert.deepEqual(counts.m03, { HTXSNV: 0, HTTNV: 0, HTNV: 0, KHTNV: 1 });
  });

  it("refuses a second tally of a round already decrypted", () => {
    const storage = new MemoryStorage();
    const checked = checkTally(round, committee, storage, "C-fixture", 1);
    decryptionFor(trustees[0], trustees[0].secretShare(F.transcript), committee, checked, storage, "C-fixture", "R1");
    const other = { ...round, ballots: 1, tally: F.single_tally };
    assert.throws(() => checkTally(other, committee, storage, "C-fixture", 1),
      (e) => e instanceof TallyRefused && e.code === "second_tally" && /một lần/.test(e.userMessage));
    // The same tally again (a reload after sending) is fine.
    assert.equal(checkTally(round, committee, storage, "C-fixture", 1).digest, F.tally_digest);
  });

  it("refuses a tally whose count is not the board's, or of another round", () => {
    const storage = new MemoryStorage();
    assert.throws(() => checkTally({ ...round, ballots: 4 }, committee, storage, "C-fixture", 1),
      (e) => e.code === "count" && /3 phiếu/.test(e.userMessage));
    assert.throws(() => checkTally({ ...round, id: "R2" }, committee, storage, "C-fixture", 1),
      (e) => e.code === "other_round");
    assert.throws(() => checkTally({ ...round, status: "closed" }, committee, storage, "C-fixture", 1),
      (e) => e.code === "not_counting");
  });

  it("refuses a single ballot presented as a total, and ballots that do not add up", () => {
    const single = checkTally({ ...round, ballots: 1, tally: F.single_tally }, committee, new MemoryStorage(),
      "C-fixture", 1);
    assert.throws(() => checkTallyIsSum(single.tally, published), (e) => e.code === "sum_count");
    const full = checkTally(round, committee, new MemoryStorage(), "C-fixture", 1);
    const some = (...ballots) => ({ ...published, ballots });
    // One ballot published twice in place of another: refused as not this round's set.
    assert.throws(() => checkTallyIsSum(full.tally, some(F.ballots[0], F.ballots[0], F.ballots[1])),
      (e) => e.code === "bad_ballot");
    assert.throws(() => checkTallyIsSum(full.tally, some(F.ballots[0], F.ballots[1], { ...F.ballots[2], text: "{}" })),
      (e) => e.code === "bad_ballot");
    // One ballot's ciphertexts under fresh nonces, signed with a round key the server kept:
    // their sum would reveal that ballot three times over.
    const copies = checkTally({ ...round, tally: F.copies_tally }, committee, new MemoryStorage(), "C-fixture", 1);
    assert.throws(() => checkTallyIsSum(copies.tally, some(...F.copies)), (e) => e.code === "copied_ballot");
    // A ballot without the round's signature (one the server made up) is refused.
    const unsigned = { ...F.ballots[2], signature: F.ballots[1].signature };
    assert.throws(() => checkTallyIsSum(full.tally, some(F.ballots[0], F.ballots[1], unsigned)),
      (e) => e.code === "bad_ballot" && /chữ ký/.test(e.userMessage));
  });

  it("names a round's state for the page", () => {
    assert.equal(roundStatus(round, 1), "to_decrypt");
    assert.equal(roundStatus({ ...round, shares: [1] }, 1), "sent");
    assert.equal(roundStatus({ ...round, refused: [1] }, 1), "refused");
    const refused = { ...round, refused: [{ index: 1, reason: "Phần giải mã không đúng." }] };
    assert.equal(roundStatus(refused, 1), "refused");
    assert.equal(refusalOf(refused, 1), "Phần giải mã không đúng.");
    assert.equal(refusalOf(refused, 3), null);
    assert.equal(roundStatus({ ...round, status: "void" }, 1), "void");
    assert.equal(roundStatus({ ...round, status: "closed", shares: [3] }, 1), "closed");
  });
});
