/* Dates typed the Italian way, and a small calendar (Monday first, the user's language).
 *
 * The console's own code (no library): every <input data-role="data-it"> and Flask-Admin's
 * date filters become a text field where a date can be typed key by key (07031988 or
 * 07/03/1988: the slashes are added as one types), pasted (07/03/1988, 7/3/88, 1988-03-07) or
 * picked from the calendar. On leaving the field a date that reads one way only is shown as
 * dd/mm/yyyy; anything else is marked and left as typed. The server parses again
 * (models/dates.py) and is the authority: this script never turns a value into another date.
 */
(function () {
  "use strict";
  var L = window.CONSOLE_DATE_LOCALE || {
    months: ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"],
    days: ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"], firstDay: 0,
    today: "Today", close: "Close", invalid: "Not a date: write dd/mm/yyyy", prev: "<", next: ">",
    rangeWord: "to"
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }

  function century(yy, past) {
    var year = new Date().getFullYear();
    if (past) { return year - ((year - yy) % 100 + 100) % 100; }
    var best = 1900 + yy;
    [2000 + yy, 2100 + yy].forEach(function (c) { if (Math.abs(c - year) < Math.abs(best - year)) { best = c; } });
    return best;
  }

  /* The same formats as models/dates.py: a Date, or null if the text is not exactly one date. */
  function parse(text, past) {
    var s = (text || "").trim(), m, d, mo, y;
    if ((m = /^(\d{4})([\-\/.])(\d{1,2})\2(\d{1,2})$/.exec(s))) { y = +m[1]; mo = +m[3]; d = +m[4]; }
    else if ((m = /^(\d{1,2})([\/.\- ])(\d{1,2})\2(\d{4}|\d{2})$/.exec(s))) {
      d = +m[1]; mo = +m[3]; y = m[4].length === 4 ? +m[4] : century(+m[4], past);
    } else if ((m = /^(\d{2})(\d{2})(\d{4}|\d{2})$/.exec(s))) {
      d = +m[1]; mo = +m[2]; y = m[3].length === 4 ? +m[3] : century(+m[3], past);
    } else { return null; }
    var date = new Date(y, mo - 1, d);
    date.setFullYear(y);  // years before 100 would otherwise mean 19xx
    if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) { return null; }
    return date;
  }

  var popup = null, owner = null;

  function close() {
    if (popup) { popup.parentNode.removeChild(popup); }
    popup = null; owner = null;
  }

  function button(text, cls, onClick) {
    var b = document.createElement("button");
    b.type = "button"; b.className = cls; b.textContent = text;
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the focus
    b.addEventListener("click", function (e) { e.preventDefault(); onClick(); });
    return b;
  }

  function draw(input, month) {
    popup.innerHTML = "";
    popup.dataset.month = month.getFullYear() + "-" + (month.getMonth() + 1);
    var head = document.createElement("div");
    head.className = "data-it-head";
    head.appendChild(button(L.prev, "btn btn-sm btn-light data-it-prev", function () {
      draw(input, new Date(month.getFullYear(), month.getMonth() - 1, 1));
    }));
    var title = document.createElement("span");
    title.className = "data-it-title";
    title.textContent = L.months[month.getMonth()] + " " + month.getFullYear();
    head.appendChild(title);
    head.appendChild(button(L.next, "btn btn-sm btn-light data-it-next", function () {
      draw(input, new Date(month.getFullYear(), month.getMonth() + 1, 1));
    }));
    popup.appendChild(head);
    var table = document.createElement("table"), row = document.createElement("tr");
    table.className = "data-it-grid";
    for (var i = 0; i < 7; i++) {
      var th = document.createElement("th");
      th.textContent = L.days[(L.firstDay + i) % 7];  // days[0] is Monday
      row.appendChild(th);
    }
    table.appendChild(row);
    var first = new Date(month.getFullYear(), month.getMonth(), 1);
    var offset = ((first.getDay() + 6) % 7 - L.firstDay + 7) % 7;  // getDay(): 0 = Sunday
    var day = new Date(first); day.setDate(1 - offset);
    var chosen = parse(input.value, input.dataset.past === "1"), today = new Date();
    for (var w = 0; w < 6; w++) {
      row = document.createElement("tr");
      for (var k = 0; k < 7; k++) {
        var td = document.createElement("td"), d = new Date(day);
        var cls = "btn btn-sm data-it-day";
        if (d.getMonth() !== month.getMonth()) { cls += " text-muted"; }
        if (chosen && d.toDateString() === chosen.toDateString()) { cls += " btn-primary"; }
        else if (d.toDateString() === today.toDateString()) { cls += " btn-outline-primary"; }
        var b = button(String(d.getDate()), cls, pick.bind(null, input, d));
        b.dataset.date = fmt(d);
        td.appendChild(b); row.appendChild(td);
        day.setDate(day.getDate() + 1);
      }
      table.appendChild(row);
    }
    popup.appendChild(table);
    var foot = document.createElement("div");
    foot.className = "data-it-foot";
    foot.appendChild(button(L.today, "btn btn-sm btn-link data-it-today", function () { pick(input, new Date()); }));
    foot.appendChild(button(L.close, "btn btn-sm btn-link", close));
    popup.appendChild(foot);
  }

  function pick(input, d) {
    if (input.dataset.range === "1") {
      var sep = " " + L.rangeWord + " ", v = input.value;
      if (v.slice(-sep.length) !== sep) {  // the first end: the calendar stays open for the second
        input.value = fmt(d) + sep;
        return;
      }
      input.value = v + fmt(d);
    } else {
      input.value = fmt(d);
    }
    mark(input, true);
    input.dispatchEvent(new Event("change", {bubbles: true}));
    close();
  }

  function open(input) {
    if (owner === input) { return; }
    close();
    owner = input;
    popup = document.createElement("div");
    popup.className = "data-it-popup card shadow-sm";
    var r = input.getBoundingClientRect();
    popup.style.top = (window.scrollY + r.bottom + 2) + "px";
    popup.style.left = (window.scrollX + r.left) + "px";
    document.body.appendChild(popup);
    var last = (input.value.split(" " + L.rangeWord + " ").filter(Boolean).pop() || "");
    var chosen = parse(last, input.dataset.past === "1") || new Date();
    draw(input, new Date(chosen.getFullYear(), chosen.getMonth(), 1));
  }

  function mark(input, ok) {
    input.classList.toggle("is-invalid", !ok);
    var hint = input.parentNode.querySelector(".data-it-invalid");
    if (!ok && !hint) {
      hint = document.createElement("div");
      hint.className = "invalid-feedback data-it-invalid";
      hint.textContent = L.invalid;
      input.insertAdjacentElement("afterend", hint);
    } else if (ok && hint) {
      hint.parentNode.removeChild(hint);
    }
  }

  function tidy(input) {
    var text = input.value.trim();
    if (!text) { mark(input, true); return; }
    if (input.dataset.range === "1") {
      var parts = text.split(/\s+(?:to|al|-|–)\s+/);
      var ok = parts.length === 2 && parts.every(function (p) { return parse(p, false); });
      if (ok) { input.value = fmt(parse(parts[0])) + " " + L.rangeWord + " " + fmt(parse(parts[1])); }
      mark(input, ok);
      return;
    }
    var d = parse(text, input.dataset.past === "1");
    if (d) { input.value = fmt(d); }  // what will be stored, written out in full
    mark(input, !!d);
  }

  function attach(input, range) {
    if (input.dataset.itDate) { return; }
    input.dataset.itDate = "1";
    if (range) { input.dataset.range = "1"; }
    input.type = "text";
    input.setAttribute("autocomplete", "off");
    if (!input.getAttribute("placeholder")) { input.setAttribute("placeholder", range ? L.rangePlaceholder : L.placeholder); }
    input.addEventListener("focus", function () { open(input); });
    input.addEventListener("click", function () { open(input); });
    input.addEventListener("keydown", function (e) {
      var atEnd = input.selectionStart === input.value.length;
      if (e.key === "Escape" || e.key === "Tab") { close(); }
      else if (!range && atEnd && "/.-".indexOf(e.key) >= 0 && /\/$/.test(input.value)) { e.preventDefault(); }
    });
    input.addEventListener("input", function (e) {
      if (range || e.inputType !== "insertText" || !/^\d$/.test(e.data || "")) { return; }
      if (input.selectionStart !== input.value.length) { return; }
      if (/^\d{2}$/.test(input.value) || /^\d{1,2}\/\d{2}$/.test(input.value)) { input.value += "/"; }
      var d = parse(input.value, input.dataset.past === "1");
      if (d && popup) { draw(input, new Date(d.getFullYear(), d.getMonth(), 1)); }
    });
    input.addEventListener("blur", function () { tidy(input); setTimeout(function () { if (owner === input && document.activeElement !== input) { close(); } }, 150); });
  }

  document.addEventListener("mousedown", function (e) {
    if (popup && !popup.contains(e.target) && e.target !== owner) { close(); }
  });

  var ROLES = {"data-it": false, "datepicker": false, "daterangepicker": true,
               "datetimepicker": false, "datetimerangepicker": true};

  function converter($el, name) {
    if (!(name in ROLES)) { return false; }
    attach($el[0], ROLES[name]);
    return true;
  }

  function register() {
    if (window.faForm && !window.faForm.__dataIt) {
      window.faForm.__dataIt = true;
      window.faForm.addFieldConverter(converter);
    }
  }
  if (window.jQuery) { window.jQuery(document).on("adminFormReady", register); }
  register();
  function attachAll() {
    register();
    Array.prototype.forEach.call(document.querySelectorAll("input[data-role='data-it']"), function (el) {
      attach(el, false);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", attachAll); }
  else { attachAll(); }
  window.consoleDates = {parse: parse, format: fmt};
})();
