// The live channel (Socket.IO): join a meeting's room and receive its state.
// On every (re)connection the page joins again and the server answers with the
// current state at once, so a page that lost the network catches up by itself.

import { io } from "../vendor/socket.io/socket.io.esm.min.js";

/**
 * connectLive({meetingId, role: "public" | "host", onState, onStatus, onError})
 * "public" receives "state" (projector, phones); "host" receives "host_state".
 */
export function connectLive({ meetingId, role, onState, onStatus, onError }) {
  const socket = io({ reconnectionDelayMax: 5000 });
  const event = role === "host" ? "host_state" : "state";
  socket.on("connect", () => {
    socket.emit("join", { meeting_id: meetingId, role }, (answer) => {
      if (answer && answer.error && onError) {
        onError(answer.error);
      }
    });
    if (onStatus) {
      onStatus(true);
    }
  });
  socket.on("disconnect", () => onStatus && onStatus(false));
  socket.on("connect_error", () => onStatus && onStatus(false));
  socket.on(event, (state) => onState(state));
  return socket;
}

/** Keep a small "online / reconnecting" badge in step with the channel. */
export function statusBadge(el) {
  return (online) => {
    el.textContent = online ? "Đã kết nối" : "Đang kết nối lại…";
    el.classList.toggle("offline", !online);
  };
}
