// The facts the minutes record of the meeting itself (docs/bundle.md, `meeting`): the
// place, the counting committee (ban kiểm phiếu, its head first) and the time zone the
// minutes write times in. Editable on the console until the meeting is certified.

import { errorText } from "./api.js";

/** The non-empty names of a form's committee inputs, in order (the head first). */
export function committeeNames(form) {
  return [...form.querySelectorAll("input[name=committee]")].map((input) => input.value.trim()).filter(Boolean);
}

export class DetailsPanel {
  constructor(form, context) {
    this.form = form;
    this.context = context;
    this.shown = null;
    form.addEventListener("submit", (event) => this.save(event));
  }

  /** Fill the form from the state, unless the host is typing in it. */
  update(state) {
    const details = state.meeting.details;
    const key = JSON.stringify([state.meeting.id, details]);
    if (!details || this.shown === key || this.form.contains(document.activeElement)) {
      return;
    }
    this.shown = key;
    this.form.elements.place.value = details.place || "";
    this.form.elements.timezone.value = details.timezone || "";
    const inputs = this.form.querySelectorAll("input[name=committee]");
    inputs.forEach((input, index) => { input.value = details.counting_committee[index] || ""; });
  }

  async save(event) {
    event.preventDefault();
    const button = this.form.querySelector("button[type=submit]");
    button.disabled = true;
    const place = this.form.elements.place.value.trim();
    const timezone = this.form.elements.timezone.value.trim();
    const committee = committeeNames(this.form);
    try {
      await this.context.call("PATCH", `/api/host/meetings/${this.context.meetingId()}`, {
        place: place || null,
        counting_committee: committee.length ? committee : null,
        timezone: timezone || null,
      });
      this.shown = null;
      this.context.flash("Đã lưu thông tin ghi vào biên bản.");
      await this.context.reload();
    } catch (error) {
      this.context.flash(errorText(error), true);
    } finally {
      button.disabled = false;
    }
  }
}
