/* Body editor for official documents: a toolbar over the plain textarea that marks the
   current line (or selection) as one of the layout's elements — the four heading levels
   一、 （一） 1. （1）, a paragraph, or a table. Without JavaScript the textarea works as
   it is; the server keeps only these elements either way. */
(function () {
  "use strict";
  var TAGS = ["h2", "h3", "h4", "h5", "p"];

  function lineBounds(text, start, end) {
    var from = text.lastIndexOf("\n", start - 1) + 1;
    var to = text.indexOf("\n", end);
    return [from, to === -1 ? text.length : to];
  }

  function strip(line) {
    return line.replace(/^\s*<(h[2-5]|p)>/i, "").replace(/<\/(h[2-5]|p)>\s*$/i, "");
  }

  function mark(area, tag) {
    var b = lineBounds(area.value, area.selectionStart, area.selectionEnd);
    var lines = area.value.slice(b[0], b[1]).split("\n").map(function (line) {
      return line.trim() ? "<" + tag + ">" + strip(line.trim()) + "</" + tag + ">" : line;
    });
    area.setRangeText(lines.join("\n"), b[0], b[1], "select");
    area.focus();
  }

  function table(area) {
    var snippet = "\n<table><tr><td></td><td></td></tr><tr><td></td><td></td></tr></table>\n";
    area.setRangeText(snippet, area.selectionEnd, area.selectionEnd, "end");
    area.focus();
  }

  function build(area) {
    var bar = document.createElement("div");
    bar.className = "editor-bar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", area.dataset.editorLabel || "");
    bar.setAttribute("aria-controls", area.id);
    var labels = (area.dataset.editorButtons || "").split("|");
    TAGS.concat(["table"]).forEach(function (tag, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = labels[i] || tag;
      button.addEventListener("click", function () {
        if (tag === "table") { table(area); } else { mark(area, tag); }
      });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-editor]"), build);
  });
})();
