// Render math with the site's own KaTeX: arithmatex's \( \) and \[ \] in
// markdown pages, and $ $ / $$ $$ in notebook cells.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    ignoredClasses: ["highlight", "mermaid"],
    throwOnError: true,
  });
});
