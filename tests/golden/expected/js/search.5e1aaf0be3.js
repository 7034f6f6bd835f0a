/* Site search: the header box (layouts/partials/search.html) queries the prebuilt index
   search-index.json, a manifest of shards (written by catalog/search.py; its docstring
   describes the format): the manifest is fetched on first focus, and each query fetches
   only the shards of its words and of the results it shows. Results show as you type: every query word must occur in
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

  /* ---------- The index: a manifest, and shards fetched as a query needs them ---------- */

  var IN_TITLE = 1 << 5;
  var IN_SECTION = 1 << 6;
  var TITLE_POSITIONS = 5;
  var PREFIX_CHARS = 3;
  var PREFIX_MARK = "\u0001";

  function Index(manifest, url) {
    if (!manifest || manifest.version !== 2) throw new Error("unknown search index version");
    this.manifest = manifest;
    this.url = url;  // shard paths are relative to the manifest's URL
    this.count = manifest.count;
    this.stopwords = new Set(manifest.stopwords);
    this.files = new Map();  // shard path -> promise of its JSON
    this.entries = new Map();  // term -> [postings, fields], from the term shards loaded
    this.decoded = new Map();
    this.docs = new Map();  // doc number -> [url, title, section, kind, excerpt]
  }

  Index.prototype.fetch = function (path) {
    var loading = this.files.get(path);
    if (!loading) {
      var self = this;
      loading = fetch(new URL(path, this.url).href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      loading.catch(function () { self.files.delete(path); });  // try again on the next query
      this.files.set(path, loading);
    }
    return loading;
  };

  // The term shard that would hold `word`: the last whose first term is <= it.
  Index.prototype.shardOf = function (word) {
    var starts = this.manifest.term_starts;
    var lo = 0;
    var hi = starts.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (starts[mid] <= word) lo = mid + 1; else hi = mid;
    }
    return Math.max(lo - 1, 0);
  };

  // Load the term shards holding every term from `lo` to `hi`.
  Index.prototype.loadTerms = function (lo, hi) {
    var self = this;
    var loads = [];
    for (var k = this.shardOf(lo); k <= this.shardOf(hi); k++) {
      loads.push(this.fetch(this.manifest.term_files[k]).then(function (shard) {
        for (var i = 0; i < shard.terms.length; i++) {
          if (!self.entries.has(shard.terms[i])) self.entries.set(shard.terms[i], [shard.postings[i], shard.fields[i]]);
        }
      }));
    }
    return Promise.all(loads);
  };

  Index.prototype.loadDocs = function (numbers) {
    var self = this;
    var size = this.manifest.docs;
    var shards = new Set(numbers.map(function (number) { return Math.floor(number / size); }));
    return Promise.all(Array.from(shards).map(function (k) {
      return self.fetch(self.manifest.doc_files[k]).then(function (docs) {
        for (var i = 0; i < docs.length; i++) self.docs.set(k * size + i, docs[i]);
      });
    }));
  };

  // Base-32 numbers; `~` and a count repeat the number before it (postings only).
  function decodeNumbers(encoded) {
    var numbers = [];
    var value = 0;
    var repeat = false;
    for (var i = 0; i < encoded.length; i++) {
      var char = encoded.charAt(i);
      if (char === "~") {
        repeat = true;
        continue;
      }
      var digit = ALPHABET.indexOf(char);
      if (digit >= 32) {
        value = value * 32 + digit - 32;
      } else {
        value = value * 32 + digit;
        if (repeat) {
          for (var k = 0; k < value; k++) numbers.push(numbers[numbers.length - 1]);
          repeat = false;
        } else {
          numbers.push(value);
        }
        value = 0;
      }
    }
    return numbers;
  }

  // A term's docs and its title/section flags by doc, kept once decoded.
  Index.prototype.term = function (term) {
    var cached = this.decoded.get(term);
    if (cached) return cached;
    var entry = this.entries.get(term);
    if (!entry) return null;
    var docs = [];
    var previous = -1;
    decodeNumbers(entry[0]).forEach(function (gap) { previous += gap; docs.push(previous); });
    // fields: runs over the postings (skip, take, two characters of flags)
    var flags = new Map();
    var runs = entry[1];
    var at = 0;
    var index = 0;
    while (at < runs.length) {
      var pair = [];
      var value = 0;
      while (pair.length < 2 && at < runs.length) {
        var digit = ALPHABET.indexOf(runs.charAt(at++));
        if (digit >= 32) {
          value = value * 32 + digit - 32;
        } else {
          pair.push(value * 32 + digit);
          value = 0;
        }
      }
      var flag = ALPHABET.indexOf(runs.charAt(at)) * 64 + ALPHABET.indexOf(runs.charAt(at + 1));
      at += 2;
      index += pair[0];
      for (var k = 0; k < pair[1]; k++) flags.set(docs[index + k], flag);
      index += pair[1];
    }
    cached = { docs: docs, flags: flags };
    this.decoded.set(term, cached);
    return cached;
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

  // Load what word `q` needs: its own term and, for a prefix (and for the last word, whose
  // prefix the title may start with), every term starting with it, or their union.
  Index.prototype.lookUp = function (q, wide) {
    var self = this;
    var word = q.word;
    var exact = function () { return self.term(word); };
    if (!wide) return this.loadTerms(word, word).then(function () { q.exact = exact(); q.range = [q.exact]; });
    var short = word.length <= PREFIX_CHARS;
    return this.loadTerms(word, short ? word + PREFIX_MARK : word).then(function () {
      var union = short ? self.term(word + PREFIX_MARK) : null;
      if (union) return [union];
      return self.loadTerms(word, word + "\uffff").then(function () {
        var found = [];
        self.entries.forEach(function (entry, term) {
          if (term.lastIndexOf(word, 0) === 0 && term.indexOf(PREFIX_MARK) === -1) found.push(self.term(term));
        });
        return found;
      });
    }).then(function (range) {
      q.exact = exact();
      q.range = range;
    });
  };

  // The flags of word `q` in doc `number`: of its own term, and of any term starting with it.
  function flagsOf(q, number) {
    var exact = q.exact ? q.exact.flags.get(number) || 0 : 0;
    var any = 0;
    for (var i = 0; i < q.range.length; i++) if (q.range[i]) any |= q.range[i].flags.get(number) || 0;
    return { exact: exact, any: any };
  }

  /* Every query word must occur in the page, the last one as a prefix while typed. Matches
     in the title rank above matches in the section, which rank above matches in the text;
     a title that is the query, or starts with it, ranks higher still. */
  Index.prototype.search = function (query) {
    var self = this;
    var parsed = this.parse(query);
    if (parsed.length === 0) return Promise.resolve({ words: parsed, results: [], total: 0 });
    var last = parsed.length - 1;
    return Promise.all(parsed.map(function (q, i) { return self.lookUp(q, q.prefix || i === last); }))
      .then(function () {
        var candidates = null;
        parsed.forEach(function (q) {
          var found = new Uint8Array(self.count);
          var terms = q.prefix ? q.range : [q.exact];
          terms.forEach(function (term) {
            if (term) for (var i = 0; i < term.docs.length; i++) found[term.docs[i]] = 1;
          });
          if (candidates) {
            for (var d = 0; d < found.length; d++) candidates[d] &= found[d];
          } else {
            candidates = found;
          }
        });
        var scored = [];
        var unsure = [];  // a query of more words than the flags place: the title decides
        for (var number = 0; number < candidates.length; number++) {
          if (!candidates[number]) continue;
          var result = self.score(number, parsed);
          scored.push(result);
          if (result.unsure) unsure.push(number);
        }
        return self.loadDocs(unsure).then(function () {
          var phrase = parsed.map(function (q) { return q.word; }).join(" ");
          scored.forEach(function (result) {
            if (!result.unsure) return;
            var title = words(self.docs.get(result.number)[1]).join(" ");
            if (title === phrase) result.score += 8;
            else if (title.lastIndexOf(phrase, 0) === 0) result.score += 4;
          });
          scored.sort(function (a, b) { return b.score - a.score || a.number - b.number; });
          var shown = scored.slice(0, MAX_RESULTS);
          return self.loadDocs(shown.map(function (r) { return r.number; })).then(function () {
            shown.forEach(function (r) { r.doc = self.docs.get(r.number); });
            return { words: parsed, results: shown, total: scored.length };
          });
        });
      });
  };

  Index.prototype.score = function (number, parsed) {
    var score = 0;
    var n = parsed.length;
    var starts = true;
    var equal = true;
    var length = 0;
    parsed.forEach(function (q, j) {
      var flags = flagsOf(q, number);
      if (flags.exact & IN_TITLE) score += 10;
      else if (q.prefix && (flags.any & IN_TITLE)) score += 6;
      else if ((q.prefix ? flags.any : flags.exact) & IN_SECTION) score += 2;
      else score += 1;
      length = length || (flags.any >> 7) & 7;
      if (j < TITLE_POSITIONS) {
        // the title starts with the query's words, the last as a prefix of a title word
        if (!((j === n - 1 ? flags.any : flags.exact) & (1 << j))) starts = false;
        if (!(flags.exact & (1 << j))) equal = false;
      }
    });
    if (n > TITLE_POSITIONS) return { number: number, score: score, unsure: starts };
    if (equal && length === n) score += 8;
    else if (starts) score += 4;
    return { number: number, score: score, unsure: false };
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
    var queries = 0;  // queries asked: a query's shards may come after the next query's
    var closes = 0;  // times the list was closed: results that come after stay closed
    // The index holds root-relative URLs (/docs/guide/). A site built with relative_urls may be
    // served under any prefix: there data-root is the site's root relative to this page
    // (the build rewrote it as it rewrites links) and a result resolves against it.
    var basePath = form.getAttribute("data-base-path") || "/";
    var root = new URL(form.getAttribute("data-root") || basePath, document.baseURI).href;

    function target(href) {
      if (href.indexOf(basePath) === 0 && href.charAt(1) !== "/") {
        return new URL(href.slice(basePath.length), root).href;
      }
      return new URL(href, document.baseURI).href;
    }

    function load() {
      if (!loading) {
        loading = fetch(form.getAttribute("data-index"), { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.json();
          })
          .then(function (data) {
            index = new Index(data, new URL(form.getAttribute("data-index"), document.baseURI).href);
            search(panel.hidden);  // a list closed meanwhile (Escape) gets its results, closed
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
      if (!isOpen) closes++;
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
      search(false);
    }

    // Show the results of the query in the box; `keepClosed`: in a list the visitor closed.
    function search(keepClosed) {
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
        if (!keepClosed) open(document.activeElement === input);
        return;
      }
      var asked = ++queries;
      var closed = closes;
      index.search(query).then(function (found) {
        if (asked === queries) showResults(query, found, !keepClosed && closed === closes);
      }, function () {
        if (asked === queries) show("Search is not available right now.");
      });
    }

    function showResults(query, found, mayOpen) {
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      found.results.forEach(function (result, i) {
        var doc = result.doc;
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
      open(mayOpen && document.activeElement === input);
    }

    function follow(number) {
      var all = options();
      var option = all[number >= 0 ? number : 0];
      var href = option && option.getAttribute("data-href");
      if (href) window.location.assign(target(href));
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
        window.open(target(option.getAttribute("data-href")), "_blank", "noopener");
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
