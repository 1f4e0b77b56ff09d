// gdbook: accessibility fixes for what the theme creates in the browser.
(function () {
  "use strict";

  // Material adds a toolbar <nav> to every code block; each landmark needs a
  // distinct name (axe: landmark-unique).
  function nameCodeToolbars() {
    document.querySelectorAll("nav.md-code__nav").forEach(function (nav, i) {
      var name = "Code block " + (i + 1) + " tools";
      if (nav.getAttribute("aria-label") !== name) nav.setAttribute("aria-label", name);
    });
  }

  // A box that scrolls sideways (a wide equation or table on a phone) must be
  // reachable by keyboard so it can be scrolled (axe: scrollable-region-focusable).
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset div.arithmatex, .md-typeset .katex-display, .md-typeset .md-typeset__scrollwrap, .md-typeset table")
      .forEach(function (box) {
        var scrolls = box.scrollWidth > box.clientWidth + 1;
        if (scrolls && !box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.dataset.gdScroll = "1";
        } else if (!scrolls && box.dataset.gdScroll) {
          box.removeAttribute("tabindex");
          delete box.dataset.gdScroll;
        }
      });
  }

  // KaTeX shows math as HTML hidden from screen readers and reads it out from
  // MathML that is hidden from view. A table header, a content tab's label or
  // a link holding only math then has no text that is both visible and
  // readable (axe: empty-table-header, label, link-name): there, expose the
  // visible rendering and hide the MathML copy instead.
  function mathOnlyHeaders() {
    document.querySelectorAll(".md-typeset th, .md-typeset label, .md-typeset a, .md-typeset summary").forEach(function (th) {
      if (!th.querySelector(".katex")) return;
      var clone = th.cloneNode(true);
      clone.querySelectorAll(".katex").forEach(function (k) { k.remove(); });
      if (clone.textContent.trim()) return; // it has words of its own
      th.querySelectorAll(".katex").forEach(function (k) {
        var html = k.querySelector(".katex-html"), mathml = k.querySelector(".katex-mathml");
        if (html) html.removeAttribute("aria-hidden");
        if (mathml) mathml.setAttribute("aria-hidden", "true");
      });
    });
  }

  function fix() {
    nameCodeToolbars();
    focusableScrollers();
    mathOnlyHeaders();
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fix();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
  });
})();
