// Autocomplete for the search boxes (the site header's and the search page's): fills each one's <datalist>
// from /search.json as the user types. Without this script each form works as a plain GET form.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), suggest);
  function suggest(input) {
  var list = document.getElementById(input.getAttribute("list"));
  var timer = null;
  var latest = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      latest = text;
      if (text.length < 2) { list.replaceChildren(); return; }
      fetch(input.dataset.suggest + "?limit=8&q=" + encodeURIComponent(text), {headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) {
          if (text !== latest) { return; }
          list.replaceChildren.apply(list, data.results.map(function (hit) {
            var option = document.createElement("option");
            option.value = hit.label;
            option.label = hit.typeLabel;
            return option;
          }));
        })
        .catch(function () { list.replaceChildren(); });
    }, 150);
  });
  }
}());
