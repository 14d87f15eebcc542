// Keyboard help on every page. Everything here is an enhancement: the menus are <details>,
// the header search is a plain GET form and every htmx action is a form or link without it.
(function () {
  "use strict";

  const header = document.querySelector(".site-header");
  const search = document.getElementById("header-q");
  const typeahead = document.getElementById("typeahead");

  // The header search is a WAI-ARIA combobox: focus stays in the field while ArrowDown and
  // ArrowUp move aria-activedescendant over the options; Enter opens the active option (or
  // searches, when none is active); Escape closes the list.
  function options() {
    return typeahead ? Array.from(typeahead.querySelectorAll("[role=option]")) : [];
  }

  function activeOption() {
    const id = search && search.getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }

  function setActive(option) {
    options().forEach((o) => o.setAttribute("aria-selected", String(o === option)));
    if (option) {
      search.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }

  function syncExpanded() {
    if (!search) return;
    const open = options().length > 0 && document.activeElement === search;
    search.setAttribute("aria-expanded", String(open));
    if (!open) setActive(null);
  }

  function closeSuggestions() {
    if (typeahead) typeahead.innerHTML = "";
    syncExpanded();
  }

  // Say how many suggestions arrived, once, instead of reading the whole list on each key.
  const status = document.getElementById("typeahead-status");
  if (search && typeahead) {
    // A new list starts with no active option: forget the old one before it is replaced.
    document.addEventListener("htmx:beforeSwap", (event) => {
      if (event.detail.target === typeahead) setActive(null);
    });
    document.addEventListener("htmx:afterSettle", (event) => {
      if (event.target !== typeahead && !typeahead.contains(event.target)) return;
      syncExpanded();
      if (!status) return;
      const count = typeahead.querySelectorAll("li:not(.ta-all) [role=option]").length;
      const text = count
        ? `${count} suggestion${count === 1 ? "" : "s"}, press Down to choose`
        : search.value.trim() ? "No suggestions, press Enter to search" : "";
      if (status.textContent !== text) status.textContent = text;
    });
    search.addEventListener("focus", syncExpanded);
    // The list is hidden (CSS) while focus is elsewhere; say so, and forget the active option.
    search.addEventListener("blur", () => {
      search.setAttribute("aria-expanded", "false");
      setActive(null);
    });
    // A click on an option must not take focus from the field before the link opens.
    typeahead.addEventListener("mousedown", (event) => event.preventDefault());
    search.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const list = options();
      const current = list.indexOf(activeOption());
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!list.length) return;
        event.preventDefault();
        search.setAttribute("aria-expanded", "true");
        // Down from the field goes to the first option, Up to the last; past either end
        // the field itself is active again, so the typed text can be edited.
        let next;
        if (event.key === "ArrowDown") next = current + 1 < list.length ? list[current + 1] : null;
        else next = current < 0 ? list[list.length - 1] : current > 0 ? list[current - 1] : null;
        setActive(next);
      } else if (event.key === "Enter" && current >= 0) {
        event.preventDefault();
        window.location.assign(list[current].href);
      } else if (event.key === "Escape" && list.length) {
        event.preventDefault();
        event.stopPropagation();
        closeSuggestions();
      }
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    // Escape closes the open menu (account or phone navigation) focus is in, or any open one.
    const inside = document.activeElement && document.activeElement.closest("details[open]");
    const menus = header ? Array.from(header.querySelectorAll("details[open]")) : [];
    const menu = inside && header && header.contains(inside) ? inside : menus[0];
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
      event.preventDefault();
    }
  });

  // A menu left open closes when a click lands outside it.
  document.addEventListener("click", (event) => {
    if (!header) return;
    header.querySelectorAll("details[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  // "Older posts" replaces its own link with the next cards: focus moves to the first new card
  // instead of falling back to the top of the page. (Buttons swapped in place, such as Like,
  // keep focus through htmx itself, which refocuses the element with the same id.)
  let loadingMore = false;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    loadingMore = Boolean(target && target.classList.contains("load-more") && target.contains(document.activeElement));
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (!loadingMore || !event.target.classList || !event.target.classList.contains("post-card")) return;
    loadingMore = false;
    const title = event.target.querySelector(".post-title a");
    if (title) {
      title.focus();
    } else {
      event.target.setAttribute("tabindex", "-1");
      event.target.focus();
    }
  });
})();
