// Live notifications: a toast and the bell's count change without a reload, in every tab.
// The server's rows are the truth: on every (re)connect we ask for what is newer than the
// id up to which we have everything (lastId), so nothing is lost across drops, idle gaps or
// server restarts. A push can also go missing while the socket stays open: each one names
// its predecessor ("prev"), and when that is beyond lastId we ask the server to replay from
// lastId ("resync"). Notifications are shown once each, whichever way they arrive.
(function () {
  "use strict";
  const body = document.body;
  const path = body.dataset.notificationsSocket;
  if (!path || !("WebSocket" in window)) return;
  const bell = document.getElementById("bell-count");
  const bellLink = bell && bell.closest("a");
  const toasts = document.getElementById("toasts");
  const pageLastId = parseInt(body.dataset.lastNotificationId || "0", 10) || 0;
  let lastId = pageLastId; // we have every notification up to this id
  const seen = new Set(); // ids shown by this page (the newest SEEN_LIMIT)
  const ahead = new Map(); // id -> prev, for those shown beyond a gap
  const watched = document.querySelector("[data-watch-post]");
  let delay = 1000;
  let socket = null;
  // Replays: one at a time, the next at least REPLAY_INTERVAL after the last; a gap waits
  // GAP_WAIT first, since a push from another transaction may merely be late.
  const GAP_WAIT = 1000;
  const REPLAY_INTERVAL = 1000;
  const REPLAY_TIMEOUT = 10000;
  const SEEN_LIMIT = 1000;
  const TOAST_LIMIT = 5;
  let replaying = false;
  let replayTimer = null;
  let replayGuard = null;
  let lastReplayAt = 0;
  let more = false; // the last replay stopped at the server's limit

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
    while (toasts.children.length > TOAST_LIMIT) toasts.firstElementChild.remove();
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

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function requestReplay(type) {
    if (!isOpen()) return;
    replaying = true;
    lastReplayAt = Date.now();
    clearTimeout(replayGuard);
    // Should the answer never come (a request the server found too soon), ask again later.
    replayGuard = setTimeout(() => { replaying = false; checkGaps(); }, REPLAY_TIMEOUT);
    socket.send(JSON.stringify({ type: type, last_id: lastId }));
  }

  // Ask for a replay from lastId if something is missing, once the wait is over.
  function checkGaps() {
    if (!(ahead.size || more) || replaying || replayTimer !== null || !isOpen()) return;
    const wait = Math.max(more ? 0 : GAP_WAIT, lastReplayAt + REPLAY_INTERVAL - Date.now());
    replayTimer = setTimeout(() => {
      replayTimer = null;
      if ((ahead.size || more) && !replaying) requestReplay("resync");
    }, wait);
  }

  // Move lastId over the notifications that now follow on without a gap.
  function advance() {
    const ids = Array.from(ahead.keys()).sort((a, b) => a - b);
    for (const id of ids) {
      const prev = ahead.get(id);
      if (id > lastId && prev > lastId) break;
      lastId = Math.max(lastId, id);
      ahead.delete(id);
    }
  }

  function received(message) {
    const id = message.id;
    if (typeof id !== "number" || id <= pageLastId || seen.has(id)) return; // shown already
    seen.add(id);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value);
    if (!message.read) toast(message);
    if (typeof message.unread === "number") setUnread(message.unread);
    if (id > lastId) {
      ahead.set(id, typeof message.prev === "number" ? message.prev : 0);
      advance();
    }
    checkGaps();
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + path);
    socket.addEventListener("open", () => {
      delay = 1000;
      requestReplay("hello");
      if (watched) socket.send(JSON.stringify({ type: "watch", post: parseInt(watched.dataset.watchPost, 10) }));
    });
    socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (err) { return; }
      if (message.type === "notification") {
        received(message);
      } else if (message.type === "ready") {
        // The replay sent everything up to message.last_id.
        replaying = false;
        clearTimeout(replayGuard);
        if (typeof message.last_id === "number") lastId = Math.max(lastId, message.last_id);
        more = message.more === true;
        advance();
        setUnread(message.unread);
        checkGaps();
      } else if (message.type === "watching" && watched) {
        watched.dataset.watching = "true";
      } else if (message.type === "answer" && watched) {
        addAnswer(message.answer);
      } else if (message.type === "unread") {
        setUnread(message.count);
      }
    });
    socket.addEventListener("close", (event) => {
      // The next socket's hello replays from lastId; nothing of this one's is pending.
      replaying = false;
      clearTimeout(replayGuard);
      clearTimeout(replayTimer);
      replayTimer = null;
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
