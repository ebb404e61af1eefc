// idgate dashboard: the only script. It confirms destructive forms, copies
// secrets and goes back from error pages; every page works without it.
"use strict";
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) e.preventDefault();
});
document.addEventListener("click", function (e) {
  var t = e.target;
  var id = t.getAttribute && t.getAttribute("data-copy");
  if (id) {
    var input = document.getElementById(id);
    input.select();
    if (navigator.clipboard) navigator.clipboard.writeText(input.value);
    t.textContent = "Copied";
  }
  if (t.hasAttribute && t.hasAttribute("data-back") && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});
