// Enhances the plain query form of /sparql. Without JavaScript, or without the editor's
// assets (web/static/sparql/vendor/, installed at setup), the form works as it is.
// - With YASGUI's bundle loaded: a SPARQL editor (highlighting, the query's prefixes,
//   Ctrl/Cmd+Enter runs the query) replaces the textarea, which still carries the query.
// - The editor knows the dataset's prefixes (the textarea's data-prefixes, from the server): typing
//   "skos:" in a query adds its PREFIX line, and after "PREFIX " it offers them. No other site is asked.
// - Queries too long for an address are sent by POST (the answer page then has no permalink).
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

  form.addEventListener("submit", function () {
    if (editor) { textarea.value = editor.getValue(); }
    form.method = textarea.value.length > LONGEST_GET ? "post" : "get";
  });
})();
