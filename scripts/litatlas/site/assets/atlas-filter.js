/* litatlas: filter and sort the paper tables in the browser.
 *
 * Plain JavaScript, no library, no network beyond this site. Without JavaScript the pages keep their
 * plain tables (paginated on "All papers"); with it:
 *   - "All papers" (browse/all/) shows every matching paper from assets/atlas-index.json, rendered
 *     in chunks of CHUNK rows as the reader scrolls, so 10,000 papers stay fast;
 *   - a topic page (topics/<id>/) filters and sorts its own tables in place.
 * The filters, columns and labels come from the index, which litatlas makes from the atlas's configuration:
 * one filter per configured field (a select for term fields, a removable chip for free lists), a year range
 * and free text, combined with AND. The state lives in the query string, e.g.
 *   browse/all/?finding=supports&population=adults&from=2005&text=walking&sort=year&order=asc
 * (scheme documented in litatlas/site/routes.py), so a view can be shared and is restored on load.
 * Works with Material's instant navigation: set-up runs on every `document$` emission.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch || !window.URLSearchParams || !Array.prototype.map) return;
  var ROOT = new URL("../", script.src); // this file is <site>/assets/atlas-filter.js
  var INDEX_URL = new URL("assets/atlas-index.json", ROOT).href;
  var CHUNK = 30; // rows rendered at a time: the first screens at once, then more as the reader scrolls
  var URL_DELAY = 250; // ms; history.replaceState costs ~10 ms in Chromium, so typing does not pay it per key

  // Set from the index (see prepare): select filters (FACETS), chip filters for free lists (CHIPS), the
  // table columns (key is also the `sort` value in the URL; header text is matched on the static tables too).
  var FACETS = [];
  var CHIPS = [];
  var PARAM_ORDER = [];
  var COLUMNS = [];
  var COLUMN_BY_LABEL = {};
  var YEAR_BIT = 0;
  var TEXT_BIT = 0;

  var indexPromise = null;
  var current = null; // the enhanced page: { teardown() }

  // ----- data

  var NON_ASCII = /[^\x00-\x7f]/;

  function fold(text) {
    text = String(text);
    if (!NON_ASCII.test(text)) return text.toLowerCase(); // the common case, and 10x cheaper
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function loadIndex() {
    if (!indexPromise) {
      indexPromise = fetch(INDEX_URL, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("atlas index: HTTP " + response.status);
          return response.json();
        })
        .then(prepare)
        .catch(function (error) {
          indexPromise = null;
          throw error;
        });
    }
    return indexPromise;
  }

  function asList(value) {
    if (Array.isArray(value)) return value;
    return value === "" || value === null || value === undefined ? [] : [String(value)];
  }

  function prepare(data) {
    var fields = data.fields;
    var labels = data.labels || {};
    var keys = data.keys || {};
    FACETS = data.facets.filter(function (f) { return f.kind !== "list"; });
    CHIPS = data.facets.filter(function (f) { return f.kind === "list"; });
    PARAM_ORDER = data.params;
    COLUMNS = data.columns;
    COLUMN_BY_LABEL = {};
    COLUMNS.forEach(function (c) { COLUMN_BY_LABEL[c.label.toLowerCase()] = c; });
    YEAR_BIT = 1 << (FACETS.length + CHIPS.length);
    TEXT_BIT = YEAR_BIT << 1;
    var textFields = data.text_fields || [];
    var root = ROOT.href; // ends with "/"; row urls are relative to the site root
    var rows = data.rows.map(function (values, i) {
      var row = { i: i, keys: null };
      for (var j = 0; j < fields.length; j++) row[fields[j]] = values[j];
      row.href = root + row.url;
      row.facets = FACETS.map(function (f) { return asList(row[f.field]); });
      row.chips = CHIPS.map(function (f) {
        var map = keys[f.field] || {};
        return asList(row[f.field]).map(function (v) { return map[v] || ""; });
      });
      var hay = [row.title, row.author];
      textFields.forEach(function (name) { hay.push(asList(row[name]).join(" ")); });
      hay.push(row.year);
      row.hay = fold(hay.join(" "));
      return row;
    });
    var index = {
      rows: rows, labels: labels, byHref: null, topicGroups: data.topic_groups || [], keyLabels: data.key_labels || {},
      verdict: data.verdict || "", polarity: data.polarity || {}, noun: data.noun || { one: "paper", many: "papers" }
    };
    index.lookup = function (href) {
      if (!index.byHref) {
        index.byHref = new Map();
        rows.forEach(function (row) { index.byHref.set(new URL(row.href).href, row); });
      }
      return index.byHref.get(href);
    };
    index.keysOf = function (row) { return row.keys || (row.keys = sortKeys(row, labels)); }; // built on the first sort
    return index;
  }

  function labelList(labels, field, ids) {
    var names = labels[field] || {};
    return ids.map(function (id) { return names[id] || id; });
  }

  function sortKeys(row, labels) {
    var keys = { n: row.i, year: row.year, author: fold(row.author), title: fold(row.title) };
    COLUMNS.forEach(function (c) {
      if (c.field) keys[c.key] = fold(labelList(labels, c.field, asList(row[c.field])).join(", "));
    });
    return keys;
  }

  // ----- state <-> URL

  function readState() {
    var p = new URLSearchParams(location.search);
    var year = function (name) {
      var v = p.get(name);
      return v && /^\d{4}$/.test(v) ? parseInt(v, 10) : null;
    };
    var state = { f: {}, chips: {}, from: year("from"), to: year("to"), text: p.get("text") || "", sort: "", order: "asc" };
    FACETS.forEach(function (f) { state.f[f.param] = p.get(f.param) || ""; });
    CHIPS.forEach(function (f) { state.chips[f.param] = p.get(f.param) || ""; });
    var sort = p.get("sort") || "";
    if (COLUMNS.some(function (c) { return c.key === sort; })) state.sort = sort;
    if (p.get("order") === "desc") state.order = "desc";
    return state;
  }

  function writeState(state) {
    var p = new URLSearchParams(location.search);
    PARAM_ORDER.forEach(function (name) { p.delete(name); });
    var ours = [];
    var add = function (name, value) { if (value !== "" && value !== null && value !== undefined) ours.push([name, String(value)]); };
    PARAM_ORDER.forEach(function (name) {
      if (state.f.hasOwnProperty(name)) add(name, state.f[name]);
      else if (state.chips.hasOwnProperty(name)) add(name, state.chips[name]);
      else if (name === "from" || name === "to") add(name, state[name]);
      else if (name === "text") add(name, state.text.trim());
      else if (name === "sort") add(name, state.sort);
      else if (name === "order" && state.sort) add(name, state.order === "desc" ? "desc" : "");
    });
    var query = new URLSearchParams(ours.concat(Array.from(p.entries()))).toString();
    var url = location.pathname + (query ? "?" + query : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
  }

  var pendingWrite = null;

  function scheduleWrite(state) {
    if (pendingWrite) clearTimeout(pendingWrite.timer);
    pendingWrite = { state: state, path: location.pathname, timer: setTimeout(flushWrite, URL_DELAY) };
  }

  function flushWrite() {
    var pending = pendingWrite;
    pendingWrite = null;
    if (!pending) return;
    clearTimeout(pending.timer);
    if (location.pathname === pending.path) writeState(pending.state);
  }

  function cancelWrite() {
    if (pendingWrite) clearTimeout(pendingWrite.timer);
    pendingWrite = null;
  }

  function active(state) {
    return FACETS.some(function (f) { return state.f[f.param]; }) || CHIPS.some(function (f) { return state.chips[f.param]; }) ||
      state.from !== null || state.to !== null || state.text.trim();
  }

  // ----- filtering

  /* Bit k set = the row fails filter k. A row matches when its mask is 0; it counts towards the options
     of facet k when it fails nothing but facet k. One pass, whatever the number of facets. */
  function masks(rows, state) {
    var wanted = FACETS.map(function (f) { return state.f[f.param]; });
    var chips = CHIPS.map(function (f) { return state.chips[f.param]; });
    var words = fold(state.text).split(/\s+/).filter(Boolean);
    var out = new Uint16Array(rows.length);
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r];
      var m = 0;
      for (var k = 0; k < wanted.length; k++) {
        if (wanted[k] && row.facets[k].indexOf(wanted[k]) < 0) m |= 1 << k;
      }
      for (var c = 0; c < chips.length; c++) {
        if (chips[c] && row.chips[c].indexOf(chips[c]) < 0) m |= 1 << (wanted.length + c);
      }
      if ((state.from !== null && row.year < state.from) || (state.to !== null && row.year > state.to)) m |= YEAR_BIT;
      for (var w = 0; w < words.length; w++) {
        if (row.hay.indexOf(words[w]) < 0) { m |= TEXT_BIT; break; }
      }
      out[r] = m;
    }
    return out;
  }

  function facetCounts(rows, maskOf) {
    var counts = FACETS.map(function () { return Object.create(null); });
    for (var r = 0; r < rows.length; r++) {
      var m = maskOf[r];
      for (var k = 0; k < FACETS.length; k++) {
        if ((m & ~(1 << k)) !== 0) continue;
        var values = rows[r].facets[k];
        for (var v = 0; v < values.length; v++) counts[k][values[v]] = (counts[k][values[v]] || 0) + 1;
      }
    }
    return counts;
  }

  function comparator(index, key, order) {
    var sign = order === "desc" ? -1 : 1;
    return function (a, b) {
      var x = (a.keys || index.keysOf(a))[key], y = (b.keys || index.keysOf(b))[key];
      if (x === "" && y !== "") return 1; // empty cells last either way
      if (y === "" && x !== "") return -1;
      if (x < y) return -sign;
      if (x > y) return sign;
      return a.i - b.i;
    };
  }

  // ----- the filter form

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var formCount = 0;

  function buildForm(index, scope, state, onChange) {
    var id = "la-filter-" + ++formCount;
    var selects = [];
    var grid = el("div", { class: "la-filter__grid" });
    var textInput = el("input", { id: id + "-text", type: "search", name: "text", autocomplete: "off", spellcheck: "false" });
    textInput.value = state.text;
    var textBox = el("div", { class: "la-filter__text" }, [
      el("label", { for: id + "-text", text: "Search titles, first authors" + (CHIPS.length ? " and " + CHIPS.map(function (f) { return f.label.toLowerCase() + "s"; }).join(", ") : "") }), textInput
    ]);
    FACETS.forEach(function (facet, k) {
      var present = Object.create(null);
      scope.forEach(function (row) { row.facets[k].forEach(function (v) { present[v] = true; }); });
      if (state.f[facet.param]) present[state.f[facet.param]] = true;
      var names = index.labels[facet.field] || {};
      var select = el("select", { id: id + "-" + facet.param, name: facet.param });
      select.appendChild(el("option", { value: "", text: "Any" }));
      var addOption = function (parent, value) {
        var option = el("option", { value: value });
        option.dataset.label = names[value] || value;
        option.textContent = option.dataset.label;
        parent.appendChild(option);
      };
      if (facet.param === "topic") {
        index.topicGroups.forEach(function (group) {
          var inGroup = group.subtopics.filter(function (s) { return present[s]; });
          if (!inGroup.length) return;
          var optgroup = el("optgroup", { label: group.label });
          inGroup.forEach(function (s) { addOption(optgroup, s); });
          select.appendChild(optgroup);
        });
      } else {
        Object.keys(names).concat(Object.keys(present).filter(function (v) { return !(v in names); }))
          .filter(function (v) { return present[v]; })
          .forEach(function (v) { addOption(select, v); });
      }
      select.value = state.f[facet.param];
      selects.push(select);
      grid.appendChild(el("div", {}, [el("label", { for: select.id, text: facet.label }), select]));
    });
    var years = scope.map(function (row) { return row.year; });
    var minYear = Math.min.apply(null, years.length ? years : [1900]);
    var maxYear = Math.max.apply(null, years.length ? years : [2100]);
    var yearInput = function (name, label, placeholder) {
      var input = el("input", { id: id + "-" + name, type: "number", name: name, min: String(minYear), max: String(maxYear),
        step: "1", inputmode: "numeric", placeholder: String(placeholder) });
      if (state[name] !== null) input.value = String(state[name]);
      return el("label", { for: input.id }, [document.createTextNode(label + " "), input]);
    };
    grid.appendChild(el("fieldset", {}, [
      el("legend", { text: "Years" }),
      el("div", { class: "la-filter__years" }, [yearInput("from", "From", minYear), yearInput("to", "To", maxYear)])
    ]));
    var status = el("p", { class: "la-filter__status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    var chips = el("span", { class: "la-chips" });
    var reset = el("button", { type: "reset", text: "Clear all filters" });
    // The facets fold away on small screens (open on wide ones, or when the address sets one).
    var summary = el("summary", { text: "Filter by " + FACETS.map(function (f) { return f.label.toLowerCase(); }).join(", ") + " and years" });
    var more = el("details", { class: "la-filter__more" }, [summary, grid]);
    var anyFacet = FACETS.some(function (f) { return state.f[f.param]; }) || state.from !== null || state.to !== null;
    if (anyFacet || !window.matchMedia || window.matchMedia("(min-width: 45em)").matches) more.open = true;
    var form = el("form", { class: "la-filter", role: "search", "aria-label": "Filter papers", novalidate: "" }, [
      textBox, more, el("div", { class: "la-filter__bar" }, [status, chips, reset])
    ]);

    var read = function () {
      FACETS.forEach(function (facet, k) { state.f[facet.param] = selects[k].value; });
      state.text = textInput.value;
      ["from", "to"].forEach(function (name) {
        var v = form.elements[name].value.trim();
        if (v === "") state[name] = null;
        else if (/^\d{4}$/.test(v)) state[name] = parseInt(v, 10);
      });
    };
    form.addEventListener("input", function () { read(); onChange(); });
    form.addEventListener("change", function () { read(); onChange(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      setTimeout(function () {
        FACETS.forEach(function (f) { state.f[f.param] = ""; });
        CHIPS.forEach(function (f) { state.chips[f.param] = ""; });
        state.text = ""; state.from = null; state.to = null;
        onChange();
      }, 0);
    });

    return {
      form: form,
      update: function (counts, shown, total, extra) {
        FACETS.forEach(function (facet, k) {
          var select = selects[k];
          for (var o = 1; o < select.options.length; o++) {
            var option = select.options[o];
            var n = counts[k][option.value] || 0;
            option.textContent = option.dataset.label + " (" + n + ")";
            option.disabled = n === 0 && option.value !== select.value;
          }
        });
        var noun = total === 1 ? index.noun.one : index.noun.many;
        status.textContent = active(state) ? shown + " of " + total + " " + noun + extra : total + " " + noun + extra;
        chips.textContent = "";
        CHIPS.forEach(function (facet) {
          var value = state.chips[facet.param];
          if (!value) return;
          var name = (index.keyLabels[facet.field] || {})[value] || value;
          var remove = el("button", { type: "button", "aria-label": "Remove the " + facet.label.toLowerCase() + " filter " + name, text: "\u00d7" });
          remove.addEventListener("click", function () { state.chips[facet.param] = ""; onChange(); });
          chips.appendChild(el("span", { class: "la-chip" }, [document.createTextNode(facet.label + ": " + name + " "), remove]));
        });
      }
    };
  }

  // ----- sortable headers

  function makeSortable(th, column, state, onChange) {
    var button = el("button", { type: "button", class: "la-sort", text: column.label });
    th.textContent = "";
    th.appendChild(button);
    th.dataset.sortKey = column.key;
    button.addEventListener("click", function () {
      if (state.sort === column.key) state.order = state.order === "asc" ? "desc" : "asc";
      else { state.sort = column.key; state.order = column.key === "year" ? "desc" : "asc"; }
      onChange(true);
    });
  }

  function showSort(table, state) {
    table.querySelectorAll("th[data-sort-key]").forEach(function (th) {
      if (th.dataset.sortKey === state.sort) th.setAttribute("aria-sort", state.order === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }

  // ----- "All papers": every matching row from the index, rendered in chunks

  function rowHtml(row, n, index) {
    var labels = index.labels;
    var list = function (field, ids, limit) {
      var names = labelList(labels, field, ids);
      var shown = limit ? names.slice(0, limit) : names;
      var more = names.length - shown.length;
      return esc(shown.join(", ")) + (more > 0 ? ", +" + more : "");
    };
    var value = index.verdict ? row[index.verdict] : "";
    var badge = value ? '<span class="la-badge la-badge--' + esc(index.polarity[value] || "") + " la-badge--" + esc(value) + '">' +
      esc(labelList(labels, index.verdict, [value])[0]) + "</span>" : "";
    var html = "<tr><td>" + n + "</td><td>" + row.year + "</td><td>" + esc(row.author) + '</td><td><a href="' + esc(row.href) + '">' +
      esc(row.title) + "</a> " + badge + "</td>";
    COLUMNS.forEach(function (c) {
      if (c.field) html += "<td>" + list(c.field, asList(row[c.field]), c.limit) + "</td>";
    });
    return html + "</tr>";
  }

  function enhanceAll(article, index) {
    var original = article.querySelector("table");
    if (!original) return null;
    var state = readState();
    var rows = index.rows;
    var sorted = rows.slice();
    var sortedBy = "";
    var view = [];
    var rendered = 0;

    var table = el("table", { "data-la-results": "" });
    var headRow = el("tr");
    COLUMNS.forEach(function (column) {
      var th = el("th", { scope: "col" });
      headRow.appendChild(th);
      makeSortable(th, column, state, function () { refresh(); });
    });
    table.appendChild(el("thead", {}, [headRow]));
    var tbody = el("tbody");
    table.appendChild(tbody);
    var more = el("button", { type: "button", class: "la-table-more" });
    var empty = el("p", { class: "la-table-status", hidden: "" , text: "No paper matches these filters." });
    var results = el("div", { class: "la-results" }, [
      el("div", { class: "la-results__scroll" }, [table]), empty, more
    ]);
    var controls = buildForm(index, rows, state, function () { refresh(); });

    // Hide the static, paginated view (kept in the page for readers without JavaScript).
    var staticBlock = original.closest(".md-typeset__scrollwrap") || original;
    staticBlock.hidden = true;
    article.querySelectorAll("p").forEach(function (p) {
      if (/^\s*Pages:/.test(p.textContent)) p.hidden = true;
    });
    staticBlock.parentNode.insertBefore(controls.form, staticBlock);
    staticBlock.parentNode.insertBefore(results, staticBlock);

    function renderMore() {
      var end = Math.min(view.length, rendered + CHUNK);
      var html = "";
      for (var i = rendered; i < end; i++) html += rowHtml(view[i], i + 1, index);
      tbody.insertAdjacentHTML("beforeend", html);
      rendered = end;
      var left = view.length - rendered;
      more.hidden = left <= 0;
      more.textContent = "Show " + Math.min(CHUNK, left) + " more (" + left + " not shown yet)";
    }

    function refresh() {
      var key = state.sort || "n";
      var wantedSort = key + ":" + state.order;
      if (wantedSort !== sortedBy) {
        sorted = key === "n" && !state.sort ? rows.slice() : rows.slice().sort(comparator(index, key, state.order));
        sortedBy = wantedSort;
      }
      var maskOf = masks(rows, state);
      view = [];
      for (var i = 0; i < sorted.length; i++) if (maskOf[sorted[i].i] === 0) view.push(sorted[i]);
      tbody.textContent = "";
      rendered = 0;
      renderMore();
      empty.hidden = view.length > 0;
      controls.update(facetCounts(rows, maskOf), view.length, rows.length, "");
      showSort(table, state);
      scheduleWrite(state);
    }

    more.addEventListener("click", renderMore);
    var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; }) && rendered < view.length) {
        renderMore();
        // Observe afresh: if the button is still near the screen after the new rows, the next entry says so.
        observer.unobserve(more);
        observer.observe(more);
      }
    }, { rootMargin: "800px 0px" }) : null;
    if (observer) observer.observe(more);
    refresh();
    return { teardown: function () { if (observer) observer.disconnect(); }, refresh: refresh };
  }

  // ----- topic pages: filter and sort their own tables in place

  function enhanceInPlace(article, index) {
    var tables = [];
    article.querySelectorAll("table").forEach(function (table) {
      if (!table.tBodies.length) return;
      var pairs = [];
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr, position) {
        var link = tr.querySelector('a[href]');
        var row = link && index.lookup(link.href);
        if (row) pairs.push({ tr: tr, row: row, position: position });
      });
      if (pairs.length) tables.push({ table: table, pairs: pairs });
    });
    if (!tables.length) return null;
    var state = readState();
    var scope = [];
    var seen = new Set();
    tables.forEach(function (t) { t.pairs.forEach(function (p) { if (!seen.has(p.row.i)) { seen.add(p.row.i); scope.push(p.row); } }); });
    var local = new Map();
    scope.forEach(function (row, i) { local.set(row.i, i); });

    tables.forEach(function (t) {
      var header = t.table.tHead && t.table.tHead.rows[0];
      if (header) {
        Array.prototype.forEach.call(header.cells, function (th, i) {
          var column = COLUMN_BY_LABEL[th.textContent.trim().toLowerCase()];
          if (column) { th.setAttribute("scope", "col"); makeSortable(th, column, state, function () { refresh(); }); }
          else th.dataset.cellIndex = String(i);
        });
      }
      t.status = el("p", { class: "la-table-status", hidden: "" });
      var block = t.table.closest(".md-typeset__scrollwrap") || t.table;
      block.parentNode.insertBefore(t.status, block.nextSibling);
    });
    var controls = buildForm(index, scope, state, function () { refresh(); });
    var first = tables[0].table.closest(".md-typeset__scrollwrap") || tables[0].table;
    var heading = null;
    for (var node = first.previousElementSibling; node; node = node.previousElementSibling) {
      if (node.tagName === "H2") { heading = node; break; }
    }
    if (heading) heading.parentNode.insertBefore(controls.form, heading.nextSibling);
    else first.parentNode.insertBefore(controls.form, first);

    function refresh() {
      var maskOf = masks(scope, state);
      var cmp = state.sort ? comparator(index, state.sort, state.order) : null;
      var shownIds = new Set();
      tables.forEach(function (t) {
        var visible = t.pairs.filter(function (p) { return maskOf[local.get(p.row.i)] === 0; });
        visible.sort(cmp ? function (a, b) { return cmp(a.row, b.row) || a.position - b.position; } : function (a, b) { return a.position - b.position; });
        var tbody = t.table.tBodies[0];
        var fragment = document.createDocumentFragment();
        visible.forEach(function (p, n) {
          p.tr.hidden = false;
          if (p.tr.cells[0] && /^\d+$/.test(p.tr.cells[0].textContent.trim())) p.tr.cells[0].textContent = String(n + 1);
          fragment.appendChild(p.tr);
          shownIds.add(p.row.i);
        });
        t.pairs.forEach(function (p) { if (maskOf[local.get(p.row.i)] !== 0) { p.tr.hidden = true; fragment.appendChild(p.tr); } });
        tbody.appendChild(fragment);
        t.status.hidden = !active(state);
        t.status.textContent = visible.length ? visible.length + " of " + t.pairs.length + " shown" : "No paper in this table matches the filters.";
        showSort(t.table, state);
      });
      controls.update(facetCounts(scope, maskOf), shownIds.size, scope.length, " on this page");
      scheduleWrite(state);
    }

    refresh();
    return { teardown: function () {}, refresh: refresh };
  }

  // ----- wiring

  function pageKind() {
    if (location.href.indexOf(ROOT.href) !== 0) return "";
    var rel = location.pathname.slice(ROOT.pathname.length);
    if (/^browse\/all(-page-\d+)?(\/(index\.html)?|\.html)?$/.test(rel)) return "all";
    if (/^topics\/[^/]+(\/(index\.html)?|\.html)?$/.test(rel)) return "topic";
    return "";
  }

  function setup() {
    cancelWrite(); // the state of the page we left must not overwrite the new address
    if (current) { current.teardown(); current = null; }
    var kind = pageKind();
    var article = document.querySelector(".md-content article") || document.querySelector("article") || document.body;
    if (!kind || article.querySelector(".la-filter")) return;
    var path = location.pathname;
    loadIndex().then(function (index) {
      if (location.pathname !== path || !article.isConnected || article.querySelector(".la-filter")) return;
      current = kind === "all" ? enhanceAll(article, index) : enhanceInPlace(article, index);
    }).catch(function (error) {
      if (window.console) console.warn("litatlas filters unavailable:", error); // the static tables stay
    });
  }

  // Write a pending filter state into the address before a link is followed or the page is left.
  document.addEventListener("click", flushWrite, true);
  window.addEventListener("pagehide", flushWrite);
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(setup);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
