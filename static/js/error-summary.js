// When a form comes back with errors, move keyboard and screen-reader focus to the summary
// of what to fix (its links lead to each field). Without JavaScript the summary is still
// announced through role="alert".
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
