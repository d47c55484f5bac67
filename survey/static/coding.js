/* Span selection in the document view: put the selected words' position into the coding form.
 *
 * The offsets sent are UTF-16 units (what the browser counts) into the text of
 * #doc-text, the text nodes' text in order, skipping the <summary> of a
 * collapsed passage (it is a note, not the answer). The server converts them to
 * code points; nothing is converted here. Without this script the form still
 * codes the whole answer or the words typed.
 */
(function () {
  'use strict';
  var text = document.getElementById('doc-text');
  var form = document.getElementById('apply-form');
  if (!text || !form) { return; }
  var startField = document.getElementById('sel-start');
  var endField = document.getElementById('sel-end');
  var unitsField = document.getElementById('sel-units');
  var box = document.getElementById('selection-box');
  var shown = document.getElementById('selection');
  var words = document.getElementById('words');
  box.hidden = false;

  function inSummary(node) {
    for (var n = node.parentNode; n && n !== text; n = n.parentNode) {
      if (n.nodeName === 'SUMMARY') { return true; }
    }
    return false;
  }

  /* The UTF-16 offset into the answer's text of the boundary point (container, offset). */
  function position(container, offset) {
    var before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(container, offset);
    var walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
    var total = 0;
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (inSummary(node)) { continue; }
      if (node === container) { return total + offset; }
      if (!before.intersectsNode(node)) { break; }
      total += node.length;
    }
    return total;
  }

  function clear(message) {
    startField.value = '';
    endField.value = '';
    unitsField.value = 'codepoints';
    shown.textContent = message;
  }

  function update() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      clear('Nothing selected yet.');
      return;
    }
    var range = selection.getRangeAt(0).cloneRange();
    if (!range.intersectsNode(text)) { return; }
    /* A selection running past the answer (a triple click) is cut to it. */
    if (!text.contains(range.startContainer)) { range.setStart(text, 0); }
    if (!text.contains(range.endContainer)) { range.setEnd(text, text.childNodes.length); }
    var start = position(range.startContainer, range.startOffset);
    var end = position(range.endContainer, range.endOffset);
    if (end <= start) { clear('Nothing selected yet.'); return; }
    startField.value = String(start);
    endField.value = String(end);
    unitsField.value = 'utf16';
    var chosen = range.toString();
    shown.textContent = 'Selected: “' + (chosen.length > 120 ? chosen.slice(0, 120) + '…' : chosen) + '”';
  }

  var pending = null;
  document.addEventListener('selectionchange', function () {
    if (pending) { window.clearTimeout(pending); }
    pending = window.setTimeout(update, 80);
  });
  text.addEventListener('mouseup', update);
  text.addEventListener('keyup', update);
  if (words) {
    words.addEventListener('input', function () {
      clear('Select words in the answer above to code them.');
    });
  }
}());
