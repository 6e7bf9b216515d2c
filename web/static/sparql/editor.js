// Enhances the plain query form of /sparql. Without JavaScript, or without the editor's
// assets (web/static/sparql/vendor/, installed at setup), the form works as it is.
// - With YASGUI's bundle loaded: a SPARQL editor (highlighting, the query's prefixes,
//   Ctrl/Cmd+Enter runs the query) replaces the textarea, which still carries the query.
// - The editor knows the dataset's prefixes (the textarea's data-prefixes, from the server): typing
//   "skos:" in a query adds its PREFIX line, and after "PREFIX " it offers them. No other site is asked.
// - Queries too long for an address are sent by POST (the answer page then has no permalink).
// - An answer is shown in YASGUI's result viewer, as a table and as a chart (results-chart.js).
(function () {
  "use strict";
  var LONGEST_GET = 2000;
  var form = document.getElementById("sparql-form");
  if (!form) { return; }
  var textarea = form.querySelector("textarea[name=query]");
  if (!textarea) { return; }
  var editor = null;

  function submit() {
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { form.submit(); }
  }

  // The dataset's prefixes as the editor's prefix completer offers them ("skos: <http://…>").
  function ownPrefixes() {
    var known = {};
    try { known = JSON.parse(textarea.getAttribute("data-prefixes") || "{}"); } catch (e) { known = {}; }
    return Object.keys(known).sort().map(function (name) { return name + ": <" + known[name] + ">"; });
  }

  if (window.Yasgui && window.Yasgui.Yasqe) {
    var Yasqe = window.Yasgui.Yasqe;
    var completers = ["variables"]; // the bundled class and property completers ask services on other sites
    if (Yasqe.Autocompleters && Yasqe.Autocompleters.prefixes && !Yasqe.Autocompleters["dataset-prefixes"]) {
      var declared = ownPrefixes();
      Yasqe.forkAutocompleter("prefixes", {
        name: "dataset-prefixes",
        persistenceId: null, // always this page's list, never one kept in local storage
        get: function () { return Promise.resolve(declared); }
      }, false);
    }
    if (Yasqe.Autocompleters && Yasqe.Autocompleters["dataset-prefixes"]) { completers.unshift("dataset-prefixes"); }
    // The editor merges its options into its defaults index by index, so a shorter list would keep the
    // defaults' class and property completers (which ask another site on every keystroke): empty them first.
    Yasqe.defaults.autocompleters = [];
    var holder = document.createElement("div");
    holder.className = "sparql-editor";
    textarea.parentNode.insertBefore(holder, textarea);
    textarea.hidden = true;
    editor = new window.Yasgui.Yasqe(holder, {
      value: textarea.value,
      persistenceId: null,          // the query lives in the address, not in local storage
      showQueryButton: false,       // the form's button runs it
      resizeable: true,
      createShareableLink: null,
      autocompleters: completers,
      extraKeys: { "Ctrl-Enter": submit, "Cmd-Enter": submit }
    });
    // The editor's hidden input carries the form's label; its scrolling area takes keyboard focus.
    var input = holder.querySelector("textarea");
    if (input) { input.setAttribute("aria-label", "SPARQL query"); }
    var scroller = holder.querySelector(".CodeMirror-scroll");
    if (scroller) { scroller.tabIndex = 0; }
  }

  // The answer in YASGUI's result viewer: its table, and a chart of the rows (results-chart.js, this site's own
  // drawing). The server's table stays the view without script, and when the address chooses facets or a sort.
  function showResults(section) {
    var Yasr = window.Yasgui && window.Yasgui.Yasr;
    var address = section.getAttribute("data-answer");
    if (!Yasr || !address || /[?&]_/.test(window.location.search)) { return; }
    var colours = {};
    try { colours = JSON.parse(section.getAttribute("data-chart") || "{}"); } catch (e) { colours = {}; }
    var prefixes = {};
    try { prefixes = JSON.parse(textarea.getAttribute("data-prefixes") || "{}"); } catch (e) { prefixes = {}; }
    window.fetch(address, { headers: { Accept: "application/sparql-results+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { return null; }
        return response.text().then(function (text) {
          return { data: text, contentType: response.headers.get("Content-Type"), status: response.status };
        });
      })
      .then(function (answer) {
        if (!answer) { return; }
        adoptAddedStyles();
        var holder = document.createElement("div");
        holder.className = "results-view";
        var table = section.querySelector(".server-results");
        section.insertBefore(holder, table);
        var yasr = new Yasr(holder, {
          persistenceId: null,               // nothing kept in local storage
          prefixes: prefixes,
          pluginOrder: ["table", "chart"],
          defaultPlugin: "table",
          plugins: { response: { enabled: false }, chart: { enabled: true, colours: colours } }
        });
        yasr.on("drawn", function () { tidy(holder); });
        yasr.setResponse(answer);
        if (table) {
          var cap = table.querySelector(".row-cap");   // the row limit cuts the viewer's answer too
          if (cap) { section.insertBefore(cap, holder); }
          table.hidden = true;
        }
      })
      .catch(function () {});                // the server's table stays
  }

  // What the viewer draws, made to meet the rest of the site: names for its controls, its results a region
  // that scrolls by keyboard, and no links to the viewer's documentation on another site.
  function tidy(holder) {
    Array.prototype.forEach.call(holder.querySelectorAll(".yasr_external_ref_btn, .yasr_downloadIcon"),
      function (button) { button.remove(); });   // the page's download links stay above
    var sizer = holder.querySelector("select.tableSizer");
    if (sizer) { sizer.setAttribute("aria-label", "Rows per page"); }
    var results = holder.querySelector(".yasr_results");
    if (results && !results.hasAttribute("role")) {
      results.setAttribute("role", "region");
      results.setAttribute("aria-label", "Results");
      results.tabIndex = 0;
      results.classList.add("results-scroll");  // scrolls sideways by itself, like the server's table
    }
  }

  // The viewer's table lets columns be resized, and its resizer adds its rules to the head as <style> elements,
  // which the site's policy refuses (no inline styles), logging an error. Its rules are given to the page as
  // constructed style sheets instead (the style sheet API, which the policy allows), each text once.
  function adoptAddedStyles() {
    var head = document.head;
    if (!head || !("adoptedStyleSheets" in document) || typeof CSSStyleSheet !== "function") { return; }
    var append = head.appendChild, adopted = {};
    head.appendChild = function (child) {
      if (!child || child.tagName !== "STYLE") { return append.call(this, child); }
      var text = child.textContent || "";
      if (!adopted[text]) {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(text);
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
        adopted[text] = true;
      }
      return child;
    };
  }

  var resultsSection = document.getElementById("results");
  if (resultsSection) { showResults(resultsSection); }

  form.addEventListener("submit", function () {
    if (editor) { textarea.value = editor.getValue(); }
    form.method = textarea.value.length > LONGEST_GET ? "post" : "get";
  });
})();
