/* Site search: the header box (layouts/partials/search.html) queries the prebuilt index
   search-index.json (written by catalog/search.py; its docstring describes the format),
   fetched once, on first focus. Results show as you type: every query word must occur in
   the page, the last one as a prefix; matches in the title rank above matches in the
   section, which rank above matches in the text. The box is an ARIA 1.2 combobox:
   "/" focuses it, the arrow keys move through the results, Enter opens one, Escape
   closes the list. Page text only ever reaches the page as text nodes. Loaded with
   `defer`; without JavaScript the form stays hidden. */
(function () {
  "use strict";

  var MAX_RESULTS = 10;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var WORD = /[\p{L}\p{N}]+/gu;
  var WORD_WITH_MARKS = /[\p{L}\p{N}\p{M}]+/gu;
  var MARKS = /\p{M}/gu;

  /* ---------- Words: the same normalisation as catalog/search.py words() ---------- */

  function fold(text) {
    return text.normalize("NFKD").replace(MARKS, "").toLowerCase();
  }

  function words(text) {
    return fold(text).match(WORD) || [];
  }

  /* ---------- The index ---------- */

  function Index(data) {
    if (!data || data.version !== 1) throw new Error("unknown search index version");
    this.docs = data.docs;
    this.terms = data.terms;
    this.postings = data.postings;
    this.stopwords = new Set(data.stopwords);
    this.decoded = new Map();
    this.fields = new Map();
  }

  // First term >= `word` (terms are sorted by UTF-16 code units, as JavaScript compares).
  Index.prototype.lowerBound = function (word) {
    var lo = 0;
    var hi = this.terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (this.terms[mid] < word) lo = mid + 1; else hi = mid;
    }
    return lo;
  };

  Index.prototype.docsOf = function (term) {
    var cached = this.decoded.get(term);
    if (cached) return cached;
    var encoded = this.postings[term];
    var numbers = [];
    var value = 0;
    var previous = -1;
    for (var i = 0; i < encoded.length; i++) {
      var digit = ALPHABET.indexOf(encoded.charAt(i));
      if (digit >= 32) {
        value = value * 32 + digit - 32;
      } else {
        previous += value * 32 + digit;
        numbers.push(previous);
        value = 0;
      }
    }
    this.decoded.set(term, numbers);
    return numbers;
  };

  // The docs holding `word` (or a word starting with it), as a 0/1 array by doc number.
  Index.prototype.matching = function (word, prefix) {
    var found = new Uint8Array(this.docs.length);
    var first = this.lowerBound(word);
    var last = prefix ? this.lowerBound(word + "\uffff") : (this.terms[first] === word ? first + 1 : first);
    for (var term = first; term < last; term++) {
      var docs = this.docsOf(term);
      for (var i = 0; i < docs.length; i++) found[docs[i]] = 1;
    }
    return found;
  };

  // A doc's title and section words, kept once computed.
  Index.prototype.fieldsOf = function (number) {
    var fields = this.fields.get(number);
    if (!fields) {
      var doc = this.docs[number];
      fields = { title: words(doc[1]), section: words(doc[2]) };
      this.fields.set(number, fields);
    }
    return fields;
  };

  /* The query words to look up: [{word, prefix}]. Stop words are not in the index, so they
     are dropped, unless the query is one word being typed ("a" on its way to "aws"). */
  Index.prototype.parse = function (query) {
    var all = words(query);
    var typing = !/\s$/.test(query);
    var self = this;
    var parsed = all.map(function (word, i) {
      return { word: word, prefix: typing && i === all.length - 1 };
    });
    var kept = parsed.filter(function (q) { return !self.stopwords.has(q.word); });
    if (kept.length === 0 && parsed.length === 1 && parsed[0].prefix) kept = parsed;
    return kept;
  };

  Index.prototype.search = function (query) {
    var parsed = this.parse(query);
    if (parsed.length === 0) return { words: parsed, results: [], total: 0 };
    var candidates = null;
    for (var i = 0; i < parsed.length; i++) {
      var found = this.matching(parsed[i].word, parsed[i].prefix);
      if (candidates) {
        for (var d = 0; d < found.length; d++) candidates[d] &= found[d];
      } else {
        candidates = found;
      }
    }
    var phrase = parsed.map(function (q) { return q.word; }).join(" ");
    var scored = [];
    for (var number = 0; number < candidates.length; number++) {
      if (candidates[number]) scored.push({ number: number, score: this.score(number, parsed, phrase) });
    }
    scored.sort(function (a, b) { return b.score - a.score || a.number - b.number; });
    return { words: parsed, results: scored.slice(0, MAX_RESULTS), total: scored.length };
  };

  function has(list, q) {
    for (var i = 0; i < list.length; i++) {
      if (list[i] === q.word || (q.prefix && list[i].lastIndexOf(q.word, 0) === 0)) return true;
    }
    return false;
  }

  Index.prototype.score = function (number, parsed, phrase) {
    var fields = this.fieldsOf(number);
    var score = 0;
    parsed.forEach(function (q) {
      if (fields.title.indexOf(q.word) !== -1) score += 10;
      else if (has(fields.title, q)) score += 6;
      else if (has(fields.section, q)) score += 2;
      else score += 1;
    });
    var title = fields.title.join(" ");
    if (title === phrase) score += 8;
    else if (title.lastIndexOf(phrase, 0) === 0) score += 4;
    return score;
  };

  /* ---------- Showing results (DOM APIs only: titles and text are never parsed as HTML) ---------- */

  // `text` into `parent`, with every word that matches a query word inside <mark>.
  function appendMarked(parent, text, parsed) {
    var at = 0;
    var match;
    WORD_WITH_MARKS.lastIndex = 0;
    while ((match = WORD_WITH_MARKS.exec(text)) !== null) {
      var hit = words(match[0]).some(function (word) {
        return parsed.some(function (q) { return word === q.word || (q.prefix && word.lastIndexOf(q.word, 0) === 0); });
      });
      if (!hit) continue;
      if (match.index > at) parent.appendChild(document.createTextNode(text.slice(at, match.index)));
      var mark = document.createElement("mark");
      mark.textContent = match[0];
      parent.appendChild(mark);
      at = match.index + match[0].length;
    }
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  // The excerpt from a little before its first match, so the match shows in two lines.
  function snippet(excerpt, parsed) {
    var match;
    WORD_WITH_MARKS.lastIndex = 0;
    while ((match = WORD_WITH_MARKS.exec(excerpt)) !== null) {
      var hit = words(match[0]).some(function (word) {
        return parsed.some(function (q) { return word === q.word || (q.prefix && word.lastIndexOf(q.word, 0) === 0); });
      });
      if (hit) {
        if (match.index <= 60) return excerpt;
        var start = excerpt.indexOf(" ", match.index - 40);
        return "\u2026" + excerpt.slice(start + 1 > 0 && start < match.index ? start + 1 : match.index);
      }
    }
    return excerpt;
  }

  function element(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  /* ---------- The combobox ---------- */

  function setup(form) {
    var input = form.querySelector("[role='combobox']");
    var list = form.querySelector("[role='listbox']");
    var panel = form.querySelector(".site-search-panel");
    var message = form.querySelector(".site-search-message");
    var status = form.querySelector("[role='status']");
    if (!input || !list || !panel || !message || !status) return;
    var index = null;
    var loading = null;
    var active = -1;
    var shown = "";

    function load() {
      if (!loading) {
        loading = fetch(form.getAttribute("data-index"), { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          })
          .then(function (data) {
            index = new Index(data);
            update();
          })
          .catch(function () {
            loading = null;  // try again on the next focus
            show("Search is not available right now.");
          });
      }
      return loading;
    }

    function options() {
      return list.querySelectorAll("[role='option']");
    }

    function open(isOpen) {
      panel.hidden = !isOpen;
      input.setAttribute("aria-expanded", isOpen && options().length ? "true" : "false");
      if (!isOpen) activate(-1);
    }

    function activate(number) {
      var all = options();
      if (active >= 0 && all[active]) all[active].setAttribute("aria-selected", "false");
      active = number >= 0 && number < all.length ? number : -1;
      if (active >= 0) {
        all[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(text) {
      list.textContent = "";
      message.textContent = text;
      status.textContent = text;
      shown = "";
      open(document.activeElement === input && text !== "");
    }

    function update() {
      var query = input.value;
      if (!query.trim()) {
        show("");
        return;
      }
      if (!index) {
        show("Loading the search index\u2026");
        load();
        return;
      }
      if (query === shown) {
        open(document.activeElement === input);
        return;
      }
      var found = index.search(query);
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      found.results.forEach(function (result, i) {
        var doc = index.docs[result.number];
        var option = element("li", "site-search-result");
        option.id = "site-search-result-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        // No link inside the option: an option is one control, and a link in it would be a
        // second one (axe's nested-interactive). Enter or a click on the option opens doc[0].
        option.setAttribute("data-href", doc[0]);
        var link = element("span", "site-search-link");
        var title = element("span", "site-search-title");
        appendMarked(title, doc[1], found.words);
        link.appendChild(title);
        var where = element("span", "site-search-section");
        where.textContent = doc[3] === "plugin" ? "Plugin" + (doc[2] ? " \u00b7 " + doc[2] : "") : doc[2];
        if (where.textContent) link.appendChild(where);
        if (doc[4]) {
          var text = element("span", "site-search-snippet");
          appendMarked(text, snippet(doc[4], found.words), found.words);
          link.appendChild(text);
        }
        option.appendChild(link);
        list.appendChild(option);
      });
      var summary;
      if (found.total === 0) summary = "No results for \u201c" + query.trim() + "\u201d.";
      else if (found.total > found.results.length) summary = found.results.length + " of " + found.total + " results shown; type more to narrow them.";
      else summary = found.total === 1 ? "1 result." : found.total + " results.";
      message.textContent = found.total > found.results.length || found.total === 0 ? summary : "";
      status.textContent = summary;
      shown = query;
      open(document.activeElement === input);
    }

    function follow(number) {
      var all = options();
      var option = all[number >= 0 ? number : 0];
      var href = option && option.getAttribute("data-href");
      if (href) window.location.assign(new URL(href, document.baseURI).href);
    }

    input.addEventListener("focus", function () {
      load();
      update();
    });
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      var count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (panel.hidden) update();
        if (!count) return;
        var step = event.key === "ArrowDown" ? 1 : -1;
        activate(active < 0 ? (step > 0 ? 0 : count - 1) : (active + step + count) % count);
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (!panel.hidden && count) follow(active);
      } else if (event.key === "Escape") {
        // Native search inputs clear themselves on Escape: close the list first instead.
        event.preventDefault();
        if (!panel.hidden) {
          open(false);
        } else if (input.value) {
          input.value = "";
          update();
        } else {
          input.blur();
        }
      } else if (event.key === "Tab") {
        open(false);
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    // Keep the focus in the box when a result is pressed; the click still follows the link.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    // Options hold no link: a click opens the result, Ctrl/Cmd/Shift-click or the middle
    // button open it in a new tab as a link would.
    function press(event) {
      var option = event.target.closest ? event.target.closest("[role='option']") : null;
      if (!option || event.button > 1) return;
      if (event.button === 1 || event.ctrlKey || event.metaKey || event.shiftKey) {
        window.open(new URL(option.getAttribute("data-href"), document.baseURI).href, "_blank", "noopener");
      } else {
        follow(Array.prototype.indexOf.call(options(), option));
      }
    }
    list.addEventListener("click", press);
    list.addEventListener("auxclick", press);
    list.addEventListener("mousemove", function (event) {
      var option = event.target.closest ? event.target.closest("[role='option']") : null;
      if (option) activate(Array.prototype.indexOf.call(options(), option));
    });
    input.addEventListener("blur", function () {
      open(false);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
    form.hidden = false;
  }

  function init() {
    var form = document.querySelector("form[data-search]");
    if (form && window.fetch && String.prototype.normalize) setup(form);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
