/* litatlas: the header's search box over the static Pagefind index (site/pagefind/), issue 7.
 *
 * Material's own search builds a lunr index from the whole JSON index in the browser before the first
 * result; Pagefind loads only the index chunks a query needs. This drives Material's search markup
 * (partials/litatlas-search.html) with the same look and keys: "/", "s" or "f" focuses the box, Esc closes
 * it, the arrow keys move through the results, Enter opens one (Tab and Enter work too).
 *
 * pagefind.js is loaded as soon as this script runs (on the first focus or keystroke for readers who save
 * data), from <site>/pagefind/, found from this script's own URL (<site>/assets/litatlas-search.js),
 * so it works wherever the site is served.
 *
 * Record text is data, never markup: titles are set as text, and excerpts are rebuilt from text nodes and
 * <mark> elements made here; nothing from the index is ever parsed as HTML.
 *
 * Material's instant navigation keeps the header (and this box) across pages; on every `document$`
 * emission the box is bound if it is new and closed if it was open.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.URL || !window.Promise) return;
  var ROOT = new URL("../", script.src); // this file is <site>/assets/litatlas-search.js
  var PAGEFIND_URL = new URL("pagefind/pagefind.js", ROOT).href;
  var PAGE = 10; // results whose excerpt is fetched at a time; more as the list is scrolled
  var EXCERPT_WORDS = 30;

  var loading = null; // Promise of the initialised Pagefind module
  var generation = 0; // the latest query; answers to older ones are dropped
  var state = { results: [], shown: 0, query: "" };
  var busy = false; // a query is running: the next keystrokes wait for it, then only the last one runs
  var again = false;

  function pagefind() {
    if (!loading) {
      loading = import(PAGEFIND_URL).then(function (module) {
        // noWorker: Pagefind's web worker costs a script, a start-up and a round trip before the first
        // result; a query takes it a few milliseconds, so the page's own thread does it.
        var options = { baseUrl: ROOT.pathname, excerptLength: EXCERPT_WORDS, noWorker: true };
        return Promise.resolve(module.options(options))
          .then(function () {
            return module.init ? module.init() : null;
          })
          .then(function () {
            return mergeParts(module, options);
          })
          .then(function () {
            return module;
          });
      });
      loading.catch(function () {
        loading = null; // try again on the next keystroke (a network blip)
      });
    }
    return loading;
  }

  // A big atlas's papers are indexed in parts, each a Pagefind bundle inside the main one, listed in
  // litatlas-parts.json (none for an atlas of one bundle): they are merged into one search.
  function mergeParts(module, options) {
    return fetch(new URL("pagefind/litatlas-parts.json", ROOT).href)
      .then(function (response) {
        return response.ok ? response.json() : { parts: [] };
      })
      .then(function (listed) {
        var names = (listed && Array.isArray(listed.parts) ? listed.parts : []).filter(function (name) {
          return /^[a-z0-9-]+\/$/.test(name); // a folder of the main bundle, nothing else
        });
        return Promise.all(
          names.map(function (name) {
            return module.mergeIndex(new URL("pagefind/" + name, ROOT).pathname, options);
          })
        );
      });
  }

  function parts() {
    var root = document.querySelector("[data-la-search]");
    if (!root) return null;
    return {
      root: root,
      toggle: document.getElementById("__search"),
      input: root.querySelector("[data-la-search-query]"),
      form: root.querySelector("form"),
      meta: root.querySelector(".md-search-result__meta"),
      list: root.querySelector(".md-search-result__list"),
      scroll: root.querySelector(".md-search__scrollwrap"),
    };
  }

  function setOpen(box, open) {
    if (box.toggle && box.toggle.checked !== open) box.toggle.checked = open;
  }

  function text(box, key, count) {
    var value = box.meta.getAttribute("data-la-text-" + key) || "";
    return value.replace("#", String(count));
  }

  function showMeta(box, message) {
    box.meta.textContent = message;
  }

  function clear(box) {
    generation += 1;
    state = { results: [], shown: 0, query: "" };
    box.list.textContent = "";
    box.list.removeAttribute("data-la-query");
    showMeta(box, text(box, "placeholder", 0));
  }

  // The query is read once Pagefind has loaded, so the first search is for all that was typed meanwhile;
  // keystrokes during a query wait for it, then the latest text is searched.
  function search(box) {
    if (!box.input.value.trim()) {
      clear(box);
      return;
    }
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    pagefind()
      .then(function (module) {
        var query = box.input.value.trim();
        if (!query || query === state.query) return null;
        var mine = (generation += 1);
        return module.search(query).then(function (answer) {
          if (mine !== generation || !answer) return;
          state = { results: answer.results || [], shown: 0, query: query };
          box.list.textContent = "";
          box.list.setAttribute("data-la-query", query); // which query the list answers (tests wait for it)
          var count = state.results.length;
          showMeta(box, count === 0 ? text(box, "none", 0) : text(box, count === 1 ? "one" : "other", count));
          more(box, mine);
        });
      })
      .catch(function (error) {
        showMeta(box, text(box, "failed", 0));
        console.warn("litatlas search:", error);
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          search(box);
        }
      });
  }

  // Fetches the excerpts of the next PAGE results at once and shows each as soon as it and those before
  // it have arrived, so the first result does not wait for the tenth.
  function more(box, mine) {
    var batch = state.results.slice(state.shown, state.shown + PAGE);
    if (!batch.length) return;
    state.shown += batch.length;
    var shown = Promise.resolve();
    batch.forEach(function (result) {
      var data = result.data();
      shown = shown.then(function () {
        return data.then(function (item) {
          if (mine !== generation) return;
          var element = render(item);
          if (element) box.list.appendChild(element);
        });
      });
    });
    shown.then(function () {
      // A short first page that does not fill the panel cannot be scrolled for more: fetch the next now.
      if (mine === generation && box.scroll.scrollHeight <= box.scroll.clientHeight + 8) more(box, mine);
    });
  }

  function render(data) {
    var url;
    try {
      url = new URL(data.url, ROOT);
    } catch (error) {
      return null;
    }
    if (url.origin !== ROOT.origin) return null; // the index only holds this site's pages
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = url.href;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-search-result__article--document md-typeset";
    var icon = document.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    var title = document.createElement("h1");
    title.textContent = (data.meta && data.meta.title) || url.pathname;
    var excerpt = document.createElement("p");
    appendExcerpt(excerpt, data.excerpt || "");
    article.appendChild(icon);
    article.appendChild(title);
    article.appendChild(excerpt);
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  // Pagefind's excerpt is the indexed text, HTML-escaped, with the matched words in <mark>. Only those
  // two tags are recognised; every other character becomes text (so a record's "<script>" shows as such).
  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'", "&#x2F;": "/" };

  function decode(value) {
    return value.replace(/&(?:amp|lt|gt|quot|#39|#x27|#x2F);/g, function (entity) {
      return ENTITIES[entity];
    });
  }

  function appendExcerpt(target, excerpt) {
    var pieces = excerpt.split(/(<mark>|<\/mark>)/);
    var marked = false;
    pieces.forEach(function (piece) {
      if (piece === "<mark>") {
        marked = true;
      } else if (piece === "</mark>") {
        marked = false;
      } else if (piece) {
        var node = document.createTextNode(decode(piece));
        if (marked) {
          var mark = document.createElement("mark");
          mark.appendChild(node);
          target.appendChild(mark);
        } else {
          target.appendChild(node);
        }
      }
    });
  }

  function links(box) {
    return Array.prototype.slice.call(box.list.querySelectorAll(".md-search-result__link"));
  }

  function close(box) {
    setOpen(box, false);
    if (document.activeElement && box.root.contains(document.activeElement)) document.activeElement.blur();
  }

  function bind() {
    var box = parts();
    if (!box || !box.input || box.root.hasAttribute("data-la-bound")) {
      if (box) close(box); // after an instant navigation: the same header, the search closed
      return;
    }
    box.root.setAttribute("data-la-bound", "");
    box.input.addEventListener("focus", function () {
      setOpen(box, true);
      pagefind(); // start loading while the reader types
    });
    box.input.addEventListener("input", function () {
      // No fixed delay: one query runs at a time and, when it ends, only the latest text is searched, so
      // fast typing costs no wasted queries and a pause costs no waiting.
      search(box);
    });
    box.form.addEventListener("submit", function (event) {
      event.preventDefault(); // Enter opens the first result (keydown below), never reloads the page
    });
    box.form.addEventListener("reset", function () {
      setTimeout(function () {
        clear(box);
        box.input.focus();
      }, 0);
    });
    if (box.toggle) {
      box.toggle.addEventListener("change", function () {
        if (box.toggle.checked) {
          box.input.focus(); // the header's magnifier button on small screens
        } else {
          close(box);
        }
      });
    }
    box.scroll.addEventListener("scroll", function () {
      if (box.scroll.scrollTop + box.scroll.clientHeight >= box.scroll.scrollHeight - 40) more(box, generation);
    });
    box.root.addEventListener("keydown", function (event) {
      var all = links(box);
      var at = all.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        close(box);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) {
          box.input.focus();
        } else {
          all[Math.min(next, all.length - 1)].focus();
          if (next >= all.length - 2) more(box, generation);
        }
      } else if (event.key === "Enter" && event.target === box.input) {
        event.preventDefault();
        if (box.input.value.trim() !== state.query) {
          search(box); // the results on show are for an older query: open nothing yet
        } else if (all.length) {
          all[0].click();
        }
      }
    });
    box.list.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) setOpen(box, false);
    });
  }

  function editable(target) {
    return (
      target &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || "") || (target.closest && target.closest("[contenteditable]")))
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || editable(event.target)) return;
    if (event.key !== "/" && event.key !== "s" && event.key !== "f") return;
    var box = parts();
    if (!box || !box.input) return;
    event.preventDefault();
    setOpen(box, true);
    box.input.focus();
    box.input.select();
  });

  // Start loading Pagefind as soon as this script runs (asynchronously: the page is not held up), so the
  // first query finds it ready, as Material's search loaded its whole index on every page. About 200 KB,
  // fetched once and then cached; skipped when the reader asked to save data (then it loads on first use).
  // Instant navigation keeps this page's scripts, so it happens once per visit.
  var connection = navigator.connection;
  if (!(connection && connection.saveData)) pagefind();

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(bind);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
