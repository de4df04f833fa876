// When a form comes back with errors, move keyboard and screen-reader focus to the summary
// of what to fix (its links lead to each field). Without JavaScript the summary is still
// announced through role="alert".
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    // A link of the summary puts the cursor in its field, not only the page at it.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    });
  }
})();
