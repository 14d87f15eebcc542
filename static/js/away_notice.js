// "Mention @bob" in the compose box's away notice (templates/profiles/partials/away_notice.html):
// one click adds "@bob " to the form's text. The notice itself arrives through htmx; without
// JavaScript there is no notice, and the post page says who was away after posting.
(function () {
  "use strict";

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-mention]");
    if (!button) return;
    const form = button.closest("form");
    const field = form && form.querySelector("textarea[name=body]");
    if (!field) return;
    event.preventDefault();
    const handle = "@" + button.dataset.mention + " ";
    const text = field.value;
    const gap = text === "" || /\s$/.test(text) ? "" : " ";
    field.value = text + gap + handle;
    const caret = field.value.length;
    field.focus();
    field.setSelectionRange(caret, caret);
    // Asks for the notice again (the trigger on the box listens for input), so the person
    // just mentioned leaves the suggestions.
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
