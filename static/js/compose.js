// Progressive enhancement for compose forms: @mention and tag autocomplete, and showing the
// question title only when "Question" is chosen. Every form works without this file.
(function () {
  "use strict";

  const body = document.body;
  const PEOPLE_URL = body.dataset.peopleSuggestUrl;
  const TAGS_URL = body.dataset.tagSuggestUrl;
  let uid = 0;

  function communityOf(field) {
    const form = field.form;
    if (!form) return "";
    const select = form.querySelector("select[name=community]");
    if (select && select.value) return select.value;
    return form.dataset.community || "";
  }

  // What is being typed right before the caret, and where it starts.
  function currentToken(field, kind) {
    const upto = field.value.slice(0, field.selectionStart);
    if (kind === "mentions") {
      const m = upto.match(/(^|[\s(\[])@([\w.+-]{1,50})$/);
      return m ? { query: m[2], start: upto.length - m[2].length - 1 } : null;
    }
    const m = upto.match(/(^|[,\s])#?([\w.+#-]{1,40})$/);
    return m ? { query: m[2], start: upto.length - m[2].length } : null;
  }

  function attach(field) {
    const kind = field.dataset.autocomplete;
    const wrap = document.createElement("div");
    wrap.className = "ac-wrap";
    field.parentNode.insertBefore(wrap, field);
    wrap.appendChild(field);
    const list = document.createElement("ul");
    list.className = "ac-list";
    list.id = "ac-" + ++uid;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", kind === "mentions" ? "People to mention" : "Tag suggestions");
    list.hidden = true;
    wrap.appendChild(list);
    // Like the header search: a screen reader hears how many suggestions there are, once,
    // not the whole list on every key.
    const status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrap.appendChild(status);
    function announce(text) {
      if (status.textContent !== text) status.textContent = text;
    }
    // The ARIA 1.2 combobox pattern: the field keeps focus and points at the highlighted option
    // (aria-activedescendant); arrow keys move, Enter or Tab picks, Escape closes. A textarea
    // cannot take the combobox role, so it stays a textbox with the same list attributes.
    const combobox = field.tagName !== "TEXTAREA";
    if (combobox) field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", list.id);
    function setExpanded(open) {
      if (combobox) field.setAttribute("aria-expanded", String(open));
    }
    setExpanded(false);

    let results = [];
    let active = -1;
    let token = null;
    let timer = null;
    let seq = 0;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      results = [];
      active = -1;
      setExpanded(false);
      field.removeAttribute("aria-activedescendant");
      announce("");
    }

    function highlight(index) {
      active = index;
      Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) field.setAttribute("aria-activedescendant", list.id + "-" + index);
    }

    function choose(index) {
      const item = results[index];
      if (!item || !token) return;
      const before = field.value.slice(0, token.start);
      const after = field.value.slice(field.selectionStart);
      const insert = kind === "mentions" ? "@" + item.value + " " : item.value + ", ";
      field.value = before + insert + after.replace(/^[\w.+#-]*/, "");
      const caret = before.length + insert.length;
      field.setSelectionRange(caret, caret);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      close();
      field.focus();
    }

    function show(items) {
      results = items;
      list.innerHTML = "";
      if (!items.length) return close();
      items.forEach((item, i) => {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        if (item.initials) {
          const avatar = document.createElement("span");
          avatar.className = "avatar avatar-sm";
          avatar.textContent = item.initials;
          li.appendChild(avatar);
        }
        const text = document.createElement("span");
        text.textContent = item.label;
        const detail = document.createElement("span");
        detail.className = "ac-detail";
        detail.textContent = item.detail || "";
        text.appendChild(detail);
        li.appendChild(text);
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      setExpanded(true);
      highlight(0);
      const noun = kind === "mentions" ? ["person", "people"] : ["tag", "tags"];
      announce(`${items.length} ${items.length === 1 ? noun[0] : noun[1]} suggested, Up and Down to choose, Enter to pick`);
    }

    async function lookup() {
      token = currentToken(field, kind);
      if (!token) return close();
      const url = new URL(kind === "mentions" ? PEOPLE_URL : TAGS_URL, window.location.origin);
      url.searchParams.set("q", token.query);
      const community = communityOf(field);
      if (kind === "mentions" && community) url.searchParams.set("community", community);
      const mine = ++seq;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok || mine !== seq) return;
        show((await response.json()).results || []);
      } catch (err) {
        close();
      }
    }

    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(lookup, 120);
    });
    field.addEventListener("keydown", (e) => {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % results.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + results.length) % results.length); }
      else if (e.key === "Enter" || e.key === "Tab") { if (active >= 0) { e.preventDefault(); choose(active); } }
      else if (e.key === "Escape") { close(); }
    });
    field.addEventListener("blur", () => setTimeout(close, 150));
  }

  function toggleTitle(form) {
    const kinds = form.querySelectorAll("input[name=kind]");
    const title = form.querySelector(".field-title");
    if (!kinds.length || !title) return;
    const update = () => {
      const checked = form.querySelector("input[name=kind]:checked");
      title.hidden = !checked || checked.value !== "question";
    };
    kinds.forEach((k) => k.addEventListener("change", update));
    update();
  }

  // Say at once that a file is too large, instead of after uploading it (the server checks too).
  function limitFileSize(input) {
    const max = Number(input.dataset.maxBytes);
    input.addEventListener("change", () => {
      const file = input.files && input.files[0];
      const tooBig = file && max && file.size > max;
      input.setCustomValidity(
        tooBig ? `The file is larger than the ${Math.round(max / 1048576)} MB limit.` : ""
      );
      if (tooBig) input.reportValidity();
    });
  }

  document.querySelectorAll("[data-autocomplete]").forEach(attach);
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(limitFileSize);
  document.querySelectorAll("form[data-compose]").forEach(toggleTitle);
})();
