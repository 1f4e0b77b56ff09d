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

  // A box that scrolls sideways (a wide equation or table on a phone) must be
  // reachable by keyboard so it can be scrolled (axe: scrollable-region-focusable).
  // Display equations come focusable from the build (that works without
  // JavaScript): those that fit their column leave the Tab order here.  A box
  // is measured only when it comes near the screen (IntersectionObserver):
  // measuring them all at load would lay out the whole page at once, content
  // the browser otherwise skips until it is scrolled to (content-visibility).
  // Code blocks too: the theme's script makes those that scroll focusable, but a printable part runs
  // none of it (docs/overrides/main.html); there they come focusable from the build, as equations do.
  var BOXES = ".md-typeset .gd-eq, .md-typeset .md-typeset__scrollwrap, .md-typeset table, .md-typeset pre > code";
  var near = new Set();

  function check(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (box.classList.contains("gd-eq") || (box.tagName === "CODE" && document.documentElement.classList.contains("no-js"))) {
      box.tabIndex = scrolls ? 0 : -1;
    } else if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.dataset.gdScroll = "1";
    } else if (!scrolls && box.dataset.gdScroll) {
      box.removeAttribute("tabindex");
      delete box.dataset.gdScroll;
    }
  }

  var watcher = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) {
        near.add(e.target);
        check(e.target);
      } else {
        near.delete(e.target);
      }
    });
  }, { rootMargin: "50% 0px" });
  var watched = new WeakSet();
  // A table below the first screen is laid out only when it comes near (gdbook.css): its wrapper can
  // be measured before its table has a size.  When the table's box gets its size, measure again.
  var owner = new WeakMap();
  var sized = new ResizeObserver(function (entries) {
    entries.forEach(function (e) {
      var box = owner.get(e.target);
      if (box && near.has(box)) check(box);
    });
  });

  function watchBoxes() {
    document.querySelectorAll(BOXES).forEach(function (box) {
      if (!watched.has(box)) {
        watched.add(box);
        watcher.observe(box);
        var inner = box.classList.contains("md-typeset__scrollwrap") ? box.firstElementChild : null;
        if (inner) {
          owner.set(inner, box);
          sized.observe(inner);
        }
      }
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      nameCodeToolbars();
      watchBoxes();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    schedule();
    // Material builds the code toolbars and table wrappers after load.
    new MutationObserver(schedule).observe(document.querySelector(".md-content") || document.body,
                                           { childList: true, subtree: true });
    // A box's width changes with the window, and when KaTeX's fonts arrive.
    window.addEventListener("resize", function () { near.forEach(check); });
    if (document.fonts) document.fonts.addEventListener("loadingdone", function () { near.forEach(check); });
  });
})();
