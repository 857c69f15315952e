// The reminders the host console shows beside a member before the vote
// (static/js/host-members.js, factNotes; docs/rules.md, II.B.6).
import assert from "node:assert/strict";
import { test } from "node:test";

import { factNotes } from "../../static/js/host-members.js";

test("an ordinary member has no note", () => {
  assert.equal(factNotes({ exempt: false, is_secretary: false }), "");
  assert.equal(factNotes(null), "");
});

test("II.B.6: a civil servant whose rating is not in is classified later", () => {
  assert.match(factNotes({ civil_servant_rating_pending: true }), /chờ kết quả xếp loại công chức, viên chức/);
});

test("II.B.6: from 6 months at the previous chi bộ its comments are needed, until they are in", () => {
  assert.match(factNotes({ months_at_previous_branch: 6 }), /cần lấy ý kiến nhận xét của chi bộ nơi chuyển đi/);
  assert.match(factNotes({ months_at_previous_branch: 6, other_branch_comments_received: true }), /đã có ý kiến/);
  assert.equal(factNotes({ months_at_previous_branch: 5.5 }), "");
});

test("temporary registration and the bí thư are named; a discipline never is", () => {
  assert.match(factNotes({ temporary_registration: "here" }), /xếp loại ở nơi sinh hoạt chính thức/);
  assert.match(factNotes({ temporary_registration: "elsewhere" }), /cần nhận xét/);
  assert.equal(factNotes({ is_secretary: true }), "bí thư chi bộ");
  assert.equal(factNotes({ disciplined_this_year: true, discipline_at_previous_organisation: true }), "");
});
