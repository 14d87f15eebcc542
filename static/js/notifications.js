// Live notifications: a toast and the bell's count change without a reload, in every tab.
// The server's rows are the truth: on every (re)connect we ask for what is newer than the
// last id we know, so nothing is lost across drops, idle gaps or server restarts.
(function () {
  "use strict";
  const body = document.body;
  const path = body.dataset.notificationsSocket;
  if (!path || !("WebSocket" in window)) return;
  const bell = document.getElementById("bell-count");
  const bellLink = bell && bell.closest("a");
  const toasts = document.getElementById("toasts");
  let lastId = parseInt(body.dataset.lastNotificationId || "0", 10) || 0;
  const watched = document.querySelector("[data-watch-post]");
  let delay = 1000;
  let socket = null;

  function setUnread(count) {
    if (!bell) return;
    bell.textContent = String(count);
    bell.hidden = count <= 0;
    if (bellLink) bellLink.setAttribute("aria-label", "Notifications, " + count + " unread");
  }

  function toast(message) {
    if (!toasts) return;
    const link = document.createElement("a");
    link.className = "toast";
    link.href = message.url;
    link.setAttribute("role", "status");
    const avatar = document.createElement("span");
    avatar.className = "avatar avatar-sm";
    avatar.textContent = message.initials || "?";
    const text = document.createElement("span");
    text.textContent = message.text;
    link.append(avatar, text);
    toasts.appendChild(link);
    setTimeout(() => link.remove(), 8000);
  }

  // A new answer on the question being read: fetch it as this person may see it, append it.
  async function addAnswer(answerId) {
    if (document.getElementById("answer-" + answerId)) return;
    const url = watched.dataset.answerCardUrl.replace("/0/", "/" + answerId + "/");
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok || document.getElementById("answer-" + answerId)) return;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const card = holder.firstElementChild;
    if (!card) return;
    card.classList.add("answer-new");
    document.getElementById("answers-list").appendChild(card);
    const empty = document.getElementById("no-answers");
    if (empty) empty.remove();
    if (window.htmx) window.htmx.process(card);
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + path);
    socket.addEventListener("open", () => {
      delay = 1000;
      socket.send(JSON.stringify({ type: "hello", last_id: lastId }));
      if (watched) socket.send(JSON.stringify({ type: "watch", post: parseInt(watched.dataset.watchPost, 10) }));
    });
    socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (err) { return; }
      if (message.type === "notification") {
        if (message.id <= lastId) return; // already shown (catch-up overlap)
        lastId = message.id;
        if (!message.read) toast(message);
        if (typeof message.unread === "number") setUnread(message.unread);
      } else if (message.type === "watching" && watched) {
        watched.dataset.watching = "true";
      } else if (message.type === "answer" && watched) {
        addAnswer(message.answer);
      } else if (message.type === "unread" || message.type === "ready") {
        setUnread(message.type === "ready" ? message.unread : message.count);
      }
    });
    socket.addEventListener("close", (event) => {
      if (event.code === 1008) {
        // Refused or closed by the server (signed out, password changed): back off further;
        // a page whose session ended keeps being refused until it is reloaded.
        delay = Math.max(delay, 5000);
      }
      setTimeout(connect, delay + Math.random() * 500);
      delay = Math.min(delay * 2, 30000);
    });
  }

  connect();
})();
