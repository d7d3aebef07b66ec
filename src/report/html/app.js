// Sorting and filtering of the findings table; the page is complete without it.
window.onerror = function (m) { document.body.dataset.error = String(m); };
(function () {
  var table = document.getElementById("findings");
  if (!table) { document.body.dataset.ready = "1"; return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = document.querySelectorAll("[data-filter]");
  var count = document.getElementById("shown");
  function apply() {
    var want = {};
    controls.forEach(function (c) { if (c.value) want[c.dataset.filter] = c.value.toLowerCase(); });
    var shown = 0;
    rows.forEach(function (r) {
      var ok = true;
      for (var k in want) {
        var v = (r.dataset[k] || "").toLowerCase();
        if (k === "q" ? v.indexOf(want[k]) < 0 : v !== want[k]) { ok = false; break; }
      }
      r.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = String(shown);
  }
  controls.forEach(function (c) { c.addEventListener("input", apply); c.addEventListener("change", apply); });
  // A filter from the URL fragment: #rule=github-pat&pushed=yes&q=config
  var frag = decodeURIComponent(location.hash.replace(/^#/, ""));
  frag.split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i < 1) return;
    var c = document.querySelector('[data-filter="' + kv.slice(0, i).replace(/[^a-z]/g, "") + '"]');
    if (!c) return;
    var v = kv.slice(i + 1);
    if (c.tagName === "SELECT" && !Array.prototype.some.call(c.options, function (o) { return o.value === v; })) {
      var o = document.createElement("option"); o.value = v; o.textContent = v; c.appendChild(o);
    }
    c.value = v;
  });
  apply();
  table.querySelectorAll("th[data-key] button").forEach(function (b) {
    b.addEventListener("click", function () {
      var th = b.parentNode, key = th.dataset.key, num = th.dataset.num === "1";
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.dataset[key] || "", y = b.dataset[key] || "";
        var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return c * dir;
      });
      var f = document.createDocumentFragment();
      rows.forEach(function (r) { f.appendChild(r); });
      body.appendChild(f);
    });
  });
  document.body.dataset.ready = "1";
})();
