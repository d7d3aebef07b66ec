// leakhound HTML report: sorting, filtering and opening the findings table. The page is complete
// without this script (every detail row is shown then). Filters come from the controls or from the
// URL fragment (#provider=GitHub&pushed=yes&q=config&sort=-exposed&open=3), which is kept in step
// with the controls so a filtered view can be shared. Filtering only toggles each secret's
// `hidden` attribute, from values read once at load, and text input is debounced, so it stays
// smooth with tens of thousands of rows. Sets body[data-ready], body[data-shown] and, on a script
// error, body[data-error] (read by the tests).
"use strict";
window.onerror = function (m) { document.body.setAttribute("data-error", String(m)); };
(function () {
  // When the parser reached this script (the end of the document), for benches/html.sh.
  var parsedAt = performance.now();
  var table = document.getElementById("findings");
  var body = document.body;
  if (!table) { body.setAttribute("data-ready", "1"); return; }
  var groups = Array.prototype.slice.call(table.querySelectorAll("#findings > .g"));
  var controls = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var count = document.getElementById("shown");
  var EXACT = ["priority", "provider", "rule", "confidence", "pushed", "live"];
  // Filter and sort values, read once.
  var items = groups.map(function (g, i) {
    var d = g.dataset, it = { el: g, order: i, hidden: false };
    EXACT.forEach(function (k) { it[k] = (d[k] || "").toLowerCase(); });
    it.target = (d.target || "").toLowerCase().split("\n");
    it.path = (d.path || "").toLowerCase();
    // Any text: what the row and its details say (paths, targets, commits, authors, subjects,
    // fingerprint), read once; no layout is needed for it.
    it.q = (g.textContent || "").toLowerCase();
    it.id = +d.id; it.prank = +d.prank; it.exposed = d.exposed === "" ? -1 : +d.exposed;
    it.count = +(d.count || 1);
    return it;
  });

  function wanted() {
    var w = {};
    controls.forEach(function (c) { if (c.value) w[c.dataset.filter] = c.value.toLowerCase(); });
    return w;
  }
  function matches(it, w) {
    for (var k in w) {
      var v = w[k];
      if (k === "path" || k === "q") { if (it[k].indexOf(v) < 0) return false; }
      else if (k === "target") { if (it.target.indexOf(v) < 0) return false; }
      else if (it[k] !== v) return false;
    }
    return true;
  }
  function apply() {
    var w = wanted(), shown = 0;
    for (var i = 0; i < items.length; i++) {
      var it = items[i], hide = !matches(it, w);
      if (hide !== it.hidden) { it.hidden = hide; it.el.hidden = hide; }
      if (!hide) shown++;
    }
    if (count) count.textContent = String(shown);
    body.setAttribute("data-shown", String(shown));
  }

  // The URL fragment mirrors the filters, the sort and the open rows.
  var sortKey = "", sortDir = 1;
  function toHash() {
    var parts = [];
    controls.forEach(function (c) { if (c.value) parts.push(c.dataset.filter + "=" + encodeURIComponent(c.value)); });
    if (sortKey) parts.push("sort=" + (sortDir < 0 ? "-" : "") + sortKey);
    var h = parts.length ? "#" + parts.join("&") : location.pathname + location.search;
    try { history.replaceState(null, "", h); } catch (e) { /* some file:// viewers refuse */ }
  }
  function fromHash() {
    var open = [], h = location.hash.replace(/^#/, "");
    // A link to one secret (the charts link to #gN): open it, clearing filters that hide it.
    var m = /^g(\d+)$/.exec(h);
    if (m) {
      var g = document.getElementById(h);
      if (g && g.hidden) { controls.forEach(function (c) { c.value = ""; }); apply(); }
      if (g) { toggle(g, true); var b = g.querySelector("button.open"); if (b) b.focus(); }
      return;
    }
    // Other anchors (#runbooks, #s-find) are only scrolled to.
    if (h && h.indexOf("=") < 0) return;
    controls.forEach(function (c) { c.value = ""; });
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i < 1) return;
      var k = kv.slice(0, i), v;
      try { v = decodeURIComponent(kv.slice(i + 1).replace(/\+/g, " ")); } catch (e) { return; }
      if (k === "sort") { sortBy(v.replace(/^-/, ""), v.charAt(0) === "-" ? -1 : 1); return; }
      if (k === "open") { open.push(v.replace(/^#?g?/, "")); return; }
      var c = null;
      controls.forEach(function (x) { if (x.dataset.filter === k) c = x; });
      if (!c) return;
      if (c.tagName === "SELECT") {
        var found = null;
        Array.prototype.forEach.call(c.options, function (o) { if (o.value.toLowerCase() === v.toLowerCase()) found = o.value; });
        if (found === null) { var o = document.createElement("option"); o.value = v; o.textContent = v; c.appendChild(o); found = v; }
        v = found;
      }
      c.value = v;
    });
    apply();
    open.forEach(function (id) { var g = document.getElementById("g" + id); if (g) toggle(g, true); });
  }

  var timer = 0;
  controls.forEach(function (c) {
    if (c.tagName === "INPUT") {
      c.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { apply(); toHash(); }, 150);
      });
    } else {
      c.addEventListener("change", function () { apply(); toHash(); });
    }
  });
  var form = controls.length ? controls[0].form : null;
  if (form) form.addEventListener("reset", function () { setTimeout(function () { apply(); toHash(); }, 0); });
  window.addEventListener("hashchange", fromHash);

  // Sorting: reorders the row group of each secret; ties keep the report's (priority) order.
  var heads = Array.prototype.slice.call(table.querySelectorAll(".thead [data-key]"));
  function sortBy(key, dir) {
    var th = null;
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); if (h.dataset.key === key) th = h; });
    if (!th) return;
    sortKey = key; sortDir = dir;
    th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
    var num = th.dataset.num === "1";
    var text = function (it) { return key === "path" ? it.path : (it[key] || ""); };
    items.sort(function (a, b) {
      var c = num ? a[key] - b[key] : text(a).localeCompare(text(b));
      return (c * dir) || (a.order - b.order);
    });
    var f = document.createDocumentFragment();
    items.forEach(function (it) { f.appendChild(it.el); });
    table.appendChild(f);
  }
  heads.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      // Numbers read best largest first.
      if (!th.getAttribute("aria-sort") && th.dataset.num === "1" && th.dataset.key !== "id") dir = -1;
      sortBy(th.dataset.key, dir);
      toHash();
    });
  });

  // Opening a secret shows its detail row and copies its runbook in from the appendix.
  function toggle(g, open) {
    var b = g.querySelector("button.open");
    if (open === undefined) open = !g.classList.contains("open");
    g.classList.toggle("open", open);
    if (b) b.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) fill(g);
  }
  function fill(g) {
    var slot = g.querySelector(".runbook-slot");
    if (slot && !slot.getAttribute("data-filled")) {
      var rb = document.getElementById("rb" + slot.getAttribute("data-runbook"));
      if (rb) {
        var copy = rb.cloneNode(true);
        copy.removeAttribute("id");
        slot.appendChild(copy);
        slot.setAttribute("data-filled", "1");
      }
    }
  }
  table.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button.open") : null;
    if (b) toggle(b.closest(".g"));
  });

  // Keyboard: / filters, j/k or arrows move between visible secrets, Esc clears.
  function visible() { return items.filter(function (it) { return !it.hidden; }); }
  function move(step) {
    var v = visible();
    if (!v.length) return;
    var cur = document.activeElement && document.activeElement.closest ? document.activeElement.closest("#findings > .g") : null;
    var i = -1;
    for (var n = 0; n < v.length; n++) if (v[n].el === cur) i = n;
    var next = v[Math.max(0, Math.min(v.length - 1, i < 0 ? 0 : i + step))];
    var b = next.el.querySelector("button.open");
    if (b) { b.focus(); next.el.scrollIntoView({ block: "nearest" }); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
    if (e.key === "Escape") {
      if (form && (typing || !t.closest || !t.closest("#findings"))) { form.reset(); return; }
      var g = t.closest ? t.closest("#findings > .g") : null;
      if (g) toggle(g, false);
      return;
    }
    if (typing) return;
    if (e.key === "/") { e.preventDefault(); var q = document.getElementById("f-q"); if (q) q.focus(); }
    else if (e.key === "j" || (e.key === "ArrowDown" && t.closest && t.closest("#findings"))) { e.preventDefault(); move(1); }
    else if (e.key === "k" || (e.key === "ArrowUp" && t.closest && t.closest("#findings"))) { e.preventDefault(); move(-1); }
  });

  // Printing shows every detail row (the stylesheet) with its runbook filled in.
  window.addEventListener("beforeprint", function () {
    items.forEach(function (it) { if (!it.hidden) fill(it.el); });
  });

  // benches/html.sh: `#bench` times each interaction, layout included (reading offsetHeight forces it).
  function bench() {
    var out = {}, prov = document.getElementById("f-provider"), q = document.getElementById("f-q");
    function time(name, f) {
      var t0 = performance.now();
      f();
      void body.offsetHeight;
      out[name] = Math.round((performance.now() - t0) * 10) / 10;
    }
    time("filter_provider", function () { prov.value = prov.options[prov.options.length > 1 ? 1 : 0].value; apply(); });
    // A path fragment of the first secret: selective, as a typed search is.
    var needle = items[0].path.split("\n")[0].split("/").slice(0, -1).join("/") + "/";
    time("filter_text", function () { prov.value = ""; q.value = needle; apply(); });
    time("clear", function () { q.value = ""; apply(); });
    time("sort_exposed", function () { sortBy("exposed", -1); });
    time("sort_back", function () { sortBy("id", 1); });
    time("open_row", function () { toggle(items[0].el, true); });
    body.setAttribute("data-bench", JSON.stringify(out));
  }

  fromHash();
  void body.offsetHeight;
  body.setAttribute("data-parsed-ms", String(Math.round(parsedAt)));
  body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  if (/(^|&)bench(&|$)/.test(location.hash.replace(/^#/, ""))) bench();
  body.setAttribute("data-ready", "1");
})();
