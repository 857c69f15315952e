// Personal join slips, to print and hand out: one per member with the name,
// the personal code and a QR code of <server>/j/<meeting_code>?c=<personal_code>.
// Only the logged-in host sees the codes (they come from the host API).

import { errorText, request } from "./api.js";
import { spaced } from "./host-members.js";
import { $, MEMBERSHIP_NAMES, formatDate, h, loopbackWarning, replace, setText } from "./ui.js";

function slip(meeting, member) {
  const joinUrl = `${$("#slips").dataset.publicUrl}/j/${meeting.code}`;
  const personalUrl = `${joinUrl}?c=${member.personal_code}`;
  return h("article", { class: "slip", dataset: { member: member.id } },
    h("header", null,
      h("p", { class: "slip-branch", text: meeting.branch_name }),
      h("p", { class: "slip-title", text: `${meeting.title} · ${formatDate(meeting.date)}` })),
    h("div", { class: "slip-body" },
      h("img", { class: "qr", alt: `Mã QR tham gia của ${member.name}`, width: "160", height: "160",
        src: `/qr.svg?u=${encodeURIComponent(personalUrl)}` }),
      h("div", null,
        h("p", { class: "slip-name", text: member.name }),
        h("p", { class: "muted", text: `Đảng viên ${(MEMBERSHIP_NAMES[member.status] || "").toLowerCase()}` }),
        h("p", null, "Mã cá nhân:"),
        h("p", { class: "slip-code personal-code", text: spaced(member.personal_code) }),
        h("p", { class: "small" }, "Quét mã QR, hoặc mở ", h("strong", { text: joinUrl.replace(/^https?:\/\//, "") }),
          " và nhập mã cá nhân."))),
    h("p", { class: "small muted", text: "Giữ riêng phiếu này: mã cá nhân dùng để nhận phiếu biểu quyết của đồng chí." }));
}

async function boot() {
  const root = $("#slips");
  const meetingId = root.dataset.meetingId;
  const warning = loopbackWarning(root.dataset.publicUrl);
  if (warning) {
    // Printed too: slips carrying an address phones cannot reach must not look usable.
    $("#slip-list").before(warning);
  }
  $("#print").addEventListener("click", async (event) => {
    event.target.disabled = true;
    // Every QR code must have arrived before the print dialog takes its snapshot.
    await Promise.all([...document.querySelectorAll(".slip img")].map((img) => img.decode().catch(() => null)));
    event.target.disabled = false;
    window.print();
  });
  try {
    const csrf = (await request("GET", "/api/host/session")).csrf_token;
    const base = `/api/host/meetings/${encodeURIComponent(meetingId)}`;
    const state = await request("GET", base, { csrf });
    const codes = new Map((await request("GET", `${base}/personal-codes`, { csrf })).members
      .map((m) => [m.id, m.personal_code]));
    const members = state.members.map((m) => ({ ...m, personal_code: codes.get(m.id) }));
    setText($("#slips-heading"), `Phiếu tham gia: ${state.meeting.title} (${members.length} đảng viên)`);
    replace($("#slip-list"), members.map((m) => slip(state.meeting, m)));
  } catch (error) {
    replace($("#slip-list"), h("p", { class: "error", text: errorText(error) }));
  }
}

if (globalThis.document) {
  boot();
}
