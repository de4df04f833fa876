// Fill the address when a 7-digit postal code is typed (full-width digits and hyphens are
// fine). Without this script the form's 「住所を調べる」 button does the same on the server.
// An address the person typed is never overwritten; one this script filled is.
(function () {
  var code = document.querySelector("input[data-postal-lookup]");
  if (!code) return;
  var address = document.getElementById(code.getAttribute("data-address"));
  var status = document.getElementById("postal-lookup-status");
  var filled = "";
  var asked = "";

  function digits(text) {
    return text
      .replace(/[０-９]/g, function (d) {
        return String.fromCharCode(d.charCodeAt(0) - 0xfee0);
      })
      .replace(/\D/g, "");
  }

  code.addEventListener("input", function () {
    var value = digits(code.value);
    if (value.length !== 7 || value === asked || !address) return;
    asked = value;
    var url = code.getAttribute("data-postal-lookup") + "?code=" + value;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { found: false };
      })
      .then(function (answer) {
        if (!answer.found) return;
        if (address.value === "" || address.value === filled) {
          address.value = answer.address;
          filled = answer.address;
          if (status) status.textContent = answer.address;
        }
      })
      .catch(function () {
        asked = "";
      });
  });
})();
