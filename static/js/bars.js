// Live distribution bars: one row per question, four segments (one per level)
// sized by votes over ballots cast; the rest of the bar is "left blank".
// Rows are built once per round; an update only changes the widths and
// numbers that moved, so a round of 1,000 members stays cheap to refresh.

import { LEVELS, LEVEL_NAMES, h, setText } from "./ui.js";

export class TallyBars {
  /** questions: [{id, label}] of one round. */
  constructor(questions) {
    this.rows = new Map();
    this.el = h("ol", { class: "tally" }, questions.map((q) => this.row(q)));
  }

  row(question) {
    const segments = {};
    const counts = {};
    const bar = h("div", { class: "stackbar" }, LEVELS.map((level) => {
      segments[level] = h("span", { class: `seg lvl-${level}`, title: level });
      return segments[level];
    }));
    const numbers = h("div", { class: "counts" }, LEVELS.map((level) => {
      counts[level] = h("span", { class: `n lvl-${level}`, title: LEVEL_NAMES[level], text: "0" });
      return counts[level];
    }));
    const li = h("li", { dataset: { question: question.id } },
      h("span", { class: "label", text: question.label }), bar, numbers);
    this.rows.set(question.id, { segments, counts, last: "" });
    return li;
  }

  /** tally: {ballots, votes: {question: {level: n}}} */
  update(tally) {
    const ballots = (tally && tally.ballots) || 0;
    for (const [id, row] of this.rows) {
      const votes = (tally && tally.votes && tally.votes[id]) || {};
      const key = `${ballots}:${LEVELS.map((l) => votes[l] || 0).join(",")}`;
      if (key === row.last) {
        continue; // nothing moved for this member
      }
      row.last = key;
      for (const level of LEVELS) {
        const n = votes[level] || 0;
        row.segments[level].style.width = ballots ? `${(100 * n) / ballots}%` : "0";
        setText(row.counts[level], n);
      }
    }
  }
}

export function legend() {
  return h("p", { class: "legend" }, LEVELS.map((level) =>
    h("span", { class: `key lvl-${level}` }, h("i"), ` ${level}: ${LEVEL_NAMES[level]}`)));
}
