// Single-key shortcuts for people who live on the keyboard: "/" search, "?" this help,
// "j"/"k" next/previous post or result, "g" then "h" home, "c" compose. They stay out of the
// way while someone types (fields, contenteditable) and whenever Ctrl, Alt or Meta is held,
// so the browser's and the screen reader's own keys keep working.
(function () {
  "use strict";

  const help = document.getElementById("shortcuts-help");
  if (!help || typeof help.showModal !== "function") return;

  // The footer link to the help is hidden until this script runs: without it, no shortcuts.
  document.querySelectorAll(".shortcuts-link").forEach((el) => { el.hidden = false; });

  let returnFocus = null;
  function openHelp() {
    if (help.open) return;
    returnFocus = document.activeElement;
    help.showModal();
  }
  // Escape (the dialog's own cancel), the Close button and a click outside all end here.
  help.addEventListener("close", () => {
    if (returnFocus && document.contains(returnFocus) && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
    returnFocus = null;
  });
  // A click on the backdrop closes it (the dialog's own padding is the dialog too, so
  // compare with its box rather than the click's target).
  help.addEventListener("click", (event) => {
    if (event.target !== help || event.detail === 0) return; // keyboard "clicks" have no place
    const box = help.getBoundingClientRect();
    const inside = event.clientX >= box.left && event.clientX <= box.right
      && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) help.close();
  });
  document.querySelectorAll("[data-shortcuts-open]").forEach((button) => {
    button.addEventListener("click", openHelp);
  });

  function typing(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    return Boolean(target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])"));
  }

  function visible(el) {
    return el.offsetParent !== null || el.getClientRects().length > 0;
  }

  // Feed cards, search results: whatever list of items the page shows.
  function items() {
    return Array.from(document.querySelectorAll("main .post-card, main .search-result")).filter(visible);
  }

  function focusItem(item) {
    const link = item.querySelector(".post-title a, .result-title a");
    if (link) {
      link.focus();
    } else {
      if (!item.hasAttribute("tabindex")) item.setAttribute("tabindex", "-1");
      item.focus();
    }
    item.scrollIntoView({ block: "nearest" });
  }

  function moveItem(step) {
    const list = items();
    if (!list.length) return false;
    let index = list.findIndex((item) => item.contains(document.activeElement));
    if (index < 0) {
      // Nothing chosen yet: start from the first item on screen.
      const first = list.findIndex((item) => item.getBoundingClientRect().bottom > 0);
      index = first < 0 ? list.length - 1 : first;
    } else {
      index = Math.min(list.length - 1, Math.max(0, index + step));
    }
    focusItem(list[index]);
    return true;
  }

  function focusSearch() {
    const field = Array.from(document.querySelectorAll("#header-q, main input[type=search]")).find(visible);
    if (field) {
      field.focus();
      field.select();
      return true;
    }
    // Narrow windows hide the header field: the search page has its own.
    window.location.assign(help.dataset.searchUrl || "/search/");
    return true;
  }

  function compose() {
    const form = document.querySelector("main form[data-compose]");
    const field = form && Array.from(form.querySelectorAll("textarea, input[type=text]")).find(visible);
    if (field) {
      field.focus();
      return true;
    }
    window.location.assign(help.dataset.askUrl);
    return true;
  }

  let pendingG = 0;
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
    if (help.open || typing(event.target)) return;
    const key = event.key;
    // Shift is allowed only where a layout needs it to type the character ("?", "/").
    if (event.shiftKey && key !== "?" && key !== "/") return;
    const afterG = pendingG && Date.now() - pendingG < 1500;
    pendingG = 0;
    let done = false;
    if (afterG && key === "h") {
      window.location.assign(help.dataset.homeUrl);
      done = true;
    } else if (key === "g") {
      pendingG = Date.now();
      done = true;
    } else if (key === "/") {
      done = focusSearch();
    } else if (key === "?") {
      openHelp();
      done = true;
    } else if (key === "j") {
      done = moveItem(1);
    } else if (key === "k") {
      done = moveItem(-1);
    } else if (key === "c") {
      done = compose();
    }
    if (done) event.preventDefault();
  });
})();
