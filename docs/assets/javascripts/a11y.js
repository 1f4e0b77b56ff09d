// gdbook: accessibility fixes for what the theme creates in the browser.
// (Math and diagrams need none: they are rendered at build time, with their
// names, roles and keyboard access in the HTML; see src/gdbook/book/.)
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

  // A box that scrolls sideways (a wide table on a phone) must be reachable
  // by keyboard so it can be scrolled (axe: scrollable-region-focusable).
  // Display equations come focusable from the build (they work without
  // JavaScript); here those that fit their column leave the Tab order, and
  // come back to it when the window narrows.
  function focusableScrollers() {
    document.querySelectorAll(".md-typeset .md-typeset__scrollwrap, .md-typeset table").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.gdScroll = "1";
      } else if (!scrolls && box.dataset.gdScroll) {
        box.removeAttribute("tabindex");
        delete box.dataset.gdScroll;
      }
    });
    document.querySelectorAll(".md-typeset .gd-eq").forEach(function (box) {
      box.tabIndex = box.scrollWidth > box.clientWidth + 1 ? 0 : -1;
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      nameCodeToolbars();
      focusableScrollers();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    schedule();
    // Material builds the code toolbars after load (and again on instant navigation).
    new MutationObserver(schedule).observe(document.querySelector(".md-content") || document.body, { childList: true, subtree: true });
    window.addEventListener("resize", schedule);
  });
})();
