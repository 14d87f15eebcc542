// Keyboard help on every page. Everything here is an enhancement: the menus are <details>,
// the header search is a plain GET form and every htmx action is a form or link without it.
(function () {
  "use strict";

  const header = document.querySelector(".site-header");
  const search = document.getElementById("header-q");
  const typeahead = document.getElementById("typeahead");

  function suggestionLinks() {
    return typeahead ? Array.from(typeahead.querySelectorAll("a")) : [];
  }

  function closeSuggestions() {
    if (typeahead) typeahead.innerHTML = "";
  }

  // Say how many suggestions arrived, once, instead of reading the whole list on each key.
  const status = document.getElementById("typeahead-status");
  if (typeahead && status) {
    document.addEventListener("htmx:afterSettle", (event) => {
      if (event.target !== typeahead && !typeahead.contains(event.target)) return;
      const count = typeahead.querySelectorAll("li:not(.ta-all) a").length;
      const text = count
        ? `${count} suggestion${count === 1 ? "" : "s"}, press Down to choose`
        : search.value.trim() ? "No suggestions, press Enter to search" : "";
      if (status.textContent !== text) status.textContent = text;
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    // Escape closes the header suggestions and brings focus back to the search field.
    if (typeahead && typeahead.contains(document.activeElement)) {
      closeSuggestions();
      search.focus();
      event.preventDefault();
      return;
    }
    if (event.target === search && suggestionLinks().length) {
      closeSuggestions();
      event.preventDefault();
      return;
    }
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

  // Arrow keys move between the field and its suggestions; Tab still leaves as usual.
  if (search && typeahead) {
    search.addEventListener("keydown", (event) => {
      const links = suggestionLinks();
      if (event.key === "ArrowDown" && links.length) {
        event.preventDefault();
        links[0].focus();
      }
    });
    typeahead.addEventListener("keydown", (event) => {
      const links = suggestionLinks();
      const index = links.indexOf(document.activeElement);
      if (index < 0) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        links[(index + 1) % links.length].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (index === 0) search.focus();
        else links[index - 1].focus();
      }
    });
  }

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
