// gdbook: the colour-scheme toggle in the header (docs/overrides/partials/palette.html).
// The scheme is already chosen when this runs (partials/javascripts/palette.html);
// here a click, a key or a change of the system's preference switches it.
(function () {
  "use strict";

  var form = document.querySelector("[data-gd-palette]");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name=__palette]"));
  var KEYS = ["media", "scheme", "primary", "accent"];

  function current() {
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) return i;
    return 0;
  }

  // The address bar on a phone takes the header's colour.  (The page's own colour-scheme comes from
  // the theme's stylesheet; a <meta name="color-scheme"> would restyle the whole page when written.)
  var themeColor = document.createElement("meta");
  themeColor.name = "theme-color";
  document.head.append(themeColor);
  function syncMeta() {
    var style = getComputedStyle(document.querySelector("[data-md-component=header]"));
    var rgb = style.backgroundColor.match(/\d+/g) || [];
    themeColor.content = "#" + rgb.slice(0, 3).map(function (c) { return (+c).toString(16).padStart(2, "0"); }).join("");
  }

  function apply(index, save) {
    var input = inputs[index], body = document.body;
    input.checked = true;
    // The theme's rule: no colour transition while the whole page changes scheme.
    body.setAttribute("data-md-color-switching", "");
    var color = {};
    KEYS.forEach(function (k) {
      color[k] = input.getAttribute("data-md-color-" + k);
      if (k !== "media") body.setAttribute("data-md-color-" + k, color[k]);
    });
    inputs.forEach(function (other, i) {
      var label = other.nextElementSibling;
      if (label && label.tagName === "LABEL") label.hidden = i !== index;
    });
    // The theme's format, so that its own script and ours read the choice on the next page.
    if (save) __md_set("__palette", { index: index, color: color });
    syncMeta();
    requestAnimationFrame(function () { body.removeAttribute("data-md-color-switching"); });
  }

  inputs.forEach(function (input, i) {
    input.addEventListener("change", function () { if (input.checked) apply(i, true); });
  });
  // As in the theme: Enter on the focused toggle switches to the next scheme.
  form.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    var next = (current() + 1) % inputs.length;
    inputs[next].click();
    inputs[next].focus();
  });
  // Until the reader chooses, the page follows the system's light or dark setting, also when it changes.
  inputs.forEach(function (input, i) {
    var query = matchMedia(input.getAttribute("data-md-color-media"));
    query.addEventListener("change", function () {
      if (query.matches && !__md_get("__palette") && current() !== i) apply(i, false);
    });
  });
  // A click before this script arrived checked a toggle the page has not followed yet.
  var shown = document.body.getAttribute("data-md-color-scheme");
  if (inputs[current()].getAttribute("data-md-color-scheme") !== shown) apply(current(), true);
  // Read once the page has settled: reading a computed style earlier would restyle the whole page.
  (window.requestIdleCallback || setTimeout)(syncMeta);
})();
