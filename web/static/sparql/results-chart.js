// A bar chart of a SELECT answer, as a view of YASGUI's result viewer (YASR): drawn here, as SVG, with no
// script or data from another site (YASGUI's own chart view loads Google Charts from Google, which this site's
// Content-Security-Policy refuses and which would send readers' queries elsewhere).
// - An answer can be charted when it has a column of labels and one or more columns of numbers (every value
//   in them a literal of an XML Schema numeric type). Each row is a bar per number column, horizontal, its
//   label above it: labels are never cut, and the chart takes its column's width at 13 px text.
// - Colours are the site's chart palette (web.present.charts.chart_palette, given by the page in the results
//   section's data-chart; there is no copy here); each is at least 4.5:1 on white, so bars pass 3:1 and a value
//   written inside a bar in white passes 4.5:1.
// - The chart is a picture named by its title and described by its figures; the same rows are in the Table
//   view. An answer that cannot be charted gets a message saying why.
(function () {
  "use strict";
  var Yasr = window.Yasgui && window.Yasgui.Yasr;
  if (!Yasr || typeof Yasr.registerPlugin !== "function") { return; }

  var SVG = "http://www.w3.org/2000/svg";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = ["integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte"].map(function (name) { return XSD + name; });
  var MOST_BARS = 200;       // more rows than this are not drawn: the message says so
  var LABEL_CHARS = 34;      // a label line: fits a 296 px column at 13 px
  var FONT_SIZE = 13;
  var LINE = 17;             // a label line's height
  var BAR = 16;
  var BAR_GAP = 4;
  var ROW_GAP = 12;
  var INSIDE_FROM = 55;      // a bar at least this wide (per cent) carries its value inside, in white
  var drawn = 0;

  function isNumber(term) {
    return !!term && term.type !== "uri" && term.type !== "bnode" && NUMERIC.indexOf(term.datatype) >= 0
      && isFinite(Number(term.value));
  }

  function shorten(iri, prefixes) {
    for (var name in prefixes) {
      if (Object.prototype.hasOwnProperty.call(prefixes, name) && iri.indexOf(prefixes[name]) === 0
          && iri.length > prefixes[name].length) {
        return name + ":" + iri.slice(prefixes[name].length);
      }
    }
    return iri;
  }

  // What a chart of the answer shows ({label, series, rows}), or why there is none ({problem}).
  function analyse(variables, bindings, prefixes) {
    if (!variables || !variables.length || !bindings) {
      return { problem: "it is not a table of rows (only SELECT answers are charted)." };
    }
    if (!bindings.length) { return { problem: "it has no rows." }; }
    var numeric = [], other = [];
    variables.forEach(function (name) {
      var values = bindings.map(function (b) { return b[name]; }).filter(Boolean);
      if (values.length && values.every(isNumber)) { numeric.push(name); } else if (values.length) { other.push(name); }
    });
    if (!numeric.length) {
      return { problem: "no column holds only numbers (a chart needs one, such as a COUNT)." };
    }
    if (!other.length) {
      return { problem: "no column holds labels for the bars (a chart needs one besides its numbers)." };
    }
    // Prefer a column of literals (a label) to one of addresses.
    var label = other.filter(function (name) {
      return bindings.every(function (b) { return !b[name] || b[name].type !== "uri"; });
    })[0] || other[0];
    var negative = bindings.some(function (b) {
      return numeric.some(function (name) { return isNumber(b[name]) && Number(b[name].value) < 0; });
    });
    if (negative) { return { problem: "it has negative numbers, which these bars, drawn from zero, cannot show." }; }
    if (bindings.length > MOST_BARS) {
      return { problem: "it has " + bindings.length + " rows, more than the " + MOST_BARS
        + " a readable chart holds: narrow the query, or add LIMIT." };
    }
    var rows = bindings.map(function (b) {
      var term = b[label];
      var text = !term ? "(no " + label + ")" : term.type === "uri" ? shorten(term.value, prefixes) : term.value;
      return { label: text, values: numeric.map(function (name) {
        return isNumber(b[name]) ? { text: b[name].value, number: Number(b[name].value) } : null;
      }) };
    });
    return { label: label, series: numeric, rows: rows };
  }

  function wrap(text, width) {
    var lines = [], line = "";
    text.split(/\s+/).forEach(function (word) {
      while (word.length > width) {          // an address or a long word: split where the line ends
        if (line) { lines.push(line); line = ""; }
        lines.push(word.slice(0, width));
        word = word.slice(width);
      }
      if (!word) { return; }
      if (line && line.length + 1 + word.length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line || !lines.length) { lines.push(line); }
    return lines;
  }

  function node(name, attrs, parent, text) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { element.setAttribute(key, String(attrs[key])); });
    if (text !== undefined) { element.textContent = text; }
    if (parent) { parent.appendChild(element); }
    return element;
  }

  function describe(found) {
    var shown = found.rows.slice(0, 50).map(function (row) {
      return row.label + ": " + row.values.map(function (v, i) {
        return (found.series.length > 1 ? found.series[i] + " " : "") + (v ? v.text : "none");
      }).join(", ");
    });
    return shown.join("; ") + (found.rows.length > 50 ? "; and " + (found.rows.length - 50) + " more rows." : ".");
  }

  function chart(found, colours, id) {
    var series = found.series;
    var largest = 0;
    found.rows.forEach(function (row) {
      row.values.forEach(function (v) { if (v && v.number > largest) { largest = v.number; } });
    });
    var scale = largest > 0 ? 100 / largest : 0;
    var svg = node("svg", { xmlns: SVG, role: "img", width: "100%", "class": "peel-chart results-chart", id: id,
      "aria-labelledby": id + "-title " + id + "-desc", "font-size": FONT_SIZE, fill: colours.text });
    var title = series.join(", ") + " by " + found.label;
    node("title", { id: id + "-title" }, svg, "Bar chart: " + title);
    node("desc", { id: id + "-desc" }, svg, describe(found));
    var y = 0;
    if (series.length > 1) {                 // a key: a swatch and the column's name a line
      series.forEach(function (name, i) {
        var key = node("g", { "class": "key" }, svg);
        node("rect", { x: 0, y: y + 2, width: 12, height: 12, fill: colours.series[i % colours.series.length] }, key);
        node("text", { x: 18, y: y + 12 }, key, name);
        y += LINE;
      });
      y += ROW_GAP / 2;
    }
    var top = y;
    found.rows.forEach(function (row) {
      var group = node("g", { "class": "row", "data-label": row.label }, svg);
      var text = node("text", { x: 0, y: y + FONT_SIZE, "font-weight": 600 }, group);
      wrap(row.label, LABEL_CHARS).forEach(function (part, i) {
        node("tspan", { x: 0, dy: i === 0 ? 0 : LINE }, text, part);
        y += LINE;
      });
      y += 2;
      row.values.forEach(function (value, i) {
        var bar = node("g", { "class": "bar", "data-label": row.label, "data-series": series[i],
          "data-value": value ? value.text : "" }, group);
        var colour = colours.series[i % colours.series.length];
        var share = value ? value.number * scale : 0;
        node("rect", { x: 0, y: y, width: share.toFixed(2) + "%", height: BAR, fill: colour }, bar);
        var words = value ? value.text : "none";
        if (series.length > 1) { words = series[i] + " " + words; }
        var inside = share >= INSIDE_FROM;
        node("text", { x: share.toFixed(2) + "%", dx: inside ? -4 : 4, y: y + BAR - 4,
          "text-anchor": inside ? "end" : "start", fill: inside ? colours.paper : colours.text }, bar, words);
        y += BAR + BAR_GAP;
      });
      y += ROW_GAP - BAR_GAP;
    });
    node("line", { x1: 0.5, x2: 0.5, y1: top, y2: y - ROW_GAP, stroke: colours.rule }, svg);  // zero
    svg.setAttribute("height", String(y));
    return svg;
  }

  function Chart(yasr) {
    this.yasr = yasr;
    this.label = "Chart";
    this.priority = 5;                       // below the table, which stays the first view
  }
  Chart.prototype.canHandleResults = function () {
    // Any table of rows: an answer that cannot be drawn gets a message saying why, not a missing view.
    var results = this.yasr.results;
    return !!results && !!results.getVariables() && results.getVariables().length > 0;
  };
  Chart.prototype.getIcon = function () {
    var icon = node("svg", { viewBox: "0 0 16 16", width: 16, height: 16, "aria-hidden": "true", focusable: "false" });
    [[1, 2, 12], [1, 7, 8], [1, 12, 14]].forEach(function (b) {
      node("rect", { x: b[0], y: b[1], width: b[2], height: 3, fill: "currentColor" }, icon);
    });
    return icon;
  };
  Chart.prototype.draw = function () {
    var results = this.yasr.results;
    var colours = (this.yasr.config.plugins.chart || {}).colours || {};
    var found = analyse(results.getVariables(), results.getBindings(), this.yasr.getPrefixes());
    if (!found.problem && !(colours.series && colours.series.length && colours.text && colours.rule && colours.paper)) {
      found = { problem: "the page did not give the chart its colours." };  // the server's palette, in data-chart
    }
    var place = this.yasr.resultsEl;
    if (found.problem) {
      var message = document.createElement("p");
      message.className = "chart-message";
      message.setAttribute("role", "status");
      message.textContent = "This answer cannot be drawn as a chart: " + found.problem
        + " Its rows are in the Table view.";
      place.appendChild(message);
      return;
    }
    drawn += 1;
    var figure = document.createElement("figure");
    figure.className = "results-chart-figure";
    var caption = document.createElement("figcaption");
    caption.textContent = "Bars of " + found.series.join(", ") + " by " + found.label + ", one a row ("
      + found.rows.length + (found.rows.length === 1 ? " row" : " rows") + ", from zero"
      + (found.series.length > 1 ? ", on one scale" : "") + "). The same rows are in the Table view.";
    figure.appendChild(caption);
    figure.appendChild(chart(found, colours, "results-chart-" + drawn));
    place.appendChild(figure);
  };
  Chart.prototype.destroy = function () {};

  Yasr.registerPlugin("chart", Chart);
})();
